-- How many of a partner's users have shares, per block of avatar_ids, so that a deep offset into
-- the A.9 share listing finds its page by adding up block counts instead of stepping over every
-- earlier user. Two levels: blocks of 256 ids (level 8) inside blocks of 65536 ids (level 16).
CREATE TABLE share_user_blocks (
  partner_id INTEGER NOT NULL,
  level      INTEGER NOT NULL,  -- block = avatar_id >> level
  block      INTEGER NOT NULL,
  users      INTEGER NOT NULL,
  PRIMARY KEY (partner_id, level, block)
) WITHOUT ROWID;

INSERT INTO share_user_blocks (partner_id, level, block, users)
  SELECT partner_id, 8, avatar_id >> 8, count(*) FROM users WHERE num_shares > 0
  GROUP BY partner_id, avatar_id >> 8;
INSERT INTO share_user_blocks (partner_id, level, block, users)
  SELECT partner_id, 16, avatar_id >> 16, count(*) FROM users WHERE num_shares > 0
  GROUP BY partner_id, avatar_id >> 16;

-- A user counts while num_shares > 0; partner_id and avatar_id never change.
CREATE TRIGGER share_user_blocks_insert AFTER INSERT ON users WHEN new.num_shares > 0
BEGIN
  INSERT INTO share_user_blocks VALUES (new.partner_id, 8, new.avatar_id >> 8, 1)
    ON CONFLICT DO UPDATE SET users = users + 1;
  INSERT INTO share_user_blocks VALUES (new.partner_id, 16, new.avatar_id >> 16, 1)
    ON CONFLICT DO UPDATE SET users = users + 1;
END;

CREATE TRIGGER share_user_blocks_gain AFTER UPDATE OF num_shares ON users
  WHEN old.num_shares <= 0 AND new.num_shares > 0
BEGIN
  INSERT INTO share_user_blocks VALUES (new.partner_id, 8, new.avatar_id >> 8, 1)
    ON CONFLICT DO UPDATE SET users = users + 1;
  INSERT INTO share_user_blocks VALUES (new.partner_id, 16, new.avatar_id >> 16, 1)
    ON CONFLICT DO UPDATE SET users = users + 1;
END;

CREATE TRIGGER share_user_blocks_lose AFTER UPDATE OF num_shares ON users
  WHEN old.num_shares > 0 AND new.num_shares <= 0
BEGIN
  UPDATE share_user_blocks SET users = users - 1
    WHERE partner_id = old.partner_id AND ((level = 8 AND block = old.avatar_id >> 8) OR
                                           (level = 16 AND block = old.avatar_id >> 16));
  DELETE FROM share_user_blocks WHERE partner_id = old.partner_id AND users = 0 AND
    ((level = 8 AND block = old.avatar_id >> 8) OR (level = 16 AND block = old.avatar_id >> 16));
END;

CREATE TRIGGER share_user_blocks_delete AFTER DELETE ON users WHEN old.num_shares > 0
BEGIN
  UPDATE share_user_blocks SET users = users - 1
    WHERE partner_id = old.partner_id AND ((level = 8 AND block = old.avatar_id >> 8) OR
                                           (level = 16 AND block = old.avatar_id >> 16));
  DELETE FROM share_user_blocks WHERE partner_id = old.partner_id AND users = 0 AND
    ((level = 8 AND block = old.avatar_id >> 8) OR (level = 16 AND block = old.avatar_id >> 16));
END;
