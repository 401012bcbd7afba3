-- The census (A.10) also counts devices per 6 hours, 8 days and 64 days of last login, beside the
-- hour and the day (store/census_bounds.hpp; SQLite migration 013 says why).
CREATE OR REPLACE FUNCTION device_census_change(p_partner BIGINT, p_revision BIGINT,
                                                p_last_login BIGINT, p_change BIGINT)
  RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  s BIGINT;
  b BIGINT;
BEGIN
  FOREACH s IN ARRAY ARRAY[0, 3600, 21600, 86400, 691200, 5529600]::BIGINT[] LOOP
    CONTINUE WHEN s <> 0 AND p_last_login IS NULL;
    -- Floor division, as SQLite's trigger computes it: buckets of negative times too.
    b := CASE WHEN s = 0 THEN 0
              ELSE p_last_login / s - CASE WHEN p_last_login % s < 0 THEN 1 ELSE 0 END END;
    INSERT INTO device_census AS c (partner_id, span, bucket, client_revision, devices)
      VALUES (p_partner, s, b, p_revision, p_change)
      ON CONFLICT (partner_id, span, bucket, client_revision)
      DO UPDATE SET devices = c.devices + excluded.devices;
    DELETE FROM device_census WHERE partner_id = p_partner AND span = s AND bucket = b
      AND client_revision = p_revision AND devices = 0;
  END LOOP;
END $$;

-- The new spans of the devices already there, added up from the hour and day rows.
INSERT INTO device_census (partner_id, span, bucket, client_revision, devices)
  SELECT c.partner_id, s.span,
         c.bucket / s.per - CASE WHEN c.bucket % s.per < 0 THEN 1 ELSE 0 END,
         c.client_revision, sum(c.devices)
  FROM device_census c
  JOIN (VALUES (3600::BIGINT, 21600::BIGINT, 6::BIGINT), (86400, 691200, 8),
               (86400, 5529600, 64)) AS s (finer, span, per) ON c.span = s.finer
  GROUP BY 1, 2, 3, 4;
