-- OpenManage signs in with a string derived from the password its administrator types, its
-- appliance key (auth/appliance_key.hpp), and keeps using it as the API password (Part C: the
-- appliance logs in the first time). Each password set from here on stores the Argon2id hash of
-- its key beside its own, replaced with it; a password set before has none (NULL) until it is
-- set again. Not in the audit log's columns: a hash never reaches the audit trail.
ALTER TABLE partners ADD COLUMN appliance_key_hash TEXT;
