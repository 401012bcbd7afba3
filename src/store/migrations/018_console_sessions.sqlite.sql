-- Sessions of the web console (store/console_sessions.hpp): in the database, so that every server
-- of it knows them. The cookie's token is kept only as its SHA-256 (hex), so that a copy of the
-- table signs no one in. A password change deletes the partner's rows; expired ones are pruned in
-- small batches.
CREATE TABLE console_sessions (
  token_hash TEXT    NOT NULL PRIMARY KEY,
  partner_id INTEGER NOT NULL REFERENCES partners (partner_id) ON DELETE CASCADE,
  csrf_token TEXT    NOT NULL,
  created_at INTEGER NOT NULL,  -- seconds since the epoch
  expires_at INTEGER NOT NULL   -- seconds since the epoch
) WITHOUT ROWID;
CREATE INDEX console_sessions_by_partner ON console_sessions (partner_id);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);
