// OAuth flows through the server's sandbox consent page, as a host page sees them: the popup
// opened by "Continue to <provider>", its outcomes, a popup the user closes, a blocked popup.
const { test, expect, newToken, connections, openWidget, callbacks, waitForCallback, log, HOST, API , dialogOf, expectClosed, hostPage, widgetRoot, isolation, widgetFrame } = require("./helpers");

/** Agreement → picker → the provider's OAuth screen. */
async function toOauth(dialog, name = "Fitbit") {
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await dialog.getByRole("searchbox").fill(name);
  await dialog.getByRole("button", { name: new RegExp(name) }).click();
  await expect(dialog.getByRole("heading", { name: "Sign in to continue" })).toBeVisible();
}

/** Clicks "Continue to <provider>" and returns the popup once it shows the consent page. */
async function openPopup(page, dialog, name = "Fitbit") {
  const [popup] = await Promise.all([
    page.waitForEvent("popup"),
    dialog.getByRole("button", { name: `Continue to ${name}` }).click(),
  ]);
  await popup.waitForURL(/\/sandbox\/oauth\/authorize\?/);
  await expect(popup.getByRole("heading", { name: new RegExp(`access your ${name} data`) })).toBeVisible();
  return popup;
}

/** The events from `first` on, as "NAME" or "TRANSITION_VIEW:VIEW" (the picker's debounced
 * SEARCH_PROVIDER before it depends on typing speed, so the tail is what is compared). */
async function eventsFrom(page, first) {
  const all = (await log(page))
    .filter((e) => e.kind === "onEvent")
    .map((e) => (e.name === "TRANSITION_VIEW" ? `TRANSITION_VIEW:${e.metadata.view}` : e.name));
  const i = all.indexOf(first);
  expect(i, `${first} in ${all}`).toBeGreaterThanOrEqual(0);
  return all.slice(i);
}

function event(entries, name) {
  return entries.find((e) => e.kind === "onEvent" && e.name === name);
}

test("Allow in the popup: success, the popup closes, the connection is recorded", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  const popup = await openPopup(page, dialog);
  // While the popup is open the widget says so.
  await expect(dialog.getByRole("status")).toContainText("Finish signing in");
  // Every scope is ticked by default; the required ones are marked.
  const boxes = popup.getByRole("checkbox");
  expect(await boxes.count()).toBeGreaterThan(1);
  for (const b of await boxes.all()) await expect(b).toBeChecked();
  await expect(popup.locator("main")).toContainText("(required)");
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect.poll(() => popup.isClosed(), { timeout: 8_000 }).toBe(true);
  await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();
  await expect(dialog).toContainText("Fitbit");
  const success = await waitForCallback(page, "onSuccess");
  expect(success).toMatchObject({ state: "success", provider: "fitbit", provider_name: "Fitbit", auth_type: "oauth" });
  expect(success.link_session_id).toBeTruthy();
  expect(await callbacks(page)).toHaveLength(1);
  expect(await eventsFrom(page, "SELECT_PROVIDER")).toEqual([
    "SELECT_PROVIDER", "TRANSITION_VIEW:OAUTH", "OPEN_OAUTH", "HANDOFF", "TRANSITION_VIEW:SUCCESS",
  ]);
  const entries = await log(page);
  expect(event(entries, "OPEN_OAUTH").metadata).toMatchObject({ provider: "fitbit", view: "OAUTH" });
  expect(event(entries, "HANDOFF").metadata).toMatchObject({ provider: "fitbit" });
  const dom = entries.filter((e) => e.kind === "dom:success");
  expect(dom.map((e) => e.detail.provider)).toEqual(["fitbit"]);
  const conns = await connections(t.userId);
  expect(conns.map((c) => [c.slug, c.status])).toEqual([["fitbit", "connected"]]);
  // Done: onExit with error_type null from the success view, widget removed.
  await dialog.getByRole("button", { name: "Done" }).click();
  await expectClosed(page);
  const cbs = await callbacks(page);
  expect(cbs.map((c) => c.kind)).toEqual(["onSuccess", "onExit"]);
  expect(cbs[1].metadata).toMatchObject({ state: "exit", error_type: null, provider: "fitbit", view: "SUCCESS" });
});

for (const [what, act, errorType, text] of [
  ["Deny", async (popup) => popup.getByRole("button", { name: "Deny" }).click(),
    "provider_credential_error", /\w/],
  ["a required scope unticked", async (popup) => {
    await popup.getByRole("checkbox", { name: /^profile/ }).uncheck();
    await popup.getByRole("button", { name: "Allow" }).click();
  }, "required_scopes_not_granted", "required permissions"],
]) {
  test(`${what} in the popup: error screen, onError(${errorType}), popup closed`, async ({ page }) => {
    const t = await newToken();
    const dialog = await openWidget(page, t.link_token);
    await toOauth(dialog);
    const popup = await openPopup(page, dialog);
    await act(popup);
    await expect.poll(() => popup.isClosed(), { timeout: 8_000 }).toBe(true);
    await expect(dialog.getByRole("heading", { name: "Something went wrong" })).toBeVisible();
    await expect(dialog.getByRole("alert")).toContainText(text);
    await expect(dialog.getByRole("alert")).toHaveAttribute("data-error-type", errorType);
    const err = await waitForCallback(page, "onError");
    expect(err).toMatchObject({ state: "error", error_type: errorType, provider: "fitbit" });
    expect(err.error).toBeTruthy();
    expect(err.display_message).toBeTruthy();
    expect((await callbacks(page)).map((c) => c.kind)).toEqual(["onError"]);
    expect(await eventsFrom(page, "OPEN_OAUTH")).toEqual(["OPEN_OAUTH", "ERROR", "TRANSITION_VIEW:ERROR"]);
    expect(event(await log(page), "ERROR").metadata).toMatchObject({ error_type: errorType, provider: "fitbit" });
    expect(await connections(t.userId)).toEqual([]);
    // Try again goes back to the provider's screen; the same token can still succeed.
    await dialog.getByRole("button", { name: "Try again" }).click();
    const again = await openPopup(page, dialog);
    await again.getByRole("button", { name: "Allow" }).click();
    await expect.poll(() => again.isClosed(), { timeout: 8_000 }).toBe(true);
    const success = await waitForCallback(page, "onSuccess");
    expect(success.provider).toBe("fitbit");
    expect((await connections(t.userId)).map((c) => [c.slug, c.status])).toEqual([["fitbit", "connected"]]);
  });
}

test("the user closes the popup: back to the picker, CLOSE_OAUTH, no callback", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  const popup = await openPopup(page, dialog);
  await popup.close();
  await expect(dialog.getByRole("heading", { name: "Choose your device or app" })).toBeVisible();
  expect(await eventsFrom(page, "OPEN_OAUTH")).toEqual(["OPEN_OAUTH", "CLOSE_OAUTH", "TRANSITION_VIEW:PROVIDER_PICKER"]);
  expect(event(await log(page), "CLOSE_OAUTH").metadata).toMatchObject({ provider: "fitbit" });
  expect(await callbacks(page)).toEqual([]);
  expect(await connections(t.userId)).toEqual([]);
  // Nothing arrives later either (the polling stopped).
  await page.waitForTimeout(1_000);
  expect(await callbacks(page)).toEqual([]);
});

/** window.open returns null in every frame (the widget's iframe included), as when a popup
 * blocker steps in. */
async function blockPopups(page) {
  await page.addInitScript(() => {
    window.__openCalls = 0;
    window.open = function () { window.__openCalls++; return null; };
  });
}

test("popup blocked: 'Open sign-in in a new tab' completes the flow by polling", async ({ page }) => {
  const t = await newToken();
  await blockPopups(page);
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  await dialog.getByRole("button", { name: "Continue to Fitbit" }).click();
  await expect(dialog.getByRole("alert")).toContainText("blocked the sign-in window");
  expect(await widgetFrame(page).evaluate(() => window.__openCalls)).toBe(1);
  const link = dialog.getByRole("link", { name: "Open sign-in in a new tab" });
  await expect(link).toHaveAttribute("href", new RegExp(`^${API()}/sandbox/oauth/authorize\\?`));
  await expect(link).toHaveAttribute("target", "_blank");
  // Without a redirect_url there is nowhere for a full-page flow to end: not offered.
  await expect(dialog.getByRole("button", { name: "Continue in this window" })).toHaveCount(0);
  const [tab] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
  await tab.waitForURL(/\/sandbox\/oauth\/authorize\?/);
  await tab.getByRole("button", { name: "Allow" }).click();
  await expect(tab.getByRole("heading", { name: "Connected to Fitbit" })).toBeVisible();
  await expect(tab.locator("main")).toContainText("You can close this window");
  const success = await waitForCallback(page, "onSuccess");
  expect(success).toMatchObject({ state: "success", provider: "fitbit", auth_type: "oauth" });
  await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();
  expect(await eventsFrom(page, "OPEN_OAUTH")).toEqual(["OPEN_OAUTH", "HANDOFF", "TRANSITION_VIEW:SUCCESS"]);
  expect((await connections(t.userId)).map((c) => [c.slug, c.status])).toEqual([["fitbit", "connected"]]);
  await tab.close();
});

test("popup blocked with a redirect_url: 'Continue in this window' ends at redirect_url", async ({ page }) => {
  const redirect = `${HOST()}/landing.html?from=e2e`;
  const t = await newToken({ redirect_url: redirect });
  await blockPopups(page);
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  await dialog.getByRole("button", { name: "Continue to Fitbit" }).click();
  await expect(dialog.getByRole("link", { name: "Open sign-in in a new tab" })).toBeVisible();
  const before = await log(page);
  expect(before.filter((e) => /^on(Success|Exit|Error)$/.test(e.kind))).toEqual([]);
  expect(event(before, "OPEN_OAUTH").metadata.provider).toBe("fitbit");
  await dialog.getByRole("button", { name: "Continue in this window" }).click();
  await page.waitForURL(/\/sandbox\/oauth\/authorize\?/);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL(/\/landing\.html\?/);
  const url = new URL(page.url());
  expect(url.origin).toBe(HOST());
  expect([...url.searchParams]).toEqual([["from", "e2e"], ["state", "success"], ["provider", "fitbit"]]);
  await expect(page.getByRole("heading", { name: "Back in the host app" })).toBeVisible();
  expect((await connections(t.userId)).map((c) => [c.slug, c.status])).toEqual([["fitbit", "connected"]]);
});

test("with a redirect_url the popup lands on the host's page; the widget closes it and reports success", async ({ page }) => {
  const redirect = `${HOST()}/landing.html?from=e2e`;
  const t = await newToken({ redirect_url: redirect });
  // The callback's answer, seen by the browser (the popup may be closed right after landing).
  const callbackLocations = [];
  page.context().on("response", (r) => {
    if (r.url().startsWith(`${API()}/v2/link/connect/fitbit?`)) {
      callbackLocations.push([r.status(), r.headers()["location"]]);
    }
  });
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  const popup = await openPopup(page, dialog);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect.poll(() => popup.isClosed(), { timeout: 8_000 }).toBe(true);
  expect(callbackLocations).toHaveLength(1);
  expect(callbackLocations[0][0]).toBe(307);
  const to = new URL(callbackLocations[0][1]);
  expect(to.origin + to.pathname).toBe(`${HOST()}/landing.html`);
  expect([...to.searchParams]).toEqual([["from", "e2e"], ["state", "success"], ["provider", "fitbit"]]);
  const success = await waitForCallback(page, "onSuccess");
  expect(success).toMatchObject({ state: "success", provider: "fitbit", auth_type: "oauth" });
  await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();
  // The host page itself stayed where it was.
  expect(new URL(page.url()).pathname).toBe("/host.html");
  expect((await callbacks(page)).map((c) => c.kind)).toEqual(["onSuccess"]);
  expect((await connections(t.userId)).map((c) => [c.slug, c.status])).toEqual([["fitbit", "connected"]]);
});

test("Back while the popup is open closes it; a second attempt succeeds", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  const first = await openPopup(page, dialog);
  await dialog.getByRole("button", { name: "Back" }).click();
  await expect.poll(() => first.isClosed(), { timeout: 5_000 }).toBe(true);
  await expect(dialog.getByRole("button", { name: "Continue to Fitbit" })).toBeVisible();
  expect(await eventsFrom(page, "OPEN_OAUTH")).toEqual(["OPEN_OAUTH", "CLOSE_OAUTH"]);
  const second = await openPopup(page, dialog);
  await second.getByRole("button", { name: "Allow" }).click();
  await expect.poll(() => second.isClosed(), { timeout: 8_000 }).toBe(true);
  expect((await waitForCallback(page, "onSuccess")).provider).toBe("fitbit");
  expect(await eventsFrom(page, "OPEN_OAUTH")).toEqual([
    "OPEN_OAUTH", "CLOSE_OAUTH", "OPEN_OAUTH", "HANDOFF", "TRANSITION_VIEW:SUCCESS",
  ]);
  expect((await connections(t.userId)).map((c) => [c.slug, c.status])).toEqual([["fitbit", "connected"]]);
});

test("Close while the popup is open: onExit(user_cancelled) from OAUTH, popup closed", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  const popup = await openPopup(page, dialog);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expectClosed(page);
  await expect.poll(() => popup.isClosed(), { timeout: 5_000 }).toBe(true);
  const cbs = await callbacks(page);
  expect(cbs.map((c) => c.kind)).toEqual(["onExit"]);
  expect(cbs[0].metadata).toMatchObject({ state: "exit", error_type: "user_cancelled", provider: "fitbit", view: "OAUTH" });
  expect(await connections(t.userId)).toEqual([]);
});

test("destroy() while the popup is open leaves no popup behind", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await toOauth(dialog);
  const popup = await openPopup(page, dialog);
  await page.evaluate(() => window.__handler.destroy());
  await expectClosed(page);
  await expect.poll(() => popup.isClosed(), { timeout: 5_000 }).toBe(true);
  expect(await callbacks(page)).toEqual([]);
});
