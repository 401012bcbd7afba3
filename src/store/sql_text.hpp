// Pieces of SQL and stored text that both backends build the same way: the partner's feature
// columns (one per domain::kFeatures entry), the user fields' columns (domain::kUserFields),
// numbered placeholders, and string lists kept as a JSON array in a text column.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace accountsd::domain {
struct UserQuery;
}

namespace accountsd::store {

// The feature columns joined by ", ", each followed by `then(its place)` when given.
std::string feature_columns(const std::function<std::string(int)>& then = {});

// The column that holds a user field: the one of the same name of users (u), or of plans (p) for
// the plan's own values ("u.email", "p.storage_bytes"); empty when `field` names none.
std::string user_field_column(std::string_view field);
// Whether counting the users `query` selects needs "plans p" joined to "users u": only when a
// condition names a plan's column. Every user has a plan (a foreign key, NOT NULL), so the join
// never changes a count; leaving it out lets a count walk one index alone (at a million users, a
// quarter of the time).
bool user_count_reads_plans(const domain::UserQuery& query);
// The join of a user's plan, as " JOIN plans p ...", onto "users u".
inline constexpr std::string_view kJoinUserPlans = " JOIN plans p ON p.plan_id = u.plan_id";
// Every user field's column, in kUserFields' order, joined by ", ": what a user is read from,
// over "users u JOIN plans p".
const std::string& user_select_columns();

// "<mark>first, <mark>first+1, ..." for `count` parameters: mark is "?" on SQLite, "$" on
// PostgreSQL.
std::string placeholders(std::string_view mark, int first, int count);

std::string encode_list(const std::vector<std::string>& items);
std::vector<std::string> decode_list(const std::string& text);

}  // namespace accountsd::store
