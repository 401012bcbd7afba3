-- The purge intervals of the settings (A.8) are numbers of days, and off is 0: a null, which A.8
-- also takes for off, is stored as 0 from this migration on (domain::Settings). OpenManage's
-- settings page makes a time span of each and failed to render for a partner that had never
-- set them (Part C). The audit log records the change, by whoever runs the migration.
UPDATE partner_settings
   SET autopurge_interval = coalesce(autopurge_interval, 0),
       versionpurge_interval = coalesce(versionpurge_interval, 0)
 WHERE autopurge_interval IS NULL OR versionpurge_interval IS NULL;
