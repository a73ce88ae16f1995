// Transfer sizes of a trunk build: every file a host page downloads, raw, gzip -9 and brotli -11.
// Sizes are deterministic for a given build, so they can be guarded by a budget (size-check.js).
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

// Not downloaded by a host page that embeds the widget: trunk's index.html is the hosted page
// (and the reference app's boot page); source maps are never fetched by users; `.br` and `.gz`
// are the precompressed forms of the other files (scripts/post-build.sh), sent instead of them;
// initialize.d.ts is for the host app's TypeScript compiler, never fetched by a browser.
// locales/ holds the strings of each locale but English (built into the wasm), fetched only by
// users of that locale: not part of the English download, measured by localeTable() instead.
const EXCLUDE = [/\.html$/i, /\.map$/i, /\.br$/i, /\.gz$/i, /\.d\.ts$/i, /^locales\//];
const LOCALE_MAX_BROTLI = 2048; // each locale file's limit (issue 14)

function listFiles(dir, base = dir) {
  const out = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...listFiles(p, base));
    else if (ent.isFile()) out.push(path.relative(base, p).split(path.sep).join("/"));
  }
  return out.sort();
}

/** `buf` as gzip -9 and brotli -11: what the size budget measures, and what the build's
 * post-build hook (scripts/post-build.sh) writes beside each file for link-server to send. */
function compress(buf) {
  return {
    gzip: zlib.gzipSync(buf, { level: 9 }),
    brotli: zlib.brotliCompressSync(buf, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }),
  };
}

function compressedSizes(buf) {
  const c = compress(buf);
  return { raw: buf.length, gzip: c.gzip.length, brotli: c.brotli.length };
}

/** Sizes of the downloadable files of a build directory: {dir, files:[{name,raw,gzip,brotli}], total}. */
function measureDir(dir) {
  if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist (build it first)`);
  const names = listFiles(dir).filter((n) => !EXCLUDE.some((re) => re.test(n)));
  if (names.length === 0) throw new Error(`${dir} holds no downloadable file`);
  const files = names.map((name) => ({ name, ...compressedSizes(fs.readFileSync(path.join(dir, name))) }));
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const k of Object.keys(total)) total[k] += f[k];
  return { dir, files, total };
}

const BUDGET_STEP = 5120; // budgets are whole multiples of 5 KB

/** The measured total rounded up to the next 5 KB (5,120 bytes). */
function roundUpBudget(bytes) {
  return Math.ceil(bytes / BUDGET_STEP) * BUDGET_STEP;
}

/** The locale files of a build (or of the source tree's locales/): one row per locale,
 * {locale, keys, raw, brotli, over}, where `over` is true past LOCALE_MAX_BROTLI. en.json, the
 * source of truth, is built into the wasm and never fetched: listed for reference. */
function localeTable(dir) {
  const locales = fs.existsSync(path.join(dir, "locales")) ? path.join(dir, "locales") : dir;
  return fs.readdirSync(locales)
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((name) => {
      const buf = fs.readFileSync(path.join(locales, name));
      const brotli = compressedSizes(buf).brotli;
      return {
        locale: name.replace(/\.json$/, ""),
        keys: Object.keys(JSON.parse(buf.toString("utf8"))).length,
        raw: buf.length,
        brotli,
        over: brotli > LOCALE_MAX_BROTLI,
      };
    });
}

/** The locale table as Markdown. */
function formatLocaleTable(rows) {
  const lines = ["| locale | keys | brotli bytes |", "|---|---:|---:|"];
  for (const r of rows) lines.push(`| ${r.locale}${r.locale === "en" ? " (built in)" : ""} | ${r.keys} | ${r.brotli}${r.over ? " (over 2 KB)" : ""} |`);
  return lines.join("\n");
}

module.exports = {
  measureDir, compress, compressedSizes, roundUpBudget, BUDGET_STEP, EXCLUDE,
  localeTable, formatLocaleTable, LOCALE_MAX_BROTLI,
};

// `node bench/lib/sizes.js --locales [DIR]`: prints the locale table of DIR (default dist/),
// exits 1 when a file is over its limit.
if (require.main === module && process.argv[2] === "--locales") {
  const dir = path.resolve(process.argv[3] || path.join(__dirname, "..", "..", "dist"));
  const rows = localeTable(dir);
  console.log(formatLocaleTable(rows));
  process.exit(rows.some((r) => r.over) ? 1 : 0);
}
