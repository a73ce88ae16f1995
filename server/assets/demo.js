// Demo host page: gets a link token from the demo-only route and opens the widget.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var status = document.getElementById("status");
  var button = document.getElementById("open-link");

  function record(kind, data) {
    var li = document.createElement("li");
    li.textContent = kind + " " + JSON.stringify(data);
    log.appendChild(li);
  }

  var handler = window.Vital.create({
    env: "sandbox",
    apiBaseUrl: location.origin,
    onLoad: function () { record("onLoad", {}); },
    onSuccess: function (m) { record("onSuccess", m); status.textContent = "Connected " + m.provider_name + "."; },
    onExit: function (m) { record("onExit", m); },
    onError: function (m) { record("onError", m); },
    onEvent: function (name, m) { record("onEvent " + name, m); },
  });

  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "Creating a link token…";
    fetch("/demo/token", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
      .then(function (r) {
        if (!r.ok) throw new Error("token route answered " + r.status);
        return r.json();
      })
      .then(function (body) {
        status.textContent = "";
        handler.open(body.link_token);
      })
      .catch(function (e) { status.textContent = "Could not create a link token: " + e.message; })
      .then(function () { button.disabled = false; });
  });
})();
