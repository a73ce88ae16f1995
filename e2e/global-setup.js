// Starts the real link-server (release binary, release widget build) on 127.0.0.1:0 with a
// fresh SQLite file, and hands its URL to the tests through process.env.
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");

module.exports = async () => {
  const bin = process.env.LINK_SERVER_BIN || path.join(ROOT, "target/release/link-server");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "link-e2e-"));
  const apiKey = "e2e-" + require("crypto").randomBytes(16).toString("hex");
  const child = spawn(
    bin,
    ["--addr", "127.0.0.1:0", "--database-url", `sqlite://${dir}/link.db`, "--static-dir",
     path.join(ROOT, "dist"), "--api-key", apiKey, "--demo"],
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
    // Its log is kept for tests that check what it recorded (no token in any logged URL).
    const logFile = fs.createWriteStream(path.join(dir, "server.log"));
    child.stderr.on("data", (d) => {
      logFile.write(d);
      if (process.env.E2E_SERVER_LOG) process.stderr.write(d);
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`link-server exited with ${code}`)); });
  });
  child.stdout.resume();
  const host = await require("./host-server").start({
    pagesDir: path.join(__dirname, "pages"),
    distDir: path.join(ROOT, "dist"),
    apiUrl: url,
  });
  process.env.HOST_URL = host.url;
  process.env.LINK_URL = url;
  process.env.LINK_API_KEY = apiKey;
  process.env.LINK_SERVER_PID = String(child.pid);
  process.env.LINK_DATA_DIR = dir;
  process.env.LINK_SERVER_LOG = path.join(dir, "server.log");
  // Playwright runs the returned function as the global teardown.
  return async () => {
    host.server.close();
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => { child.once("exit", r); setTimeout(r, 5000); });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
};
