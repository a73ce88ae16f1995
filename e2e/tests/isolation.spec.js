// Credential isolation (Vital.create({ isolation })): in iframe isolation the widget runs in an
// iframe of the Link origin, gets its token over a MessageChannel and ignores everything else;
// host-page scripts cannot reach what the user types. The shadow project runs the contrast.
const fs = require("fs");
const {
  test, expect, newToken, openWidget, log, callbacks, waitForCallback, hostPage, isolation, dialogOf, API, HOST,
} = require("./helpers");

const SECRET = "pass_good";

/** Everything a host-page script can reach of the widget: inputs holding `secret`, the frame. */
function probe(secret) {
  const found = [];
  const walk = (root) => root.querySelectorAll("*").forEach((el) => {
    if (el.value === secret) found.push(el.tagName.toLowerCase());
    if (el.shadowRoot) walk(el.shadowRoot);
  });
  walk(document);
  const frame = document.querySelector("vital-link-widget iframe");
  let frameDocument = "no frame";
  if (frame) {
    try { frameDocument = frame.contentWindow.document ? "readable" : "none"; } catch (e) { frameDocument = e.name; }
  }
  return { found, frameDocument, contentDocument: frame ? frame.contentDocument : null };
}

test("a host-page script cannot read the password being typed (iframe); it can in shadow", async ({ page }) => {
  const t = await newToken({ provider: "peloton" });
  const dialog = await openWidget(page, t.link_token);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await dialog.getByLabel(/username/i).fill("user_good");
  await dialog.getByLabel("Password", { exact: true }).fill(SECRET);
  const reach = await page.evaluate(probe, SECRET);
  if (isolation() === "iframe") {
    expect(reach).toEqual({ found: [], frameDocument: "SecurityError", contentDocument: null });
  } else {
    // The documented trade-off of shadow isolation: the host page can read the field.
    expect(reach.found).toEqual(["input"]);
  }
  // The field itself still holds what was typed, and the flow completes.
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();
});

test.describe("iframe isolation", () => {
  test.skip(() => isolation() !== "iframe", "iframe isolation only");

  test("no token in the iframe's URL or in any URL the server logged", async ({ page }) => {
    const t = await newToken({ provider: "peloton" });
    const dialog = await openWidget(page, t.link_token);
    await dialog.getByRole("button", { name: "Continue" }).click();
    await dialog.getByLabel(/username/i).fill("user_good");
    await dialog.getByLabel("Password", { exact: true }).fill(SECRET);
    await dialog.getByRole("button", { name: "Connect", exact: true }).click();
    await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();
    const src = await page.locator("vital-link-widget iframe").getAttribute("src");
    expect(src).toBe(`${API()}/embed`);
    const urls = [page.url(), ...page.frames().map((f) => f.url())];
    for (const u of urls) expect(u).not.toContain(t.link_token);
    // The server's log: it did record the widget page and the flow's calls, never the token.
    const logFile = process.env.LINK_SERVER_LOG;
    await expect.poll(() => fs.readFileSync(logFile, "utf8").includes("/embed")).toBe(true);
    await expect.poll(() => fs.readFileSync(logFile, "utf8").includes("/v2/link/provider/password/peloton")).toBe(true);
    const text = fs.readFileSync(logFile, "utf8");
    expect(text).not.toContain(t.link_token);
    expect(text).not.toContain(SECRET);
  });

  test("spoofed messages change nothing: another frame, look-alikes to the host, a second channel", async ({ page }) => {
    const t = await newToken();
    const victim = await newToken();
    await page.goto(hostPage({ spoof: "1" }));
    await page.waitForFunction(() => window.__log.some((e) => e.kind === "onLoad"));
    // A hostile frame of the host page attacks every window it can reach.
    await page.evaluate((tok) => {
      const f = document.createElement("iframe");
      f.src = "/spoof.html?" + new URLSearchParams({ attack: "1", token: tok });
      document.body.appendChild(f);
    }, victim.link_token);
    const spoof = page.frameLocator("iframe[src^='/spoof.html']");
    await expect(spoof.locator("p")).toBeVisible();
    // The host page itself replays a connect to the widget's window with a new channel.
    const replay = await page.evaluate(async (tok) => {
      const w = document.querySelector("vital-link-widget iframe").contentWindow;
      const ch = new MessageChannel();
      const got = [];
      ch.port1.onmessage = (e) => got.push(e.data && e.data.type);
      w.postMessage({ type: "vital-link:connect" }, "*", [ch.port2]);
      ch.port1.postMessage({ type: "open", token: tok, inline: false, locale: "en", appearance: {} });
      await new Promise((r) => setTimeout(r, 1500));
      return got;
    }, victim.link_token);
    expect(replay).toEqual([]);
    const spoofFrame = page.frames().find((f) => f.url().includes("/spoof.html"));
    expect(await spoofFrame.title()).toBe("spoof:[]");
    // Nothing reached the host's callbacks, nothing was opened, the page did not navigate.
    expect(await callbacks(page)).toEqual([]);
    await expect(page.locator("vital-link-widget")).toBeHidden();
    expect(new URL(page.url()).pathname).toBe("/host.html");
    // The real widget still works.
    await page.evaluate((tok) => window.__open(tok), t.link_token);
    await expect(dialogOf(page).getByRole("button", { name: "Continue" })).toBeVisible();
    await dialogOf(page).getByRole("button", { name: "Close" }).click();
    await waitForCallback(page, "onExit");
    const cbs = await callbacks(page);
    expect(cbs.map((c) => c.kind + ":" + c.metadata.error_type)).toEqual(["onExit:user_cancelled"]);
  });

  test("the widget's iframe navigated elsewhere never gets the channel or the token", async ({ page }) => {
    const t = await newToken();
    await page.goto(hostPage({ spoof: "1" }));
    await page.waitForFunction(() => window.__log.some((e) => e.kind === "onLoad"));
    // Someone points the widget's frame at a page of another origin, then the host opens.
    await page.evaluate(() => {
      document.querySelector("vital-link-widget iframe").src = "/spoof.html?listen=1";
    });
    const spoofFrame = () => page.frames().find((f) => f.url().includes("/spoof.html"));
    await expect.poll(async () => spoofFrame() && await spoofFrame().title()).toBe("spoof:[]");
    await page.evaluate((tok) => window.__open(tok), t.link_token);
    await page.waitForTimeout(1000);
    expect(await spoofFrame().title()).toBe("spoof:[]");
    expect((await log(page)).some((e) => JSON.stringify(e).includes(t.link_token))).toBe(false);
  });

  test("inline: the iframe is as tall as the widget, without scrollbars", async ({ page }) => {
    const t = await newToken();
    const dialog = await openWidget(page, t.link_token, { inline: "1" });
    await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
    const embed = page.frames().find((f) => f.url().endsWith("/embed"));
    await expect.poll(async () => {
      const outer = await page.locator("#inline-slot iframe").evaluate((f) => f.getBoundingClientRect().height);
      const inner = await embed.evaluate(() => document.documentElement.scrollHeight);
      return Math.abs(outer - inner) <= 1 && outer > 200;
    }).toBe(true);
    const scroll = await embed.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
    expect(scroll).toBeLessThanOrEqual(0);
    await expect(page.locator("html")).not.toHaveCSS("overflow", "hidden");
  });

  test("provider logos show (they load from the Link origin under the widget page's CSP)", async ({ page }) => {
    const t = await newToken();
    const dialog = await openWidget(page, t.link_token);
    await dialog.getByRole("button", { name: "Continue" }).click();
    const logo = dialog.locator("img").first();
    await expect(logo).toBeVisible();
    await expect.poll(() => logo.evaluate((img) => img.complete && img.naturalWidth > 0)).toBe(true);
  });

  test("the widget page sends its CSP, framing limited by --frame-ancestors", async ({ page }) => {
    const res = await fetch(`${API()}/embed`);
    expect(res.status).toBe(200);
    const policy = res.headers.get("content-security-policy");
    expect(policy).toContain("frame-ancestors *");
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    // The hosted page is never framed.
    const hosted = await fetch(`${API()}/`);
    expect(hosted.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(hosted.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("destroy() removes the iframe and closes the channel", async ({ page }) => {
    const t = await newToken();
    const dialog = await openWidget(page, t.link_token);
    await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
    await page.evaluate(() => window.__handler.destroy());
    await expect(page.locator("iframe")).toHaveCount(0);
    await expect(page.locator("html")).not.toHaveCSS("overflow", "hidden");
    expect(await callbacks(page)).toEqual([]);
  });
});

test("the hosted page cannot be framed; the widget page of iframe isolation can", async ({ page }) => {
  const t = await newToken();
  // A fresh page outside the fixture: the refused frame logs a console error there on purpose.
  const p = await page.context().newPage();
  const errors = [];
  p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  // A page whose own CSP allows frames of the Link origin (the iframe-isolation policy).
  await p.goto(`${HOST()}/landing.html?${new URLSearchParams({ iso: "iframe", api: API() })}`);
  await p.evaluate((urls) => {
    for (const [id, src] of urls) {
      const f = document.createElement("iframe");
      f.id = id;
      f.src = src;
      document.body.appendChild(f);
    }
  }, [["hosted", t.link_web_url], ["embed", `${API()}/embed`]]);
  await expect.poll(() => errors.some((e) => e.includes("frame-ancestors"))).toBe(true);
  // The hosted page drew nothing in the frame; /embed loaded (its script asked for a channel).
  await expect(p.frameLocator("#embed").locator("body")).toBeAttached();
  await expect.poll(() => p.frames().some((f) => f.url() === `${API()}/embed`)).toBe(true);
  const hosted = p.frames().find((f) => f.url().startsWith(`${API()}/?`));
  expect(hosted).toBeUndefined();
  expect(errors.filter((e) => e.includes("frame-ancestors"))).toHaveLength(1);
  await p.close();
});
