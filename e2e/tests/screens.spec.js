// Every screen in light and dark: a screenshot under e2e/screenshots/<theme>/ and an axe-core
// accessibility check (WCAG 2.1 A/AA, shadow DOM included) with no violations.
const fs = require("fs");
const path = require("path");
const { test, expect, newToken, openWidget, API , dialogOf, expectClosed, hostPage, widgetRoot, isolation } = require("./helpers");

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const OUT = path.join(__dirname, "..", "screenshots");

async function check(page, theme, name) {
  const dialog = dialogOf(page);
  await expect(dialog).toBeVisible();
  // Let the view settle (focus, fonts) before the picture.
  await page.waitForTimeout(150);
  fs.mkdirSync(path.join(OUT, theme), { recursive: true });
  await page.screenshot({ path: path.join(OUT, theme, `${name}.png`) });
  // Injected through DevTools evaluation: no inline script, so the page's CSP is untouched.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    // The widget only: the test host page has deliberately hostile styles of its own.
    const r = await window.axe.run({ include: [["vital-link-widget"]] }, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  expect(violations, `${theme} ${name}`).toEqual([]);
}

for (const theme of ["light", "dark"]) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme });

    test(`loading, agreement, picker, error (${theme})`, async ({ page }) => {
      const t = await newToken();
      // Hold the provider list back to catch the loading screen.
      let release;
      const held = new Promise((r) => { release = r; });
      await page.route(`${API()}/v2/link/providers`, async (route) => { await held; await route.continue(); });
      const dialog = await openWidget(page, t.link_token, { theme });
      await expect(dialog.getByRole("status")).toBeVisible();
      await check(page, theme, "01-loading");
      release();
      await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
      await check(page, theme, "02-agreement");
      await dialog.getByRole("button", { name: "Continue" }).click();
      await expect(dialog.getByRole("searchbox")).toBeVisible();
      await check(page, theme, "03-picker");
      await dialog.getByRole("searchbox").fill("fit");
      await check(page, theme, "04-picker-search");

      const bad = await openWidget(page, "not-a-real-token", { theme });
      await expect(bad.getByRole("alert")).toBeVisible();
      await check(page, theme, "12-error-invalid-token");
    });

    test(`password, MFA, success (${theme})`, async ({ page }) => {
      const t = await newToken({ provider: "peloton" });
      const dialog = await openWidget(page, t.link_token, { theme });
      await dialog.getByRole("button", { name: "Continue" }).click();
      await expect(dialog.getByLabel(/username/i)).toBeVisible();
      await check(page, theme, "05-password");
      await dialog.getByLabel(/username/i).fill("user_mfa");
      await dialog.getByLabel("Password", { exact: true }).fill("wrong");
      await dialog.getByRole("button", { name: "Connect", exact: true }).click();
      await expect(dialog.getByRole("alert")).toBeVisible();
      await check(page, theme, "06-password-error");
      await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
      await dialog.getByRole("button", { name: "Connect", exact: true }).click();
      await expect(dialog.getByLabel("Verification code")).toBeVisible();
      await check(page, theme, "07-mfa");
      await dialog.getByLabel("Verification code").fill("123456");
      await dialog.getByRole("button", { name: "Verify" }).click();
      await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();
      await check(page, theme, "10-success");
    });

    test(`email, OAuth, provider error (${theme})`, async ({ page }) => {
      const e = await newToken({ provider: "freestyle_libre" });
      let dialog = await openWidget(page, e.link_token, { theme });
      await dialog.getByRole("button", { name: "Continue" }).click();
      await expect(dialog.getByLabel("Email address")).toBeVisible();
      await check(page, theme, "08-email");

      const o = await newToken({ provider: "oura" });
      dialog = await openWidget(page, o.link_token, { theme });
      await dialog.getByRole("button", { name: "Continue" }).click();
      await expect(dialog.getByRole("button", { name: /Continue to/ })).toBeVisible();
      await check(page, theme, "09-oauth");

      const p = await newToken({ provider: "peloton" });
      dialog = await openWidget(page, p.link_token, { theme });
      await dialog.getByRole("button", { name: "Continue" }).click();
      await dialog.getByLabel(/username/i).fill("user_down");
      await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
      await dialog.getByRole("button", { name: "Connect", exact: true }).click();
      await expect(dialog.getByRole("button", { name: "Try again" })).toBeVisible();
      await check(page, theme, "11-error-provider-down");
    });
  });
}
