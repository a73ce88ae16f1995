/* Vital Link widget loader.
 *
 * A classic script (no inline code, no eval) that defines window.Vital synchronously, loads the
 * WebAssembly module found beside this file, and queues open() until it is ready. Loading this
 * file twice is harmless. The host-page surface (callbacks, DOM events, modal, focus, scroll)
 * lives here; the widget itself is Rust (link-widget.js + link-widget_bg.wasm). */
(function () {
  "use strict";
  if (window.Vital && window.Vital.__vitalLinkWidget) return;

  var script = document.currentScript;
  var base = new URL(".", (script && script.src) || location.href).href;
  var hostedPage = !!(script && script.hasAttribute("data-vital-hosted"));
  var TAG = "vital-link-widget";

  var API_BASES = {
    "production/us": "https://api.us.junction.com",
    "production/eu": "https://api.eu.junction.com",
    "sandbox/us": "https://api.sandbox.us.junction.com",
    "sandbox/eu": "https://api.sandbox.eu.junction.com",
  };

  function mark(name) {
    try { performance.mark("vital-link:" + name); } catch (e) { /* unsupported */ }
  }

  // ---- module loading -------------------------------------------------------------------
  var mod = null;        // the wasm-bindgen module once initialised
  var exportsObj = null; // the wasm instance exports (memory)
  var loadError = null;
  var waiting = [];      // callbacks for when the module is ready (or failed)
  var loading = false;
  var navigating = false;

  function load() {
    if (loading) return;
    loading = true;
    import(base + "link-widget.js")
      .then(function (m) {
        return m.default({ module_or_path: base + "link-widget_bg.wasm" }).then(function (ex) {
          mod = m;
          exportsObj = ex;
        });
      })
      .catch(function (e) {
        loadError = e || new Error("load failed");
        console.error("[vital-link] the widget could not be loaded:", loadError && loadError.message);
      })
      .then(function () {
        mark("ready");
        var cbs = waiting;
        waiting = [];
        cbs.forEach(function (cb) { cb(); });
      });
  }

  function whenReady(cb) {
    if (mod || loadError) setTimeout(cb, 0);
    else waiting.push(cb);
  }

  if (window.customElements && !customElements.get(TAG)) {
    customElements.define(TAG, class extends HTMLElement {});
  }

  var sheet = null;
  function stylesheet() {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(mod.widget_css());
    }
    return sheet;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  // A host callback must not break the widget: its exceptions are reported asynchronously.
  function call(fn, args) {
    if (typeof fn !== "function") return;
    try { fn.apply(null, args); } catch (e) { setTimeout(function () { throw e; }); }
  }

  function scrollbarWidth() {
    return Math.max(0, window.innerWidth - document.documentElement.clientWidth);
  }

  // ---- handlers ----------------------------------------------------------------------------
  function create(config) {
    config = config || {};
    var s = null;          // the current session
    var loadedFired = false;
    var destroyed = false;
    var pendingToken = null;
    var everOpened = false;

    function apiBase() {
      if (hostedPage) return location.origin;
      if (config.apiBaseUrl) return String(config.apiBaseUrl).replace(/\/+$/, "");
      var key = (config.env === "production" ? "production" : "sandbox") + "/" +
        (config.region === "eu" ? "eu" : "us");
      return API_BASES[key];
    }

    function meta(session, m) {
      m = m || {};
      m.link_session_id = session.id;
      m.timestamp = new Date().toISOString();
      return m;
    }

    function dispatch(session, name, detail) {
      if (session.host) {
        session.host.dispatchEvent(new CustomEvent(name, { detail: detail, bubbles: true, composed: true }));
      }
    }

    // Reports from the widget arrive here; they run after the wasm call that made them
    // returns, so a host callback may destroy the widget safely.
    function onReport(session, kind, m) {
      queueMicrotask(function () {
        if (session !== s || session.closed) {
          // Navigation still follows the callbacks of a closed session.
          if (kind === "navigate" && session.navigateAfterClose) go(m.url);
          return;
        }
        handleReport(session, kind, m);
      });
    }

    function handleReport(session, kind, m) {
      if (kind === "navigate") { go(m.url); return; }
      var name = m.name;
      if (kind === "event") {
        delete m.name;
        m = meta(session, m);
        call(config.onEvent, [name, m]);
        dispatch(session, "vital-link:event", { name: name, metadata: m });
        return;
      }
      m = meta(session, m);
      if (kind === "success") {
        if (session.succeeded) return;
        session.succeeded = true;
        session.finished = true;
        dispatch(session, "vital-link:success", m);
        call(config.onSuccess, [m]);
      } else if (kind === "error") {
        session.finished = true;
        dispatch(session, "vital-link:error", m);
        call(config.onError, [m]);
      } else if (kind === "exit") {
        finish(session, m);
      }
    }

    function go(url) {
      navigating = true;
      try { (window.top || window).location.href = url; } catch (e) { location.href = url; }
    }

    // Fires exit once for the session, then removes the widget.
    function finish(session, m) {
      if (session.closed) return;
      session.closed = true;
      session.navigateAfterClose = true;
      dispatch(session, "vital-link:exit", m);
      call(config.onExit, [m]);
      if (s === session) teardown();
      if (hostedPage) closeHostedTab();
    }

    function teardown() {
      var session = s;
      s = null;
      if (!session) return;
      if (session.widget) {
        try { session.widget.unmount(); session.widget.free(); } catch (e) { /* already gone */ }
        session.widget = null;
      }
      if (session.host) session.host.remove();
      session.host = null;
      if (session.scrollLocked) {
        var html = document.documentElement;
        html.style.removeProperty("overflow");
        html.style.removeProperty("padding-right");
        if (session.prevPadding) html.style.setProperty("padding-right", session.prevPadding);
      }
      var opener = session.opener;
      if (opener && opener.isConnected && typeof opener.focus === "function") {
        try { opener.focus({ preventScroll: true }); } catch (e) { /* not focusable */ }
      }
    }

    function mount(token) {
      teardown();
      var container = config.container || (hostedPage ? document.body : null);
      var session = {
        id: uuid(), host: null, widget: null, opener: document.activeElement,
        closed: false, finished: false, succeeded: false, scrollLocked: false,
      };
      s = session;
      if (loadError) {
        var m = meta(session, {
          state: "error", error_type: "widget_load_error",
          error: "The widget's files could not be loaded.",
          display_message: "The connection widget could not be loaded. Please try again later.",
          provider: null,
        });
        call(config.onError, [m]);
        s = null;
        return;
      }
      var host = document.createElement(TAG);
      session.host = host;
      var appearance = config.appearance || {};
      var theme = appearance.theme === "light" || appearance.theme === "dark" ? appearance.theme : "auto";
      host.setAttribute("data-theme", theme);
      var vars = appearance.variables || {};
      Object.keys(vars).forEach(function (k) {
        host.style.setProperty(k.indexOf("--") === 0 ? k : "--vital-link-" + k, String(vars[k]));
      });
      var root = host.attachShadow({ mode: "open" });
      root.adoptedStyleSheets = [stylesheet()];
      var frame = document.createElement("div");
      frame.className = hostedPage ? "vl-page" : container ? "vl-inline" : "vl-overlay";
      root.appendChild(frame);
      (container || document.body).appendChild(host);
      if (!container) {
        var html = document.documentElement;
        session.prevPadding = html.style.getPropertyValue("padding-right");
        var gap = scrollbarWidth();
        html.style.setProperty("overflow", "hidden");
        if (gap) html.style.setProperty("padding-right", gap + "px");
        session.scrollLocked = true;
      }
      var locale = config.locale || navigator.language || "en";
      session.widget = mod.open_widget(frame, token, apiBase(), function (kind, m) {
        onReport(session, kind, m || {});
      }, String(locale), !container, hostedPage);
    }

    var handler = {
      open: function (token) {
        if (destroyed) return;
        if (token && typeof token === "object") token = token.link_token;
        mark("open");
        everOpened = true;
        pendingToken = String(token == null ? "" : token);
        load();
        whenReady(function () {
          if (destroyed || pendingToken === null) return;
          var t = pendingToken;
          pendingToken = null;
          mount(t);
        });
      },
      exit: function () {
        if (destroyed || !everOpened) return;
        if (s && s.widget && !s.closed) {
          // The widget reports exit with its view and provider, as if Close was clicked.
          s.widget.close();
        } else if (pendingToken !== null) {
          pendingToken = null;
          call(config.onExit, [{
            state: "exit", error_type: "user_cancelled", provider: null, view: null,
            link_session_id: null, timestamp: new Date().toISOString(),
          }]);
        }
      },
      destroy: function () {
        destroyed = true;
        pendingToken = null;
        teardown();
      },
    };

    load();
    whenReady(function () {
      if (!loadedFired && !destroyed && !loadError) {
        loadedFired = true;
        call(config.onLoad, []);
      }
    });
    return handler;
  }

  // "navigate", "reload" or "back_forward": how this document was reached.
  function navigationType() {
    try {
      var nav = performance.getEntriesByType("navigation")[0];
      if (nav && nav.type) return nav.type;
    } catch (e) { /* unsupported */ }
    var legacy = performance.navigation && performance.navigation.type;
    return legacy === 1 ? "reload" : legacy === 2 ? "back_forward" : "navigate";
  }

  function closeHostedTab() {
    // A redirect (on_close=redirect) is reported right after the exit: let it win.
    setTimeout(function () {
      if (navigating) return;
      window.close();
      // Browsers only close tabs a script opened; otherwise say so.
      setTimeout(function () {
        if (window.closed || navigating) return;
      var p = document.createElement("p");
      p.className = "vital-link-closed";
      p.setAttribute("role", "status");
      p.textContent = "You can close this tab now.";
        document.body.appendChild(p);
      }, 100);
    }, 0);
  }

  window.Vital = {
    create: create,
    __vitalLinkWidget: true,
    // For the benchmark: bytes of the widget's wasm memory (0 before it loaded).
    __wasmMemoryBytes: function () {
      return exportsObj && exportsObj.memory ? exportsObj.memory.buffer.byteLength : 0;
    },
  };

  if (hostedPage) {
    var params = new URLSearchParams(location.search);
    var token = params.get("token");
    // The token, for this tab only, so that Back from the provider's page (hosted OAuth goes
    // there in this tab) or a reload, which find the address bar without it, can start again.
    var TOKEN_KEY = "vital-link:hosted-token";
    if (token !== null) {
      // The token never stays in the address bar (or in a Referer).
      params.delete("token");
      var q = params.toString();
      history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash);
      try { sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* storage disabled */ }
    } else if (/^(reload|back_forward)$/.test(navigationType())) {
      try { token = sessionStorage.getItem(TOKEN_KEY); } catch (e) { token = null; }
    }
    var hosted = create({ env: params.get("env") || "sandbox", region: params.get("region") || "us" });
    hosted.open(token || "");
  }
})();
