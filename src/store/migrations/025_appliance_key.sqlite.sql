-- OpenManage signs in with a string derived from the password its administrator types, its
-- appliance key (auth/appliance_key.hpp), and keeps using it as the API password (Part C: the
-- appliance logs in the first time). Each password set from here on stores the Argon2id hash of
-- its key beside its own, replaced with it; a password set before has none (NULL) until it is
-- set again. Not in the audit log's columns: a hash never reaches the audit trail.
ALTER TABLE partners ADD COLUMN appliance_key_hash TEXT;

-- A password changed without its key (by a server from before this migration, still running
-- beside one after it) ends the old key with it: nothing else ties the two.
CREATE TRIGGER partners_appliance_key_follows AFTER UPDATE OF password_hash ON partners
WHEN OLD.password_hash IS NOT NEW.password_hash AND NEW.appliance_key_hash IS NOT NULL
 AND NEW.appliance_key_hash IS OLD.appliance_key_hash
BEGIN
  UPDATE partners SET appliance_key_hash = NULL WHERE partner_id = NEW.partner_id;
END;
