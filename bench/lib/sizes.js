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
const EXCLUDE = [/\.html$/i, /\.map$/i, /\.br$/i, /\.gz$/i, /\.d\.ts$/i];

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

module.exports = { measureDir, compress, compressedSizes, roundUpBudget, BUDGET_STEP, EXCLUDE };
