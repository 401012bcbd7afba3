-- The management appliance's configuration backups (C.3): a partner's current one and the one it
-- replaced. A row is never updated: a new backup is a new row, and rows older than a partner's
-- two newest are deleted, so that a value of up to 64 MiB is written once and never rewritten.
CREATE TABLE partner_backups (
  backup_id   INTEGER PRIMARY KEY,
  partner_id  INTEGER NOT NULL REFERENCES partners(partner_id),
  sha256      TEXT    NOT NULL,
  size        INTEGER NOT NULL CHECK (size >= 0),
  update_time INTEGER NOT NULL,
  -- Last, so that reading the columns before it never walks its overflow pages.
  data        BLOB    NOT NULL
);
CREATE INDEX partner_backups_by_partner ON partner_backups (partner_id, backup_id);
