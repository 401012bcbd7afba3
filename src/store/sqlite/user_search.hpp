// How SQLite answers a search of users (B.3): every user of the partner checked with instr() of
// fold(), or only those the trigram index users_search (migration 020) lists for the search.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/sqlite/connection.hpp"

namespace accountsd::store::sqlite {

// A search's parameters: what instr() looks for, and the index's query when it narrows whom to
// check. The index never decides an answer: every user it lists is still checked with instr().
struct UserSearch {
  std::string needle;                      // the search as fold() lowers it
  std::optional<std::string> index_query;  // an FTS5 query of users_search; none: check all
};

// The FTS5 query that lists every user whose folded name, username or email may hold `needle`
// (folded): one phrase, its double quotes doubled. None when the index cannot answer for it:
// under three characters (no trigram), or not UTF-8 or holding a NUL, where the tokenizer would
// cut characters otherwise than instr() compares bytes.
std::optional<std::string> trigram_query(std::string_view needle);

// How many users the index may list (of every partner) for a search to go through it. Reading a
// listed user costs about what checking one in a scan of the partner's users does, plus a sort
// for a page; but a page in an indexed order (order_by) scans only until it has its rows, which a
// common search finds soon, while a count or a whole list scans every user.
inline constexpr std::int64_t kMostListedForPage = 20000;
inline constexpr std::int64_t kMostListedForAll = 200000;

// Plans the search for `search` on `db`: through the index when it can narrow it and lists
// fewer than `most_listed` users.
UserSearch plan_user_search(Connection& db, std::string_view search, std::int64_t most_listed);

}  // namespace accountsd::store::sqlite
