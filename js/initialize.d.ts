/* Type declarations for initialize.js, the Vital Link widget loader (a classic script that
 * defines window.Vital). Hand-written; keep in step with js/initialize.js, README.md
 * ("Embedding" to "DOM events") and the metadata the widget emits (src/flow.rs, src/ctrl.rs).
 * types-test/check.sh type-checks a host page against this file (scripts/test.sh runs it).
 *
 * A global script declaration file (no import or export at top level): reference it with
 *   /// <reference path="./initialize.d.ts" />
 * or list it in tsconfig.json ("files" / "include"). It declares the global `Vital` (so both
 * `Vital.create(...)` and `window.Vital.create(...)` are typed), the `VitalLink` namespace of
 * option, handler and metadata types, the `vital-link:*` DOM events and the
 * `<vital-link-widget>` element. */

/** Types of the Vital Link widget's host-page API (`window.Vital`). */
declare namespace VitalLink {
  // ---- views, events, error types --------------------------------------------------------

  /** A screen of the widget: `metadata.view` of events and of `onExit`. */
  type View =
    | "AGREEMENT"
    | "PROVIDER_PICKER"
    | "PASSWORD"
    | "MFA"
    | "EMAIL"
    | "OAUTH"
    | "LOADING"
    | "SUCCESS"
    | "ERROR";

  /** `error_type` values the widget and the Link API are known to report. */
  type KnownErrorType =
    /** The link token is missing, unknown or malformed. */
    | "invalid_token"
    /** The link token is older than its lifetime (10 minutes). */
    | "token_expired"
    /** The link token was used up by a successful connection. */
    | "token_consumed"
    /** The token is locked after too many failed attempts. */
    | "too_many_attempts"
    /** The provider is not linkable, or not allowed by the token. */
    | "invalid_provider"
    /** The token's user does not exist. */
    | "invalid_user_id"
    /** A form value the widget or the API rejected (an `ERROR` event; the user fixes it). */
    | "invalid_input"
    /** Wrong provider credentials (an `ERROR` event; the user fixes it in the form). */
    | "provider_credential_error"
    /** The provider says the password has expired. */
    | "provider_password_expired"
    /** The provider failed or answered something unexpected. */
    | "provider_api_error"
    /** The provider does not serve the user's region (an `ERROR` event). */
    | "unsupported_region"
    /** The user already has a connection to this provider. */
    | "duplicate_connection"
    /** The user did not grant the scopes the connection needs (OAuth). */
    | "required_scopes_not_granted"
    /** Wrong MFA code (an `ERROR` event; the user fixes it in the form). */
    | "incorrect_mfa_code"
    /** The user closed the widget before the session ended. */
    | "user_cancelled"
    /** The Link API could not be reached. */
    | "network_error"
    /** The API sent an `oauth_url` or `redirect_url` that is not http(s); it was never opened. */
    | "unsafe_url"
    /** The widget's files (or, in iframe isolation, its page) could not be loaded. */
    | "widget_load_error";

  /** An `error_type`: one of the known ones, or another string (treat those as generic errors). */
  type ErrorType = KnownErrorType | (string & {});

  /** How a provider is connected. */
  type AuthType = "oauth" | "password" | "email";

  /** The Vital environment, which picks the API base with `region`. */
  type Environment = "sandbox" | "production";

  /** The Vital region, which picks the API base with `env`. */
  type Region = "us" | "eu";

  /** Where the widget runs: an iframe of the Link origin, or a shadow root of the host page. */
  type Isolation = "iframe" | "shadow";

  /** The widget's colour scheme; `"auto"` follows `prefers-color-scheme`. */
  type Theme = "light" | "dark" | "auto";

  /** A theme variable's short name (the CSS custom property without `--vital-link-`). */
  type ThemeVariableName =
    | "accent"
    | "accent-text"
    | "background"
    | "text"
    | "muted"
    | "border"
    | "input-background"
    | "hover"
    | "danger"
    | "success"
    | "radius"
    | "font";

  /** Theme variables, by short name (`accent`) or full name (`--vital-link-accent`). */
  type ThemeVariables = {
    [K in ThemeVariableName | `--vital-link-${ThemeVariableName}`]?: string | number | undefined;
  };

  // ---- callback metadata -----------------------------------------------------------------

  /** Fields of every callback's and event's metadata. */
  interface MetadataBase {
    /** The session's id (a new one per `open()`); `null` when no session had started. */
    link_session_id: string | null;
    /** When the report was made (ISO 8601). */
    timestamp: string;
  }

  /** `onSuccess` and `vital-link:success`: a provider was connected. */
  interface SuccessMetadata extends MetadataBase {
    /** Always `"success"`. */
    state: "success";
    /** The connected provider's slug (e.g. `"oura"`). */
    provider: string;
    /** The connected provider's display name (e.g. `"Oura"`). */
    provider_name: string;
    /** How the provider was connected. */
    auth_type: AuthType;
  }

  /** `onError` and `vital-link:error`: the widget shows its error screen. */
  interface ErrorMetadata extends MetadataBase {
    /** Always `"error"`. */
    state: "error";
    /** What went wrong; treat unknown values as generic errors. */
    error_type: ErrorType;
    /** Developer-readable text (may be empty); not for end users. */
    error: string;
    /** The message the widget shows the user, in the widget's language. */
    display_message: string;
    /** The provider's slug, or `null` when none was chosen yet. */
    provider: string | null;
  }

  /** `onExit` and `vital-link:exit`: the widget closed (Close, Esc, Done, `handler.exit()`). */
  interface ExitMetadata extends MetadataBase {
    /** Always `"exit"`. */
    state: "exit";
    /** `"user_cancelled"`, or `null` when the session had already ended in success or error. */
    error_type: "user_cancelled" | null;
    /** The provider's slug, or `null` when none was chosen. */
    provider: string | null;
    /** The view it closed on, or `null` when it closed before it was shown. */
    view: View | null;
  }

  /** The metadata of any callback (`state` tells them apart). */
  type CallbackMetadata = SuccessMetadata | ErrorMetadata | ExitMetadata;

  // ---- events ----------------------------------------------------------------------------

  /** Fields of every event's metadata. */
  interface EventMetadataBase extends MetadataBase {
    /** The current view (`null` only if the widget was already gone). */
    view: View | null;
  }

  /** An event about one provider. */
  interface ProviderEventMetadata extends EventMetadataBase {
    /** The provider's slug. */
    provider: string;
  }

  /** `TRANSITION_VIEW`: the widget moved to another view. */
  interface TransitionViewEventMetadata extends EventMetadataBase {
    /** The new view. */
    view: View;
  }

  /** `SEARCH_PROVIDER`: the user typed in the provider search (once typing pauses 300 ms). */
  interface SearchProviderEventMetadata extends EventMetadataBase {
    /** The search text. */
    query: string;
  }

  /** `ERROR`: an error, shown inline (fixable in the form) or as the error screen. */
  interface ErrorEventMetadata extends EventMetadataBase {
    /** What went wrong; treat unknown values as generic errors. */
    error_type: ErrorType;
    /** The provider's slug, or `null` when none was chosen. */
    provider: string | null;
  }

  /** `EXIT`: the widget is closing. */
  interface ExitEventMetadata extends EventMetadataBase {
    /** The view it closes on. */
    view: View;
    /** The provider's slug, or `null` when none was chosen. */
    provider: string | null;
  }

  /** Each event name with its metadata. */
  interface EventMetadataMap {
    /** The widget opened. */
    OPEN: EventMetadataBase;
    /** The view changed (`view` is the new one). */
    TRANSITION_VIEW: TransitionViewEventMetadata;
    /** The user searched the provider list. */
    SEARCH_PROVIDER: SearchProviderEventMetadata;
    /** The user chose a provider. */
    SELECT_PROVIDER: ProviderEventMetadata;
    /** The OAuth sign-in (popup or tab) was started. */
    OPEN_OAUTH: ProviderEventMetadata;
    /** The OAuth sign-in was closed or abandoned without an outcome. */
    CLOSE_OAUTH: ProviderEventMetadata;
    /** The user submitted a password or email form. */
    SUBMIT_CREDENTIALS: ProviderEventMetadata;
    /** The user submitted an MFA code. */
    SUBMIT_MFA: ProviderEventMetadata;
    /** An error (inline or the error screen). */
    ERROR: ErrorEventMetadata;
    /** The connection succeeded (with `onSuccess`). */
    HANDOFF: ProviderEventMetadata;
    /** The widget is closing (before `onExit`). */
    EXIT: ExitEventMetadata;
  }

  /** An `onEvent` name. */
  type EventName = keyof EventMetadataMap;

  /** The metadata of any event (`EventMetadataMap[name]` for one). */
  type EventMetadata = EventMetadataMap[EventName];

  /** `onEvent`'s arguments: comparing `name` narrows `metadata`. */
  type EventArgs = {
    [N in EventName]: [name: N, metadata: EventMetadataMap[N]];
  }[EventName];

  /** `detail` of `vital-link:event`: comparing `name` narrows `metadata`. */
  type EventDetail = {
    [N in EventName]: {
      /** The event's name. */
      name: N;
      /** The event's metadata. */
      metadata: EventMetadataMap[N];
    };
  }[EventName];

  // ---- create() and the handler ----------------------------------------------------------

  /** Appearance of the widget. */
  interface Appearance {
    /** Colour scheme (default `"auto"`). */
    theme?: Theme | undefined;
    /** CSS custom properties of the widget (README "Theming"). */
    variables?: ThemeVariables | undefined;
  }

  /** `Vital.create()`'s options. */
  interface CreateOptions {
    /** The environment (default `"sandbox"`); with `region`, picks the API base. */
    env?: Environment | undefined;
    /** The region (default `"us"`); with `env`, picks the API base. */
    region?: Region | undefined;
    /** The Link API's base URL (a self-hosted server); overrides `env` and `region`. */
    apiBaseUrl?: string | undefined;
    /** A provider was connected. At most once per session. */
    onSuccess?: ((metadata: SuccessMetadata) => void) | undefined;
    /** The widget closed (Close, Esc, Done, `handler.exit()`). At most once per session. */
    onExit?: ((metadata: ExitMetadata) => void) | undefined;
    /** The widget shows its error screen (once per such screen), or could not be loaded. */
    onError?: ((metadata: ErrorMetadata) => void) | undefined;
    /** Everything the user does; comparing `name` narrows `metadata`. */
    onEvent?: ((...args: EventArgs) => void) | undefined;
    /** Once per handler, as soon as `open()` would show the widget at once. */
    onLoad?: (() => void) | undefined;
    /** Render inline in this element instead of as a modal. */
    container?: HTMLElement | null | undefined;
    /**
     * `"iframe"`: the widget runs in an iframe of the Link origin, out of reach of the host
     * page's scripts. `"shadow"`: in an open shadow root of the host page (smaller; trusts the
     * page with what the user types). Default: `"iframe"` when initialize.js is loaded from
     * another origin than the page, else `"shadow"`. Any other value throws a `TypeError`.
     */
    isolation?: Isolation | null | undefined;
    /** The widget's language as a BCP 47 tag (e.g. `"es"`); default `navigator.language`. */
    locale?: string | undefined;
    /** Theme and CSS variables. */
    appearance?: Appearance | undefined;
  }

  /** The object the link-token endpoint returns; `open()` takes it as is. */
  interface LinkTokenResponse {
    /** The link token. */
    link_token: string;
    /** The hosted page's URL for this token. */
    link_web_url?: string | undefined;
  }

  /** `handler.exit()`'s options. */
  interface ExitOptions {
    /** Accepted for compatibility; closing is the same either way (there is no confirmation). */
    force?: boolean | undefined;
  }

  /** What `Vital.create()` returns. */
  interface Handler {
    /**
     * Opens the widget for a link token (a string, or the token endpoint's object); queued
     * until the widget has loaded. Again on the same handler: a new session.
     */
    open(token: string | LinkTokenResponse): void;
    /** Closes the widget if it is open or has finished (fires `onExit` once); no-op if never opened. */
    exit(options?: ExitOptions): void;
    /** Removes everything (no callback) and returns focus; safe to call twice. */
    destroy(): void;
  }

  /** `window.Vital`. */
  interface Vital {
    /** Creates a handler; starts loading the widget (in iframe isolation, its hidden iframe). */
    create(options?: CreateOptions): Handler;
    /** @internal Marks initialize.js's own `window.Vital` (loading the file twice is harmless). */
    readonly __vitalLinkWidget: true;
    /** @internal For the benchmark: bytes of the widget's wasm memory (0 before it loaded). */
    __wasmMemoryBytes(): number;
  }

  // ---- DOM -------------------------------------------------------------------------------

  /** The `CustomEvent`s dispatched on `<vital-link-widget>` (bubbling and composed). */
  interface DomEventMap {
    /** A provider was connected (`detail`: the `onSuccess` metadata). */
    "vital-link:success": CustomEvent<SuccessMetadata>;
    /** The widget closed (`detail`: the `onExit` metadata). */
    "vital-link:exit": CustomEvent<ExitMetadata>;
    /** The widget shows its error screen (`detail`: the `onError` metadata). */
    "vital-link:error": CustomEvent<ErrorMetadata>;
    /** An `onEvent` event (`detail`: `{name, metadata}`). */
    "vital-link:event": CustomEvent<EventDetail>;
  }

  /** `<vital-link-widget>`: the widget's host element (an open shadow root, or the iframe). */
  interface WidgetElement extends HTMLElement {}
}

/**
 * The Vital Link widget's entry point, defined by initialize.js as soon as it runs; also
 * `window.Vital`. (A global `var` rather than a `Window` member, so that these types combine
 * with other declarations of `window.Vital`, such as `@tryvital/vital-link`'s.)
 */
declare var Vital: VitalLink.Vital;

/** The `vital-link:*` events, on the widget's element and wherever they bubble to. */
interface HTMLElementEventMap extends VitalLink.DomEventMap {}
/** The `vital-link:*` events bubble (and are composed) up to the document. */
interface DocumentEventMap extends VitalLink.DomEventMap {}
/** The `vital-link:*` events bubble up to the window. */
interface WindowEventMap extends VitalLink.DomEventMap {}
/** The `vital-link:*` events cross shadow roots (they are composed). */
interface ShadowRootEventMap extends VitalLink.DomEventMap {}

/** `document.querySelector("vital-link-widget")`, `document.createElement(...)`. */
interface HTMLElementTagNameMap {
  /** The widget's host element. */
  "vital-link-widget": VitalLink.WidgetElement;
}
