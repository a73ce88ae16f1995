-- Schema of the Link API server. Times are Unix milliseconds.

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,      -- uuid v4
    client_user_id TEXT NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL
);

-- Link tokens, stored only as the SHA-256 of the token. The row also holds the outcome of the
-- token's latest attempt (GET /v2/link/state), its lockout counter, a pending MFA challenge and
-- the current OAuth attempt.
CREATE TABLE link_tokens (
    token_hash          TEXT PRIMARY KEY NOT NULL,  -- hex SHA-256 of the token
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider            TEXT,
    filter_on_providers TEXT,                       -- JSON array of slugs
    redirect_url        TEXT,
    on_error            TEXT,
    on_close            TEXT,
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    consumed_at         INTEGER,
    failed_attempts     INTEGER NOT NULL DEFAULT 0,
    state               TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'success', 'error')),
    state_provider      TEXT,
    state_error_type    TEXT,
    state_error         TEXT,
    mfa_provider        TEXT,
    mfa_external_id     TEXT,
    oauth_attempt       TEXT UNIQUE,                -- random id of the current OAuth attempt
    oauth_provider      TEXT
);
CREATE INDEX link_tokens_user ON link_tokens(user_id);

CREATE TABLE connections (
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider         TEXT NOT NULL,
    external_user_id TEXT,
    status           TEXT NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'error')),
    error_details    TEXT,
    scopes           TEXT,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (user_id, provider)
);

-- Keys generated on first start (the OAuth state signing key).
CREATE TABLE server_keys (
    name  TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
);

-- Authorization codes of the sandbox OAuth server, stored hashed, single use.
CREATE TABLE oauth_codes (
    code_hash        TEXT PRIMARY KEY NOT NULL,
    client_id        TEXT NOT NULL,
    redirect_uri     TEXT NOT NULL,
    scopes           TEXT NOT NULL,                 -- space separated, as granted
    external_user_id TEXT NOT NULL,
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER
);
