// Renders results.json as the one table scripts/bench.sh prints (Markdown, so it pastes as is).
"use strict";

const int = (n) => (n == null || !Number.isFinite(n) ? "n/a" : Math.round(n).toLocaleString("en-US"));
const ms = (n) => (n == null || !Number.isFinite(n) ? "n/a" : n.toFixed(1));
const kib = (n) => (n == null || !Number.isFinite(n) ? "n/a" : `${(n / 1024).toFixed(1)} KiB`);
const mib = (n) => (n == null || !Number.isFinite(n) ? "n/a" : `${(n / 1048576).toFixed(1)} MiB`);
const signed = (n, f) => (n == null || !Number.isFinite(n) ? "n/a" : (n > 0 ? "+" : n < 0 ? "−" : "±") + f(Math.abs(n)));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : "n/a");

function renderTable(r) {
  const rows = [];
  const section = (title, a = "", b = "", c = "", note = "") => rows.push({ section: true, cells: [`**${title}**`, a, b, c, note] });
  const NOTE_MAX = 110; // the full reasons are in results.json
  const clip = (t) => (t.length > NOTE_MAX ? t.slice(0, NOTE_MAX - 1) + "…" : t);
  const row = (label, a, b, c, note = "") => rows.push({ cells: [label, a, b, c, clip(String(note))] });
  const naRow = (label, fig) => row(label, "n/a", "", "", fig && fig.na ? fig.na : "not measured");

  // 1. transfer size
  section("Transfer size (bytes)", "raw", "gzip -9", "brotli -11", "");
  const w = r.size && r.size.widget;
  if (!w || w.na) naRow("widget", w);
  else {
    for (const f of w.files) row(`  widget: ${f.name}`, int(f.raw), int(f.gzip), int(f.brotli));
    row("  **widget total**", int(w.total.raw), int(w.total.gzip), int(w.total.brotli), "what a host page downloads (dist/ minus *.html)");
  }
  const ref = r.size && r.size.reference;
  // Each reference app: its files, its total, and the widget against it.
  const reference = (label, naLabel, m, note) => {
    if (!m || m.na) naRow(naLabel, m);
    else {
      for (const f of m.files) row(`  ${label}: ${f.name}`, int(f.raw), int(f.gzip), int(f.brotli));
      row(`  **${label} total**`, int(m.total.raw), int(m.total.gzip), int(m.total.brotli), note);
    }
    if (w && !w.na && m && !m.na) {
      row(
        `  widget / ${label}`,
        ratio(w.total.raw, m.total.raw),
        ratio(w.total.gzip, m.total.gzip),
        ratio(w.total.brotli, m.total.brotli),
        `widget − ${label} = ${int(w.total.brotli - m.total.brotli)} bytes brotli`,
      );
    }
  };
  reference("reference", "reference counter", ref, "minimal Leptos 0.8 CSR counter, same profile");
  reference(
    "reference (fetch)",
    "reference (fetch)",
    r.size && r.size.reference_fetch,
    "Leptos 0.8 + gloo-net + serde_json, one screen, same profile",
  );
  const b = r.size && r.size.budget;
  if (b && !b.na) {
    row("  size budget (CI)", "", "", int(b.total_brotli_bytes), b.within ? `ok, ${int(b.total_brotli_bytes - b.measured)} bytes to spare` : `OVER by ${int(b.measured - b.total_brotli_bytes)} bytes`);
  }
  if (r.load && r.load.downloaded_by_host_page) {
    const d = r.load.downloaded_by_host_page;
    const onWire = d.reduce((s, x) => s + (x.body_bytes || 0), 0);
    const by = r.meta.widget_files_served_by === "link-server" ? "link-server" : "the fallback server";
    row(`  on the wire (as served by ${by})`, "", "", int(onWire), d.map((x) => `${x.file}: ${x.content_encoding}`).join(", ") || "");
  }

  // 1b. locale files (fetched on demand; English is in the wasm)
  const loc = r.size && r.size.locales;
  if (loc && !loc.na && loc.length) {
    section("Locale files (bytes)", "keys", "raw", "brotli -11", "each fetched only by users of that locale; limit 2,048 brotli");
    for (const l of loc) {
      row(`  locales/${l.locale}.json`, String(l.keys), int(l.raw), int(l.brotli),
        l.locale === "en" ? "built into the wasm, never fetched" : l.over ? "OVER the 2 KB limit" : "");
    }
  }

  // 2. load
  section("Load (ms)", "median", "p95", "runs", "script tag inserted → onLoad");
  for (const [k, label] of [["cold", "  cold (new context, no cache)"], ["warm", "  warm (HTTP cache, same context)"]]) {
    if (!r.load || r.load.na) naRow(label, r.load);
    else {
      let note = "";
      if (k === "warm" && r.load.warm_sources) {
        const counts = {};
        for (const v of Object.values(r.load.warm_sources)) counts[v] = (counts[v] || 0) + 1;
        note = "files: " + Object.entries(counts).map(([v, n]) => `${v} ×${n}`).join(", ");
      }
      if (k === "cold" && r.load.note) note = r.load.note;
      row(label, ms(r.load[k].median), ms(r.load[k].p95), String(r.load[k].n), note);
    }
  }

  // 3. open
  section("Open (ms)", "median", "p95", "runs", "total = network + widget");
  const split = (label, fig) => {
    if (!fig || fig.na) return naRow(label, fig || r.open);
    row(label, ms(fig.total.median), ms(fig.total.p95), String(fig.total.n));
    row("    network (API fetches in flight)", ms(fig.network.median), ms(fig.network.p95), "");
    row("    widget (total − network)", ms(fig.widget.median), ms(fig.widget.p95), "");
  };
  if (r.meta.host_page_fallback) row("  ⚠ host page on link-server's origin", "", "", "", r.meta.host_page_fallback);
  split("  open(token) → agreement painted", r.open && !r.open.na ? r.open.open_to_agreement : r.open);
  split("  Continue → picker interactive", r.open && !r.open.na ? r.open.continue_to_picker : r.open);
  const cp = r.open && !r.open.na ? r.open.continue_to_picker : null;
  if (cp && !cp.na && cp.dom) {
    row("    click → picker in the DOM", ms(cp.dom.median), ms(cp.dom.p95), "", "the widget's own work; then the browser's next frame");
  }
  const fl = r.floors && !r.floors.na ? r.floors : null;
  if (fl) {
    row("    floor: a one-node change, right after a frame", ms(fl.change_after_frame.median), ms(fl.change_after_frame.p95),
      String(fl.change_after_frame.n), "no widget: the wait for the browser's next frame");
  }
  if (cp && !cp.na && cp.idle_click && !cp.idle_click.na) {
    row("  Continue → picker, clicked from idle", ms(cp.idle_click.total.median), ms(cp.idle_click.total.p95),
      String(cp.idle_click.total.n), "clicked 100 ms after the agreement painted (a user reads it first)");
    row("    click → picker in the DOM", ms(cp.idle_click.dom.median), ms(cp.idle_click.dom.p95), "", "");
    if (fl) row("    floor: a one-node change, from idle", ms(fl.change_from_idle.median), ms(fl.change_from_idle.p95), String(fl.change_from_idle.n), "no widget");
  }

  // 3b. isolation: both modes, same procedure
  section("Isolation (ms, median)", "shadow", "iframe", "iframe − shadow", "same host page and procedure for both");
  const iso = r.isolation;
  if (!iso || iso.na) naRow("  iframe vs shadow", iso);
  else {
    const pair = (label, get, fmt, note = "") => {
      const a = get(iso.shadow);
      const b = get(iso.iframe);
      row(label, fmt(a), fmt(b), signed(a != null && b != null ? b - a : null, fmt), note);
    };
    const med = (k) => (m) => (m[k] && !m[k].na ? m[k].median : null);
    pair("  script tag → onLoad (cold)", med("cold_load"), ms);
    pair("  open(token) → agreement painted", med("open_to_agreement"), ms, "goal: iframe adds ≤ 30 ms");
    pair("  Continue → picker painted", med("continue_to_picker"), ms);
    pair("  bytes on the wire (cold, all frames)", (m) => (m.bytes_on_the_wire ? m.bytes_on_the_wire.total : null), int,
      `iframe: ${iso.iframe.bytes_on_the_wire ? iso.iframe.bytes_on_the_wire.files.map((f) => f.file + (f.cache ? " (cache)" : "")).join(" ") : ""}`);
  }

  // 4. search
  section("Search (ms)", "median", "p95", "runs", "");
  if (!r.search || r.search.na) naRow("  keystroke → filtered list painted", r.search);
  else {
    const s = r.search;
    row("  keystroke → filtered list painted", ms(s.keystroke_to_filtered_list.median), ms(s.keystroke_to_filtered_list.p95), String(s.keystroke_to_filtered_list.n), `${s.catalog_size} providers; "${s.key}": ${s.items_before_after.before} → ${s.items_before_after.after} shown`);
    if (s.keystroke_to_dom) {
      row("    keystroke → list in the DOM", ms(s.keystroke_to_dom.median), ms(s.keystroke_to_dom.p95), "", "text editing, input event, filter, redraw; then style, layout, paint");
    }
    if (fl) row("    floor: a plain search input, one text set", ms(fl.keystroke.median), ms(fl.keystroke.p95), String(fl.keystroke.n), "no widget: same keystroke, same paint rule");
  }

  // 6. memory
  const m = r.memory;
  section("Memory", "after 1", m && !m.na ? `after ${m.cycles}` : "after 50", "growth", "open/close cycles, after GC");
  if (!m || m.na) naRow("  JS heap / wasm memory", m);
  else {
    const steady = (k, f) => {
      const v = m.steady_growth_per_cycle && m.steady_growth_per_cycle[k];
      return v == null ? "" : `steady ${signed(v, f)} per cycle (after the 10th)`;
    };
    const bytes = (n) => `${int(n)} B`;
    row("  JS heap used", kib(m.after_first.js_heap_used), kib(m.after_last.js_heap_used), signed(m.growth.js_heap_used, kib), steady("js_heap_used", bytes));
    const hs = m.heap_snapshot;
    if (hs) {
      const g = hs.steady_growth_per_cycle;
      const split = (k, label) =>
        row(`    ${label}`, kib(hs.after_10[k]), kib(hs.after_last[k]), signed(hs.after_last[k] - hs.after_10[k], kib), `steady ${signed(g[k], bytes)} per cycle (heap snapshots, 10th → last)`);
      split("page_objects", "page + widget JS and DOM objects");
      if (hs.after_10.browser_internal != null) split("browser_internal", "browser's own objects");
      split("devtools_network_log", "DevTools network log");
      split("compiled_code", "compiled code");
    }
    if (m.after_first.wasm_memory == null) row("  wasm memory", "n/a", "", "", "WebAssembly.Memory not reachable");
    else row("  wasm memory", kib(m.after_first.wasm_memory), kib(m.after_last.wasm_memory), signed(m.growth.wasm_memory, kib), steady("wasm_memory", bytes));
    row("  DOM nodes", int(m.after_first.dom_nodes), int(m.after_last.dom_nodes), signed(m.growth.dom_nodes, int));
    row("  JS event listeners", int(m.after_first.js_event_listeners), int(m.after_last.js_event_listeners), signed(m.growth.js_event_listeners, int));
  }

  // 5. server
  const sv = r.server;
  section("Server", "req/s", "p50 ms", "p99 ms", "");
  const loadRows = [
    ["link_token", "POST /v2/link/token"],
    ["link_providers", "GET /v2/link/providers"],
  ];
  if (!sv || sv.na) naRow("  link-server under load", sv);
  else {
    for (const [key, name] of loadRows) {
      for (const mode of Object.keys(sv[key] || {})) {
        const x = sv[key][mode];
        const label = mode === "saturation" ? `  ${name}, saturation` : `  ${name} @ ${int(Number(mode.replace("fixed_", "")))} req/s`;
        if (x.na) naRow(label, x);
        else {
          const notes = [`${x.connections} conn`];
          if (x.errors) notes.push(`${x.errors} errors`);
          if (x.unfinished) notes.push(`${x.unfinished} unfinished`);
          if (x.avg_body_bytes) notes.push(`${int(x.avg_body_bytes)} B/answer`);
          row(label, int(x.rps), ms(x.p50_ms), ms(x.p99_ms), notes.join(", "));
        }
      }
    }
    row("  peak RSS (VmHWM)", mib(sv.peak_rss_bytes), "", "", `RSS at start ${mib(sv.rss_at_start_bytes)}`);
  }

  // layout
  const width = [0, 0, 0, 0, 0];
  for (const x of rows) x.cells.forEach((c, i) => (width[i] = Math.max(width[i], String(c).length)));
  const line = (cells) =>
    "| " +
    cells
      .map((c, i) => (i === 0 || i === 4 ? String(c).padEnd(width[i]) : String(c).padStart(width[i])))
      .join(" | ") +
    " |";
  const head = line(["Figure", "", "", "", "Notes"]);
  const sep = "|" + width.map((wd, i) => (i === 0 || i === 4 ? "-".repeat(wd + 2) : "-".repeat(wd + 1) + ":")).join("|") + "|";
  const title =
    `Vital Link widget benchmark — ${r.meta.date}, commit ${r.meta.commit}${r.meta.dirty ? "+dirty" : ""}, ` +
    `${r.meta.cpus} CPUs, load avg ${r.meta.loadavg_at_start}, ${r.meta.chromium || "chromium n/a"}`;
  return [title, "", head, sep, ...rows.map((x) => line(x.cells))].join("\n");
}

module.exports = { renderTable };
