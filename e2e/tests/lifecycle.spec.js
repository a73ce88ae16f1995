// The handler's lifecycle as a host page uses it: open before load, several handlers,
// destroy, exit, loading the script twice, and no leftovers.
const { test, expect, newToken, openWidget, log, callbacks, waitForCallback, HOST, API , dialogOf, expectClosed, hostPage, widgetRoot, isolation } = require("./helpers");

test("open() before the wasm loaded still opens; onLoad fires once", async ({ page }) => {
  const t = await newToken();
  // auto= opens at DOMContentLoaded, before the module can have loaded.
  await page.goto(hostPage({ auto: t.link_token }));
  const dialog = dialogOf(page);
  await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
  const order = await page.evaluate(() => {
    const at = (n) => performance.getEntriesByName(n)[0].startTime;
    return at("vital-link:open") < at("vital-link:ready");
  });
  expect(order).toBe(true);
  expect((await log(page)).filter((e) => e.kind === "onLoad")).toHaveLength(1);
});

test("two handlers on one page each work and each get onLoad", async ({ page }) => {
  const [a, b] = [await newToken(), await newToken()];
  await openWidget(page, null);
  await page.waitForFunction(() => window.__log.some((e) => e.kind === "onLoad"));
  await page.evaluate(() => {
    window.__second = [];
    window.__h2 = window.Vital.create(window.__config({
      onLoad: () => window.__second.push("onLoad"),
      onExit: (m) => window.__second.push("onExit:" + m.error_type),
    }));
  });
  await page.waitForFunction(() => window.__second.includes("onLoad"));
  await page.evaluate((tok) => window.__open(tok), a.link_token);
  await expect(dialogOf(page).getByRole("button", { name: "Continue" })).toBeVisible();
  await page.evaluate(() => window.__handler.exit());
  await expectClosed(page);
  await page.evaluate((tok) => window.__h2.open(tok), b.link_token);
  await expect(dialogOf(page).getByRole("button", { name: "Continue" })).toBeVisible();
  await dialogOf(page).getByRole("button", { name: "Close" }).click();
  await expectClosed(page);
  expect(await page.evaluate(() => window.__second)).toEqual(["onLoad", "onExit:user_cancelled"]);
  const first = (await callbacks(page)).map((c) => c.kind + ":" + c.metadata.error_type);
  expect(first).toEqual(["onExit:user_cancelled"]);
  expect((await log(page)).filter((e) => e.kind === "onLoad")).toHaveLength(1);
});

test("destroy() twice is harmless, leaves no node and gives focus back", async ({ page }) => {
  const t = await newToken();
  await openWidget(page, null);
  await page.evaluate((tok) => { window.__nextToken = tok; }, t.link_token);
  await page.locator("#opener").click();
  await expect(dialogOf(page)).toBeVisible();
  await expect(page.locator("html")).toHaveCSS("overflow", "hidden");
  await page.evaluate(() => { window.__handler.destroy(); window.__handler.destroy(); });
  await expectClosed(page);
  await expect(page.locator("#opener")).toBeFocused();
  await expect(page.locator("html")).not.toHaveCSS("overflow", "hidden");
  expect(await callbacks(page)).toEqual([]);
  // A destroyed handler ignores open().
  await page.evaluate((tok) => window.__open(tok), t.link_token);
  await page.waitForTimeout(300);
  await expectClosed(page);
});

test("open and destroy 50 times leaves no nodes behind", async ({ page }) => {
  const t = await newToken();
  await openWidget(page, null);
  await page.waitForFunction(() => window.__log.some((e) => e.kind === "onLoad"));
  const before = await page.evaluate(() => document.querySelectorAll("*").length);
  const left = await page.evaluate(async (tok) => {
    // (In iframe isolation the page's own handler keeps its hidden iframe: not counted.)
    const own = document.querySelectorAll("vital-link-widget").length;
    for (let i = 0; i < 50; i++) {
      const h = window.Vital.create(window.__config());
      h.open(tok);
      while (document.querySelectorAll("vital-link-widget").length === own) await new Promise((r) => setTimeout(r, 5));
      h.destroy();
    }
    return document.querySelectorAll("vital-link-widget").length - own;
  }, t.link_token);
  expect(left).toBe(0);
  expect(await page.evaluate(() => document.querySelectorAll("*").length)).toBe(before);
  expect(await page.evaluate(() => document.documentElement.getAttribute("style") || "")).toBe("");
});

test("exit(): nothing on a handler never opened; after success it fires onExit(null) once", async ({ page }) => {
  const t = await newToken({ provider: "peloton" });
  await openWidget(page, null);
  await page.waitForFunction(() => window.__log.some((e) => e.kind === "onLoad"));
  await page.evaluate(() => window.__handler.exit());
  expect(await callbacks(page)).toEqual([]);
  await page.evaluate((tok) => window.__open(tok), t.link_token);
  const dialog = dialogOf(page);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await dialog.getByLabel(/username/i).fill("user_good");
  await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await waitForCallback(page, "onSuccess");
  await page.evaluate(() => { window.__handler.exit({ force: true }); });
  await expectClosed(page);
  await page.evaluate(() => window.__handler.exit());
  await page.waitForTimeout(200);
  const cbs = await callbacks(page);
  expect(cbs.map((c) => c.kind)).toEqual(["onSuccess", "onExit"]);
  expect(cbs[1].metadata).toMatchObject({ state: "exit", error_type: null, provider: "peloton", view: "SUCCESS" });
});

test("loading initialize.js twice is harmless", async ({ page }) => {
  const t = await newToken();
  await openWidget(page, null);
  await page.waitForFunction(() => window.__log.some((e) => e.kind === "onLoad"));
  const same = await page.evaluate(async () => {
    const before = window.Vital;
    const s = document.createElement("script");
    s.src = "/widget/initialize.js";
    await new Promise((r) => { s.onload = r; document.head.appendChild(s); });
    return window.Vital === before;
  });
  expect(same).toBe(true);
  await page.evaluate((tok) => window.__open(tok), t.link_token);
  await expect(page.locator("vital-link-widget")).toHaveCount(1);
});

test("inline mode renders in the container, without a modal or scroll lock", async ({ page }) => {
  const t = await newToken();
  await openWidget(page, t.link_token, { inline: "1" });
  const inSlot = page.locator("#inline-slot vital-link-widget");
  await expect(inSlot).toHaveCount(1);
  const dialog = dialogOf(page);
  await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
  await expect(dialog).not.toHaveAttribute("aria-modal", "true");
  await expect(page.locator("html")).not.toHaveCSS("overflow", "hidden");
});

test("Esc closes the modal with onExit(user_cancelled) and the view", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await expect(dialog.getByRole("button", { name: "Continue" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expectClosed(page);
  const exit = await waitForCallback(page, "onExit");
  expect(exit).toMatchObject({ state: "exit", error_type: "user_cancelled", view: "AGREEMENT" });
});

test("locale option: Spanish strings", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token, { locale: "es-MX" });
  await expect(dialog.getByRole("button", { name: "Continuar" })).toBeVisible();
  await expect(dialog).toHaveAttribute("lang", "es");
});
