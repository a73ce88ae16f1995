/* Vital Link widget loader.
 *
 * A classic script (no inline code, no eval) that defines window.Vital synchronously, loads the
 * WebAssembly module found beside this file, and queues open() until it is ready. Loading this
 * file twice is harmless. The host-page surface (callbacks, DOM events, modal, focus, scroll)
 * lives here; the widget itself is Rust (link-widget.js + link-widget_bg.wasm).
 *
 * Two isolations (Vital.create({ isolation })): "shadow" draws the widget in an open shadow root
 * of the host page; "iframe" draws it in an iframe of the Link origin (its /embed page, which
 * runs this same file embedded), so host-page scripts cannot read what the user types. The
 * iframe gets the token and sends its reports over a MessageChannel; nothing is in its URL. */
(function () {
  "use strict";
  if (window.Vital && window.Vital.__vitalLinkWidget) return;

  var script = document.currentScript;
  var base = new URL(".", (script && script.src) || location.href).href;
  var hostedPage = !!(script && script.hasAttribute("data-vital-hosted"));
  // The /embed page: the widget inside the iframe of iframe isolation.
  var embedded = hostedPage && /\/embed\/?$/.test(location.pathname) && window.parent !== window;
  var linkOrigin = new URL(base).origin;
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
  var exportsObj = null; // the wasm instance's exports (its memory, for the benchmark)
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

  // ---- locales ------------------------------------------------------------------------------
  // English is built into the wasm; every other locale is its own small file, locales/<code>.json
  // beside this script, fetched at open() while the wasm loads and the first API request runs.
  var LOCALES = "en es fr de it pt nl da sv no pl ro et lv lt vi hi ja ar he".split(" ");
  var LOCALE_ALIASES = { nb: "no", nn: "no", iw: "he" };
  var localeTexts = {}; // code -> Promise of the file's text, or of null when it failed

  // The first supported of the `locale` option and the browser's languages (by primary
  // subtag: pt-BR -> pt, nb-NO -> no), else English.
  function negotiate(wanted) {
    var tags = [].concat(wanted || [], navigator.languages || [], navigator.language || []);
    for (var i = 0; i < tags.length; i++) {
      var primary = String(tags[i]).toLowerCase().split(/[-_]/)[0];
      primary = LOCALE_ALIASES[primary] || primary;
      if (LOCALES.indexOf(primary) >= 0) return primary;
    }
    return "en";
  }

  // Never rejects: a file that fails or takes over 5 s leaves the widget in English.
  function localeText(code) {
    if (code === "en") return null;
    if (!localeTexts[code]) {
      localeTexts[code] = new Promise(function (resolve) {
        function done(text) {
          clearTimeout(timer);
          if (text === null) {
            delete localeTexts[code];
            console.warn("[vital-link] the " + code + " strings could not be loaded; showing English");
          }
          resolve(text);
        }
        var timer = setTimeout(function () { done(null); }, 5000);
        fetch(base + "locales/" + code + ".json", { credentials: "omit" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .catch(function () { return null; })
          .then(done);
      });
    }
    return localeTexts[code];
  }

  // The hosted page in the negotiated language: its <html lang/dir>, title and closing line.
  var pageStrings = {};
  function localizePage(code, text) {
    var html = document.documentElement;
    html.lang = code;
    html.dir = code === "ar" || code === "he" ? "rtl" : "ltr";
    if (!text) return;
    text.then(function (t) {
      try { pageStrings = JSON.parse(t) || {}; } catch (e) { pageStrings = {}; }
      if (t === null) html.lang = "en";
      if (pageStrings.page_title) document.title = pageStrings.page_title;
    });
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

  function lockScroll() {
    var html = document.documentElement;
    var lock = { padding: html.style.getPropertyValue("padding-right") };
    var gap = scrollbarWidth();
    html.style.setProperty("overflow", "hidden");
    if (gap) html.style.setProperty("padding-right", gap + "px");
    return lock;
  }

  function unlockScroll(lock) {
    var html = document.documentElement;
    html.style.removeProperty("overflow");
    html.style.removeProperty("padding-right");
    if (lock.padding) html.style.setProperty("padding-right", lock.padding);
  }

  function refocus(opener) {
    if (opener && opener.isConnected && typeof opener.focus === "function") {
      try { opener.focus({ preventScroll: true }); } catch (e) { /* not focusable */ }
    }
  }

  // open() takes the token as a string or as the {link_token} object of the token route.
  function linkTokenOf(token) {
    if (token && typeof token === "object") token = token.link_token;
    return String(token == null ? "" : token);
  }

  function loadErrorMetadata() {
    return {
      state: "error", error_type: "widget_load_error",
      error: "The widget's files could not be loaded.",
      display_message: "The connection widget could not be loaded. Please try again later.",
      provider: null,
    };
  }

  function cancelledExit() {
    return {
      state: "exit", error_type: "user_cancelled", provider: null, view: null,
      link_session_id: null, timestamp: new Date().toISOString(),
    };
  }

  function safeUrl(url) {
    try { return /^https?:$/.test(new URL(url).protocol); } catch (e) { return false; }
  }

  // Top-level navigation (on_close / on_error redirects). The embedded widget asks the host
  // page, which navigates its own top window.
  var navigateTo = function (url) {
    navigating = true;
    try { (window.top || window).location.href = url; } catch (e) { location.href = url; }
  };

  function create(config) {
    config = config || {};
    var iso = config.isolation;
    if (iso !== undefined && iso !== null && iso !== "iframe" && iso !== "shadow") {
      throw new TypeError('Vital.create: isolation must be "iframe" or "shadow", not ' + JSON.stringify(String(iso)));
    }
    if (hostedPage) return createShadow(config);
    if (!iso) iso = linkOrigin !== location.origin ? "iframe" : "shadow";
    return iso === "iframe" ? createIframe(config) : createShadow(config);
  }

  // ---- shadow isolation (also the hosted page and the embedded page) ---------------------
  function createShadow(config) {
    var s = null;          // the current session
    var loadedFired = false;
    var destroyed = false;
    var pendingToken = null;
    var pendingLocale = null; // { code, text } negotiated at open()
    var everOpened = false;

    function apiBase() {
      if (hostedPage) return location.origin; // hosted and embedded: the Link origin itself
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

    function go(url) { navigateTo(url); }

    // Fires exit once for the session, then removes the widget.
    function finish(session, m) {
      if (session.closed) return;
      session.closed = true;
      session.navigateAfterClose = true;
      dispatch(session, "vital-link:exit", m);
      call(config.onExit, [m]);
      if (s === session) teardown();
      if (hostedPage && !embedded) closeHostedTab();
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
      if (session.scrollLock) unlockScroll(session.scrollLock);
      refocus(session.opener);
    }

    function mount(token, locale) {
      teardown();
      var container = config.container || (hostedPage && !embedded ? document.body : null);
      var session = {
        id: uuid(), host: null, widget: null, opener: document.activeElement,
        closed: false, finished: false, succeeded: false, scrollLock: null,
      };
      s = session;
      if (loadError) {
        call(config.onError, [meta(session, loadErrorMetadata())]);
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
      frame.className = hostedPage && !embedded ? "vl-page" : container ? "vl-inline" : "vl-overlay";
      root.appendChild(frame);
      (container || document.body).appendChild(host);
      if (!container) session.scrollLock = lockScroll();
      session.widget = mod.open_widget(frame, token, apiBase(), function (kind, m) {
        onReport(session, kind, m || {});
      }, locale.code, locale.text || undefined, !container, hostedPage && !embedded);
    }

    var handler = {
      open: function (token) {
        if (destroyed) return;
        mark("open");
        everOpened = true;
        pendingToken = linkTokenOf(token);
        // The locale's file loads now, beside the wasm and the first API request.
        var code = negotiate(config.locale);
        pendingLocale = { code: code, text: localeText(code) };
        if (hostedPage && !embedded) localizePage(code, pendingLocale.text);
        load();
        whenReady(function () {
          if (destroyed || pendingToken === null) return;
          var t = pendingToken;
          pendingToken = null;
          mount(t, pendingLocale);
        });
      },
      exit: function () {
        if (destroyed || !everOpened) return;
        if (s && s.widget && !s.closed) {
          // The widget reports exit with its view and provider, as if Close was clicked.
          s.widget.close();
        } else if (pendingToken !== null) {
          pendingToken = null;
          call(config.onExit, [cancelledExit()]);
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

  // ---- iframe isolation: the host-page side -------------------------------------------------
  // The widget runs in an iframe of the Link origin (linkOrigin/embed). Created hidden at
  // create() so that the page and the wasm load before open(), which then only sends the token.
  var REPORTS = { onSuccess: "success", onExit: "exit", onError: "error", onEvent: "event" };

  function createIframe(config) {
    var destroyed = false;
    var loadedFired = false;
    var ready = false;
    var failed = false;
    var everOpened = false;
    var pendingToken = null;
    var session = null;    // { opener, scrollLock } while the widget is shown
    var port = null;       // our end of the MessageChannel to the widget page
    var readyTimer = null;
    var opener = null;     // what had focus when open() was called
    var container = config.container || null;

    var host = document.createElement(TAG);
    host.style.setProperty("display", "none");
    var frame = document.createElement("iframe");
    frame.src = linkOrigin + "/embed";
    // The locale's own words replace it once the widget page has its file ("title" message).
    frame.title = "Connect a device";
    frame.setAttribute("allowtransparency", "true");
    [["border", "0"], ["display", "block"], ["width", "100%"], ["background", "transparent"],
     ["color-scheme", "normal"]].forEach(function (p) { frame.style.setProperty(p[0], p[1]); });
    if (container) {
      frame.style.setProperty("height", "0");
    } else {
      frame.style.setProperty("height", "100%");
      [["position", "fixed"], ["inset", "0"], ["z-index", "2147483647"]].forEach(function (p) {
        host.style.setProperty(p[0], p[1]);
      });
    }
    host.appendChild(frame);

    // The page's window gets the port only if it is the Link origin's (postMessage's target
    // origin); from then on both sides talk over the port alone, which only that page holds, so
    // no message posted to the host window is ever read.
    frame.addEventListener("load", function () {
      if (destroyed) return;
      if (port) port.close();
      ready = false;
      var channel = new MessageChannel();
      port = channel.port1;
      port.onmessage = onMessage;
      frame.contentWindow.postMessage({ type: "vital-link:connect" }, linkOrigin, [channel.port2]);
      clearTimeout(readyTimer);
      readyTimer = setTimeout(fail, 20000);
    });

    function attach() {
      if (!destroyed && !host.isConnected) (container || document.body).appendChild(host);
    }
    if (document.body) attach();
    else document.addEventListener("DOMContentLoaded", attach);

    function fail() {
      if (destroyed || ready || failed) return;
      failed = true;
      console.error("[vital-link] the widget page could not be loaded from " + linkOrigin);
      if (pendingToken !== null) reportLoadError();
    }

    function reportLoadError() {
      pendingToken = null;
      var m = loadErrorMetadata();
      m.link_session_id = uuid();
      m.timestamp = new Date().toISOString();
      call(config.onError, [m]);
    }

    function onMessage(ev) {
      var d = ev.data;
      if (destroyed || !d || typeof d !== "object") return;
      if (d.type === "ready") {
        mark("ready");
        clearTimeout(readyTimer);
        ready = true;
        failed = false;
        if (!loadedFired) {
          loadedFired = true;
          call(config.onLoad, []);
        }
        if (pendingToken !== null) send();
      } else if (d.type === "load_error") {
        clearTimeout(readyTimer);
        fail();
      } else if (d.type === "report" && REPORTS[d.callback] && Array.isArray(d.args) && session) {
        deliver(d.callback, d.args);
      } else if (d.type === "title" && typeof d.text === "string" && d.text) {
        frame.title = d.text.slice(0, 200);
      } else if (d.type === "resize" && container && typeof d.height === "number") {
        frame.style.setProperty("height", Math.max(0, Math.ceil(d.height)) + "px");
      } else if (d.type === "navigate" && typeof d.url === "string" && safeUrl(d.url)) {
        navigateTo(d.url);
      }
    }

    // The same order as the shadow isolation: DOM event, then callback (onEvent: the reverse).
    function deliver(name, args) {
      var kind = REPORTS[name];
      var detail = kind === "event" ? { name: args[0], metadata: args[1] } : args[0];
      if (kind === "event") call(config.onEvent, args);
      host.dispatchEvent(new CustomEvent("vital-link:" + kind, { detail: detail, bubbles: true, composed: true }));
      if (kind !== "event") call(config[name], args);
      if (kind === "exit") hide();
    }

    function send() {
      var token = pendingToken;
      pendingToken = null;
      if (!session) {
        session = { opener: opener, scrollLock: container ? null : lockScroll() };
      }
      var appearance = config.appearance || {};
      var vars = {};
      Object.keys(appearance.variables || {}).forEach(function (k) { vars[k] = String(appearance.variables[k]); });
      host.style.setProperty("display", "block");
      port.postMessage({
        type: "open", token: token, inline: !!container,
        // The host's languages are the user's: the widget page loads the file of this one.
        locale: negotiate(config.locale),
        appearance: { theme: appearance.theme, variables: vars },
      });
      if (!container) frame.focus();
    }

    function hide() {
      host.style.setProperty("display", "none");
      if (container) frame.style.setProperty("height", "0");
      var s = session;
      session = null;
      if (!s) return;
      if (s.scrollLock) unlockScroll(s.scrollLock);
      refocus(s.opener);
    }

    return {
      open: function (token) {
        if (destroyed) return;
        mark("open");
        everOpened = true;
        pendingToken = linkTokenOf(token);
        if (!session) opener = document.activeElement;
        if (failed) reportLoadError();
        else if (ready) send();
      },
      exit: function () {
        if (destroyed || !everOpened) return;
        if (session) {
          port.postMessage({ type: "exit" });
        } else if (pendingToken !== null) {
          pendingToken = null;
          call(config.onExit, [cancelledExit()]);
        }
      },
      destroy: function () {
        if (destroyed) return;
        destroyed = true;
        pendingToken = null;
        clearTimeout(readyTimer);
        if (port) {
          port.postMessage({ type: "destroy" });
          port.close();
          port = null;
        }
        hide();
        host.remove();
        document.removeEventListener("DOMContentLoaded", attach);
      },
    };
  }

  // ---- iframe isolation: the widget-page side (/embed) ---------------------------------------
  // Accepts one channel, from its parent window only, and then listens to nothing else: a
  // message from any other frame, a second channel or a look-alike message changes nothing.
  function startEmbedded() {
    var port = null;
    var widget = null;
    var html = document.documentElement;
    html.style.setProperty("background", "transparent");
    document.body.style.setProperty("margin", "0");
    load();

    window.addEventListener("message", function onConnect(ev) {
      var d = ev.data;
      if (port || ev.source !== window.parent || !d || d.type !== "vital-link:connect") return;
      if (!ev.ports || ev.ports.length !== 1) return;
      // Where the browser says who the parent is, the message must come from it.
      var ancestors = location.ancestorOrigins;
      if (ancestors && ancestors.length && ancestors[0] !== ev.origin) return;
      window.removeEventListener("message", onConnect);
      port = ev.ports[0];
      port.onmessage = onMessage;
      whenReady(function () { port.postMessage({ type: loadError ? "load_error" : "ready" }); });
    });

    navigateTo = function (url) {
      navigating = true;
      if (port) port.postMessage({ type: "navigate", url: url });
    };

    // The iframe removed (destroy(), or the host page leaving) unloads this page: the widget goes
    // with it, OAuth popup included, whether or not the "destroy" message arrived first.
    window.addEventListener("pagehide", function () {
      if (widget) widget.destroy();
      widget = null;
    });

    var observer = new ResizeObserver(function () {
      if (port) port.postMessage({ type: "resize", height: document.body.getBoundingClientRect().height });
    });
    observer.observe(document.body);

    function report(name) {
      return function () {
        if (port) port.postMessage({ type: "report", callback: name, args: Array.prototype.slice.call(arguments) });
      };
    }

    function onMessage(ev) {
      var d = ev.data;
      if (!d || typeof d !== "object") return;
      if (d.type === "open" && typeof d.token === "string") {
        if (widget) widget.destroy();
        var appearance = d.appearance && typeof d.appearance === "object" ? d.appearance : {};
        html.style.setProperty("overflow", d.inline ? "hidden" : "");
        var locale = typeof d.locale === "string" ? d.locale : "en";
        widget = createShadow({
          container: d.inline ? document.body : null,
          locale: locale,
          appearance: { theme: appearance.theme, variables: appearance.variables || {} },
          onSuccess: report("onSuccess"), onExit: report("onExit"),
          onError: report("onError"), onEvent: report("onEvent"),
        });
        widget.open(d.token);
        // The frame's title on the host page, in the locale (the file the widget fetches anyway).
        var text = localeText(negotiate(locale));
        if (text) text.then(function (t) {
          var strings = null;
          try { strings = JSON.parse(t); } catch (e) { strings = null; }
          if (port && strings && typeof strings.page_title === "string") {
            port.postMessage({ type: "title", text: strings.page_title });
          }
        });
      } else if (d.type === "exit") {
        if (widget) widget.exit();
      } else if (d.type === "destroy") {
        if (widget) widget.destroy();
        widget = null;
        observer.disconnect();
        port.close();
        port = null;
      }
    }
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
      p.textContent = pageStrings.tab_close || "You can close this tab now.";
        document.body.appendChild(p);
      }, 100);
    }, 0);
  }

  window.Vital = {
    create: create,
    __vitalLinkWidget: true,
    // For the benchmark: bytes of the widget's wasm memory (0 before it loaded).
    // (The memory is found by its type: release builds shorten the wasm's export names.)
    __wasmMemoryBytes: function () {
      for (var name in exportsObj) {
        if (exportsObj[name] instanceof WebAssembly.Memory) return exportsObj[name].buffer.byteLength;
      }
      return 0;
    },
  };

  if (embedded) {
    startEmbedded();
  } else if (hostedPage) {
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
