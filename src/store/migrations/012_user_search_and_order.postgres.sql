-- User and group listings answer as on SQLite: searches ignore letter case as fold() does there,
-- and NULL sorts before every value.
--
-- Searches lower the name, username or email as domain::fold_case does (SQLite's fold()), which
-- calls towlower in the C.UTF-8 locale for each code point. lower() under a libc collation of
-- that locale makes the same call; the columns' own "C" lowers ASCII only, and the database's
-- default collation lowers by whatever locale the database was created with. Where the server's
-- C library lacks C.UTF-8, en_US.UTF-8 has the same letter cases (glibc shares its tables).
DO $$
BEGIN
  CREATE COLLATION accountsd_fold (provider = libc, locale = 'C.UTF-8');
EXCEPTION WHEN invalid_parameter_value THEN
  CREATE COLLATION accountsd_fold (provider = libc, locale = 'en_US.UTF-8');
END $$;

-- Listings sort by last_login and promo with NULL first (last when descending), as SQLite does;
-- these indexes walk in that order, so that such a page reads an index instead of sorting the
-- partner's users, as its SQLite twin does.
DROP INDEX users_by_last_login;
CREATE INDEX users_by_last_login ON users (partner_id, last_login NULLS FIRST, avatar_id);
DROP INDEX users_by_promo;
CREATE INDEX users_by_promo ON users (partner_id, promo NULLS FIRST, avatar_id);
