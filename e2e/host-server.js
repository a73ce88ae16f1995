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
    res.writeHead(200, {
      "content-type": TYPES[path.extname(resolved)] || "application/octet-stream",
      "content-security-policy": csp(apiUrl),
      "cache-control": "no-store",
    });
    fs.createReadStream(resolved).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}` });
    });
  });
}

module.exports = { start, csp };
