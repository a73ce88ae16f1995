/* Vital Link widget loader: a classic script (no inline code, no eval) that defines
 * window.Vital synchronously, loads the wasm module found beside this file, and queues open()
 * until it is ready. Loading this file twice is harmless. */
(function () {
  "use strict";
  if (window.Vital && window.Vital.__vitalLinkWidget) return;

  var script = document.currentScript;
  var base = new URL(".", (script && script.src) || location.href).href;
  var hosted = !!(script && script.hasAttribute("data-vital-hosted"));

  var API_BASES = {
    "production/us": "https://api.us.junction.com",
    "production/eu": "https://api.eu.junction.com",
    "sandbox/us": "https://api.sandbox.us.junction.com",
    "sandbox/eu": "https://api.sandbox.eu.junction.com",
  };

  var modulePromise = null;
  var wasm = null;
  var readyCallbacks = [];

  function load() {
    if (!modulePromise) {
      modulePromise = import(base + "link-widget.js")
        .then(function (m) {
          return m.default({ module_or_path: base + "link-widget_bg.wasm" }).then(function () {
            wasm = m;
            var cbs = readyCallbacks;
            readyCallbacks = [];
            cbs.forEach(function (cb) { cb(); });
            return m;
          });
        });
      modulePromise.catch(function (e) {
        console.error("[vital-link] could not load the widget:", e && e.message);
      });
    }
    return modulePromise;
  }

  function whenReady(cb) {
    if (wasm) setTimeout(cb, 0);
    else readyCallbacks.push(cb);
  }

  var stylesheet = null;
  function sheet() {
    if (!stylesheet) {
      stylesheet = new CSSStyleSheet();
      stylesheet.replaceSync(wasm.widget_css());
    }
    return stylesheet;
  }

  function uuid() {
    return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function call(fn, args) {
    if (typeof fn !== "function") return;
    try { fn.apply(null, args); } catch (e) { setTimeout(function () { throw e; }); }
  }

  function create(config) {
    config = config || {};
    var host = null;      // <vital-link-widget>
    var session = null;   // wasm WidgetSession
    var opener = null;    // element focused before open
    var loaded = false;
    var sessionId = null;
    var finished = false;
    var destroyed = false;
    var previousOverflow = null;

    function apiBase() {
      if (hosted) return location.origin;
      if (config.apiBaseUrl) return String(config.apiBaseUrl);
      var key = (config.env || "sandbox") + "/" + (config.region || "us");
      return API_BASES[key] || API_BASES["sandbox/us"];
    }

    function dispatch(name, detail) {
      if (host) host.dispatchEvent(new CustomEvent(name, { detail: detail, bubbles: true, composed: true }));
    }

    function emit(kind, metadata) {
      metadata = metadata || {};
      metadata.link_session_id = sessionId;
      metadata.timestamp = new Date().toISOString();
      if (kind === "event") {
        call(config.onEvent, [metadata.name, metadata]);
        dispatch("vital-link:event", { name: metadata.name, metadata: metadata });
      } else if (kind === "exit") {
        close(metadata);
      }
    }

    function close(metadata) {
      var h = host;
      dispatch("vital-link:exit", metadata);
      teardown();
      call(config.onExit, [metadata]);
      return h;
    }

    function teardown() {
      if (session) { session.unmount(); session.free(); session = null; }
      if (host) { host.remove(); host = null; }
      if (previousOverflow !== null) {
        document.documentElement.style.removeProperty("overflow");
        previousOverflow = null;
      }
      if (opener && typeof opener.focus === "function") opener.focus();
      opener = null;
    }

    function mount(token) {
      teardown();
      finished = false;
      sessionId = uuid();
      opener = document.activeElement;
      host = document.createElement("vital-link-widget");
      var theme = (config.appearance && config.appearance.theme) || "auto";
      host.setAttribute("data-theme", theme);
      var vars = (config.appearance && config.appearance.variables) || {};
      Object.keys(vars).forEach(function (k) {
        host.style.setProperty(k.indexOf("--") === 0 ? k : "--vital-link-" + k, String(vars[k]));
      });
      var root = host.attachShadow({ mode: "open" });
      root.adoptedStyleSheets = [sheet()];
      var frame = document.createElement("div");
      frame.className = config.container ? "vl-inline" : "vl-overlay";
      root.appendChild(frame);
      (config.container || document.body).appendChild(host);
      if (!config.container) {
        previousOverflow = "";
        document.documentElement.style.setProperty("overflow", "hidden");
      }
      session = wasm.open_widget(frame, token, apiBase(), emit);
    }

    var handler = {
      open: function (token) {
        if (destroyed) return;
        if (token && typeof token === "object") token = token.link_token;
        token = String(token || "");
        load();
        whenReady(function () { if (!destroyed) mount(token); });
      },
      exit: function () {
        if (!host) return;
        close({ state: "exit", error_type: finished ? null : "user_cancelled", provider: null, view: null });
      },
      destroy: function () {
        destroyed = true;
        teardown();
      },
    };

    load();
    whenReady(function () {
      if (!loaded && !destroyed) { loaded = true; call(config.onLoad, []); }
    });
    return handler;
  }

  window.Vital = { create: create, __vitalLinkWidget: true };

  if (hosted) {
    var params = new URLSearchParams(location.search);
    var token = params.get("token");
    if (token) {
      params.delete("token");
      var q = params.toString();
      history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash);
    }
    var h = create({ env: params.get("env") || "sandbox", region: params.get("region") || "us" });
    h.open(token || "");
  }
})();
