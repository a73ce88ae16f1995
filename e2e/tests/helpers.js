// Shared e2e helpers: the host backend's API calls, the host page, and a fixture that fails a
// test on any CSP violation, page error or console error.
const base = require("@playwright/test");

const API = () => process.env.LINK_URL;
const HOST = () => process.env.HOST_URL;

async function api(method, path, body, headers = {}) {
  const res = await fetch(API() + path, {
    method,
    headers: {
      "x-vital-api-key": process.env.LINK_API_KEY,
      ...(body ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
  return { status: res.status, json };
}

/** A fresh user and a link token with `options` (provider, filter_on_providers, ...). */
async function newToken(options = {}) {
  const user = await api("POST", "/v2/user", { client_user_id: "e2e-" + Math.random().toString(36).slice(2) });
  if (user.status !== 200) throw new Error("POST /v2/user: " + JSON.stringify(user));
  const token = await api("POST", "/v2/link/token", { user_id: user.json.user_id, ...options });
  if (token.status !== 200) throw new Error("POST /v2/link/token: " + JSON.stringify(token));
  return { userId: user.json.user_id, ...token.json };
}

/** The user's connections, as the host backend sees them. */
async function connections(userId) {
  const res = await api("GET", `/v2/user/providers/${userId}`);
  return res.json.providers;
}

/** "shadow" or "iframe": the isolation this run of the suite uses (a Playwright project). */
function isolation() {
  return base.test.info().project.use.isolation || "shadow";
}

/** The host page's URL on `hostBase` (query options as in pages/host.js), in this isolation. */
function hostPage(query = {}, hostBase = HOST()) {
  const q = new URLSearchParams({ api: API(), ...query });
  if (isolation() === "iframe") q.set("iso", "iframe");
  return `${hostBase}/host.html?${q}`;
}

/** Where the widget draws: the page itself (shadow root) or the widget's iframe (the shown one:
 * each handler has its own, hidden while closed). */
function widgetRoot(page) {
  return isolation() === "iframe" ? page.frameLocator("vital-link-widget:visible iframe") : page;
}

/** The Playwright Frame the widget's code runs in: the page, or the (first) widget iframe. */
function widgetFrame(page) {
  if (isolation() !== "iframe") return page.mainFrame();
  return page.frames().find((f) => /\/embed$/.test(f.url()));
}

/** The widget's dialog, in either isolation. */
function dialogOf(page) {
  return widgetRoot(page).getByRole("dialog");
}

/** The widget is gone from the host page (shadow: its element removed; iframe: hidden). */
async function expectClosed(page) {
  if (isolation() === "iframe") {
    await base.expect(page.locator("vital-link-widget:visible")).toHaveCount(0);
  } else {
    await base.expect(page.locator("vital-link-widget")).toHaveCount(0);
  }
}

/** Opens the host page (query options as in pages/host.js) and opens the widget with `token`. */
async function openWidget(page, token, query = {}) {
  await page.goto(hostPage(query));
  if (token) await page.evaluate((t) => window.__open(t), token);
  return dialogOf(page);
}

async function log(page) {
  return page.evaluate(() => window.__log);
}

/** The callbacks (onSuccess/onExit/onError) in order. */
async function callbacks(page) {
  return (await log(page)).filter((e) => /^on(Success|Exit|Error)$/.test(e.kind));
}

/** The onEvent names in order. */
async function eventNames(page) {
  return (await log(page)).filter((e) => e.kind === "onEvent").map((e) => e.name);
}

async function waitForCallback(page, kind) {
  await page.waitForFunction((k) => window.__log.some((e) => e.kind === k), kind);
  return (await log(page)).find((e) => e.kind === kind).metadata;
}

/** Starts another link-server (own SQLite file and API key) for tests that stop or age it. */
async function startServer(extraArgs = [], { port = 0, dir = null } = {}) {
  const { spawn } = require("child_process");
  const fs = require("fs");
  const os = require("os");
  const path = require("path");
  const root = path.resolve(__dirname, "../..");
  dir = dir || fs.mkdtempSync(path.join(os.tmpdir(), "link-e2e-extra-"));
  const apiKey = "extra-key-" + require("crypto").randomBytes(8).toString("hex");
  const child = spawn(
    process.env.LINK_SERVER_BIN || path.join(root, "target/release/link-server"),
    ["--addr", `127.0.0.1:${port}`, "--database-url", `sqlite://${dir}/link.db`, "--api-key", apiKey,
     "--static-dir", path.join(root, "dist"), ...extraArgs],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start")), 15000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (c) => { clearTimeout(timer); reject(new Error("server exited " + c)); });
  });
  child.stdout.resume();
  const call = async (method, p, body) => {
    const res = await fetch(url + p, {
      method,
      headers: { "x-vital-api-key": apiKey, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return res.json();
  };
  return {
    url, dir, port: Number(new URL(url).port),
    async newToken(options = {}) {
      const user = await call("POST", "/v2/user", { client_user_id: "x-" + Math.random().toString(36).slice(2) });
      const token = await call("POST", "/v2/link/token", { user_id: user.user_id, ...options });
      return { userId: user.user_id, ...token };
    },
    async connections(userId) {
      return (await call("GET", `/v2/user/providers/${userId}`)).providers;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

const test = base.test.extend({
  isolation: ["shadow", { option: true }],
  page: async ({ page }, use) => {
    const problems = [];
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().includes("Failed to load resource")) {
        problems.push(`console: ${m.text()}`);
      }
    });
    page.on("popup", (p) => p.on("pageerror", (e) => problems.push(`popup pageerror: ${e.message}`)));
    await use(page);
    const csp = await page.evaluate(() => window.__csp || []).catch(() => []);
    base.expect(csp, "CSP violations").toEqual([]);
    base.expect(problems, "page errors").toEqual([]);
  },
});

module.exports = {
  test, expect: base.expect, api, newToken, connections, openWidget, log, callbacks,
  eventNames, waitForCallback, API, HOST, startServer, isolation, hostPage, widgetRoot, dialogOf,
  expectClosed, widgetFrame,
};
