-- Client-revision census (A.10) as counters kept by triggers: the same cost at any partner size.
-- Per partner and client revision: span 0 (bucket 0) counts every device; span 86400 counts the
-- devices whose last login falls in day `bucket` and span 3600 those in hour `bucket`, where
-- bucket = floor(last_login / span): an index, not a time in seconds, so that no last_login down
-- to -2^63 overflows. Devices that never logged in count in span 0 only. Rows reaching 0 go away,
-- so the table holds at most (days or hours with a last login) x revisions rows per partner.
CREATE TABLE device_census (
  partner_id      INTEGER NOT NULL,
  span            INTEGER NOT NULL,
  bucket          INTEGER NOT NULL,
  client_revision INTEGER NOT NULL,
  devices         INTEGER NOT NULL,
  PRIMARY KEY (partner_id, span, bucket, client_revision)
) WITHOUT ROWID;

-- SQLite has no procedures: inserting (partner_id, client_revision, last_login, change) here adds
-- `change` to each census row a device with those values counts in, and stores nothing itself.
CREATE VIEW device_census_change (partner_id, client_revision, last_login, change) AS
  SELECT NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER device_census_change INSTEAD OF INSERT ON device_census_change BEGIN
  INSERT INTO device_census (partner_id, span, bucket, client_revision, devices)
    SELECT NEW.partner_id, span,
           CASE span WHEN 0 THEN 0 ELSE NEW.last_login / span - (NEW.last_login % span < 0) END,
           NEW.client_revision, NEW.change
    FROM (SELECT 0 AS span UNION ALL SELECT 86400 UNION ALL SELECT 3600)
    WHERE span = 0 OR NEW.last_login IS NOT NULL
    ON CONFLICT (partner_id, span, bucket, client_revision)
    DO UPDATE SET devices = devices + excluded.devices;
END;

CREATE TRIGGER device_census_drop_empty AFTER UPDATE OF devices ON device_census
WHEN NEW.devices = 0 BEGIN
  DELETE FROM device_census WHERE partner_id = NEW.partner_id AND span = NEW.span
    AND bucket = NEW.bucket AND client_revision = NEW.client_revision;
END;

-- Every write to devices (usage reports, user deletion, bulk loading) keeps the census exact in
-- its own transaction.
CREATE TRIGGER devices_census_insert AFTER INSERT ON devices BEGIN
  INSERT INTO device_census_change
    VALUES (NEW.partner_id, NEW.client_revision, NEW.last_login, 1);
END;

CREATE TRIGGER devices_census_delete AFTER DELETE ON devices BEGIN
  INSERT INTO device_census_change
    VALUES (OLD.partner_id, OLD.client_revision, OLD.last_login, -1);
END;

-- The new values are counted before the old ones are taken away, so a row both share never
-- reaches 0 on the way.
CREATE TRIGGER devices_census_update AFTER UPDATE OF partner_id, client_revision, last_login
ON devices
WHEN OLD.partner_id IS NOT NEW.partner_id OR OLD.client_revision IS NOT NEW.client_revision
  OR OLD.last_login IS NOT NEW.last_login BEGIN
  INSERT INTO device_census_change
    VALUES (NEW.partner_id, NEW.client_revision, NEW.last_login, 1);
  INSERT INTO device_census_change
    VALUES (OLD.partner_id, OLD.client_revision, OLD.last_login, -1);
END;

-- The devices already there, counted in one pass each (much faster than a trigger per device).
INSERT INTO device_census (partner_id, span, bucket, client_revision, devices)
  SELECT partner_id, 0, 0, client_revision, count(*) FROM devices
  GROUP BY partner_id, client_revision
  UNION ALL
  SELECT partner_id, span, last_login / span - (last_login % span < 0), client_revision, count(*)
  FROM devices, (SELECT 86400 AS span UNION ALL SELECT 3600)
  WHERE last_login IS NOT NULL
  GROUP BY 1, 2, 3, 4;

-- The census no longer reads devices but for the logins of one partial hour, found by this index.
DROP INDEX devices_census;
CREATE INDEX devices_by_login ON devices (partner_id, last_login, client_revision);
