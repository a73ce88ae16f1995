// Hosted mode: link_web_url opened directly (link-server's own page at `/`, on LINK_URL, no host
// page and no host CSP). Completion sends the tab to the token's redirect_url.
const { test, expect, newToken, connections, HOST, API } = require("./helpers");

const LANDING = () => `${HOST()}/landing.html?from=e2e`;

/** Opens link_web_url; checks the page's headers and that the token left the address bar. */
async function openHosted(page, t) {
  const webUrl = new URL(t.link_web_url);
  expect(webUrl.origin).toBe(API());
  expect(webUrl.pathname).toBe("/");
  expect(webUrl.searchParams.get("token")).toBe(t.link_token);
  expect(webUrl.searchParams.get("env")).toBe("sandbox");
  expect(webUrl.searchParams.get("region")).toBe("us");
  const res = await page.goto(t.link_web_url);
  expect(res.status()).toBe(200);
  expect(res.headers()["referrer-policy"]).toBe("no-referrer");
  // No inline script: every <script> of the page loads a file.
  const scripts = [...(await res.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toMatch(/\ssrc=/);
  // Right after load, before anything else happens, the token is gone from the address bar
  // (the other parameters stay).
  expect(page.url()).not.toContain("token=");
  expect(page.url()).not.toContain(encodeURIComponent(t.link_token));
  const now = new URL(page.url());
  expect([...now.searchParams]).toEqual([["env", "sandbox"], ["region", "us"]]);
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("button", { name: "Continue", exact: true })).toBeVisible();
  // Full page, not a modal over something else.
  await expect(dialog).not.toHaveAttribute("aria-modal", "true");
  return dialog;
}

async function submit(dialog, user, pass) {
  await dialog.getByLabel(/username/i).fill(user);
  await dialog.getByLabel("Password", { exact: true }).fill(pass);
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
}

function landing(page) {
  const url = new URL(page.url());
  expect(url.origin + url.pathname).toBe(`${HOST()}/landing.html`);
  return [...url.searchParams];
}

test("hosted password flow: ends at redirect_url?state=success&provider=peloton", async ({ page }) => {
  const t = await newToken({ redirect_url: LANDING() });
  const dialog = await openHosted(page, t);
  // The hosted page's API calls go to its own origin.
  const apiCalls = [];
  page.on("request", (r) => { if (r.url().includes("/v2/")) apiCalls.push(new URL(r.url()).origin); });
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await dialog.getByRole("searchbox").fill("Peloton");
  await dialog.getByRole("button", { name: /Peloton/ }).click();
  await submit(dialog, "user_good", "pass_good");
  await page.waitForURL(/\/landing\.html\?/);
  expect(landing(page)).toEqual([["from", "e2e"], ["state", "success"], ["provider", "peloton"]]);
  await expect(page.getByRole("heading", { name: "Back in the host app" })).toBeVisible();
  expect(apiCalls.length).toBeGreaterThan(0);
  expect(new Set(apiCalls)).toEqual(new Set([API()]));
  expect((await connections(t.userId)).map((c) => [c.slug, c.status])).toEqual([["peloton", "connected"]]);
});

test("hosted, a token for one OAuth provider: agreement → consent page in the same tab → redirect_url", async ({ page }) => {
  const t = await newToken({ provider: "fitbit", redirect_url: LANDING() });
  const popups = [];
  page.on("popup", (p) => popups.push(p));
  const dialog = await openHosted(page, t);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await page.waitForURL(/\/sandbox\/oauth\/authorize\?/);
  expect(new URL(page.url()).origin).toBe(API());
  await expect(page.getByRole("heading", { name: /access your Fitbit data/ })).toBeVisible();
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL(/\/landing\.html\?/);
  expect(landing(page)).toEqual([["from", "e2e"], ["state", "success"], ["provider", "fitbit"]]);
  expect(popups).toEqual([]);
  expect(page.context().pages()).toHaveLength(1);
  expect((await connections(t.userId)).map((c) => [c.slug, c.status])).toEqual([["fitbit", "connected"]]);
});

test("hosted, one OAuth provider, Deny: ends at redirect_url with the error", async ({ page }) => {
  const t = await newToken({ provider: "fitbit", redirect_url: LANDING() });
  const dialog = await openHosted(page, t);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await page.waitForURL(/\/sandbox\/oauth\/authorize\?/);
  await page.getByRole("button", { name: "Deny" }).click();
  await page.waitForURL(/\/landing\.html\?/);
  const params = landing(page);
  expect(params.map(([k]) => k)).toEqual(["from", "state", "error_type", "error", "provider"]);
  expect(Object.fromEntries(params)).toMatchObject({
    state: "error", error_type: "provider_credential_error", provider: "fitbit",
  });
  expect(await connections(t.userId)).toEqual([]);
});

test("hosted, a provider outage: redirect_url with the error", async ({ page }) => {
  const t = await newToken({ provider: "peloton", redirect_url: LANDING() });
  const dialog = await openHosted(page, t);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  // A token for one password provider skips the picker.
  await submit(dialog, "user_down", "pass_good");
  await page.waitForURL(/\/landing\.html\?/);
  const q = Object.fromEntries(landing(page));
  expect(q).toMatchObject({ from: "e2e", state: "error", error_type: "provider_api_error", provider: "peloton" });
  expect(q.error).toContain("not responding");
  expect(await connections(t.userId)).toEqual([]);
});

test("hosted, on_close=redirect: Close lands on redirect_url with user_cancelled", async ({ page }) => {
  const t = await newToken({ redirect_url: LANDING(), on_close: "redirect" });
  const dialog = await openHosted(page, t);
  await dialog.getByRole("button", { name: "Close" }).click();
  await page.waitForURL(/\/landing\.html\?/);
  expect(Object.fromEntries(landing(page))).toMatchObject({
    from: "e2e", state: "error", error_type: "user_cancelled",
  });
});

test("hosted, Close in a tab a script opened: the tab closes", async ({ page }) => {
  const t = await newToken();
  // A tab opened by a script (as the host app would), so the browser lets the page close it.
  await page.goto(`${HOST()}/landing.html`);
  const [tab] = await Promise.all([
    page.waitForEvent("popup"),
    page.evaluate((u) => { window.open(u, "_blank"); }, t.link_web_url),
  ]);
  const errors = [];
  tab.on("pageerror", (e) => errors.push(e.message));
  const dialog = tab.getByRole("dialog");
  await expect(dialog.getByRole("button", { name: "Continue", exact: true })).toBeVisible();
  expect(tab.url()).not.toContain("token=");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect.poll(() => tab.isClosed(), { timeout: 5_000 }).toBe(true);
  expect(errors).toEqual([]);
  expect(await connections(t.userId)).toEqual([]);
});

test("hosted, Close in a tab the browser will not let a script close: 'you can close this tab'", async ({ browser }) => {
  const t = await newToken();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // Two entries in the tab's history: window.close() is not allowed then.
    await page.goto(`${HOST()}/landing.html`);
    await page.goto(t.link_web_url);
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("button", { name: "Continue", exact: true })).toBeVisible();
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(page.getByRole("status")).toHaveText("You can close this tab now.");
    await expect(page.locator("vital-link-widget")).toHaveCount(0);
    expect(page.isClosed()).toBe(false);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test("hosted, one OAuth provider: Back from the provider's page starts the session again", async ({ page }) => {
  const t = await newToken({ provider: "fitbit", redirect_url: LANDING() });
  let dialog = await openHosted(page, t);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await page.waitForURL(/\/sandbox\/oauth\/authorize\?/);
  // The user changes their mind on the provider's page and goes back.
  await page.goBack();
  expect(page.url()).not.toContain("token=");
  dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("button", { name: "Continue", exact: true })).toBeVisible();
  await expect(dialog.getByRole("alert")).toHaveCount(0);
  // ... and can still go through with the same link.
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await page.waitForURL(/\/sandbox\/oauth\/authorize\?/);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL(/\/landing\.html\?/);
  expect(landing(page)).toEqual([["from", "e2e"], ["state", "success"], ["provider", "fitbit"]]);
  expect((await connections(t.userId)).map((c) => [c.slug, c.status])).toEqual([["fitbit", "connected"]]);
});

test("hosted: a reload keeps the link usable; a new visit without a token does not reuse it", async ({ page }) => {
  const t = await newToken({ provider: "peloton", redirect_url: LANDING() });
  await openHosted(page, t);
  await page.reload();
  expect(page.url()).not.toContain("token=");
  let dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(dialog.getByLabel(/username/i)).toBeVisible();
  // Typing the address without a token is not the same session.
  await page.goto(`${API()}/?env=sandbox&region=us`);
  dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("alert")).toHaveText("This link is not valid. Please start again from the app.");
  expect(await connections(t.userId)).toEqual([]);
});
