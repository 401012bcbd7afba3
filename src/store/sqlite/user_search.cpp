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

UserSearch plan_user_search(Connection& db, std::string_view search, std::int64_t most_listed) {
  UserSearch out{domain::fold_case(search), std::nullopt};
  auto query = trigram_query(out.needle);
  if (!query) return out;
  auto& listed = db.prepared(
      "SELECT count(*) FROM (SELECT 1 FROM users_search WHERE users_search MATCH ?1 LIMIT ?2)");
  listed.bind(1, *query).bind(2, most_listed);
  listed.step();
  bool few = listed.integer(0) < most_listed;
  listed.reset();
  if (few) out.index_query = std::move(query);
  return out;
}

}  // namespace accountsd::store::sqlite
