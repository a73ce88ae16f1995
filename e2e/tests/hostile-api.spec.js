// A hostile or spoofed Link API (issue 15, item 2): the real server's answers, rewritten in
// flight, carry `javascript:` URLs where the widget navigates. Every path refuses them with an
// error screen and `error_type: "unsafe_url"`; nothing runs on the host page or in the widget.
const {
  test, expect, newToken, openWidget, waitForCallback, callbacks, API, HOST, isolation, widgetFrame,
} = require("./helpers");

const HOSTILE = "javascript:(window.opener||window).__pwned=1//";
const LANDING = () => `${HOST()}/landing.html?from=e2e`;

/** Rewrites the JSON answers of the real link-server for paths matching `re`. */
async function spoof(page, re, edit) {
  await page.route((url) => url.href.startsWith(API()) && re.test(url.pathname), async (route) => {
    const res = await route.fetch();
    const json = await res.json();
    edit(json);
    await route.fulfill({ response: res, json });
  });
}

async function toOauth(dialog) {
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await dialog.getByRole("searchbox").fill("Fitbit");
  await dialog.getByRole("button", { name: /Fitbit/ }).click();
  await expect(dialog.getByRole("heading", { name: "Sign in to continue" })).toBeVisible();
}

/** Nothing of the hostile URL ran: not on the host page, not in the widget's frame. */
async function expectNothingRan(page) {
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  const frame = widgetFrame(page);
  if (frame) expect(await frame.evaluate(() => window.__pwned)).toBeUndefined();
  expect(new URL(page.url()).pathname).toBe("/host.html");
}

test("a javascript: oauth_url is never opened in the popup", async ({ page }) => {
  const t = await newToken();
  await spoof(page, /^\/v2\/link\/provider\/oauth\//, (j) => { j.oauth_url = HOSTILE; });
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  const popups = [];
  page.on("popup", (p) => popups.push(p));
  await dialog.getByRole("button", { name: "Continue to Fitbit" }).click();
  const err = await waitForCallback(page, "onError");
  expect(err).toMatchObject({ state: "error", error_type: "unsafe_url", provider: "fitbit" });
  await expect(dialog.getByRole("button", { name: "Continue to Fitbit" })).toHaveCount(0);
  // The popup opened inside the click (about:blank) is closed again, never sent anywhere.
  await expect.poll(() => popups.every((p) => p.isClosed())).toBe(true);
  for (const p of popups) expect(p.url()).not.toContain("javascript");
  await expectNothingRan(page);
});

test("a javascript: oauth_url is never opened in this window when popups are blocked", async ({ page }) => {
  const t = await newToken({ redirect_url: LANDING() });
  await page.addInitScript(() => { window.open = () => null; });
  await spoof(page, /^\/v2\/link\/provider\/oauth\//, (j) => { j.oauth_url = HOSTILE; });
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  await dialog.getByRole("button", { name: "Continue to Fitbit" }).click();
  const err = await waitForCallback(page, "onError");
  expect(err.error_type).toBe("unsafe_url");
  // Neither "Continue in this window" nor the new-tab link is offered with that URL.
  await expect(dialog.getByRole("button", { name: "Continue in this window" })).toHaveCount(0);
  await expect(dialog.getByRole("link", { name: "Open sign-in in a new tab" })).toHaveCount(0);
  await expectNothingRan(page);
});

test("a javascript: redirect_url: error screen at open, and Close does not navigate", async ({ page }) => {
  const t = await newToken({ redirect_url: LANDING(), on_close: "redirect", on_error: "redirect" });
  await spoof(page, /^\/v2\/link\/token\/info$/, (j) => { j.redirect_url = HOSTILE; });
  const dialog = await openWidget(page, t.link_token);
  const err = await waitForCallback(page, "onError");
  expect(err.error_type).toBe("unsafe_url");
  await dialog.getByRole("button", { name: "Close" }).first().click();
  await waitForCallback(page, "onExit");
  await page.waitForTimeout(500);
  expect((await callbacks(page)).map((c) => c.kind)).toEqual(["onError", "onExit"]);
  await expectNothingRan(page);
});

test("the hosted page with a javascript: redirect_url shows the error and stays", async ({ page }) => {
  test.skip(isolation() === "iframe", "the hosted page is one mode of its own");
  const t = await newToken({ redirect_url: LANDING(), on_close: "redirect", on_error: "redirect" });
  await spoof(page, /^\/v2\/link\/token\/info$/, (j) => { j.redirect_url = HOSTILE; });
  await page.goto(t.link_web_url);
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading").first()).toBeVisible();
  // Close would go to redirect_url (on_close: "redirect"): refused, the tab stays.
  await dialog.getByRole("button", { name: "Close" }).first().click();
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(new URL(page.url()).origin).toBe(API());
});
