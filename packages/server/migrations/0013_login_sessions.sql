-- Browser logins, kept server-side so logging out (one browser, or all of them) and rotating the
-- API token revoke a cookie at once. The cookie is a random secret; only its SHA-256 is stored.
CREATE TABLE login_sessions (
  secret_hash bytea PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX login_sessions_expires_at ON login_sessions (expires_at);
