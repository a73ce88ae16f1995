// The demo host page opens the widget, which shows its agreement screen.
const { test, expect } = require("@playwright/test");

test("demo page opens the widget on its agreement screen", async ({ page }) => {
  const problems = [];
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });

  await page.goto(`${process.env.LINK_URL}/demo`);
  await page.getByRole("button", { name: "Connect a device" }).click();

  // Playwright pierces the open shadow root of <vital-link-widget>.
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("heading", { level: 1 })).toContainText("Demo Health");
  await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
  await expect(dialog.getByRole("link", { name: "privacy policy" })).toBeVisible();
  await expect(page.locator("#log")).toContainText("onLoad");

  // The widget lives in a shadow root on a custom element.
  const inShadow = await page.evaluate(() => {
    const host = document.querySelector("vital-link-widget");
    return !!(host && host.shadowRoot && host.shadowRoot.querySelector("[role=dialog]"));
  });
  expect(inShadow).toBe(true);

  // Close fires onExit(user_cancelled) and removes the widget.
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.locator("vital-link-widget")).toHaveCount(0);
  await expect(page.locator("#log")).toContainText('"error_type":"user_cancelled"');
  expect(problems).toEqual([]);
});
