-- Searches of users (B.3) may read a trigram index instead of every user of the partner
-- (issue 15): pg_trgm's GIN index of each user's name, username and email as a search lowers them
-- (migration 012), joined by spaces. A search of three characters or more adds the condition
-- that this text be LIKE '%search%', which every user whose name, username or email holds the
-- search meets, and which the index answers; each user it lists is still checked as before
-- (strpos of each lowered text), so the index only narrows whom to check and never decides an
-- answer (store/postgres/pg_directory.cpp, user_search_narrowing). The store adds the condition
-- only when PostgreSQL's plan then reads the index: a search that most users match is still
-- answered by a scan. The expression must stay the one the store writes, character for
-- character, or PostgreSQL will not match it to the index.
--
-- pg_trgm ships with PostgreSQL (Debian's postgresql-15) and is trusted since PostgreSQL 13:
-- the database's owner may create it (docs/operations.md).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_search_trigrams ON users USING gin (
  lower((name || ' ' || username || ' ' || email) COLLATE accountsd_fold) gin_trgm_ops);
-- The planner's statistics of the indexed expression, without which it takes any search for a
-- rare one and reads the index even for a search that every user matches (statistics would
-- otherwise wait for autovacuum, which analyzes a table only after a tenth of it changes).
ANALYZE users;
