-- A sandbox authorization code is bound to the authorization request that obtained it: the
-- SHA-256 of its `state` and its PKCE S256 `code_challenge`. Codes issued before have neither
-- and can no longer be redeemed (they expire within two minutes anyway).
ALTER TABLE oauth_codes ADD COLUMN state_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_codes ADD COLUMN code_challenge TEXT NOT NULL DEFAULT '';
