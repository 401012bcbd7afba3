// How SQLite answers a search of users (B.3): every user of the partner checked with instr() of
// fold(), or only those the trigram index users_search (migration 020) lists for the search, or
// only those a scan of the folded texts (users_search_texts, migration 021) found to match.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/partner.hpp"
#include "store/sqlite/connection.hpp"

namespace accountsd::store::sqlite {

using domain::PartnerId;

// A search's parameters: what instr() looks for, and what narrows whom to check. Neither the
// index nor the list decides an answer: every user they name is still checked with instr().
struct UserSearch {
  std::string needle;                      // the search as fold() lowers it
  std::optional<std::string> index_query;  // an FTS5 query of users_search
  std::optional<std::string> listed;       // the avatar_ids that match, as a JSON array
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
// A count with nothing but the search has a cheaper way than checking each listed user (some
// 2 µs each): reading the partner's folded texts, some 0.15-0.2 µs a user. Past this many listed
// users, reading them costs more than that read would at a million users.
inline constexpr std::int64_t kMostListedForCount = 50000;

// How many matching users a search may list from users_search_texts to be answered from that
// list: a page of one sorts them, so it must stay short, as the index's must for a page.
inline constexpr std::int64_t kMostListedFromTexts = kMostListedForPage;

// Plans the search for `search` on `db`: through the index when it can narrow it and lists
// fewer than `most_listed` users; otherwise, when `list`, through the list of the partner's
// users that match, when there are fewer than kMostListedFromTexts; otherwise every user.
UserSearch plan_user_search(Connection& db, PartnerId partner, std::string_view search,
                            std::int64_t most_listed, bool list);

// Whether users_search_texts answers for `needle` (folded) as instr() of fold() does: when it is
// UTF-8. instr() steps through a text a character at a time, so it never finds a stray
// continuation byte inside a character, which a comparison of bytes would.
bool texts_can_answer(std::string_view needle);

// The number of the partner's users `needle` (folded, texts_can_answer) is in the name, username
// or email of: a read of the partner's range of users_search_texts.
std::int64_t count_matching_texts(Connection& db, PartnerId partner, std::string_view needle);

}  // namespace accountsd::store::sqlite
