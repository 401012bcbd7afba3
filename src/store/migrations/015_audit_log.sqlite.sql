-- The audit log (store/audit_log.hpp): one entry per change of a partner's data, written by the
-- triggers of migration 016 in the transaction that made the change. `at` is seconds since the
-- epoch; `changes` is a JSON object of field -> {"before": ..., "after": ...}, secrets shown as
-- "<redacted>". Read newest first by (at, entry_id); pruned oldest first by entry_id. One index
-- only: every write of the API writes an entry, and each index more costs each write a page in
-- the WAL; a filter on action or object reads the partner's entries in time order.
CREATE TABLE audit_log (
  entry_id   INTEGER PRIMARY KEY,  -- no AUTOINCREMENT: no sqlite_sequence write per entry
  partner_id INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  actor      TEXT    NOT NULL,  -- partner, signup, service, operator or system
  address    TEXT,              -- the client's address, when the change came over HTTP
  request_id TEXT,              -- X-Request-Id, or the operator command's own id
  action     TEXT    NOT NULL,  -- user.create, settings.update, policy.delete, ...
  object     TEXT    NOT NULL,  -- user/42, group/7, share/42/ROOM, partner/3, ...
  changes    TEXT    NOT NULL
);
CREATE INDEX audit_by_time ON audit_log (partner_id, at, entry_id);
