// Every screen in light and dark, in English and in Arabic (right-to-left), and in Hebrew (the
// other right-to-left locale) light: a screenshot under e2e/screenshots/<variant>/ (light, dark,
// ar-light, ar-dark, he-light) and an axe-core accessibility
// check (WCAG 2.2 A/AA, shadow DOM included; inside the widget's frame in iframe isolation) with
// no violations. The buttons and fields are found by their names in the locale's file.
const fs = require("fs");
const path = require("path");
const { test, expect, newToken, openWidget, API, dialogOf, widgetFrame, isolation } = require("./helpers");

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const OUT = path.join(__dirname, "..", "screenshots");
const LOCALES = path.join(__dirname, "..", "..", "locales");
const strings = (code) => JSON.parse(fs.readFileSync(path.join(LOCALES, `${code}.json`), "utf8"));
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** axe-core on the widget (its shadow root, or the widget's frame): the violations, as lines. */
async function axe(page) {
  const frame = widgetFrame(page);
  // Injected through DevTools evaluation: no inline script, so the page's CSP is untouched.
  await frame.evaluate(AXE);
  return frame.evaluate(async ({ tags, iframe }) => {
    // The widget only: the test host page has deliberately hostile styles of its own.
    const context = iframe ? document : { include: [["vital-link-widget"]] };
    const r = await window.axe.run(context, { runOnly: { type: "tag", values: tags } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, { tags: TAGS, iframe: isolation() === "iframe" });
}

async function check(page, variant, name) {
  const dialog = dialogOf(page);
  await expect(dialog).toBeVisible();
  // Let the view settle (focus, fonts) before the picture.
  await page.waitForTimeout(150);
  fs.mkdirSync(path.join(OUT, variant), { recursive: true });
  await page.screenshot({ path: path.join(OUT, variant, `${name}.png`) });
  expect(await axe(page), `${variant} ${name}`).toEqual([]);
}

const VARIANTS = [
  { variant: "light", theme: "light", locale: "en" },
  { variant: "dark", theme: "dark", locale: "en" },
  { variant: "ar-light", theme: "light", locale: "ar" },
  { variant: "ar-dark", theme: "dark", locale: "ar" },
  { variant: "he-light", theme: "light", locale: "he" },
];
const RTL = ["ar", "he"];

for (const { variant, theme, locale } of VARIANTS) {
  const L = strings(locale);
  const exact = { exact: true };
  // "Continue to {provider}": the text before the placeholder.
  const continueTo = new RegExp("^" + L.oauth_continue.split("{provider}")[0].trim());
  const query = locale === "en" ? { theme } : { theme, locale };
  test.describe(`${variant}`, () => {
    test.use({ colorScheme: theme });

    test(`loading, agreement, picker, error (${variant})`, async ({ page }) => {
      const t = await newToken();
      // Hold the provider list back to catch the loading screen.
      let release;
      const held = new Promise((r) => { release = r; });
      await page.route(`${API()}/v2/link/providers`, async (route) => { await held; await route.continue(); });
      const dialog = await openWidget(page, t.link_token, query);
      await expect(dialog.getByRole("status")).toBeVisible();
      // In another locale the loading line stays empty (and the dialog's lang/dir English)
      // until its file is in, then shows the locale's words; the first screen awaits both the
      // file and the API answers.
      if (locale === "en") await expect(dialog.getByRole("status")).toHaveText(L.loading);
      await check(page, variant, "01-loading");
      release();
      await expect(dialog.getByRole("button", { name: L.continue, ...exact })).toBeVisible();
      await expect(dialog).toHaveAttribute("lang", locale);
      await expect(dialog).toHaveAttribute("dir", RTL.includes(locale) ? "rtl" : "ltr");
      await check(page, variant, "02-agreement");
      await dialog.getByRole("button", { name: L.continue, ...exact }).click();
      await expect(dialog.getByRole("searchbox")).toBeVisible();
      await check(page, variant, "03-picker");
      await dialog.getByRole("searchbox").fill("fit");
      await check(page, variant, "04-picker-search");

      const bad = await openWidget(page, "not-a-real-token", query);
      await expect(bad.getByRole("alert")).toBeVisible();
      await check(page, variant, "12-error-invalid-token");
    });

    test(`password, MFA, success (${variant})`, async ({ page }) => {
      const t = await newToken({ provider: "peloton" });
      const dialog = await openWidget(page, t.link_token, query);
      await dialog.getByRole("button", { name: L.continue, ...exact }).click();
      await expect(dialog.getByLabel(L.username_label, exact)).toBeVisible();
      await check(page, variant, "05-password");
      await dialog.getByLabel(L.username_label, exact).fill("user_mfa");
      await dialog.getByLabel(L.password_label, exact).fill("wrong");
      await dialog.getByRole("button", { name: L.connect, ...exact }).click();
      await expect(dialog.getByRole("alert")).toBeVisible();
      await check(page, variant, "06-password-error");
      await dialog.getByLabel(L.password_label, exact).fill("pass_good");
      await dialog.getByRole("button", { name: L.connect, ...exact }).click();
      await expect(dialog.getByLabel(L.mfa_code_label, exact)).toBeVisible();
      // The code field and the masked number stay left-to-right in every locale.
      await expect(dialog.getByLabel(L.mfa_code_label, exact)).toHaveAttribute("dir", "ltr");
      await check(page, variant, "07-mfa");
      await dialog.getByLabel(L.mfa_code_label, exact).fill("123456");
      await dialog.getByRole("button", { name: L.verify, ...exact }).click();
      await expect(dialog.getByRole("heading", { name: L.success_title, ...exact })).toBeVisible();
      await check(page, variant, "10-success");
    });

    test(`email, OAuth, provider error (${variant})`, async ({ page }) => {
      const e = await newToken({ provider: "freestyle_libre" });
      let dialog = await openWidget(page, e.link_token, query);
      await dialog.getByRole("button", { name: L.continue, ...exact }).click();
      await expect(dialog.getByLabel(L.email_label, exact)).toBeVisible();
      await check(page, variant, "08-email");

      const o = await newToken({ provider: "oura" });
      dialog = await openWidget(page, o.link_token, query);
      await dialog.getByRole("button", { name: L.continue, ...exact }).click();
      await expect(dialog.getByRole("button", { name: continueTo })).toBeVisible();
      await check(page, variant, "09-oauth");

      const p = await newToken({ provider: "peloton" });
      dialog = await openWidget(page, p.link_token, query);
      await dialog.getByRole("button", { name: L.continue, ...exact }).click();
      await dialog.getByLabel(L.username_label, exact).fill("user_down");
      await dialog.getByLabel(L.password_label, exact).fill("pass_good");
      await dialog.getByRole("button", { name: L.connect, ...exact }).click();
      await expect(dialog.getByRole("button", { name: L.retry, ...exact })).toBeVisible();
      await check(page, variant, "11-error-provider-down");
    });
  });
}

