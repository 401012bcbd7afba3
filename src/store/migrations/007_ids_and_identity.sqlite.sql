-- C.7: ids that are never reused, case-insensitive emails; C.6: the share and outbox fields
-- consoles read. plans, groups, users and devices are rebuilt with AUTOINCREMENT (SQLite's
-- 12-step procedure: new table, copy, drop, rename, then every index and trigger again) keeping
-- every id. The runner turns foreign keys off around migrations and runs foreign_key_check
-- before committing, as that procedure asks.

CREATE TABLE plans_new (
  plan_id       INTEGER PRIMARY KEY AUTOINCREMENT,
  partner_id    INTEGER NOT NULL REFERENCES partners(partner_id),
  name          TEXT    NOT NULL,
  storage_bytes INTEGER NOT NULL CHECK (storage_bytes >= 0),
  UNIQUE (partner_id, name)
);
INSERT INTO plans_new (plan_id, partner_id, name, storage_bytes)
  SELECT plan_id, partner_id, name, storage_bytes FROM plans ORDER BY plan_id;
DROP TABLE plans;
ALTER TABLE plans_new RENAME TO plans;

-- is_default goes: the default group is the partner's oldest (lowest group_id).
CREATE TABLE groups_new (
  group_id      INTEGER PRIMARY KEY AUTOINCREMENT,
  partner_id    INTEGER NOT NULL REFERENCES partners(partner_id),
  name          TEXT    NOT NULL,
  plan_id       INTEGER NOT NULL REFERENCES plans(plan_id),
  webapi_enable INTEGER NOT NULL DEFAULT 1,
  check_domain  INTEGER NOT NULL DEFAULT 0,
  UNIQUE (partner_id, name)
);
INSERT INTO groups_new (group_id, partner_id, name, plan_id, webapi_enable, check_domain)
  SELECT group_id, partner_id, name, plan_id, webapi_enable, check_domain FROM groups
  ORDER BY group_id;
DROP TABLE groups;
ALTER TABLE groups_new RENAME TO groups;

-- Emails are unique per partner regardless of ASCII letter case (users_unique_email below;
-- the API accepts ASCII addresses only, so lower() folds all of them). email_clash is 0, except
-- for users whose email differed only by case from an older user's of the same partner when
-- this migration ran: it holds their own avatar_id, which keeps each of them out of the rule
-- instead of merging or renaming anyone. The server logs them at start-up
-- (docs/operations.md, "Emails that differ only by case"); the flag clears when the email changes.
CREATE TABLE users_new (
  avatar_id            INTEGER PRIMARY KEY AUTOINCREMENT,
  partner_id           INTEGER NOT NULL REFERENCES partners(partner_id),
  username             TEXT    NOT NULL,
  name                 TEXT    NOT NULL,
  email                TEXT    NOT NULL,
  group_id             INTEGER NOT NULL REFERENCES groups(group_id),
  plan_id              INTEGER NOT NULL REFERENCES plans(plan_id),
  bonus_bytes          INTEGER NOT NULL DEFAULT 0,
  bytes_stored         INTEGER NOT NULL DEFAULT 0,
  enabled              INTEGER NOT NULL DEFAULT 1,
  purgehold_active     INTEGER NOT NULL DEFAULT 0,
  creation_time        INTEGER NOT NULL,
  last_login           INTEGER,
  share_id             TEXT,
  password_bcrypt      TEXT,
  promo                TEXT,
  num_devices          INTEGER NOT NULL DEFAULT 0,
  num_shares           INTEGER NOT NULL DEFAULT 0,
  last_backup_complete INTEGER,
  email_clash          INTEGER NOT NULL DEFAULT 0,
  UNIQUE (partner_id, username)
);
INSERT INTO users_new (avatar_id, partner_id, username, name, email, group_id, plan_id,
                       bonus_bytes, bytes_stored, enabled, purgehold_active, creation_time,
                       last_login, share_id, password_bcrypt, promo, num_devices, num_shares,
                       last_backup_complete)
  SELECT avatar_id, partner_id, username, name, email, group_id, plan_id, bonus_bytes,
         bytes_stored, enabled, purgehold_active, creation_time, last_login, share_id,
         password_bcrypt, promo, num_devices, num_shares, last_backup_complete
  FROM users ORDER BY avatar_id;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

UPDATE users SET email_clash = avatar_id WHERE avatar_id IN (
  SELECT avatar_id FROM (
    SELECT avatar_id,
           row_number() OVER (PARTITION BY partner_id, lower(email) ORDER BY avatar_id) AS n
    FROM users)
  WHERE n > 1);

CREATE UNIQUE INDEX users_unique_email ON users (partner_id, lower(email), email_clash);
-- Sorting by email walks this one, as it walked the old UNIQUE (partner_id, email).
CREATE INDEX users_by_email ON users (partner_id, email);
-- The start-up report finds the flagged users without reading the others.
CREATE INDEX users_email_clashes ON users (partner_id, email_clash) WHERE email_clash <> 0;
CREATE INDEX users_by_promo ON users (partner_id, promo, avatar_id);

-- The indexes of migrations 002, 003 and 006, as they were.
CREATE INDEX users_by_bytes_stored ON users (partner_id, bytes_stored, avatar_id);
CREATE INDEX users_by_creation_time ON users (partner_id, creation_time, avatar_id);
CREATE INDEX users_by_last_login ON users (partner_id, last_login, avatar_id);
CREATE INDEX users_by_group ON users (partner_id, group_id, avatar_id);
CREATE INDEX users_by_plan ON users (plan_id);
CREATE INDEX users_by_partner ON users (partner_id, avatar_id);
CREATE INDEX users_with_shares
  ON users (partner_id, avatar_id, username, name, email, share_id, num_shares)
  WHERE num_shares > 0;

-- The triggers of migration 005, as they were (share_user_blocks itself is unchanged: every
-- avatar_id is kept).
CREATE TRIGGER share_user_blocks_insert AFTER INSERT ON users WHEN new.num_shares > 0
BEGIN
  INSERT INTO share_user_blocks VALUES (new.partner_id, 8, new.avatar_id >> 8, 1)
    ON CONFLICT DO UPDATE SET users = users + 1;
  INSERT INTO share_user_blocks VALUES (new.partner_id, 16, new.avatar_id >> 16, 1)
    ON CONFLICT DO UPDATE SET users = users + 1;
END;

CREATE TRIGGER share_user_blocks_gain AFTER UPDATE OF num_shares ON users
  WHEN old.num_shares <= 0 AND new.num_shares > 0
BEGIN
  INSERT INTO share_user_blocks VALUES (new.partner_id, 8, new.avatar_id >> 8, 1)
    ON CONFLICT DO UPDATE SET users = users + 1;
  INSERT INTO share_user_blocks VALUES (new.partner_id, 16, new.avatar_id >> 16, 1)
    ON CONFLICT DO UPDATE SET users = users + 1;
END;

CREATE TRIGGER share_user_blocks_lose AFTER UPDATE OF num_shares ON users
  WHEN old.num_shares > 0 AND new.num_shares <= 0
BEGIN
  UPDATE share_user_blocks SET users = users - 1
    WHERE partner_id = old.partner_id AND ((level = 8 AND block = old.avatar_id >> 8) OR
                                           (level = 16 AND block = old.avatar_id >> 16));
  DELETE FROM share_user_blocks WHERE partner_id = old.partner_id AND users = 0 AND
    ((level = 8 AND block = old.avatar_id >> 8) OR (level = 16 AND block = old.avatar_id >> 16));
END;

CREATE TRIGGER share_user_blocks_delete AFTER DELETE ON users WHEN old.num_shares > 0
BEGIN
  UPDATE share_user_blocks SET users = users - 1
    WHERE partner_id = old.partner_id AND ((level = 8 AND block = old.avatar_id >> 8) OR
                                           (level = 16 AND block = old.avatar_id >> 16));
  DELETE FROM share_user_blocks WHERE partner_id = old.partner_id AND users = 0 AND
    ((level = 8 AND block = old.avatar_id >> 8) OR (level = 16 AND block = old.avatar_id >> 16));
END;

CREATE TABLE devices_new (
  device_id            INTEGER PRIMARY KEY AUTOINCREMENT,
  partner_id           INTEGER NOT NULL REFERENCES partners(partner_id),
  avatar_id            INTEGER NOT NULL REFERENCES users(avatar_id),
  name                 TEXT    NOT NULL,
  client_revision      INTEGER NOT NULL,
  creation_time        INTEGER NOT NULL,
  last_login           INTEGER,
  last_backup_complete INTEGER,
  UNIQUE (avatar_id, name)
);
INSERT INTO devices_new (device_id, partner_id, avatar_id, name, client_revision, creation_time,
                         last_login, last_backup_complete)
  SELECT device_id, partner_id, avatar_id, name, client_revision, creation_time, last_login,
         last_backup_complete
  FROM devices ORDER BY device_id;
DROP TABLE devices;
ALTER TABLE devices_new RENAME TO devices;

-- The index and triggers of migration 004, as they were (the census counts are unchanged: the
-- copy fired no trigger).
CREATE INDEX devices_by_login ON devices (partner_id, last_login, client_revision);

CREATE TRIGGER devices_census_insert AFTER INSERT ON devices BEGIN
  INSERT INTO device_census_change
    VALUES (NEW.partner_id, NEW.client_revision, NEW.last_login, 1);
END;

CREATE TRIGGER devices_census_delete AFTER DELETE ON devices BEGIN
  INSERT INTO device_census_change
    VALUES (OLD.partner_id, OLD.client_revision, OLD.last_login, -1);
END;

CREATE TRIGGER devices_census_update AFTER UPDATE OF partner_id, client_revision, last_login
ON devices
WHEN OLD.partner_id IS NOT NEW.partner_id OR OLD.client_revision IS NOT NEW.client_revision
  OR OLD.last_login IS NOT NEW.last_login BEGIN
  INSERT INTO device_census_change
    VALUES (NEW.partner_id, NEW.client_revision, NEW.last_login, 1);
  INSERT INTO device_census_change
    VALUES (OLD.partner_id, OLD.client_revision, OLD.last_login, -1);
END;

-- The copies left each sequence at its table's largest id. Ids deleted from the top before this
-- migration are not known any more, but an id still named elsewhere (the outbox keeps the
-- avatar_id of users deleted since) must not come back either.
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'users', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users');
UPDATE sqlite_sequence
  SET seq = max(seq, (SELECT coalesce(max(avatar_id), 0) FROM activation_emails))
  WHERE name = 'users';

-- C.6: what a share shows beyond A.9, and the registration code an activation email carries.
ALTER TABLE shares ADD COLUMN password_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN last_login INTEGER;
ALTER TABLE activation_emails ADD COLUMN reg_code TEXT;
