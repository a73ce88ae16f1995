// The token's on_error / on_close redirect options, and Close without them, as a host page sees
// them. A redirect replaces the host page (and its window.__log), so the log is mirrored to the
// test through an exposed function as it is written.
const { test, expect, newToken, connections, openWidget, callbacks, log, HOST , dialogOf, expectClosed, hostPage, widgetRoot, isolation } = require("./helpers");

const LANDING = () => `${HOST()}/landing.html?from=e2e`;

/** Mirrors every window.__log entry of the host page into the returned array, in order, even
 * across a navigation that unloads the page. Call before openWidget. */
async function mirrorLog(page) {
  const entries = [];
  await page.exposeFunction("__mirror", (json) => entries.push(JSON.parse(json)));
  await page.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => {
      const log = window.__log;
      if (!log) return;
      log.push = function (...items) {
        for (const e of items) window.__mirror(JSON.stringify(e));
        return Array.prototype.push.apply(this, items);
      };
    }, { once: true });
  });
  return entries;
}

const kinds = (entries) => entries.filter((e) => /^on(Success|Exit|Error)$/.test(e.kind)).map((e) => e.kind);

async function toPassword(dialog, name = "Peloton") {
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await dialog.getByRole("searchbox").fill(name);
  await dialog.getByRole("button", { name: new RegExp(name) }).click();
  await expect(dialog.getByLabel(/username/i)).toBeVisible();
}

async function submit(dialog, user, pass) {
  await dialog.getByLabel(/username/i).fill(user);
  await dialog.getByLabel("Password", { exact: true }).fill(pass);
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
}

function landed(page) {
  const url = new URL(page.url());
  expect(url.origin + url.pathname).toBe(`${HOST()}/landing.html`);
  return [...url.searchParams];
}

test("on_error=redirect: onError fires, then the page lands on redirect_url with the error", async ({ page }) => {
  const t = await newToken({ redirect_url: LANDING(), on_error: "redirect" });
  const mirrored = await mirrorLog(page);
  const dialog = await openWidget(page, t.link_token);
  await toPassword(dialog);
  // A fixable error stays inline: no callback, no redirect.
  await submit(dialog, "user_good", "wrong");
  await expect(dialog.getByRole("alert")).toContainText("not correct");
  expect(new URL(page.url()).pathname).toBe("/host.html");
  expect(await callbacks(page)).toEqual([]);
  // A provider outage is an error screen: onError, then the redirect.
  await submit(dialog, "user_down", "pass_good");
  await page.waitForURL(/\/landing\.html\?/);
  await expect(page.getByRole("heading", { name: "Back in the host app" })).toBeVisible();
  const params = landed(page);
  expect(params.map(([k]) => k)).toEqual(["from", "state", "error_type", "error", "provider"]);
  const q = Object.fromEntries(params);
  expect(q).toMatchObject({ from: "e2e", state: "error", error_type: "provider_api_error", provider: "peloton" });
  expect(q.error).toContain("not responding");
  expect(kinds(mirrored)).toEqual(["onError"]);
  const err = mirrored.find((e) => e.kind === "onError").metadata;
  expect(err).toMatchObject({ state: "error", error_type: "provider_api_error", provider: "peloton", error: q.error });
  // The error view was reached (and announced) before the page went away.
  const events = mirrored.filter((e) => e.kind === "onEvent")
    .map((e) => [e.name, e.metadata.error_type || e.metadata.view]);
  expect(events.slice(-5)).toEqual([
    ["SUBMIT_CREDENTIALS", "PASSWORD"], ["ERROR", "provider_credential_error"],
    ["SUBMIT_CREDENTIALS", "PASSWORD"], ["ERROR", "provider_api_error"], ["TRANSITION_VIEW", "ERROR"],
  ]);
  expect(mirrored.filter((e) => e.kind === "dom:error")).toHaveLength(1);
  expect(await connections(t.userId)).toEqual([]);
});

test("on_close=redirect: Close fires onExit(user_cancelled), then lands on redirect_url", async ({ page }) => {
  const t = await newToken({ redirect_url: LANDING(), on_close: "redirect" });
  const mirrored = await mirrorLog(page);
  const dialog = await openWidget(page, t.link_token);
  await toPassword(dialog);
  await dialog.getByRole("button", { name: "Close" }).click();
  await page.waitForURL(/\/landing\.html\?/);
  const params = landed(page);
  expect(params.map(([k]) => k)).toEqual(["from", "state", "error_type", "error", "provider"]);
  expect(Object.fromEntries(params)).toMatchObject({
    from: "e2e", state: "error", error_type: "user_cancelled", provider: "peloton",
  });
  expect(kinds(mirrored)).toEqual(["onExit"]);
  const exit = mirrored.find((e) => e.kind === "onExit").metadata;
  expect(exit).toMatchObject({ state: "exit", error_type: "user_cancelled", provider: "peloton", view: "PASSWORD" });
  const last = mirrored.filter((e) => e.kind === "onEvent").pop();
  expect(last).toMatchObject({ name: "EXIT", metadata: { view: "PASSWORD", provider: "peloton" } });
  expect(mirrored.filter((e) => e.kind === "dom:exit")).toHaveLength(1);
  expect(await connections(t.userId)).toEqual([]);
});

test("on_close=redirect, Close on the agreement: no provider parameter", async ({ page }) => {
  const t = await newToken({ redirect_url: LANDING(), on_close: "redirect" });
  const mirrored = await mirrorLog(page);
  const dialog = await openWidget(page, t.link_token);
  await expect(dialog.getByRole("button", { name: "Continue", exact: true })).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
  await page.waitForURL(/\/landing\.html\?/);
  const params = landed(page);
  expect(params.map(([k]) => k)).toEqual(["from", "state", "error_type", "error"]);
  expect(Object.fromEntries(params)).toMatchObject({ state: "error", error_type: "user_cancelled" });
  expect(kinds(mirrored)).toEqual(["onExit"]);
  expect(mirrored.find((e) => e.kind === "onExit").metadata).toMatchObject({
    error_type: "user_cancelled", provider: null, view: "AGREEMENT",
  });
});

test("on_close=redirect after a success: Done closes without a redirect", async ({ page }) => {
  const t = await newToken({ redirect_url: LANDING(), on_close: "redirect" });
  const dialog = await openWidget(page, t.link_token);
  await toPassword(dialog);
  await submit(dialog, "user_good", "pass_good");
  await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expectClosed(page);
  // Give a (wrong) redirect time to happen.
  await page.waitForTimeout(500);
  expect(new URL(page.url()).pathname).toBe("/host.html");
  const cbs = await callbacks(page);
  expect(cbs.map((c) => c.kind)).toEqual(["onSuccess", "onExit"]);
  expect(cbs[1].metadata).toMatchObject({ error_type: null, view: "SUCCESS", provider: "peloton" });
  expect((await connections(t.userId)).map((c) => c.slug)).toEqual(["peloton"]);
});

test("without redirect options an error screen does not navigate", async ({ page }) => {
  const t = await newToken({ redirect_url: LANDING() });
  const dialog = await openWidget(page, t.link_token);
  await toPassword(dialog);
  await submit(dialog, "user_down", "pass_good");
  await expect(dialog.getByRole("alert")).toContainText("not responding");
  await page.waitForTimeout(500);
  expect(new URL(page.url()).pathname).toBe("/host.html");
  expect((await callbacks(page)).map((c) => c.kind)).toEqual(["onError"]);
});

for (const [where, go, view, provider] of [
  ["the picker", async (dialog) => {
    await dialog.getByRole("button", { name: "Continue", exact: true }).click();
    await expect(dialog.getByRole("searchbox")).toBeVisible();
  }, "PROVIDER_PICKER", null],
  ["the password form", (dialog) => toPassword(dialog), "PASSWORD", "peloton"],
]) {
  test(`Close on ${where} without redirect options: onExit(user_cancelled), widget removed`, async ({ page }) => {
    const t = await newToken({ redirect_url: LANDING() });
    const dialog = await openWidget(page, t.link_token);
    await go(dialog);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expectClosed(page);
    await expect(dialogOf(page)).toHaveCount(0);
    const cbs = await callbacks(page);
    expect(cbs.map((c) => c.kind)).toEqual(["onExit"]);
    expect(cbs[0].metadata).toMatchObject({ state: "exit", error_type: "user_cancelled", provider, view });
    expect(cbs[0].metadata.link_session_id).toBeTruthy();
    const entries = await log(page);
    const exitEvent = entries.findIndex((e) => e.kind === "onEvent" && e.name === "EXIT");
    const domExit = entries.findIndex((e) => e.kind === "dom:exit");
    const onExit = entries.findIndex((e) => e.kind === "onExit");
    expect(exitEvent).toBeGreaterThanOrEqual(0);
    expect(exitEvent).toBeLessThan(domExit);
    expect(domExit).toBeLessThan(onExit);
    expect(entries[domExit].detail).toEqual(cbs[0].metadata);
    // The page stays, scrolls again, and nothing else arrives.
    await page.waitForTimeout(300);
    expect(new URL(page.url()).pathname).toBe("/host.html");
    expect(await page.evaluate(() => document.documentElement.style.overflow)).toBe("");
    expect((await callbacks(page)).length).toBe(1);
    expect(await connections(t.userId)).toEqual([]);
  });
}
