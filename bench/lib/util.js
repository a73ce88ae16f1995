// Small shared helpers of the benchmark: statistics, processes, HTTP.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");

/** Nearest-rank percentile of numbers (NaN-free), or null for none. */
function percentile(values, p) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const rank = Math.ceil((p / 100) * v.length);
  return v[Math.min(Math.max(rank, 1), v.length) - 1];
}

const round = (x, digits = 1) => (x == null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

/** {median, p95, min, max, n, samples} of a list of milliseconds. */
function summary(samples, digits = 1) {
  const ok = samples.filter((x) => Number.isFinite(x));
  return {
    median: round(percentile(ok, 50), digits),
    p95: round(percentile(ok, 95), digits),
    min: round(percentile(ok, 0.0001), digits),
    max: round(percentile(ok, 100), digits),
    n: ok.length,
    samples: ok.map((x) => round(x, 2)),
  };
}

/** A figure that could not be measured, with the reason (never a crash). */
const na = (reason) => ({ na: String(reason).split("\n")[0].slice(0, 300) });

/** Runs `fn`, turning a throw into na(reason); logs progress on stderr. */
async function attempt(label, fn) {
  const t0 = Date.now();
  log(`${label}...`);
  try {
    const r = await fn();
    log(`${label}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  } catch (e) {
    log(`${label}: n/a (${e && e.message ? e.message : e})`);
    return na(e && e.message ? e.message : e);
  }
}

function log(msg) {
  process.stderr.write(`\x1b[1;36m[bench]\x1b[0m ${msg}\n`);
}

/** Rejects after `ms` with `what` timed out. */
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]);
}

/** Starts a process that prints `listening on http://ADDR`; resolves {child, url}. */
function startListening(bin, args, { timeoutMs = 20000, env = process.env, logFile } = {}) {
  if (!fs.existsSync(bin)) return Promise.reject(new Error(`${bin} is not built`));
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env });
    const logStream = logFile ? fs.createWriteStream(logFile) : null;
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${bin} did not print "listening on" within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.stdout.on("data", (d) => {
      if (logStream) logStream.write(d);
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m && timer) {
        clearTimeout(timer);
        resolve({ child, url: m[1].replace(/\/$/, "") });
      }
    });
    child.stderr.on("data", (d) => {
      if (logStream) logStream.write(d);
      err = (err + d).slice(-2000);
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      const last = err.trim().split("\n").pop() || "";
      reject(new Error(`${bin.split("/").pop()} exited with ${code} before listening${last ? `: ${last}` : ""}`));
    });
  });
}

async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      r();
    }, 5000);
    child.once("exit", () => {
      clearTimeout(t);
      r();
    });
  });
}

/** Runs a command to completion: {code, stdout, stderr}. */
function run(bin, args, { timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code === null ? signal : code, stdout, stderr });
    });
  });
}

/** `VmHWM` and `VmRSS` of a process in bytes, from /proc/PID/status. */
function procMemory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key) => {
    const m = status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) * 1024 : null;
  };
  return { hwm: kb("VmHWM"), rss: kb("VmRSS") };
}

/** fetch returning {status, json|text}; throws with the body's first line on non-2xx. */
async function fetchJson(url, init = {}) {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(10000) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${init.method || "GET"} ${new URL(url).pathname} answered ${r.status}: ${text.slice(0, 160)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${init.method || "GET"} ${new URL(url).pathname} did not answer JSON: ${text.slice(0, 120)}`);
  }
}

module.exports = {
  percentile,
  round,
  summary,
  na,
  attempt,
  log,
  withTimeout,
  startListening,
  stopProcess,
  run,
  procMemory,
  fetchJson,
};
