#include "store/sqlite/user_search.hpp"

#include "domain/case_fold.hpp"
#include "domain/text.hpp"

namespace accountsd::store::sqlite {

std::optional<std::string> trigram_query(std::string_view needle) {
  if (!domain::is_valid_utf8(needle) || needle.find('\0') != std::string_view::npos)
    return std::nullopt;
  if (domain::code_points(needle) < 3) return std::nullopt;
  std::string phrase = "\"";
  for (char c : needle) {
    if (c == '"') phrase += '"';
    phrase += c;
  }
  return phrase + "\"";
}

namespace {

// Whether a row of users_search_texts (alias t) holds ?2, for the partner ?1. holds() finds what
// instr() does for a needle of UTF-8 (texts_can_answer), in one call for the three texts.
constexpr const char* kTextsMatch =
    " FROM users_search_texts t WHERE t.partner_id = ?1 AND holds(?2, t.name, t.username, "
    "t.email)";

}  // namespace

UserSearch plan_user_search(Connection& db, PartnerId partner, std::string_view search,
                            std::int64_t most_listed, bool list) {
  UserSearch out{domain::fold_case(search), std::nullopt, std::nullopt};
  if (auto query = trigram_query(out.needle)) {
    auto& listed = db.prepared(
        "SELECT count(*) FROM (SELECT 1 FROM users_search WHERE users_search MATCH ?1 LIMIT ?2)");
    listed.bind(1, *query).bind(2, most_listed);
    listed.step();
    bool few = listed.integer(0) < most_listed;
    listed.reset();
    if (few) {
      out.index_query = std::move(query);
      return out;
    }
  }
  if (!list || !texts_can_answer(out.needle)) return out;
  // A search most users match finds its cap's worth soon and stops; a rare one reads the
  // partner's whole range, which is what a scan of the users would have read, only narrower.
  static const std::string list_sql = std::string("SELECT t.avatar_id") + kTextsMatch + " LIMIT ?3";
  auto& matching = db.prepared(list_sql.c_str());  // cached by address: a static's
  matching.bind(1, partner).bind(2, out.needle).bind(3, kMostListedFromTexts);
  std::string ids = "[";
  std::int64_t found = 0;
  while (matching.step()) {
    if (found++ > 0) ids += ',';
    ids += std::to_string(matching.integer(0));
  }
  matching.reset();
  if (found < kMostListedFromTexts) out.listed = ids + "]";
  return out;
}

bool texts_can_answer(std::string_view needle) {
  return domain::is_valid_utf8(needle);
}

std::int64_t count_matching_texts(Connection& db, PartnerId partner, std::string_view needle) {
  static const std::string count_sql = std::string("SELECT count(*)") + kTextsMatch;
  auto& q = db.prepared(count_sql.c_str());
  q.bind(1, partner).bind(2, needle);
  q.step();
  auto n = q.integer(0);
  q.reset();
  return n;
}

}  // namespace accountsd::store::sqlite
