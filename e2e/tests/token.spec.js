// Token problems: expired, consumed, garbage. Expiry needs a short token lifetime, so this file
// starts a second link-server (release binary, own SQLite file, --token-ttl-secs 2) and a
// second host page origin whose CSP allows that server.
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { test, expect, newToken, connections, openWidget, callbacks, waitForCallback, log , dialogOf, expectClosed, hostPage, widgetRoot, isolation } = require("./helpers");

const ROOT = path.resolve(__dirname, "../..");

/** A link-server with a token lifetime of `ttl` seconds plus a host page origin for it. */
async function startStack(ttl) {
  const bin = process.env.LINK_SERVER_BIN || path.join(ROOT, "target/release/link-server");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "link-e2e-ttl-"));
  const apiKey = "e2e-ttl-" + Math.random().toString(36).slice(2);
  const child = spawn(
    bin,
    ["--addr", "127.0.0.1:0", "--database-url", `sqlite://${dir}/link.db`, "--static-dir",
     path.join(ROOT, "dist"), "--api-key", apiKey, "--token-ttl-secs", String(ttl)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("link-server did not start in 20 s")), 20_000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.stderr.on("data", (d) => { if (process.env.E2E_SERVER_LOG) process.stderr.write(d); });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`link-server exited with ${code}`)); });
  });
  child.stdout.resume();
  child.stderr.resume();
  const host = await require("../host-server").start({
    pagesDir: path.join(__dirname, "../pages"),
    distDir: path.join(ROOT, "dist"),
    apiUrl: url,
  });
  async function api(method, p, body) {
    const res = await fetch(url + p, {
      method,
      headers: { "x-vital-api-key": apiKey, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  }
  return {
    url,
    hostUrl: host.url,
    api,
    async newToken(options = {}) {
      const user = await api("POST", "/v2/user", { client_user_id: "e2e-" + Math.random().toString(36).slice(2) });
      const token = await api("POST", "/v2/link/token", { user_id: user.json.user_id, ...options });
      if (token.status !== 200) throw new Error("POST /v2/link/token: " + JSON.stringify(token));
      return { userId: user.json.user_id, createdAt: Date.now(), ...token.json };
    },
    async connections(userId) {
      return (await api("GET", `/v2/user/providers/${userId}`)).json.providers;
    },
    /** The host page of this stack, pointed at this server, opening `token`. */
    async open(page, token) {
      await page.goto(hostPage({ api: url }, host.url));
      await page.evaluate((t) => window.__open(t), token);
      return dialogOf(page);
    },
    async stop() {
      host.server.close();
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => { child.once("exit", r); setTimeout(r, 5000); });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The error screen for a token problem: message, no Retry, onError, the events, Close. */
async function expectTokenError(page, dialog, errorType, text) {
  await expect(dialog.getByRole("heading", { name: "Something went wrong" })).toBeVisible();
  await expect(dialog.getByRole("alert")).toHaveText(text);
  await expect(dialog.getByRole("alert")).toHaveAttribute("data-error-type", errorType);
  // Nothing to retry: the host app has to start again with a new token.
  await expect(dialog.getByRole("button", { name: "Try again" })).toHaveCount(0);
  const err = await waitForCallback(page, "onError");
  expect(err).toMatchObject({ state: "error", error_type: errorType, provider: null, display_message: text });
  expect(err.error).toBeTruthy();
  expect(err.link_session_id).toBeTruthy();
  const entries = await log(page);
  const events = entries.filter((e) => e.kind === "onEvent")
    .map((e) => (e.name === "ERROR" ? [e.name, e.metadata.error_type] : [e.name, e.metadata.view]));
  expect(events).toEqual([
    ["OPEN", "LOADING"],
    ["TRANSITION_VIEW", "LOADING"],
    ["ERROR", errorType],
    ["TRANSITION_VIEW", "ERROR"],
  ]);
  expect(entries.filter((e) => e.kind === "dom:error").map((e) => e.detail.error_type)).toEqual([errorType]);
  // Close after the error: onExit with error_type null, widget removed.
  await dialog.getByRole("button", { name: "Close" }).last().click();
  await expectClosed(page);
  const cbs = await callbacks(page);
  expect(cbs.map((c) => c.kind)).toEqual(["onError", "onExit"]);
  expect(cbs[1].metadata).toMatchObject({ state: "exit", error_type: null, view: "ERROR" });
}

test.describe("with a 2 s token lifetime", () => {
  let stack;
  test.beforeAll(async () => { stack = await startStack(2); });
  test.afterAll(async () => { if (stack) await stack.stop(); });

  test("expired: the widget says so and onError carries token_expired", async ({ page }) => {
    const t = await stack.newToken();
    // Load the host page meanwhile; open the widget once the token is 3 s old.
    await page.goto(hostPage({ api: stack.url }, stack.hostUrl));
    await page.waitForTimeout(Math.max(0, t.createdAt + 3_000 - Date.now()));
    await page.evaluate((tok) => window.__open(tok), t.link_token);
    const dialog = dialogOf(page);
    await expectTokenError(page, dialog, "token_expired", "This link has expired. Please start again from the app.");
    expect(await stack.connections(t.userId)).toEqual([]);
  });

  test("a fresh token on the same server works (the expiry above is the token's age)", async ({ page }) => {
    const t = await stack.newToken({ provider: "peloton" });
    const dialog = await stack.open(page, t.link_token);
    await dialog.getByRole("button", { name: "Continue", exact: true }).click();
    await dialog.getByLabel(/username/i).fill("user_good");
    await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
    await dialog.getByRole("button", { name: "Connect", exact: true }).click();
    const success = await waitForCallback(page, "onSuccess");
    expect(success).toMatchObject({ state: "success", provider: "peloton" });
    expect((await stack.connections(t.userId)).map((c) => c.slug)).toEqual(["peloton"]);
  });

  test("the token expires while the sign-in popup is open: error screen, popup closed", async ({ page }) => {
    const t = await stack.newToken({ provider: "fitbit" });
    const dialog = await stack.open(page, t.link_token);
    await dialog.getByRole("button", { name: "Continue", exact: true }).click();
    const [popup] = await Promise.all([
      page.waitForEvent("popup"),
      dialog.getByRole("button", { name: "Continue to Fitbit" }).click(),
    ]);
    // The user lingers on the consent page; the widget's polling notices the expiry.
    await expect.poll(() => popup.isClosed(), { timeout: 8_000 }).toBe(true);
    await expect(dialog.getByRole("alert")).toHaveText("This link has expired. Please start again from the app.");
    const err = await waitForCallback(page, "onError");
    expect(err).toMatchObject({ state: "error", error_type: "token_expired", provider: "fitbit" });
    expect(Date.now() - t.createdAt).toBeGreaterThanOrEqual(2_000);
    await expect(dialog.getByRole("button", { name: "Try again" })).toHaveCount(0);
    expect((await callbacks(page)).map((c) => c.kind)).toEqual(["onError"]);
    expect(await stack.connections(t.userId)).toEqual([]);
  });
});

test("consumed: reusing a token after a success → token_consumed", async ({ page }) => {
  const t = await newToken({ provider: "peloton" });
  let dialog = await openWidget(page, t.link_token);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await dialog.getByLabel(/username/i).fill("user_good");
  await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await waitForCallback(page, "onSuccess");
  expect((await connections(t.userId)).map((c) => c.slug)).toEqual(["peloton"]);
  // The host app opens the same token again (a new page load).
  dialog = await openWidget(page, t.link_token);
  await expectTokenError(page, dialog, "token_consumed", "This link has already been used. Please start again from the app.");
  expect((await connections(t.userId)).map((c) => c.slug)).toEqual(["peloton"]);
});

for (const [what, token] of [["a garbage token", "not-a-real-token-" + "x".repeat(20)], ["an empty token", ""]]) {
  test(`${what} → invalid_token`, async ({ page }) => {
    const dialog = await openWidget(page, null);
    await page.evaluate((tok) => window.__open(tok), token);
    await expectTokenError(page, dialog, "invalid_token", "This link is not valid. Please start again from the app.");
  });
}
