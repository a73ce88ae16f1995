// The unmodified npm package @tryvital/vital-link 0.1.7 (its useVitalLink hook) in a small React
// page (e2e/react/app.jsx, bundled here with esbuild) opens our widget and receives onSuccess.
//
// How the hook gets our build: 0.1.7 hard-codes its script URL (VITAL_LINK_STABLE_URL =
// "https://link.tryvital.io/initialize.js", injected as a <script> by react-script-hook) and
// has no option to change it. So the test plays the Vital CDN: every request under
// https://link.tryvital.io/ is answered by our link-server, which serves the widget's release
// build (dist/) with Access-Control-Allow-Origin: *. Routing the whole origin matters:
// initialize.js finds link-widget.js and link-widget_bg.wasm relative to its own URL, so they
// load from https://link.tryvital.io/ too (a cross-origin module import and a CORS fetch).
//
// A customer using the hook must allow that CDN in their CSP (script-src for initialize.js and
// the module, connect-src for the wasm), nothing else. Chromium applies CSP before a request
// reaches page.route, so the strict host policy alone blocks the hook's script; and a document
// answered through page.route loses its loopback address space (Local Network Access then
// blocks its calls to the loopback API), so the policy cannot be patched on the host server's
// response either. The React page therefore gets its own customer origin here, a loopback
// server with the host server's policy (host-server.js's csp()) plus the CDN origin.
const fs = require("fs");
const http = require("http");
const path = require("path");
const esbuild = require("esbuild");
const { test, expect, newToken, connections, callbacks, waitForCallback, log, API , dialogOf, expectClosed, hostPage, widgetRoot, isolation } = require("./helpers");
const { csp } = require("../host-server");

const CDN = "https://link.tryvital.io";
const REACT_DIR = path.join(__dirname, "..", "react");
const PAGES_DIR = path.join(__dirname, "..", "pages");
const BUILD_DIR = path.join(PAGES_DIR, "react-build"); // gitignored

/** The customer's CSP for a page using the official hook: the strict one, plus the CDN. */
function withCdn(policy) {
  return policy.split(/;\s*/).map((d) =>
    /^(script-src|connect-src)\s/.test(d) ? `${d} ${CDN}` : d).join("; ") + `; frame-src ${CDN}`;
}

let app = null; // the React customer app's server
let APP = null; // its origin

test.beforeAll(async () => {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(REACT_DIR, "app.jsx")],
    outfile: path.join(BUILD_DIR, "app.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    jsx: "automatic",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  const policy = withCdn(csp(API()));
  app = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, "http://x");
    const files = { "/react.html": "react.html", "/host.css": "host.css", "/react-build/app.js": "react-build/app.js" };
    const type = { ".html": "text/html", ".css": "text/css", ".js": "text/javascript" }[path.extname(pathname)];
    if (!files[pathname]) {
      res.writeHead(404, { "content-type": "text/plain", "content-security-policy": policy });
      res.end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": type + "; charset=utf-8", "content-security-policy": policy, "cache-control": "no-store",
    });
    fs.createReadStream(path.join(PAGES_DIR, files[pathname])).pipe(res);
  });
  await new Promise((r) => app.listen(0, "127.0.0.1", r));
  APP = `http://127.0.0.1:${app.address().port}`;
});

test.afterAll(async () => {
  if (app) await new Promise((r) => app.close(r));
});

/** Serves the hosted Vital CDN from our link-server; returns the paths it served. */
async function playVitalCdn(page) {
  const served = [];
  await page.route((url) => url.origin === CDN, async (route) => {
    const url = new URL(route.request().url());
    const res = await route.fetch({ url: API() + url.pathname + url.search });
    served.push(`${res.status()} ${url.pathname}`);
    await route.fulfill({ response: res });
  });
  return served;
}

test("the official React hook opens the widget, gets onSuccess, and Done exits", async ({ page }) => {
  const served = await playVitalCdn(page);
  const t = await newToken();
  await page.goto(`${APP}/react.html?${new URLSearchParams({ token: t.link_token, api: API(), iso: isolation() })}`);

  // The button is enabled once the hook reports ready (script loaded, Vital.create done).
  const button = page.getByRole("button", { name: "Connect with Vital" });
  await expect(button).toBeEnabled();
  // The hook injected its own script tag, for the hard-coded CDN URL.
  await expect(page.locator(`script[src="${CDN}/initialize.js"]`)).toHaveCount(1);
  await button.click();

  const dialog = dialogOf(page);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await dialog.getByRole("searchbox").fill("Peloton");
  await dialog.getByRole("button", { name: /Peloton/ }).click();
  await dialog.getByLabel(/username/i).fill("user_good");
  await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();

  const success = await waitForCallback(page, "onSuccess");
  expect(success).toMatchObject({ state: "success", provider: "peloton", auth_type: "password" });
  expect(success.link_session_id).toBeTruthy();
  const conns = await connections(t.userId);
  expect(conns.map((c) => [c.slug, c.status])).toEqual([["peloton", "connected"]]);

  // The hook's exit path: Done → our onExit (through the hook's wrapper), widget removed.
  await dialog.getByRole("button", { name: "Done" }).click();
  await expectClosed(page);
  const exit = await waitForCallback(page, "onExit");
  expect(exit).toMatchObject({ state: "exit", error_type: null, view: "SUCCESS" });
  expect((await callbacks(page)).map((c) => c.kind)).toEqual(["onSuccess", "onExit"]);
  // onLoad reached us through the hook's own onLoad wrapper, once.
  expect((await log(page)).filter((e) => e.kind === "onLoad")).toHaveLength(1);

  // Everything the widget needed came from the (routed) CDN, i.e. our build.
  expect(served).toEqual(expect.arrayContaining(
    ["200 /initialize.js", "200 /link-widget.js", "200 /link-widget_bg.wasm"]));
  // In iframe isolation the widget page came from the CDN too, without the token in its URL.
  if (isolation() === "iframe") expect(served).toContain("200 /embed");
  expect(served.every((s) => s.startsWith("200 "))).toBe(true);
});
