-- Partners own every other row; every table carries partner_id and every query filters by it.
CREATE TABLE partners (
  partner_id        INTEGER PRIMARY KEY,
  username          TEXT    NOT NULL UNIQUE,
  name              TEXT    NOT NULL,
  password_hash     TEXT    NOT NULL,
  billing_mode      TEXT    NOT NULL DEFAULT 'invoice' CHECK (billing_mode IN ('invoice', 'prepaid')),
  bytes_available   INTEGER CHECK (bytes_available IS NULL OR bytes_available >= 0),
  netkes            INTEGER NOT NULL DEFAULT 0,
  ldap              INTEGER NOT NULL DEFAULT 0,
  group_permissions INTEGER NOT NULL DEFAULT 0,
  signup_restrictions INTEGER NOT NULL DEFAULT 0,
  email_as_username INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL
);

-- Billing details; card columns hold only what may be kept (never the number or security code).
CREATE TABLE partner_billing (
  partner_id     INTEGER PRIMARY KEY REFERENCES partners(partner_id),
  name           TEXT,
  address_json   TEXT NOT NULL DEFAULT '[]',
  city           TEXT,
  state          TEXT,
  postal_code    TEXT,
  country        TEXT,
  card_brand     TEXT,
  card_last4     TEXT,
  card_exp_month INTEGER,
  card_exp_year  INTEGER,
  card_token     TEXT,
  updated_at     INTEGER
);

CREATE TABLE partner_settings (
  partner_id                 INTEGER PRIMARY KEY REFERENCES partners(partner_id),
  omva_url                   TEXT,
  support_email              TEXT,
  share_link_ttl             INTEGER NOT NULL DEFAULT 10080,
  autopurge_interval         INTEGER,
  purgehold_duration         INTEGER NOT NULL DEFAULT 0,
  ad_domain                  TEXT,
  signup_network_restriction TEXT    NOT NULL DEFAULT '[]',
  versionpurge_interval      INTEGER,
  admin_email                TEXT,
  sharing_enabled            INTEGER NOT NULL DEFAULT 1,
  api_version                TEXT
);

-- Quota figures kept in the same transaction as every change to users, devices and shares.
-- Byte sums are 128-bit: value = hi * 2^62 + lo, so no sum can overflow.
CREATE TABLE partner_counters (
  partner_id         INTEGER PRIMARY KEY REFERENCES partners(partner_id),
  bytes_allocated_hi INTEGER NOT NULL DEFAULT 0,
  bytes_allocated_lo INTEGER NOT NULL DEFAULT 0,
  bytes_used_hi      INTEGER NOT NULL DEFAULT 0,
  bytes_used_lo      INTEGER NOT NULL DEFAULT 0,
  share_count        INTEGER NOT NULL DEFAULT 0,
  device_count       INTEGER NOT NULL DEFAULT 0,
  user_seq           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE plans (
  plan_id       INTEGER PRIMARY KEY,
  partner_id    INTEGER NOT NULL REFERENCES partners(partner_id),
  name          TEXT    NOT NULL,
  storage_bytes INTEGER NOT NULL CHECK (storage_bytes >= 0),
  UNIQUE (partner_id, name)
);

CREATE TABLE groups (
  group_id      INTEGER PRIMARY KEY,
  partner_id    INTEGER NOT NULL REFERENCES partners(partner_id),
  name          TEXT    NOT NULL,
  plan_id       INTEGER NOT NULL REFERENCES plans(plan_id),
  webapi_enable INTEGER NOT NULL DEFAULT 1,
  check_domain  INTEGER NOT NULL DEFAULT 0,
  is_default    INTEGER NOT NULL DEFAULT 0,
  UNIQUE (partner_id, name)
);

CREATE TABLE users (
  avatar_id        INTEGER PRIMARY KEY,
  partner_id       INTEGER NOT NULL REFERENCES partners(partner_id),
  username         TEXT    NOT NULL,
  name             TEXT    NOT NULL,
  email            TEXT    NOT NULL,
  group_id         INTEGER NOT NULL REFERENCES groups(group_id),
  plan_id          INTEGER NOT NULL REFERENCES plans(plan_id),
  bonus_bytes      INTEGER NOT NULL DEFAULT 0,
  bytes_stored     INTEGER NOT NULL DEFAULT 0,
  enabled          INTEGER NOT NULL DEFAULT 1,
  purgehold_active INTEGER NOT NULL DEFAULT 0,
  creation_time    INTEGER NOT NULL,
  last_login       INTEGER,
  share_id         TEXT,
  password_bcrypt  TEXT,
  promo            TEXT,
  num_devices      INTEGER NOT NULL DEFAULT 0,
  num_shares       INTEGER NOT NULL DEFAULT 0,
  UNIQUE (partner_id, username),
  UNIQUE (partner_id, email)
);
-- The share listing walks users that have shares, in avatar_id order.
CREATE INDEX users_with_shares ON users (partner_id, avatar_id) WHERE num_shares > 0;

CREATE TABLE devices (
  device_id            INTEGER PRIMARY KEY,
  partner_id           INTEGER NOT NULL REFERENCES partners(partner_id),
  avatar_id            INTEGER NOT NULL REFERENCES users(avatar_id),
  name                 TEXT    NOT NULL,
  client_revision      INTEGER NOT NULL,
  creation_time        INTEGER NOT NULL,
  last_login           INTEGER,
  last_backup_complete INTEGER,
  UNIQUE (avatar_id, name)
);
-- The client-revision census groups over this index without touching the table.
CREATE INDEX devices_census ON devices (partner_id, client_revision, last_login);

CREATE TABLE shares (
  avatar_id     INTEGER NOT NULL REFERENCES users(avatar_id),
  room_key      TEXT    NOT NULL,
  partner_id    INTEGER NOT NULL REFERENCES partners(partner_id),
  name          TEXT    NOT NULL,
  description   TEXT    NOT NULL DEFAULT '',
  creation_time INTEGER NOT NULL,
  update_time   INTEGER NOT NULL,
  enabled       INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (avatar_id, room_key)
) WITHOUT ROWID;
