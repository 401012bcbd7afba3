-- Searches that the trigram index cannot narrow (migration 022) read a narrow copy of what they
-- look in (issue 15): a search under three characters, one that most users match, or one
-- combined with other filters. Checked in the users' own rows, each such search lowered three
-- texts of every user of the partner: at a million users, 0.45–0.8 s for the count of a search
-- that many users match, and a page of a short search that few users match walked the page's
-- order through every user. users_search_texts holds each user's name, username and email as
-- searches lower them (migration 012), joined by newlines, and nothing else; a search checks it
-- with LIKE (store/postgres/pg_directory.cpp, Narrowing::texts), about 120 ms for a million
-- rows. A search that holds a newline, which could match across two texts, is checked in users.
--
-- A table kept by a trigger rather than a stored generated column of users: adding one would
-- rewrite users under an exclusive lock, and a scan of the narrow table reads a tenth of the
-- pages. migrate-db copies with triggers off and fills it afterwards, as below.
CREATE FUNCTION users_search_text(name text, username text, email text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  (lower(name COLLATE accountsd_fold) || E'\n' || lower(username COLLATE accountsd_fold) ||
   E'\n' || lower(email COLLATE accountsd_fold)) COLLATE "C";

CREATE TABLE users_search_texts (
  partner_id bigint NOT NULL,
  avatar_id  bigint NOT NULL,
  texts      text COLLATE "C" NOT NULL,
  PRIMARY KEY (partner_id, avatar_id)
);

INSERT INTO users_search_texts (partner_id, avatar_id, texts)
  SELECT partner_id, avatar_id, users_search_text(name, username, email) FROM users
  ORDER BY partner_id, avatar_id;

CREATE FUNCTION users_search_texts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM users_search_texts WHERE partner_id = OLD.partner_id AND avatar_id = OLD.avatar_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO users_search_texts (partner_id, avatar_id, texts)
      VALUES (NEW.partner_id, NEW.avatar_id, users_search_text(NEW.name, NEW.username, NEW.email));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER users_search_texts_rows AFTER INSERT OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION users_search_texts_keep();
-- Every change of a user writes name and email, changed or not: only a real change rewrites.
CREATE TRIGGER users_search_texts_update AFTER UPDATE OF partner_id, avatar_id, name, username, email
  ON users FOR EACH ROW
  WHEN (OLD.partner_id IS DISTINCT FROM NEW.partner_id OR OLD.avatar_id IS DISTINCT FROM NEW.avatar_id
        OR OLD.name IS DISTINCT FROM NEW.name OR OLD.username IS DISTINCT FROM NEW.username
        OR OLD.email IS DISTINCT FROM NEW.email)
  EXECUTE FUNCTION users_search_texts_keep();

ANALYZE users_search_texts;
