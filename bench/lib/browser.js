// The browser half of the benchmark: headless Debian Chromium driven by playwright-core, a host
// page on its own origin (like a customer's), the widget's files and API on link-server's.
//   load:   script tag inserted → onLoad, cold (new context) and warm (same context, HTTP cache)
//   open:   open(token) → agreement painted; Continue → picker interactive (network vs widget)
//   search: keystroke → filtered list painted (catalog of ≥ 300 providers)
//   memory: JS heap, wasm memory and DOM counters after 1 and after 50 open/close cycles
"use strict";
const path = require("path");
const { installPageHelpers } = require("./page-helpers");
const { summary, na, attempt, log, withTimeout } = require("./util");

/** How long after the agreement painted the idle-click series clicks Continue. */
const IDLE_CLICK_MS = 100;

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function playwright() {
  // bench/package.json pins playwright-core; scripts/bench.sh installs it.
  return require(path.join(__dirname, "..", "node_modules", "playwright-core"));
}

/** In the host page: inserts the script tag, resolves when onLoad fires. */
function pageLoadWidget({ widgetBase, apiBase, isolation }) {
  return new Promise((resolve, reject) => {
    const errors = [];
    window.addEventListener("error", (e) => errors.push(String(e.message)));
    const timer = setTimeout(() => reject(new Error(`onLoad did not fire within 15 s ${errors.join("; ")}`)), 15000);
    const t0 = performance.now();
    const s = document.createElement("script");
    s.src = widgetBase + "/initialize.js";
    s.onerror = () => {
      clearTimeout(timer);
      reject(new Error("initialize.js failed to load"));
    };
    s.onload = () => {
      const script = performance.now() - t0;
      // Counters only: the memory figure must not include what the benchmark itself keeps.
      window.__vlb.state.events = 0;
      window.__vlb.state.exits = 0;
      window.__vlb.handler = window.Vital.create({
        env: "sandbox",
        apiBaseUrl: apiBase,
        isolation,
        onLoad: () => {
          clearTimeout(timer);
          const ready = performance.getEntriesByName("vital-link:ready")[0];
          resolve({
            total: performance.now() - t0,
            script,
            ready: ready ? ready.startTime - t0 : null,
          });
        },
        onEvent: () => window.__vlb.state.events++,
        onExit: () => window.__vlb.state.exits++,
        onError: () => {},
        onSuccess: () => {},
      });
    };
    document.head.appendChild(s);
  });
}

class BrowserBench {
  constructor({ hostPage, widgetBase, apiBase, createToken, runs, cycles }) {
    Object.assign(this, { hostPage, widgetBase, apiBase, createToken, runs, cycles });
  }

  async start() {
    const { chromium } = playwright();
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
    });
    this.version = this.browser.version();
  }

  async stop() {
    if (this.browser) await this.browser.close().catch(() => {});
  }

  async newPage(context) {
    const ctx = context || (await this.browser.newContext({ viewport: { width: 1280, height: 800 } }));
    await ctx.addInitScript(installPageHelpers);
    const page = await ctx.newPage();
    page.problems = [];
    page.on("pageerror", (e) => page.problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") page.problems.push(`console: ${m.text()}`);
    });
    return { ctx, page };
  }

  async gotoHost(page) {
    await page.goto(this.hostPage, { waitUntil: "load" });
  }

  async loadWidget(page, isolation = "shadow") {
    try {
      return await page.evaluate(pageLoadWidget, { widgetBase: this.widgetBase, apiBase: this.apiBase, isolation });
    } catch (e) {
      const extra = page.problems.length ? ` (${page.problems.slice(-2).join("; ")})` : "";
      throw new Error(e.message.replace(/^page\.evaluate: (Error: )?/, "").split("\n")[0] + extra);
    }
  }

  /** Script tag → onLoad: cold (a fresh context each run) and warm (one context, reloaded). */
  async load() {
    const cold = [];
    const coldScript = [];
    const coldReady = [];
    let downloads = null;
    for (let i = 0; i < this.runs; i++) {
      const { ctx, page } = await this.newPage();
      const seen = [];
      if (i === 0) {
        page.on("requestfinished", async (req) => {
          if (!req.url().startsWith(this.widgetBase)) return;
          try {
            const sizes = await req.sizes();
            const resp = await req.response();
            seen.push({
              file: new URL(req.url()).pathname.replace(/^\//, ""),
              status: resp ? resp.status() : null,
              content_encoding: resp ? (await resp.allHeaders())["content-encoding"] || "identity" : null,
              body_bytes: sizes.responseBodySize,
              cache_control: resp ? (await resp.allHeaders())["cache-control"] || null : null,
              header_bytes: sizes.responseHeadersSize,
            });
          } catch {
            /* the page may be gone */
          }
        });
      }
      await this.gotoHost(page);
      const r = await this.loadWidget(page);
      cold.push(r.total);
      coldScript.push(r.script);
      if (r.ready != null) coldReady.push(r.ready);
      if (i === 0) {
        await page.waitForTimeout(200);
        downloads = seen.filter((d) => !/^v2\//.test(d.file));
      }
      await ctx.close();
    }
    const { ctx, page } = await this.newPage();
    await this.gotoHost(page);
    await this.loadWidget(page); // primes the HTTP cache
    const warm = [];
    for (let i = 0; i < this.runs; i++) {
      await this.gotoHost(page);
      warm.push((await this.loadWidget(page)).total);
    }
    // One more, unmeasured warm load watched through CDP: where each file came from.
    const warmSources = {};
    try {
      const cdp = await ctx.newCDPSession(page);
      await cdp.send("Network.enable");
      const reqs = new Map();
      const get = (id) => reqs.get(id) || reqs.set(id, {}).get(id);
      cdp.on("Network.requestWillBeSent", (e) => (get(e.requestId).url = e.request.url));
      cdp.on("Network.requestServedFromCache", (e) => (get(e.requestId).cache = true));
      cdp.on("Network.responseReceived", (e) => {
        const r = get(e.requestId);
        r.status = e.response.status;
        r.disk = e.response.fromDiskCache;
      });
      cdp.on("Network.responseReceivedExtraInfo", (e) => (get(e.requestId).wire = e.statusCode));
      cdp.on("Network.loadingFinished", (e) => (get(e.requestId).bytes = e.encodedDataLength));
      await this.gotoHost(page);
      await this.loadWidget(page);
      await page.waitForTimeout(200);
      for (const r of reqs.values()) {
        if (!r.url || !r.url.startsWith(this.widgetBase) || /\/v2\//.test(r.url)) continue;
        const file = new URL(r.url).pathname.replace(/^\//, "");
        warmSources[file] =
          r.cache || r.disk ? "cache" : r.wire === 304 ? "revalidated (304)" : `network (${r.wire || r.status})`;
      }
    } catch {
      /* informative only */
    }
    await ctx.close();
    return {
      cold: summary(cold),
      warm: summary(warm),
      cold_initialize_js_onload: summary(coldScript),
      cold_ready_mark: coldReady.length ? summary(coldReady) : na("no vital-link:ready mark"),
      downloaded_by_host_page: downloads,
      warm_sources: warmSources,
      method:
        "performance.now() in the host page from appending <script src=initialize.js> to Vital.create({onLoad}) firing; " +
        "cold: a new browser context per run (empty HTTP cache); warm: one context, the host page navigated to again " +
        "(HTTP cache as link-server's headers allow)",
    };
  }

  /** A page on the host origin with the widget's module loaded (onLoad fired). */
  async readyPage() {
    const { ctx, page } = await this.newPage();
    await this.gotoHost(page);
    await this.loadWidget(page);
    return { ctx, page };
  }

  /** One unmeasured open on a fresh page: null when the widget opens, else the reason. */
  async probeOpen() {
    const { ctx, page } = await this.readyPage();
    try {
      const token = await this.createToken();
      const r = await withTimeout(page.evaluate(pageOpenOnce, { token, apiBase: this.apiBase }), 30000, "open");
      if (!r.error) return null;
      const extra = page.problems.length ? ` (${page.problems.slice(-2).join("; ")})` : "";
      return r.error + extra;
    } finally {
      await ctx.close();
    }
  }

  /** open(token) → agreement painted; Continue → picker interactive. */
  async open() {
    const { ctx, page } = await this.readyPage();
    const runs = { agreement: [], agreementNet: [], picker: [], pickerNet: [], pickerDom: [], idle: [], idleDom: [] };
    const markTimes = {}; // the widget's own marks, ms after open() / the Continue click
    const addMarks = (prefix, list) => {
      for (const m of list || []) (markTimes[prefix + m.name] ||= []).push(m.t);
    };
    let example = null;
    let pickerNa = null;
    try {
      for (let i = 0; i <= this.runs; i++) {
        const token = await this.createToken();
        const r = await withTimeout(page.evaluate(pageOpenOnce, { token, apiBase: this.apiBase }), 30000, "open run");
        if (r.error) {
          const extra = page.problems.length ? ` (${page.problems.slice(-2).join("; ")})` : "";
          throw new Error(r.error + extra);
        }
        if (i === 0) {
          example = roundDeep(r); // the first run warms up the widget's code paths: not counted
          continue;
        }
        addMarks("open→", r.agreement.marks);
        if (r.picker) addMarks("continue→", r.picker.marks);
        runs.agreement.push(r.agreement.total);
        runs.agreementNet.push(r.agreement.network);
        if (r.picker && !r.picker.error) {
          runs.picker.push(r.picker.total);
          runs.pickerNet.push(r.picker.network);
          runs.pickerDom.push(r.picker.dom);
        } else pickerNa = r.picker ? r.picker.error : "no picker";
      }
      for (let i = 0; i <= this.runs; i++) {
        const token = await this.createToken();
        const r = await withTimeout(
          page.evaluate(pageOpenOnce, { token, apiBase: this.apiBase, settleMs: IDLE_CLICK_MS }),
          30000,
          "open run (idle click)",
        );
        if (r.error || !r.picker || r.picker.error) continue;
        if (i === 0) continue;
        runs.idle.push(r.picker.total);
        runs.idleDom.push(r.picker.dom);
      }
    } finally {
      await ctx.close();
    }
    const split = (total, net) => ({
      total: summary(total),
      network: summary(net),
      widget: summary(total.map((t, i) => t - net[i])),
    });
    return {
      open_to_agreement: split(runs.agreement, runs.agreementNet),
      continue_to_picker: runs.picker.length
        ? {
            ...split(runs.picker, runs.pickerNet),
            dom: summary(runs.pickerDom),
            idle_click: runs.idle.length ? { total: summary(runs.idle), dom: summary(runs.idleDom) } : na("no run"),
          }
        : na(pickerNa || "picker not reached"),
      widget_marks_median_ms: Object.fromEntries(
        Object.entries(markTimes).map(([k, v]) => [k, summary(v).median]),
      ),
      first_run: example,
      method:
        "open: handler.open(token) → the agreement's Continue button is in the DOM, then the next animation frame " +
        "has been produced; Continue: click() → search input and provider list shown, same paint rule. network = the " +
        "time at least one API fetch (Resource Timing, link-server origin) was in flight within that interval; " +
        "widget = total − network. A new link token per run; one unmeasured warm-up run. For Continue also: dom = " +
        "click → the picker in the DOM (the widget's own work; the click comes right after a frame, so the paint " +
        `waits for the browser's next one). idle_click: the same, clicked ${IDLE_CLICK_MS} ms after the agreement ` +
        "painted (as a user who reads it first), in a second series of runs.",
    };
  }

  /** Both isolations side by side, same procedure: script tag → onLoad (cold), bytes on the
   * wire, open(token) → agreement painted and Continue → picker painted (a ready page). */
  async isolation() {
    const out = {};
    for (const mode of ["shadow", "iframe"]) {
      const cold = [];
      let bytes = null;
      for (let i = 0; i < this.runs; i++) {
        const { ctx, page } = await this.newPage();
        const seen = [];
        page.on("requestfinished", async (req) => {
          if (!req.url().startsWith(this.widgetBase) || /\/v2\//.test(req.url())) return;
          try {
            // A negative size: served from the HTTP cache (no body on the wire).
            const size = (await req.sizes()).responseBodySize;
            seen.push({ file: new URL(req.url()).pathname, bytes: Math.max(0, size), cache: size < 0 });
          } catch {
            /* the page may be gone */
          }
        });
        await this.gotoHost(page);
        cold.push((await this.loadWidget(page, mode)).total);
        await page.waitForTimeout(100);
        if (i === 0) bytes = { total: seen.reduce((a, d) => a + d.bytes, 0), files: seen };
        await ctx.close();
      }
      const { ctx, page } = await this.newPage();
      const agreement = [];
      const picker = [];
      try {
        await this.gotoHost(page);
        await this.loadWidget(page, mode);
        for (let i = 0; i <= this.runs; i++) {
          const token = await this.createToken();
          const r = await withTimeout(
            mode === "shadow"
              ? page.evaluate(pageOpenOnce, { token, apiBase: this.apiBase })
              : iframeOpenOnce(page, token, this.apiBase),
            30000, `${mode} open run`);
          if (r.error) throw new Error(`${mode}: ${r.error}`);
          if (i === 0) continue; // warm-up
          agreement.push(r.agreement.total);
          if (r.picker && !r.picker.error) picker.push(r.picker.total);
        }
      } finally {
        await ctx.close();
      }
      out[mode] = {
        cold_load: summary(cold),
        bytes_on_the_wire: bytes,
        open_to_agreement: summary(agreement),
        continue_to_picker: picker.length ? summary(picker) : na("picker not reached"),
      };
    }
    out.method =
      "the same host page (another origin than link-server) and procedure for both: cold = a new browser context per " +
      "run, <script src=initialize.js> appended → onLoad (iframe: the iframe's page and wasm loaded and ready); bytes = " +
      "response bodies of every widget file any frame fetched in the first cold run (API calls excluded); open = " +
      "handler.open(token) → the agreement painted (iframe: observed inside the iframe, times compared through " +
      "performance.timeOrigin); Continue = click → the picker painted. One unmeasured warm-up open.";
    return out;
  }

  /** Keystroke in the picker's search box → the filtered list painted. */
  async search(providerNames) {
    const { ctx, page } = await this.readyPage();
    try {
      const token = await this.createToken();
      const r = await withTimeout(page.evaluate(pageOpenOnce, { token, apiBase: this.apiBase }), 30000, "open");
      if (r.error) throw new Error(r.error);
      if (!r.picker || r.picker.error) throw new Error(`picker not reached: ${r.picker ? r.picker.error : "?"}`);
      const full = await page.evaluate(() => window.__vlb.providerItems(window.__vlb.root()).length);
      const key = pickKey(providerNames);
      const input = page.locator("vital-link-widget input[type=search]");
      const samples = [];
      const domSamples = [];
      let shown = null;
      for (let i = 0; i <= this.runs; i++) {
        await input.fill("");
        await page.evaluate(
          (n) => window.__vlb.waitFor(() => window.__vlb.providerItems(window.__vlb.root()).length >= n, 5000),
          full,
        );
        // Idle before the key, as in the floor's procedure (floors()): not right after a frame.
        await page.waitForTimeout(50);
        await page.evaluate(() => {
          const v = window.__vlb;
          const input = v.searchInput(v.root());
          const before = v.providerItems(v.root()).length;
          const s = (v.state.search = { before, key: null });
          input.addEventListener(
            "keydown",
            (e) => {
              const t = v.now();
              s.key = e.timeStamp > 0 && e.timeStamp <= t ? e.timeStamp : t;
            },
            { once: true, capture: true },
          );
          s.done = v.waitFor(() => v.providerItems(v.root()).length !== before, 5000).then((r) => {
            s.after = v.providerItems(v.root()).length;
            return r;
          });
        });
        await input.press(key);
        const res = await page.evaluate(async () => {
          const s = window.__vlb.state.search;
          const r = await s.done;
          return { ...r, key: s.key, before: s.before, after: s.after };
        });
        if (res.timeout) throw new Error(`typing "${key}" did not change the list of ${full} providers within 5 s`);
        shown = { before: res.before, after: res.after };
        if (i > 0) {
          samples.push(res.painted - res.key);
          domSamples.push(res.dom - res.key);
        }
      }
      return {
        keystroke_to_filtered_list: summary(samples),
        keystroke_to_dom: summary(domSamples),
        providers_listed: full,
        catalog_size: providerNames.length,
        key,
        items_before_after: shown,
        method:
          `the search box emptied and the full list back, 50 ms idle (as the floor's procedure, and as between two ` +
          `keystrokes of a typing user), then one key ("${key}") pressed through CDP input; from the ` +
          "keydown's timestamp to the list's shown-item count changing in the DOM and the next frame produced. One " +
          "unmeasured warm-up run. Also: dom = keydown's timestamp → the list changed in the DOM (the input event, " +
          "filter and redraw; the rest is the browser's text editing, style, layout and paint of the next frame).",
      };
    } finally {
      await ctx.close();
    }
  }

  /** The floor of the open and search procedures on this machine, on the host page without the
   * widget: a one-node DOM change painted (made right after a frame, as Continue is clicked, and
   * from an idle page), and a keystroke in a plain search input whose handler sets one text. */
  async floors() {
    const { ctx, page } = await this.newPage();
    try {
      await this.gotoHost(page);
      const change = await page.evaluate(pageChangeFloor, this.runs);
      await page.evaluate(() => {
        const input = document.createElement("input");
        input.type = "search";
        input.id = "vlb-floor";
        const out = document.createElement("p");
        input.addEventListener("input", () => (out.textContent = input.value));
        document.body.append(input, out);
      });
      const input = page.locator("#vlb-floor");
      const keys = [];
      for (let i = 0; i <= this.runs; i++) {
        await input.fill("");
        await page.waitForTimeout(50);
        await page.evaluate(() => {
          const input = document.getElementById("vlb-floor");
          const s = (window.__vlb.state.floor = {});
          input.addEventListener("keydown", (e) => (s.key = e.timeStamp), { once: true, capture: true });
          s.done = new Promise((resolve) =>
            input.addEventListener("input", () => requestAnimationFrame(() => window.__vlb.afterFrame(resolve)), {
              once: true,
            }),
          );
        });
        await input.press("z");
        const t = await page.evaluate(async () => {
          const s = window.__vlb.state.floor;
          return (await s.done) - s.key;
        });
        if (i > 0) keys.push(t);
      }
      return {
        change_after_frame: summary(change.afterFrame),
        change_from_idle: summary(change.idle),
        keystroke: summary(keys),
        method:
          "host page without the widget. change: append one <p> with a text, then the next animation frame and a " +
          "task posted from it (the open procedure's paint rule), made right after such a frame (as Continue is " +
          "clicked) or 100 ms after it (idle). keystroke: the search procedure on a plain <input type=search> whose " +
          "input handler sets one text node. One unmeasured warm-up run each.",
      };
    } finally {
      await ctx.close();
    }
  }

  /** JS heap, wasm memory and DOM counters after the first open/close cycle and after N. */
  async memory() {
    const { ctx, page } = await this.readyPage();
    try {
      const cdp = await ctx.newCDPSession(page);
      const token = await this.createToken();
      const snapshot = async () => {
        for (let i = 0; i < 2; i++) await cdp.send("HeapProfiler.collectGarbage");
        const heap = await cdp.send("Runtime.getHeapUsage");
        const dom = await cdp.send("Memory.getDOMCounters").catch(() => ({}));
        // initialize.js's own reading (0 before the module loaded: then there is no figure).
        const wasm = await page.evaluate(() => (window.Vital && window.Vital.__wasmMemoryBytes()) || null);
        return { js_heap_used: heap.usedSize, js_heap_total: heap.totalSize, wasm_memory: wasm, dom_nodes: dom.nodes ?? null, js_event_listeners: dom.jsEventListeners ?? null };
      };
      // Cycles run inside the page in batches (one evaluate each), so the harness's own cost per
      // call does not pile up: 1, then up to 10, then the rest.
      const cycles = async (from, to) => {
        if (to < from) return;
        const r = await withTimeout(
          page.evaluate(pageOpenCloseCycles, { token, count: to - from + 1 }),
          20000 + (to - from + 1) * 2000,
          `open/close cycles ${from}-${to}`,
        );
        if (r.error) throw new Error(`cycle ${from + r.done}: ${r.error}`);
      };
      await cycles(1, 1);
      const first = await snapshot();
      const mid = Math.min(10, this.cycles);
      await cycles(2, mid);
      const tenth = await snapshot();
      const tenthHeap = await heapBreakdown(cdp);
      await cycles(mid + 1, this.cycles);
      const last = await snapshot();
      const lastHeap = await heapBreakdown(cdp);
      const span = Math.max(1, this.cycles - mid);
      const perCycleOf = (k) => Math.round(((lastHeap[k] - tenthHeap[k]) / span) * 10) / 10;
      const growth = {};
      const perCycle = {};
      for (const k of Object.keys(first)) {
        growth[k] = first[k] == null || last[k] == null ? null : last[k] - first[k];
        perCycle[k] =
          this.cycles > mid && tenth[k] != null && last[k] != null
            ? Math.round(((last[k] - tenth[k]) / (this.cycles - mid)) * 10) / 10
            : null;
      }
      return {
        cycles: this.cycles,
        after_first: first,
        after_10: tenth,
        after_last: last,
        growth,
        steady_growth_per_cycle: perCycle,
        // Heap snapshots after the 10th and the last cycle: what grows, by kind.
        heap_snapshot: {
          after_10: tenthHeap,
          after_last: lastHeap,
          steady_growth_per_cycle: {
            devtools_network_log: perCycleOf("devtools_network_log"),
            compiled_code: perCycleOf("compiled_code"),
            browser_internal: perCycleOf("browser_internal"),
            page_objects: perCycleOf("page_objects"),
          },
          method:
            "CDP HeapProfiler.takeHeapSnapshot; self sizes summed: devtools_network_log = " +
            "blink::NetworkResourcesData entries (the Network domain the harness keeps enabled records every " +
            "response; not there without DevTools), compiled_code = code objects and the wasm module (grows as functions " +
            "are optimised), browser_internal = blink:: C++ objects (hash-table and vector backings, which grow by " +
            "doubling), V8 system objects and hidden classes, and what V8's strong roots hold (its number-to-string cache), page_objects = the rest: the page's JS objects, " +
            "closures, strings, arrays and DOM wrappers.",
        },
        method:
          "each cycle: open(token) → agreement shown → handler.exit() → <vital-link-widget> removed. Before each reading " +
          "two CDP HeapProfiler.collectGarbage; JS heap from CDP Runtime.getHeapUsage; wasm memory = the instance's " +
          "WebAssembly.Memory buffer size (Vital.__wasmMemoryBytes() of initialize.js, which loaded the module); DOM counters from CDP " +
          "Memory.getDOMCounters. Wasm memory never shrinks: growth there means the heap's peak grew. " +
          "growth = after the last cycle − after the first (includes one-time warm-up: lazily compiled code, " +
          "caches); steady_growth_per_cycle = (after the last − after the 10th) / cycles in between, the leak rate.",
      };
    } finally {
      await ctx.close();
    }
  }
}

/** In the page (no widget): a one-node change painted, right after a frame and from idle. */
async function pageChangeFloor(runs) {
  const v = window.__vlb;
  const painted = () => new Promise((resolve) => requestAnimationFrame(() => v.afterFrame(resolve)));
  const out = { afterFrame: [], idle: [] };
  for (let i = 0; i <= runs; i++) {
    for (const mode of ["afterFrame", "idle"]) {
      if (mode === "afterFrame") await painted();
      else await new Promise((r) => setTimeout(r, 100));
      const p = document.createElement("p");
      const t0 = v.now();
      const done = painted();
      p.textContent = "x";
      document.body.appendChild(p);
      const t = (await done) - t0;
      p.remove();
      if (i > 0) out[mode].push(t);
    }
  }
  return out;
}

/** In the page: one open → agreement, then Continue → picker, then exit. */
async function pageOpenOnce({ token, apiBase, settleMs = 0 }) {
  const v = window.__vlb;
  const out = {};
  if (v.host()) {
    v.handler.exit();
    await v.waitFor(() => !v.host(), 5000);
  }
  v.reset();
  const t0 = v.now();
  const shown = v.waitFor(() => v.agreementReady(), 10000);
  v.handler.open(token);
  const a = await shown;
  if (a.timeout) {
    const r = v.root();
    const txt = r ? (r.textContent || "").replace(/\s+/g, " ").trim().slice(0, 160) : "no widget element";
    return { error: `the agreement screen (a "Continue" button) did not appear within 10 s; shown: ${txt}` };
  }
  const net = v.network(apiBase, t0, a.dom);
  out.agreement = { total: a.painted - t0, dom: a.dom - t0, network: net.busy, requests: net.requests, marks: v.marks(t0) };

  // A user reads the agreement before clicking: with settleMs the click comes from an idle page.
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  const p = await v.continueToPicker();
  const t1 = p.t1;
  if (p.timeout) {
    const r = v.root();
    out.picker = { error: `no picker (search input + provider list) within 10 s after Continue; shown: ${r ? (r.textContent || "").replace(/\s+/g, " ").trim().slice(0, 160) : "nothing"}` };
  } else {
    const pn = v.network(apiBase, t1, p.dom);
    out.picker = { total: p.painted - t1, dom: p.dom - t1, network: pn.busy, requests: pn.requests, marks: v.marks(t1), items: v.providerItems(v.root()).length };
  }
  return out;
}

/** open → agreement and Continue → picker with the widget in its iframe: the host page calls
 * open(); the iframe (the same in-page helpers, added to every frame) watches its own DOM. */
async function iframeOpenOnce(page, token, apiBase) {
  const frame = page.frames().find((f) => /\/embed$/.test(f.url()));
  if (!frame) return { error: "no widget iframe (…/embed) on the page" };
  await frame.evaluate(() => {
    const v = window.__vlb;
    v.reset();
    v.state.shown = v.waitFor(() => v.agreementReady(), 10000);
  });
  const t0 = await page.evaluate((tok) => {
    const t = performance.timeOrigin + performance.now();
    window.__vlb.handler.open(tok);
    return t;
  }, token);
  const out = await frame.evaluate(async ({ t0, apiBase }) => {
    const v = window.__vlb;
    const a = await v.state.shown;
    if (a.timeout) return { error: "the agreement screen did not appear in the iframe within 10 s" };
    const local = t0 - performance.timeOrigin;
    const r = { agreement: { total: a.painted - local, network: v.network(apiBase, local, a.dom).busy } };
    const p = await v.continueToPicker();
    r.picker = p.timeout ? { error: "no picker in the iframe within 10 s" } : { total: p.painted - p.t1 };
    return r;
  }, { t0, apiBase });
  // Close it again; the iframe stays (hidden) for the next open.
  await page.evaluate(() => window.__vlb.handler.exit());
  await page.waitForFunction(() => getComputedStyle(window.__vlb.host()).display === "none", null, { timeout: 5000 });
  return out;
}

/** Heap snapshot self sizes by kind: DevTools' network records, compiled code, the browser's own
 * objects, and the page's JavaScript and DOM objects (what the widget could leak). */
async function heapBreakdown(cdp) {
  for (let i = 0; i < 2; i++) await cdp.send("HeapProfiler.collectGarbage");
  const chunks = [];
  const onChunk = (e) => chunks.push(e.chunk);
  cdp.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  cdp.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
  const snap = JSON.parse(chunks.join(""));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [ti, ni, si, eci] = ["type", "name", "self_size", "edge_count"].map((f) => fields.indexOf(f));
  // What V8 itself holds from its strong roots (e.g. its number-to-string cache, which it grows
  // once from its initial size to 64 KiB): engine objects, not the page's.
  const edgeFields = snap.snapshot.meta.edge_fields;
  const toNode = edgeFields.indexOf("to_node");
  const engineRoots = new Set();
  for (let i = 0, e = 0; i < snap.nodes.length; i += fields.length) {
    const count = snap.nodes[i + eci];
    if (snap.strings[snap.nodes[i + ni]] === "(Strong root list)") {
      for (let k = 0; k < count; k++) engineRoots.add(snap.edges[e + k * edgeFields.length + toNode]);
    }
    e += count * edgeFields.length;
  }
  const out = { devtools_network_log: 0, compiled_code: 0, browser_internal: 0, page_objects: 0 };
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const name = String(snap.strings[snap.nodes[i + ni]]);
    const type = types[snap.nodes[i + ti]];
    const size = snap.nodes[i + si];
    if (name.includes("NetworkResourcesData")) out.devtools_network_log += size;
    else if (type === "code" || name.includes("WasmNativeModule")) out.compiled_code += size;
    // Blink's C++ collections (hash-table and vector backings that grow by doubling), V8's
    // hidden classes, its strong roots' caches and other engine objects: not objects the page holds.
    else if (type === "object shape" || name.startsWith("blink::") || name.startsWith("system / ") || engineRoots.has(i)) {
      out.browser_internal += size;
    } else out.page_objects += size;
  }
  return out;
}

/** In the page: `count` × (open → agreement shown → exit → widget gone). */
async function pageOpenCloseCycles({ token, count }) {
  const v = window.__vlb;
  for (let done = 0; done < count; done++) {
    const shown = v.waitFor(() => v.agreementReady(), 10000);
    v.handler.open(token);
    if ((await shown).timeout) return { done, error: "the agreement screen did not appear within 10 s" };
    const gone = v.waitFor(() => !v.host(), 5000);
    v.handler.exit();
    if ((await gone).timeout) return { done, error: "the widget element stayed after exit()" };
    v.reset();
  }
  return { done: count };
}

/** Numbers rounded to 0.1 ms, for the JSON. */
function roundDeep(x) {
  if (typeof x === "number") return Math.round(x * 10) / 10;
  if (Array.isArray(x)) return x.map(roundDeep);
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, roundDeep(v)]));
  return x;
}

/** A key that changes the list: present in some provider names but not all (fewest first). */
function pickKey(names) {
  const lower = names.map((n) => n.toLowerCase());
  let best = null;
  for (const c of "qzxjvkwyhgupbfmdclrstnoiae") {
    const hits = lower.filter((n) => n.includes(c)).length;
    if (hits > 0 && hits < lower.length && (!best || hits < best.hits)) best = { c, hits };
  }
  return best ? best.c : "q";
}

async function runBrowserBench(opts) {
  const bench = new BrowserBench(opts);
  const started = await attempt("browser: launch chromium", () => bench.start());
  if (started && started.na) {
    const reason = `chromium: ${started.na}`;
    return { load: na(reason), open: na(reason), search: na(reason), memory: na(reason) };
  }
  // A procedure left out (BENCH_SKIP) is reported as such.
  const skip = opts.skip || new Set();
  const run = (k, what, f) => (skip.has(k) ? na("skipped (BENCH_SKIP)") : attempt(what, f));
  try {
    const out = { chromium: bench.version };
    out.load = await run("load", "browser: load (cold/warm)", () => bench.load());
    const loaded = !out.load.na || skip.has("load");
    const why = (r) => (loaded ? r : `the widget does not load: ${out.load.na}`);
    if (!opts.createToken) {
      out.open = na(why(opts.noTokenReason));
      out.search = na(why(opts.noTokenReason));
      out.memory = na(why(opts.noTokenReason));
    } else if (!loaded) {
      out.open = out.search = out.memory = na(why(""));
    } else {
      // The widget's API is called cross-origin from the host page. If that fails (e.g. a CORS
      // problem of the server), measure with the host page on link-server's origin instead and
      // say so, rather than reporting nothing.
      const problem = await attempt("browser: probe open(token)", () => bench.probeOpen());
      if (problem && !problem.na && opts.sameOriginHostPage) {
        log(`browser: open from the cross-origin host page failed: ${problem}`);
        bench.hostPage = opts.sameOriginHostPage;
        const again = await attempt("browser: probe open(token), same-origin host page", () => bench.probeOpen());
        if (again === null) {
          out.host_page_fallback =
            `the host page is served by link-server (same origin as the API): from another origin ` +
            `open() fails: ${problem}`;
        } else bench.hostPage = opts.hostPage;
      }
      out.host_page = bench.hostPage;
      out.open = await run("open", "browser: open / continue", () => bench.open());
      out.search = opts.providerNames
        ? await run("search", "browser: search", () => bench.search(opts.providerNames))
        : na(opts.noProvidersReason || "no provider catalog");
      out.memory = await run("memory", "browser: memory (open/close cycles)", () => bench.memory());
      out.isolation = await run("isolation", "browser: iframe vs shadow isolation", () => bench.isolation());
      out.floors = await run("floors", "browser: floors of the procedures", () => bench.floors());
    }
    return out;
  } finally {
    await bench.stop();
    log("browser: closed");
  }
}

module.exports = { runBrowserBench, pickKey };
