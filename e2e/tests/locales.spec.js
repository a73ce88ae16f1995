// Locales (issue 14): the `locale` option, navigator.languages negotiation, English fallback, the
// locale file fetched beside the first API requests (not after them), and a failed file.
const { test, expect, newToken, openWidget, dialogOf, hostPage, log, isolation } = require("./helpers");

test("locale option: French strings, lang and dir", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token, { locale: "fr" });
  await expect(dialog.getByRole("button", { name: "Continuer" })).toBeVisible();
  await expect(dialog).toHaveAttribute("lang", "fr");
  await expect(dialog).toHaveAttribute("dir", "ltr");
  await expect(dialog.getByRole("link", { name: "politique de confidentialité" })).toBeVisible();
  await dialog.getByRole("button", { name: "Continuer" }).click();
  await expect(dialog.getByRole("heading", { name: "Choisissez votre appareil ou votre application" })).toBeVisible();
  // In iframe isolation the frame the host page's screen reader announces is titled in French.
  if (isolation() === "iframe") {
    await expect(page.locator("vital-link-widget iframe")).toHaveAttribute("title", "Connecter un appareil");
  }
});

test("an English session's frame keeps its English title", async ({ page }) => {
  test.skip(isolation() !== "iframe", "the title of the widget's iframe");
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token, { locale: "en" });
  await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
  await expect(page.locator("vital-link-widget iframe")).toHaveAttribute("title", "Connect a device");
});

test("right-to-left locales get dir=rtl", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token, { locale: "he-IL" });
  await expect(dialog.getByRole("button", { name: "המשך" })).toBeVisible();
  await expect(dialog).toHaveAttribute("lang", "he");
  await expect(dialog).toHaveAttribute("dir", "rtl");
});

for (const [browser, code, label] of [["pt-BR", "pt", "Continuar"], ["nb-NO", "no", "Fortsett"]]) {
  test.describe(`browser language ${browser}`, () => {
    test.use({ locale: browser });
    test(`navigator.languages ${browser} negotiates ${code}`, async ({ page }) => {
      const t = await newToken();
      const dialog = await openWidget(page, t.link_token);
      await expect(dialog.getByRole("button", { name: label })).toBeVisible();
      await expect(dialog).toHaveAttribute("lang", code);
    });
  });
}

test("an unknown locale gets English and fetches no locale file", async ({ page }) => {
  const fetched = [];
  page.on("request", (r) => { if (/\/locales\//.test(r.url())) fetched.push(r.url()); });
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token, { locale: "xx-YY" });
  await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
  await expect(dialog).toHaveAttribute("lang", "en");
  expect(fetched).toEqual([]);
});

test("right-to-left from the loading screen on: the locale applies as soon as its file is in", async ({ page }) => {
  // The API's first answer is held 1.5 s; the Arabic file is not.
  await page.route(/\/v2\/link\/token\/info$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token, { locale: "ar" });
  // Still loading (no Continue yet), already right-to-left and Arabic.
  await expect(dialog).toHaveAttribute("dir", "rtl");
  await expect(dialog).toHaveAttribute("lang", "ar");
  await expect(dialog.getByRole("button", { name: "متابعة" })).toHaveCount(0);
  // The loading screen's words are Arabic too, once the file is in (none before it).
  await expect(dialog.getByRole("status")).toHaveText("جارٍ التحميل…");
  await expect(dialog.getByRole("button", { name: "إغلاق" })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Close" })).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: "متابعة" })).toBeVisible();
  // The team's (Latin) name inside the Arabic heading is bidi-isolated (U+2068 … U+2069).
  await expect(dialog.getByRole("heading")).toHaveText(/\u2068[^\u2069]*[A-Za-z][^\u2069]*\u2069/);
});

test("the locale file loads in parallel with the first API requests", async ({ page }) => {
  const times = {};
  const stamp = (key) => { if (!(key in times)) times[key] = Date.now(); };
  // The file takes 800 ms: the API requests must not wait for it.
  await page.route("**/locales/de.json", async (route) => {
    stamp("locale:start");
    await new Promise((r) => setTimeout(r, 800));
    stamp("locale:end");
    await route.continue();
  });
  page.on("request", (r) => { if (/\/v2\/link\/token\/info$/.test(r.url())) stamp("api:start"); });
  page.on("requestfinished", (r) => { if (/\/v2\/link\/token\/info$/.test(r.url())) stamp("api:end"); });
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token, { locale: "de" });
  await expect(dialog.getByRole("button", { name: "Weiter" })).toBeVisible();
  // The loading screen stayed until both were in: no English screen in between.
  expect((await log(page)).filter((e) => e.kind === "onEvent" && e.name === "TRANSITION_VIEW")
    .map((e) => e.metadata.view)).toEqual(["LOADING", "AGREEMENT"]);
  expect(times["locale:start"]).toBeLessThanOrEqual(times["api:start"]); // (same ms is fine)
  expect(times["api:start"]).toBeLessThan(times["locale:end"]);
  expect(times["api:end"]).toBeLessThan(times["locale:end"]);
});

test("a locale file that fails leaves the widget in English, with no error", async ({ page }) => {
  await page.route("**/locales/fr.json", (route) => route.fulfill({ status: 404, body: "" }));
  // The API's first answer is held 1.5 s: the loading screen gets its English words meanwhile.
  await page.route(/\/v2\/link\/token\/info$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token, { locale: "fr" });
  await expect(dialog.getByRole("status")).toHaveText("Loading…");
  await expect(dialog.getByRole("button", { name: "Continue" })).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
  await expect(dialog).toHaveAttribute("lang", "en");
  expect((await log(page)).filter((e) => e.kind === "onError")).toEqual([]);
});
