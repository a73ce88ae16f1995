/// <reference path="../js/initialize.d.ts" />
// A host page in TypeScript: README "Embedding" step 3, then every callback, the narrowing
// the types allow, the DOM events and the other forms of open() and exit(). Type-checked only
// (tsc --noEmit --strict via check.sh), never run.

// ---- README "3. Open the widget", as written there ---------------------------------------------
declare const linkToken: string;

const handler = Vital.create({
  env: "sandbox",            // or "production"; region: "us" | "eu" picks the API base
  apiBaseUrl: "https://link.example.com", // optional: overrides env/region (self-hosted server)
  onSuccess(metadata) {},    // a provider was connected
  onExit(metadata) {},       // the widget closed (Close, Esc, Done, handler.exit())
  onError(metadata) {},      // the widget shows its error screen
  onEvent(name, metadata) {},
  onLoad() {},               // once, as soon as open() would show the widget at once
  container: undefined,      // an element: render inline there instead of as a modal
  isolation: undefined,      // "iframe" | "shadow"; default: "iframe" when initialize.js comes
                             // from another origin than the page, else "shadow" (see below)
  locale: "es",              // else navigator.language; "en" and "es" are built in
  appearance: { theme: "auto", variables: { accent: "#0a7d5a" } },
});
handler.open(linkToken);     // a string, or the {link_token} object; queued until loaded
handler.exit();              // close it (fires onExit once); exit({force:true}) does the same
handler.destroy();           // remove everything, no callback; safe to call twice

// ---- every option and callback, with the metadata narrowed ------------------------------------
function show(...parts: unknown[]): void {
  console.log(...parts);
}

const container = document.querySelector<HTMLElement>("#connect");

const options: VitalLink.CreateOptions = {
  env: "production",
  region: "eu",
  isolation: "iframe",
  container,
  locale: navigator.language,
  appearance: {
    theme: "dark",
    variables: { "accent-text": "#fff", "--vital-link-radius": "12px", font: "system-ui" },
  },
  onSuccess(m) {
    const slug: string = m.provider;
    const name: string = m.provider_name;
    const how: VitalLink.AuthType = m.auth_type;
    const state: "success" = m.state;
    const session: string | null = m.link_session_id;
    const when: Date = new Date(m.timestamp);
    show(slug, name, how, state, session, when);
  },
  onError(m) {
    // Known error types narrow; unknown ones are still strings (treat them as generic).
    switch (m.error_type) {
      case "token_expired":
      case "token_consumed":
      case "invalid_token":
        show("ask the backend for a new link token");
        break;
      case "network_error":
      case "widget_load_error":
        show("offline?", m.display_message);
        break;
      default: {
        const other: string = m.error_type;
        show("generic error", other, m.error);
      }
    }
    if (m.error_type === "a_type_added_later") show("still compiles: unknown types are strings");
    const provider: string | null = m.provider;
    show(provider?.toUpperCase());
  },
  onExit(m) {
    if (m.error_type === "user_cancelled" && m.view === "PROVIDER_PICKER") {
      show("closed on the picker");
    } else if (m.error_type === null) {
      show("closed after success or error", m.view);
    }
    if (m.view !== null) {
      const view: VitalLink.View = m.view;
      show(view.toLowerCase());
    }
    show(m.provider ?? "no provider");
  },
  onEvent(name, metadata) {
    show(metadata.link_session_id, metadata.timestamp, metadata.view);
    switch (name) {
      case "TRANSITION_VIEW": {
        const view: VitalLink.View = metadata.view; // never null here
        if (view === "MFA") show("code sent");
        break;
      }
      case "SEARCH_PROVIDER":
        show("searched", metadata.query.trim());
        break;
      case "SELECT_PROVIDER":
      case "OPEN_OAUTH":
      case "CLOSE_OAUTH":
      case "SUBMIT_CREDENTIALS":
      case "SUBMIT_MFA":
      case "HANDOFF":
        show(name, metadata.provider.toUpperCase());
        break;
      case "ERROR":
        if (metadata.error_type === "incorrect_mfa_code") show("wrong code", metadata.provider);
        break;
      case "EXIT":
        show("exit on", metadata.view satisfies VitalLink.View);
        break;
      case "OPEN":
        show("opened");
        break;
      default: {
        const unreachable: never = name;
        show(unreachable);
      }
    }
  },
  onLoad() {
    show("ready");
  },
};

const h = window.Vital.create(options);
declare const tokenResponse: { link_token: string; link_web_url: string };
h.open(tokenResponse);                              // the token endpoint's object as is
h.open({ link_token: "tok" });                      // or just its link_token
h.exit({ force: true });
h.destroy();

Vital.create();                                     // every option is optional
Vital.create({ isolation: "shadow", container: document.body, onSuccess: (m) => show(m.provider) });

// A callback declared apart from create().
const onEvent = (...[name, metadata]: VitalLink.EventArgs): void => {
  if (name === "SEARCH_PROVIDER") show(metadata.query);
};
Vital.create({ onEvent });

// ---- DOM events -------------------------------------------------------------------------------
document.addEventListener("vital-link:success", (e) => console.log(e.detail.provider));
document.addEventListener("vital-link:exit", (e) => show(e.detail.view, e.detail.error_type));
window.addEventListener("vital-link:error", (e) => show(e.detail.display_message));
document.addEventListener("vital-link:event", (e) => {
  const detail: VitalLink.EventDetail = e.detail;
  if (detail.name === "SELECT_PROVIDER") show(detail.metadata.provider);
  if (detail.name === "TRANSITION_VIEW") show(detail.metadata.view satisfies VitalLink.View);
});

const widget = document.querySelector("vital-link-widget");
widget?.addEventListener("vital-link:success", (e) => show(e.detail.auth_type));
const el: VitalLink.WidgetElement = document.createElement("vital-link-widget");
el.addEventListener("vital-link:error", (e: CustomEvent<VitalLink.ErrorMetadata>) => show(e.detail.error_type));
container?.addEventListener("vital-link:exit", (e) => show(e.detail.state));
