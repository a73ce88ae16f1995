// @ts-check
// Drives Debian's Chromium (/usr/bin/chromium); never downloads a browser.
// The server is started by global-setup.js on a free loopback port with a fresh SQLite file.
const { defineConfig } = require("@playwright/test");

module.exports = defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  globalSetup: require.resolve("./global-setup.js"),
  // Every flow runs in both isolations (Vital.create({ isolation })); the hosted page and the
  // demo are one mode of their own and run once.
  projects: [
    { name: "shadow", use: { isolation: "shadow" } },
    { name: "iframe", use: { isolation: "iframe" }, testIgnore: /(hosted|demo)\.spec\.js/ },
  ],
  use: {
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
