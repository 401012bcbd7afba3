-- The purge intervals of the settings (A.8) are numbers of days, and off is 0: a null, which A.8
-- also takes for off, is stored as 0 from this migration on (domain::Settings). OpenManage's
-- settings page makes a time span of each and failed to render for a partner that had never
-- set them (Part C). It fails too past 999999999 days, which the API now refuses: such a value,
-- which earlier versions took, becomes that most. The audit log records each change
-- (docs/operations.md says with which actor).
UPDATE partner_settings
   SET autopurge_interval = least(coalesce(autopurge_interval, 0), 999999999),
       versionpurge_interval = least(coalesce(versionpurge_interval, 0), 999999999)
 WHERE autopurge_interval IS NULL OR versionpurge_interval IS NULL
    OR autopurge_interval > 999999999 OR versionpurge_interval > 999999999;
