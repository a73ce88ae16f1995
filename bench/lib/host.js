// Tiny loopback HTTP servers of the benchmark: the customer's host page (its own origin, like a
// real embedding site), and a fallback static server for the widget's files when link-server is
// not available.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");

const HOST_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Benchmark host page</title>
  </head>
  <body>
    <main>
      <h1>Example customer</h1>
      <p>The benchmark inserts the widget's script tag here.</p>
      <button id="connect" type="button">Connect a device</button>
    </main>
  </body>
</html>
`;

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ server, url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** The host page at `/` (no-store: every navigation fetches it; only the widget's files may be cached). */
function startHostServer() {
  const server = http.createServer((req, res) => {
    if (req.url === "/" || req.url.startsWith("/?")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(HOST_PAGE);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  server.keepAliveTimeout = 60000;
  return listen(server);
}

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2" };

/** Serves `dir` with CORS (as link-server does for the widget's files), no compression. */
function startStaticServer(dir) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "");
    const file = path.resolve(dir, rel || "index.html");
    if (!file.startsWith(path.resolve(dir)) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "access-control-allow-origin": "*" });
      res.end();
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] || "application/octet-stream",
      "access-control-allow-origin": "*",
      "last-modified": fs.statSync(file).mtime.toUTCString(),
    });
    fs.createReadStream(file).pipe(res);
  });
  return listen(server);
}

module.exports = { startHostServer, startStaticServer, HOST_PAGE };
