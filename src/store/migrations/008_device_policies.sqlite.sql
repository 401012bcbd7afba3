-- C.5: device policies, named sets of managed device preferences that groups point at.
-- AUTOINCREMENT: the id of a deleted policy is never given again (C.7); consoles keep their own
-- records by it.
CREATE TABLE device_policies (
  policy_id     INTEGER PRIMARY KEY AUTOINCREMENT,
  partner_id    INTEGER NOT NULL REFERENCES partners(partner_id),
  name          TEXT    NOT NULL,
  -- The name lower-cased (domain::fold_case), so that names are unique in any letter case.
  name_key      TEXT    NOT NULL,
  -- One level only: a policy inherits from one that inherits from nothing.
  inherits_from INTEGER REFERENCES device_policies(policy_id),
  -- A JSON object: preference name -> value, "--unset--" or "--inherit--".
  policy        TEXT    NOT NULL DEFAULT '{}',
  UNIQUE (partner_id, name_key)
);
-- "Does any policy inherit from this one?" on every change of inherits_from and on delete.
CREATE INDEX device_policies_by_parent ON device_policies (partner_id, inherits_from)
  WHERE inherits_from IS NOT NULL;

ALTER TABLE groups ADD COLUMN device_policy INTEGER REFERENCES device_policies(policy_id);
-- "Does any group use this policy?" on delete.
CREATE INDEX groups_by_device_policy ON groups (partner_id, device_policy)
  WHERE device_policy IS NOT NULL;
