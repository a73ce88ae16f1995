#!/usr/bin/env node
// Size budget test (CI, scripts/test.sh, right after the release build): fails when the brotli -11
// total of what a host page downloads to show the widget (every file in dist/ but *.html) exceeds
// the budget recorded in bench/size-budget.json. No browser needed.
//
//   node bench/size-check.js            check dist/ against the budget
//   node bench/size-check.js --update   set the budget to the measured total rounded up to the
//                                       next 5 KB (do this after a cut, and commit the file)
//   node bench/size-check.js --dist DIR check another build directory
"use strict";
const fs = require("fs");
const path = require("path");
const { measureDir, roundUpBudget, BUDGET_STEP, localeTable, formatLocaleTable, LOCALE_MAX_BROTLI } = require("./lib/sizes");

const ROOT = path.resolve(__dirname, "..");
const BUDGET_FILE = path.join(__dirname, "size-budget.json");

const args = process.argv.slice(2);
const update = args.includes("--update");
const distArg = args.indexOf("--dist");
const dist = distArg >= 0 ? path.resolve(args[distArg + 1]) : path.join(ROOT, "dist");

const fmt = (n) => n.toLocaleString("en-US");

let sizes;
try {
  sizes = measureDir(dist);
} catch (e) {
  console.error(`size-check: ${e.message}; run scripts/build-widget.sh first`);
  process.exit(2);
}
const total = sizes.total.brotli;
const table = sizes.files
  .map((f) => `    ${f.name.padEnd(28)} ${fmt(f.raw).padStart(9)} raw ${fmt(f.gzip).padStart(8)} gzip ${fmt(f.brotli).padStart(8)} br`)
  .join("\n");

const budgetDoc = fs.existsSync(BUDGET_FILE) ? JSON.parse(fs.readFileSync(BUDGET_FILE, "utf8")) : {};

if (update) {
  const budget = roundUpBudget(total);
  const doc = {
    ...budgetDoc,
    total_brotli_bytes: budget,
    measured_brotli_bytes: total,
    measured_files: Object.fromEntries(sizes.files.map((f) => [f.name, f.brotli])),
  };
  fs.writeFileSync(BUDGET_FILE, JSON.stringify(doc, null, 2) + "\n");
  console.log(`size-check: budget set to ${fmt(budget)} bytes (measured ${fmt(total)} bytes brotli -11)`);
  console.log(table);
  process.exit(0);
}

const budget = budgetDoc.total_brotli_bytes;
if (!Number.isInteger(budget) || budget <= 0) {
  console.error(`size-check: ${BUDGET_FILE} has no integer "total_brotli_bytes"`);
  process.exit(2);
}
if (total > budget) {
  console.error(
    `size-check: FAILED: the widget's download is ${fmt(total)} bytes brotli -11, ` +
      `over the budget of ${fmt(budget)} bytes by ${fmt(total - budget)}.\n` +
      `${table}\n` +
      `  Cut the size back (see README, "Benchmark"), or, if the growth is deliberate and worth its bytes, ` +
      `raise the budget with \`node bench/size-check.js --update\` and say why in the commit.`,
  );
  process.exit(1);
}
// Each locale file (fetched only by users of that locale) has its own limit.
const locales = fs.existsSync(path.join(dist, "locales")) ? localeTable(dist) : [];
const over = locales.filter((r) => r.over);
if (over.length) {
  console.error(
    `size-check: FAILED: locale files over ${LOCALE_MAX_BROTLI} bytes brotli -11: ` +
      over.map((r) => `${r.locale} ${fmt(r.brotli)}`).join(", ") + "\n" + formatLocaleTable(locales),
  );
  process.exit(1);
}
if (locales.length) {
  const fetched = locales.filter((r) => r.locale !== "en");
  console.log(
    `size-check: ${fetched.length} locale files, ${fmt(Math.min(...fetched.map((r) => r.brotli)))}–` +
      `${fmt(Math.max(...fetched.map((r) => r.brotli)))} bytes brotli -11 each (limit ${fmt(LOCALE_MAX_BROTLI)})`,
  );
}
const slack = budget - total;
console.log(
  `size-check: ok: ${fmt(total)} bytes brotli -11 <= budget ${fmt(budget)} (${fmt(slack)} to spare)`,
);
if (slack >= BUDGET_STEP) {
  console.log(
    `size-check: the build is now ${Math.floor(slack / BUDGET_STEP) * 5} KB under the budget: ` +
      `lower it with \`node bench/size-check.js --update\` and commit bench/size-budget.json`,
  );
}
