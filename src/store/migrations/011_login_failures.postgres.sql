-- Failed logins, so that every server on the database throttles with the failures of all (A.2):
-- each server adds its own and reads the others' since the last it saw. Rows older than the
-- throttle's window are deleted as new ones come.
CREATE TABLE login_failures (
  failure_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  server     TEXT COLLATE "C" NOT NULL,
  username   TEXT COLLATE "C" NOT NULL,
  address    TEXT COLLATE "C" NOT NULL,
  at         BIGINT NOT NULL  -- seconds since the epoch
);
CREATE INDEX login_failures_by_time ON login_failures (at);
