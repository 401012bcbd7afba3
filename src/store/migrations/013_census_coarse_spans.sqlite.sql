-- The census (A.10) also counts devices per 6 hours, 8 days and 64 days of last login, beside the
-- hour and the day (store/census_bounds.hpp): "logged in since" then reads fewer than 6, 4, 8 and
-- 8 rows of the four finer spans and the 64-day rows from there on, per revision, where it read
-- a row per day (30 for 30 days) and up to 23 per hour. Each span divides the next, so its
-- buckets follow from the finer span's: bucket = floor(last_login / span) as in migration 004.
DROP TRIGGER device_census_change;
CREATE TRIGGER device_census_change INSTEAD OF INSERT ON device_census_change BEGIN
  INSERT INTO device_census (partner_id, span, bucket, client_revision, devices)
    SELECT NEW.partner_id, span,
           CASE span WHEN 0 THEN 0 ELSE NEW.last_login / span - (NEW.last_login % span < 0) END,
           NEW.client_revision, NEW.change
    FROM (SELECT 0 AS span UNION ALL SELECT 3600 UNION ALL SELECT 21600 UNION ALL SELECT 86400
          UNION ALL SELECT 691200 UNION ALL SELECT 5529600)
    WHERE span = 0 OR NEW.last_login IS NOT NULL
    ON CONFLICT (partner_id, span, bucket, client_revision)
    DO UPDATE SET devices = devices + excluded.devices;
END;

-- The new spans of the devices already there, added up from the hour and day rows (floor
-- division of the bucket, for logins before 1970).
INSERT INTO device_census (partner_id, span, bucket, client_revision, devices)
  SELECT c.partner_id, s.span, c.bucket / s.per - (c.bucket % s.per < 0), c.client_revision,
         sum(c.devices)
  FROM device_census c
  JOIN (SELECT 3600 AS finer, 21600 AS span, 6 AS per
        UNION ALL SELECT 86400, 691200, 8
        UNION ALL SELECT 86400, 5529600, 64) s ON c.span = s.finer
  GROUP BY 1, 2, 3, 4;
