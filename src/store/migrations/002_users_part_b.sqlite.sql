-- Part B: what user listing sorts and filters on, and the activation-email outbox.
ALTER TABLE users ADD COLUMN last_backup_complete INTEGER;

-- A page of users sorted by any of these walks the index instead of sorting the partner's table.
CREATE INDEX users_by_bytes_stored ON users (partner_id, bytes_stored, avatar_id);
CREATE INDEX users_by_creation_time ON users (partner_id, creation_time, avatar_id);
CREATE INDEX users_by_last_login ON users (partner_id, last_login, avatar_id);
CREATE INDEX users_by_group ON users (partner_id, group_id, avatar_id);
CREATE INDEX users_by_plan ON users (plan_id);

CREATE TABLE activation_emails (
  email_id      INTEGER PRIMARY KEY,
  partner_id    INTEGER NOT NULL REFERENCES partners(partner_id),
  avatar_id     INTEGER NOT NULL,
  email         TEXT    NOT NULL,
  template_name TEXT,
  queued_at     INTEGER NOT NULL,
  sent_at       INTEGER
);
