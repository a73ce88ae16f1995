// The same recording as pages/host.js, for the React page: callbacks in window.__log, CSP
// violations in window.__csp (read by the fixture in tests/helpers.js), errors in __errors.
// Imported first by app.jsx, so it runs before React and before the hook injects its script.
const log = (window.__log = []);
window.__csp = [];
window.__errors = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
window.addEventListener("error", (e) => { window.__errors.push(String(e.message)); });
["success", "exit", "error", "event"].forEach((k) => {
  document.addEventListener("vital-link:" + k, (e) => log.push({ kind: "dom:" + k, detail: e.detail }));
});

export default log;
