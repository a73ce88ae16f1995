// In-page helpers of the browser benchmark, injected with addInitScript (never a <script> tag,
// so they also work under a strict CSP). They define window.__vlb. Every time is
// performance.now() of the host page.
//
// "Painted" is measured as: the DOM condition becomes true (MutationObserver, exact) → the next
// animation frame → a task posted from it, which runs once that frame has been produced.
"use strict";

function installPageHelpers() {
  if (window.__vlb) return;
  const now = () => performance.now();

  function host() {
    return document.querySelector("vital-link-widget");
  }
  function root() {
    const h = host();
    return h && h.shadowRoot;
  }
  function visible(el) {
    return el.getClientRects().length > 0;
  }
  function text(el) {
    return (el.textContent || "").replace(/\s+/g, " ").trim();
  }
  function findButton(r, re) {
    if (!r) return null;
    return [...r.querySelectorAll("button, [role=button]")].find((b) => re.test(text(b)) && visible(b)) || null;
  }
  const CHROME = /^(close|back|continue|×|✕|cancel)$/i;
  /** The provider entries of the picker that are shown: <li>s, else buttons that are not chrome. */
  function providerItems(r) {
    if (!r) return [];
    let items = [...r.querySelectorAll("li")];
    if (items.length === 0) {
      items = [...r.querySelectorAll("button, [role=option]")].filter(
        (b) => !CHROME.test(text(b)) && !CHROME.test(b.getAttribute("aria-label") || ""),
      );
    }
    return items.filter(visible);
  }
  function searchInput(r) {
    return r ? r.querySelector("input[type=search]") : null;
  }
  function agreementReady() {
    return !!findButton(root(), /^continue$/i);
  }
  function pickerReady() {
    const r = root();
    return !!(searchInput(r) && providerItems(r).length > 0);
  }

  /** Resolves {dom, frame, painted} once pred() holds (checked at each DOM mutation, shadow roots
   * included), or {timeout: true}. */
  function waitFor(pred, timeoutMs = 10000) {
    return new Promise((resolve) => {
      const observed = new Set();
      let done = false;
      const mo = new MutationObserver(check);
      function watchRoots() {
        const h = host();
        if (h && h.shadowRoot && !observed.has(h.shadowRoot)) {
          observed.add(h.shadowRoot);
          mo.observe(h.shadowRoot, { subtree: true, childList: true, attributes: true, characterData: true });
        }
      }
      function finish(result) {
        if (done) return;
        done = true;
        mo.disconnect();
        clearTimeout(timer);
        resolve(result);
      }
      function check() {
        if (done) return;
        watchRoots();
        let ok = false;
        try {
          ok = pred();
        } catch {
          ok = false;
        }
        if (!ok) return;
        const dom = now();
        done = true;
        mo.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => {
          const frame = now();
          afterFrame((painted) => resolve({ dom, frame, painted }));
        });
      }
      const timer = setTimeout(() => finish({ timeout: true }), timeoutMs);
      mo.observe(document.documentElement, { subtree: true, childList: true });
      check();
    });
  }

  /** Calls done(now()) in a task posted from inside an animation frame callback: once that
   * frame has been produced (the paint rule of waitFor). */
  function afterFrame(done) {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => done(now());
    ch.port2.postMessage(0);
  }

  /** Union length of the [start, end] intervals clipped to [from, to]. */
  function unionLength(intervals, from, to) {
    const iv = intervals
      .map(([a, b]) => [Math.max(a, from), Math.min(b, to)])
      .filter(([a, b]) => b > a)
      .sort((x, y) => x[0] - y[0]);
    let total = 0;
    let cur = null;
    for (const [a, b] of iv) {
      if (!cur || a > cur[1]) {
        if (cur) total += cur[1] - cur[0];
        cur = [a, b];
      } else cur[1] = Math.max(cur[1], b);
    }
    if (cur) total += cur[1] - cur[0];
    return total;
  }

  /** API fetches of the widget (to apiBase) between from and to, and the time the network was busy. */
  function network(apiBase, from, to) {
    const entries = performance
      .getEntriesByType("resource")
      .filter((e) => e.name.startsWith(apiBase) && e.responseEnd > from && e.startTime < to && /\/v2\//.test(e.name));
    return {
      busy: unionLength(entries.map((e) => [e.startTime, e.responseEnd]), from, to),
      requests: entries.map((e) => ({
        path: new URL(e.name).pathname,
        start: e.startTime - from,
        end: e.responseEnd - from,
      })),
    };
  }

  /** The widget's own Performance API marks (vital-link:*), relative to `from`. */
  function marks(from) {
    return performance
      .getEntriesByType("mark")
      .filter((m) => m.name.startsWith("vital-link:") && m.startTime >= from - 1)
      .map((m) => ({ name: m.name, t: m.startTime - from }));
  }

  function reset() {
    performance.clearMarks();
    performance.clearResourceTimings();
  }

  /** Clicks the agreement's Continue and waits for the picker: {t1, ...waitFor's result}, page
   * times. The one Continue procedure of both isolations (in the iframe it runs in the frame). */
  async function continueToPicker() {
    reset();
    const btn = findButton(root(), /^continue$/i);
    const t1 = now();
    const picker = waitFor(() => pickerReady(), 10000);
    btn.click();
    return { t1, ...(await picker) };
  }

  const state = {};

  window.__vlb = {
    host,
    root,
    findButton,
    providerItems,
    searchInput,
    agreementReady,
    pickerReady,
    waitFor,
    afterFrame,
    continueToPicker,
    network,
    marks,
    reset,
    state,
    now,
  };
}

module.exports = { installPageHelpers };
