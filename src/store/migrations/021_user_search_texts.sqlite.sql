-- Searches that the trigram index cannot narrow (migration 020) read a narrow copy of what they
-- look in (issue 15): a search under three characters, or one that most users match. Checked in
-- the users' own rows, each such search read and folded every row of the partner: at a million
-- users, 0.6–1.1 s for its count, and 1–2 s for a page of a short search that few users match,
-- which walked the page's order through every user. users_search_texts holds, in the order of
-- (partner_id, avatar_id), the three texts as fold() lowers them and nothing else: 64 MB at a
-- million users, read and checked at some 7 million a second. A count reads the partner's range
-- of it; a page first lists the users it matches from it, when they are few
-- (store/sqlite/user_search.cpp).
--
-- A plain table kept by the triggers of users_search, which this migration makes write both,
-- rather than generated columns of users: those would need fold() to read users at all, and the
-- sqlite3 shell, which lacks it, could no longer SELECT * from users or check the database.
CREATE TABLE users_search_texts (
  partner_id INTEGER NOT NULL,
  avatar_id  INTEGER NOT NULL,
  name       TEXT    NOT NULL,
  username   TEXT    NOT NULL,
  email      TEXT    NOT NULL,
  PRIMARY KEY (partner_id, avatar_id)
) WITHOUT ROWID;

INSERT INTO users_search_texts (partner_id, avatar_id, name, username, email)
  SELECT partner_id, avatar_id, fold(name), fold(username), fold(email) FROM users
  ORDER BY partner_id, avatar_id;

DROP TRIGGER users_search_insert;
DROP TRIGGER users_search_delete;
DROP TRIGGER users_search_update;

CREATE TRIGGER users_search_insert AFTER INSERT ON users
BEGIN
  INSERT INTO users_search (rowid, name, username, email)
  VALUES (NEW.avatar_id, fold(NEW.name), fold(NEW.username), fold(NEW.email));
  INSERT INTO users_search_texts (partner_id, avatar_id, name, username, email)
  VALUES (NEW.partner_id, NEW.avatar_id, fold(NEW.name), fold(NEW.username), fold(NEW.email));
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users
BEGIN
  INSERT INTO users_search (users_search, rowid, name, username, email)
  VALUES ('delete', OLD.avatar_id, fold(OLD.name), fold(OLD.username), fold(OLD.email));
  DELETE FROM users_search_texts WHERE partner_id = OLD.partner_id AND avatar_id = OLD.avatar_id;
END;

-- Every change of a user writes name and email, changed or not: only a real change re-indexes.
CREATE TRIGGER users_search_update
AFTER UPDATE OF partner_id, avatar_id, name, username, email ON users
WHEN OLD.partner_id IS NOT NEW.partner_id OR OLD.avatar_id IS NOT NEW.avatar_id
  OR OLD.name IS NOT NEW.name OR OLD.username IS NOT NEW.username OR OLD.email IS NOT NEW.email
BEGIN
  INSERT INTO users_search (users_search, rowid, name, username, email)
  VALUES ('delete', OLD.avatar_id, fold(OLD.name), fold(OLD.username), fold(OLD.email));
  INSERT INTO users_search (rowid, name, username, email)
  VALUES (NEW.avatar_id, fold(NEW.name), fold(NEW.username), fold(NEW.email));
  DELETE FROM users_search_texts WHERE partner_id = OLD.partner_id AND avatar_id = OLD.avatar_id;
  INSERT INTO users_search_texts (partner_id, avatar_id, name, username, email)
  VALUES (NEW.partner_id, NEW.avatar_id, fold(NEW.name), fold(NEW.username), fold(NEW.email));
END;
