// Records every callback, event and DOM CustomEvent of the widget in order, plus CSP
// violations and errors, for the e2e tests. Configured by the query string:
//   api=<link-server URL>  theme=light|dark  locale=es  inline=1  auto=<token>
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var log = (window.__log = []);
  window.__csp = [];
  window.__errors = [];
  document.addEventListener("securitypolicyviolation", function (e) {
    window.__csp.push(e.violatedDirective + " " + e.blockedURI);
  });
  window.addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
  ["success", "exit", "error", "event"].forEach(function (k) {
    document.addEventListener("vital-link:" + k, function (e) {
      log.push({ kind: "dom:" + k, detail: e.detail });
    });
  });

  function config(extra) {
    var c = {
      env: "sandbox",
      apiBaseUrl: params.get("api"),
      onLoad: function () { log.push({ kind: "onLoad" }); },
      onSuccess: function (m) { log.push({ kind: "onSuccess", metadata: m }); },
      onExit: function (m) { log.push({ kind: "onExit", metadata: m }); },
      onError: function (m) { log.push({ kind: "onError", metadata: m }); },
      onEvent: function (name, m) { log.push({ kind: "onEvent", name: name, metadata: m }); },
    };
    if (params.get("theme")) c.appearance = { theme: params.get("theme") };
    if (params.get("locale")) c.locale = params.get("locale");
    if (params.get("inline")) c.container = document.getElementById("inline-slot");
    for (var k in extra || {}) c[k] = extra[k];
    return c;
  }
  window.__config = config;

  document.addEventListener("DOMContentLoaded", function () {
    window.__handler = window.Vital.create(config());
    window.__open = function (token) { window.__handler.open(token); };
    document.getElementById("opener").addEventListener("click", function () {
      if (window.__nextToken) window.__open(window.__nextToken);
    });
    if (params.get("auto")) window.__open(params.get("auto"));
  });
})();
