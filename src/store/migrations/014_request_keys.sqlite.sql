-- Idempotency keys (store/request_keys.hpp): a partner's key, the fingerprint of the request
-- that claimed it, and, once that request finished, its answer. status is NULL while the request
-- is in flight. Keys older than a day are pruned in small batches.
CREATE TABLE request_keys (
  partner_id   INTEGER NOT NULL REFERENCES partners (partner_id) ON DELETE CASCADE,
  key          TEXT    NOT NULL,
  fingerprint  TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,  -- seconds since the epoch
  status       INTEGER,
  content_type TEXT,
  location     TEXT,
  body         TEXT,
  PRIMARY KEY (partner_id, key)
) WITHOUT ROWID;
CREATE INDEX request_keys_by_age ON request_keys (created_at);
