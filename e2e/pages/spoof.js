// A hostile frame on a host page (an ad, a compromised tag), for the isolation e2e tests: it
// posts look-alike widget messages to every window it can reach, and writes into its title what
// came back. As a page the widget's iframe was navigated to, it records any message it gets.
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var got = [];
  function show() { document.title = "spoof:" + JSON.stringify(got); }
  window.addEventListener("message", function (e) {
    got.push({ received: e.data && e.data.type, ports: e.ports ? e.ports.length : 0 });
    show();
  });
  function post(win, msg, ports) {
    try { win.postMessage(msg, "*", ports || []); } catch (e) { /* unreachable */ }
  }
  if (params.get("attack")) {
    var token = params.get("token") || "";
    // To every other frame of the parent (the widget's iframe among them): a channel, then an open.
    for (var i = 0; i < parent.frames.length; i++) {
      var w = parent.frames[i];
      if (w === window) continue;
      var ch = new MessageChannel();
      ch.port1.onmessage = function (e) { got.push({ reply: e.data && e.data.type }); show(); };
      post(w, { type: "vital-link:connect" }, [ch.port2]);
      ch.port1.postMessage({ type: "open", token: token, inline: false, locale: "en", appearance: {} });
    }
    // To the host window: what the widget's page would send over its channel.
    post(parent, { type: "ready" });
    post(parent, { type: "report", callback: "onSuccess", args: [{ state: "success", provider: "spoof" }] });
    post(parent, { type: "report", callback: "onExit", args: [{ state: "exit", error_type: null }] });
    post(parent, { type: "navigate", url: location.origin + "/landing.html?spoofed=1" });
  }
  show();
})();
