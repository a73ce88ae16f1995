// link-server for the benchmark (release binary, fresh SQLite file, synthetic catalog) and its
// load test with link-loadgen, a second process on loopback.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startListening, stopProcess, run, procMemory, fetchJson, na, attempt, log } = require("./util");

class LinkServer {
  static async start({ bin, dist, syntheticProviders, logFile }) {
    const s = new LinkServer();
    s.dir = fs.mkdtempSync(path.join(os.tmpdir(), "link-bench-"));
    s.apiKey = "bench-" + crypto.randomBytes(12).toString("hex");
    const args = [
      "--addr", "127.0.0.1:0",
      "--database-url", `sqlite://${s.dir}/link.db`,
      "--static-dir", dist,
      "--api-key", s.apiKey,
      "--demo",
      "--synthetic-providers", String(syntheticProviders),
    ];
    try {
      const { child, url } = await startListening(bin, args, {
        logFile,
        env: { ...process.env, RUST_LOG: process.env.BENCH_SERVER_LOG || "warn" },
      });
      s.child = child;
      s.url = url;
    } catch (e) {
      fs.rmSync(s.dir, { recursive: true, force: true });
      throw e;
    }
    s.pid = s.child.pid;
    await new Promise((r) => setTimeout(r, 300));
    s.startMemory = procMemory(s.pid);
    return s;
  }

  async stop() {
    await stopProcess(this.child);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  alive() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async userId() {
    if (!this.user) {
      const r = await fetchJson(`${this.url}/v2/user`, {
        method: "POST",
        headers: { "x-vital-api-key": this.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ client_user_id: "bench-" + crypto.randomUUID() }),
      });
      if (!r.user_id) throw new Error("POST /v2/user answered without user_id");
      this.user = r.user_id;
    }
    return this.user;
  }

  /** A fresh link token: API key path (POST /v2/user + /v2/link/token), else POST /demo/token. */
  async createToken() {
    try {
      const user_id = await this.userId();
      const r = await fetchJson(`${this.url}/v2/link/token`, {
        method: "POST",
        headers: { "x-vital-api-key": this.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ user_id }),
      });
      if (!r.link_token) throw new Error("POST /v2/link/token answered without link_token");
      return r.link_token;
    } catch (e) {
      try {
        const r = await fetchJson(`${this.url}/demo/token`, { method: "POST" });
        if (r.link_token) return r.link_token;
      } catch {
        /* report the API error */
      }
      throw e;
    }
  }

  async providerNames(token) {
    const list = await fetchJson(`${this.url}/v2/link/providers`, { headers: { "x-vital-link-token": token } });
    if (!Array.isArray(list)) throw new Error("GET /v2/link/providers did not answer a list");
    return list.map((p) => String(p.name || p.slug || ""));
  }
}

/** Throughput and latency of the two hot endpoints, at saturation and at a fixed rate. */
async function serverLoad({ server, loadgenBin, seconds, warmup, concurrency, rate }) {
  if (!fs.existsSync(loadgenBin)) throw new Error(`${loadgenBin} is not built`);
  const user_id = await server.userId();
  const token = await server.createToken();
  const endpoints = [
    {
      name: "POST /v2/link/token",
      key: "link_token",
      args: [
        "--url", `${server.url}/v2/link/token`,
        "--method", "POST",
        "-H", `x-vital-api-key: ${server.apiKey}`,
        "--body", JSON.stringify({ user_id }),
      ],
    },
    {
      name: "GET /v2/link/providers",
      key: "link_providers",
      args: [
        "--url", `${server.url}/v2/link/providers`,
        "-H", `x-vital-link-token: ${token}`,
        // What Chromium sends: the server compresses the catalog as it would for the widget.
        "-H", "accept-encoding: gzip, deflate, br, zstd",
      ],
    },
  ];
  const out = {
    method:
      `link-loadgen (bench/loadgen, hyper HTTP/1.1 keep-alive) from a second process on loopback; ${warmup} s ` +
      `warm-up then ${seconds} s measured. saturation: ${concurrency} connections back to back (closed loop); ` +
      `fixed: ${rate} req/s open loop over up to 64 connections, latency from each request's scheduled time. ` +
      "Only 2xx answers count as ok. Server and load generator share the machine's 2 cores.",
  };
  for (const ep of endpoints) {
    const r = {};
    for (const [mode, extra] of [
      ["saturation", ["--concurrency", String(concurrency)]],
      [`fixed_${rate}`, ["--rate", String(rate), "--connections", "64"]],
    ]) {
      r[mode] = await attempt(`server: ${ep.name} ${mode}`, async () => {
        if (!server.alive()) throw new Error("link-server is not running");
        const res = await run(
          loadgenBin,
          [...ep.args, "--duration", String(seconds), "--warmup", String(warmup), ...extra],
          { timeoutMs: (seconds + warmup + 30) * 1000 },
        );
        if (res.code !== 0) throw new Error(`link-loadgen exited with ${res.code}: ${res.stderr.trim().split("\n").pop()}`);
        const j = JSON.parse(res.stdout.trim().split("\n").pop());
        if (j.ok === 0) {
          const statuses = Object.entries(j.status || {}).map(([k, v]) => `${v}×${k}`).join(", ");
          throw new Error(`no 2xx answer (${statuses || `${j.errors} connection errors`})`);
        }
        return j;
      });
    }
    out[ep.key] = r;
  }
  const mem = procMemory(server.pid);
  out.peak_rss_bytes = mem.hwm;
  out.rss_at_start_bytes = server.startMemory.rss;
  out.rss_at_end_bytes = mem.rss;
  log(`server: peak RSS ${(mem.hwm / 1048576).toFixed(1)} MiB`);
  return out;
}

module.exports = { LinkServer, serverLoad, na };
