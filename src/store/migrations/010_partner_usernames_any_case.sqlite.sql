-- A.11: partner usernames are unique regardless of letter case (ALPHA and alpha are one brand).
-- They are ASCII (domain::partner_username_problem), so lower() folds all of them. As with the
-- users' emails in migration 007, username_clash is 0, except for partners whose username
-- differed only by case from an older partner's when this migration ran: it holds their own
-- partner_id, which keeps each of them out of the rule instead of merging or renaming a brand.
-- The server logs them at start-up (docs/operations.md, "Partner usernames that differ only by
-- case"). Logins still match the username exactly, so both keep working as they did.
ALTER TABLE partners ADD COLUMN username_clash INTEGER NOT NULL DEFAULT 0;

UPDATE partners SET username_clash = partner_id WHERE partner_id IN (
  SELECT partner_id FROM (
    SELECT partner_id,
           row_number() OVER (PARTITION BY lower(username) ORDER BY partner_id) AS n
    FROM partners)
  WHERE n > 1);

CREATE UNIQUE INDEX partners_unique_username ON partners (lower(username), username_clash);
