#include "domain/user_fields.hpp"

#include <algorithm>

namespace accountsd::domain {

bool is_user_field(std::string_view name) {
  bool found = false;
  for_each_user_field([&](const auto& field) { found = found || field.name == name; });
  return found;
}

const std::vector<std::string_view>& search_by_fields() {
  static const std::vector<std::string_view> fields = [] {
    std::vector<std::pair<int, std::string_view>> ranked;
    for_each_user_field([&](const auto& field) {
      if (field.search_by > 0) ranked.emplace_back(field.search_by, field.name);
    });
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string_view> names;
    for (const auto& [rank, name] : ranked) names.push_back(name);
    return names;
  }();
  return fields;
}

}  // namespace accountsd::domain
