-- Idempotency keys (store/request_keys.hpp): a partner's key, the fingerprint of the request
-- that claimed it, and, once that request finished, its answer. status is NULL while the request
-- is in flight. Keys older than a day are pruned in small batches.
CREATE TABLE request_keys (
  partner_id   BIGINT NOT NULL REFERENCES partners (partner_id) ON DELETE CASCADE,
  key          TEXT COLLATE "C" NOT NULL,
  fingerprint  TEXT COLLATE "C" NOT NULL,
  created_at   BIGINT NOT NULL,  -- seconds since the epoch
  status       BIGINT,
  content_type TEXT COLLATE "C",
  location     TEXT COLLATE "C",
  body         TEXT COLLATE "C",
  PRIMARY KEY (partner_id, key)
);
CREATE INDEX request_keys_by_age ON request_keys (created_at);
