// A customer's web app, for the e2e suite: host pages on their own origin (a second loopback
// port), served with a strict CSP, loading the widget's release files like any customer that
// self-hosts them (under /widget/). The Link API is the real link-server on another origin.
const http = require("http");
const fs = require("fs");
const path = require("path");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

// iframe isolation (?iso=iframe&api=<link-server>): the page loads initialize.js from the Link
// origin and needs nothing else from it. This is the README's minimal policy for that mode: the
// script itself and frames of the Link origin; no connect-src, img-src or 'wasm-unsafe-eval'.
function iframeCsp(linkUrl, { sameOriginFrames = false } = {}) {
  return [
    "default-src 'none'",
    `script-src 'self' ${linkUrl}/initialize.js`,
    // (The spoofing tests add frames of the host's own origin.)
    `frame-src ${linkUrl}${sameOriginFrames ? " 'self'" : ""}`,
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** The link-server a page names in ?api=, when it is one on this machine. */
function linkUrlOf(url) {
  const api = url.searchParams.get("api");
  return api && /^http:\/\/127\.0\.0\.1:\d+$/.test(api) ? api : null;
}

function csp(apiUrl) {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    // The suite's link-server, and the extra ones some tests start on other loopback ports.
    `connect-src 'self' ${apiUrl} http://127.0.0.1:*`,
    "img-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

function start({ pagesDir, distDir, extraDirs = {}, apiUrl }) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204);
      res.end();
      return;
    }
    let file = null;
    if (url.pathname.startsWith("/widget/")) {
      file = path.join(distDir, url.pathname.slice("/widget/".length));
    } else {
      for (const [prefix, dir] of Object.entries(extraDirs)) {
        if (url.pathname.startsWith(prefix)) file = path.join(dir, url.pathname.slice(prefix.length));
      }
      if (!file) file = path.join(pagesDir, url.pathname === "/" ? "host.html" : url.pathname);
    }
    const roots = [pagesDir, distDir, ...Object.values(extraDirs)].map((d) => path.resolve(d));
    const resolved = path.resolve(file);
    if (!roots.some((r) => resolved.startsWith(r + path.sep)) || !fs.existsSync(resolved) ||
        fs.statSync(resolved).isDirectory()) {
      res.writeHead(404, { "content-type": "text/plain", "content-security-policy": csp(apiUrl) });
      res.end("not found");
      return;
    }
    const linkUrl = linkUrlOf(url);
    const iframe = url.searchParams.get("iso") === "iframe" && linkUrl && path.extname(resolved) === ".html";
    res.writeHead(200, {
      "content-type": TYPES[path.extname(resolved)] || "application/octet-stream",
      "content-security-policy": iframe
        ? iframeCsp(linkUrl, { sameOriginFrames: url.searchParams.get("spoof") === "1" })
        : csp(apiUrl),
      "cache-control": "no-store",
    });
    if (iframe) {
      // The same page, loading initialize.js from the Link origin as an iframe-mode customer does.
      const html = fs.readFileSync(resolved, "utf8").replace('src="/widget/initialize.js"', `src="${linkUrl}/initialize.js"`);
      res.end(html);
      return;
    }
    fs.createReadStream(resolved).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}` });
    });
  });
}

module.exports = { start, csp, iframeCsp };
