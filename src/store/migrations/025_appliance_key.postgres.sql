-- OpenManage signs in with a string derived from the password its administrator types, its
-- appliance key (auth/appliance_key.hpp), and keeps using it as the API password (Part C: the
-- appliance logs in the first time). Each password set from here on stores the Argon2id hash of
-- its key beside its own, replaced with it; a password set before has none (NULL) until it is
-- set again. Not in the audit log's columns: a hash never reaches the audit trail.
ALTER TABLE partners ADD COLUMN appliance_key_hash text COLLATE "C";

-- A password changed without its key (by a server from before this migration, still running
-- beside one after it during a rolling upgrade) ends the old key with it: nothing else ties
-- the two. A change made here always writes a new key hash (a fresh salt) or none.
CREATE FUNCTION partners_appliance_key_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.appliance_key_hash := NULL;
  RETURN NEW;
END $$;

CREATE TRIGGER partners_appliance_key_follows BEFORE UPDATE OF password_hash ON partners
  FOR EACH ROW
  WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash
        AND NEW.appliance_key_hash IS NOT DISTINCT FROM OLD.appliance_key_hash)
  EXECUTE FUNCTION partners_appliance_key_follows();
