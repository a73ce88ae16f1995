#!/usr/bin/env node
// The benchmark (run by scripts/bench.sh after the builds): measures everything it can, reports
// "n/a (reason)" for what it cannot, prints one table and writes target/bench/results.json.
//
// Environment (all optional): BENCH_RUNS (browser runs per figure, default 20, at least 20 for a
// real run), BENCH_CYCLES (open/close cycles, 50), BENCH_SERVER_SECONDS (measured seconds per
// load test, 5), BENCH_SKIP (parts to leave out while iterating: "browser", "server", or
// one of the browser's procedures: "load", "open", "search", "memory", "isolation", "floors"), LINK_SERVER_BIN
// and LINK_LOADGEN_BIN (binaries other than target/release/*).
"use strict";
const { execSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { measureDir, localeTable } = require("./lib/sizes");
const { na, attempt, log } = require("./lib/util");
const { startHostServer, startStaticServer, HOST_PAGE } = require("./lib/host");
const { LinkServer, serverLoad } = require("./lib/server");
const { runBrowserBench } = require("./lib/browser");
const { renderTable } = require("./lib/report");

const ROOT = path.resolve(__dirname, "..");
const OUT_DIR = path.join(ROOT, "target", "bench");
const env = (k, d) => (process.env[k] ? Number(process.env[k]) : d);
const RUNS = env("BENCH_RUNS", 20);
const CYCLES = env("BENCH_CYCLES", 50);
const SERVER_SECONDS = env("BENCH_SERVER_SECONDS", 5);
const SYNTHETIC = env("BENCH_SYNTHETIC_PROVIDERS", 300);
const SKIP = new Set((process.env.BENCH_SKIP || "").split(",").filter(Boolean));
// Reasons from scripts/bench.sh when a build failed (the pieces may be under construction).
const BUILD_FAIL = {
  widget: process.env.BENCH_WIDGET_BUILD_ERROR,
  reference: process.env.BENCH_REFERENCE_BUILD_ERROR,
  reference_fetch: process.env.BENCH_REFERENCE_FETCH_BUILD_ERROR,
  server: process.env.BENCH_SERVER_BUILD_ERROR,
  loadgen: process.env.BENCH_LOADGEN_BUILD_ERROR,
};

function git(cmd) {
  try {
    return execSync(`git ${cmd}`, { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return null;
  }
}

async function main() {
  const started = Date.now();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const results = {
    meta: {
      date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      commit: git("rev-parse --short HEAD"),
      dirty: !!git("status --porcelain --untracked-files=no"),
      cpus: os.cpus().length,
      loadavg_at_start: os.loadavg()[0].toFixed(2),
      node: process.version,
      runs: RUNS,
      cycles: CYCLES,
      synthetic_providers: SYNTHETIC,
    },
  };

  // 1. transfer sizes (no server or browser needed)
  const dist = path.join(ROOT, "dist");
  const refDist = path.join(OUT_DIR, "reference-dist");
  const refFetchDist = path.join(OUT_DIR, "reference-fetch-dist");
  results.size = {
    method:
      "every file of the release build a host page downloads (dist/ except *.html), raw, node zlib gzip level 9, " +
      "brotli quality 11; the reference apps measured the same way from target/bench/reference-dist (counter) " +
      "and target/bench/reference-fetch-dist (gloo-net + serde_json fetch screen)",
  };
  results.size.widget = BUILD_FAIL.widget ? na(`widget build failed: ${BUILD_FAIL.widget}`) : await attempt("size: widget", () => measureDir(dist));
  // Each locale file, fetched on demand by users of that locale only (not in the total above).
  results.size.locales = BUILD_FAIL.widget ? na("widget build failed") : await attempt("size: locales", () => localeTable(dist));
  results.size.reference = BUILD_FAIL.reference
    ? na(`reference build failed: ${BUILD_FAIL.reference}`)
    : await attempt("size: reference", () => measureDir(refDist));
  results.size.reference_fetch = BUILD_FAIL.reference_fetch
    ? na(`reference-fetch build failed: ${BUILD_FAIL.reference_fetch}`)
    : await attempt("size: reference-fetch", () => measureDir(refFetchDist));
  for (const k of ["widget", "reference", "reference_fetch"]) if (results.size[k].dir) results.size[k].dir = path.relative(ROOT, results.size[k].dir);
  const w = results.size.widget;
  const ref = results.size.reference;
  const refFetch = results.size.reference_fetch;
  const sizeRatio = (a, b) => ({
    raw: +(a.total.raw / b.total.raw).toFixed(3),
    gzip: +(a.total.gzip / b.total.gzip).toFixed(3),
    brotli: +(a.total.brotli / b.total.brotli).toFixed(3),
  });
  if (!w.na && !ref.na) results.size.ratio_widget_to_reference = sizeRatio(w, ref);
  if (!w.na && !refFetch.na) results.size.ratio_widget_to_reference_fetch = sizeRatio(w, refFetch);
  try {
    const budget = JSON.parse(fs.readFileSync(path.join(__dirname, "size-budget.json"), "utf8"));
    results.size.budget = {
      total_brotli_bytes: budget.total_brotli_bytes,
      measured: w.na ? null : w.total.brotli,
      within: w.na ? null : w.total.brotli <= budget.total_brotli_bytes,
      how_to_lower: budget.how_to_lower,
    };
  } catch (e) {
    results.size.budget = na(`bench/size-budget.json: ${e.message}`);
  }

  // The servers: link-server (widget files + API), else a static fallback for the files alone.
  let server = null;
  let serverNa = null;
  if (BUILD_FAIL.server) serverNa = `link-server build failed: ${BUILD_FAIL.server}`;
  else if (!w.na) {
    // link-server serves a copy of dist/ plus a same-origin host page (used only if the widget
    // cannot reach the API from the cross-origin host page).
    const staticDir = path.join(OUT_DIR, "static");
    fs.rmSync(staticDir, { recursive: true, force: true });
    fs.cpSync(dist, staticDir, { recursive: true, preserveTimestamps: true });
    fs.writeFileSync(path.join(staticDir, "bench-host.html"), HOST_PAGE);
    const s = await attempt("start link-server", () =>
      LinkServer.start({
        bin: process.env.LINK_SERVER_BIN || path.join(ROOT, "target", "release", "link-server"),
        dist: staticDir,
        syntheticProviders: SYNTHETIC,
        logFile: path.join(OUT_DIR, "link-server.log"),
      }),
    );
    if (s.na) serverNa = `link-server: ${s.na}`;
    else server = s;
  } else serverNa = "no widget build";

  const cleanups = [];
  if (server) cleanups.push(() => server.stop());
  try {
    if (SKIP.has("browser")) {
      for (const k of ["load", "open", "search", "memory", "isolation", "floors"]) results[k] = na("skipped (BENCH_SKIP)");
    } else if (w.na) {
      for (const k of ["load", "open", "search", "memory", "isolation", "floors"]) results[k] = na(`no widget build: ${w.na}`);
    } else {
      const hostSrv = await startHostServer();
      cleanups.push(() => hostSrv.close());
      let widgetBase;
      let apiBase;
      let files = "link-server";
      if (server) widgetBase = apiBase = server.url;
      else {
        const st = await startStaticServer(dist);
        cleanups.push(() => st.close());
        widgetBase = apiBase = st.url;
        files = `a static node server (${serverNa})`;
      }
      results.meta.widget_files_served_by = files;

      // Link tokens and the provider catalog (API figures need them).
      let createToken = null;
      let noTokenReason = serverNa;
      let providerNames = null;
      let noProvidersReason = serverNa;
      if (server) {
        const t = await attempt("create a link token", () => server.createToken());
        if (t.na) noTokenReason = `cannot create a link token: ${t.na}`;
        else {
          createToken = () => server.createToken();
          const p = await attempt("provider catalog", () => server.providerNames(t));
          if (p.na) noProvidersReason = `cannot list providers: ${p.na}`;
          else if (p.length < 300) {
            noProvidersReason = `the catalog has ${p.length} providers (< 300): is --synthetic-providers supported?`;
          } else providerNames = p;
          results.meta.catalog_size = p.na ? null : p.length;
        }
      }
      const b = await runBrowserBench({
        hostPage: hostSrv.url + "/",
        sameOriginHostPage: server ? server.url + "/bench-host.html" : null,
        widgetBase,
        apiBase,
        createToken,
        noTokenReason,
        providerNames,
        noProvidersReason,
        runs: RUNS,
        cycles: CYCLES,
        skip: SKIP,
      });
      results.meta.chromium = b.chromium ? `Chromium ${b.chromium}` : null;
      for (const k of ["load", "open", "search", "memory", "isolation", "floors"]) results[k] = b[k];
      results.meta.host_page = b.host_page || hostSrv.url + "/";
      if (b.host_page_fallback) results.meta.host_page_fallback = b.host_page_fallback;
      if (!results.load.na && files !== "link-server") results.load.note = `widget files served by ${files}`;
    }

    // 5. server under load
    if (SKIP.has("server")) results.server = na("skipped (BENCH_SKIP)");
    else if (!server) results.server = na(serverNa);
    else if (BUILD_FAIL.loadgen) results.server = na(`link-loadgen build failed: ${BUILD_FAIL.loadgen}`);
    else {
      results.server = await attempt("server load", () =>
        serverLoad({
          server,
          loadgenBin: process.env.LINK_LOADGEN_BIN || path.join(ROOT, "target", "release", "link-loadgen"),
          seconds: SERVER_SECONDS,
          warmup: 1,
          concurrency: 32,
          rate: 1000,
        }),
      );
    }
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  }

  results.meta.bench_seconds = Math.round((Date.now() - started) / 1000);
  const table = renderTable(results);
  results.table = table.split("\n");
  const file = path.join(OUT_DIR, "results.json");
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  process.stdout.write("\n" + table + "\n\n");
  log(`figures written to ${path.relative(ROOT, file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
