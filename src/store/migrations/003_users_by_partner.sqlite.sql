-- Listing a partner's users in avatar_id order (the default) walks this index, whatever the
-- partner's share of the table.
CREATE INDEX users_by_partner ON users (partner_id, avatar_id);
