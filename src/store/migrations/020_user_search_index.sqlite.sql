-- Searches of users (B.3) read a trigram index instead of every user of the partner (issue 15):
-- users_search holds, for each user (rowid = avatar_id), the texts a search looks in as fold()
-- lowers them, cut into every run of three characters. A search of three characters or more
-- reads the users it lists, then checks each as before (instr of fold()): the index only narrows
-- whom to check, so it never decides an answer (store/sqlite/user_search.cpp).
--
-- Contentless (content=''): the rows are the users'. A row is removed with the 'delete' command
-- and the values it was indexed with, which the triggers compute again with fold() from the old
-- row; fold() is our function, which every connection of ours registers. columnsize=0: no
-- per-row token counts, which only ranking reads. A migration that rebuilds the users table
-- must drop these triggers first and fill users_search again.
CREATE VIRTUAL TABLE users_search USING fts5(
  name, username, email,
  content = '', columnsize = 0, tokenize = 'trigram case_sensitive 1');

INSERT INTO users_search (rowid, name, username, email)
  SELECT avatar_id, fold(name), fold(username), fold(email) FROM users ORDER BY avatar_id;

CREATE TRIGGER users_search_insert AFTER INSERT ON users
BEGIN
  INSERT INTO users_search (rowid, name, username, email)
  VALUES (NEW.avatar_id, fold(NEW.name), fold(NEW.username), fold(NEW.email));
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users
BEGIN
  INSERT INTO users_search (users_search, rowid, name, username, email)
  VALUES ('delete', OLD.avatar_id, fold(OLD.name), fold(OLD.username), fold(OLD.email));
END;

-- Every change of a user writes name and email, changed or not: only a real change re-indexes.
CREATE TRIGGER users_search_update AFTER UPDATE OF avatar_id, name, username, email ON users
WHEN OLD.avatar_id IS NOT NEW.avatar_id OR OLD.name IS NOT NEW.name
  OR OLD.username IS NOT NEW.username OR OLD.email IS NOT NEW.email
BEGIN
  INSERT INTO users_search (users_search, rowid, name, username, email)
  VALUES ('delete', OLD.avatar_id, fold(OLD.name), fold(OLD.username), fold(OLD.email));
  INSERT INTO users_search (rowid, name, username, email)
  VALUES (NEW.avatar_id, fold(NEW.name), fold(NEW.username), fold(NEW.email));
END;
