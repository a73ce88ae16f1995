// A customer's React page using the unmodified npm package @tryvital/vital-link 0.1.7, as its
// README shows: the useVitalLink hook (which injects https://link.tryvital.io/initialize.js
// itself) and a button calling open(token). The token and our Link API's URL come from the
// query string (?token=...&api=...); apiBaseUrl goes through the hook's options, which the
// hook spreads into window.Vital.create({...options, onLoad, onExit}).
// Bundled by tests/react-hook.spec.js with esbuild into pages/react-build/app.js.
import log from "./log.js";
import React, { useCallback } from "react";
import { createRoot } from "react-dom/client";
import { useVitalLink } from "@tryvital/vital-link";

const params = new URLSearchParams(location.search);

const App = () => {
  const onSuccess = useCallback((metadata) => {
    log.push({ kind: "onSuccess", metadata });
  }, []);
  const onExit = useCallback((metadata) => {
    log.push({ kind: "onExit", metadata });
  }, []);
  const onError = useCallback((metadata) => {
    log.push({ kind: "onError", metadata });
  }, []);
  const onLoad = useCallback(() => {
    log.push({ kind: "onLoad" });
  }, []);

  const config = {
    onSuccess, onExit, onError, onLoad, env: "sandbox", apiBaseUrl: params.get("api"),
    // Which isolation the suite runs (its Playwright project); the hook passes it through.
    isolation: params.get("iso") || undefined,
  };

  const { open, ready, error } = useVitalLink(config);

  const handleVitalOpen = () => {
    open(params.get("token"));
  };

  return (
    <main>
      <h1>React host app</h1>
      <button type="button" className="button" onClick={handleVitalOpen} disabled={!ready}>
        Connect with Vital
      </button>
      <p role="status">{error ? "Vital could not be loaded" : ready ? "ready" : "loading"}</p>
    </main>
  );
};

createRoot(document.getElementById("root")).render(<App />);
