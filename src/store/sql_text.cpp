#include "store/sql_text.hpp"

#include <boost/json.hpp>
#include <unordered_map>

#include "domain/partner.hpp"
#include "domain/user_fields.hpp"
#include "domain/user_query.hpp"

namespace accountsd::store {
namespace {

// Each user field's column, by the field's name.
const std::unordered_map<std::string_view, std::string>& user_field_columns() {
  static const auto columns = [] {
    std::unordered_map<std::string_view, std::string> out;
    domain::for_each_user_field([&](const auto& field) {
      out.emplace(field.name, (field.of_plan ? "p." : "u.") + std::string(field.name));
    });
    return out;
  }();
  return columns;
}

}  // namespace

bool user_count_reads_plans(const domain::UserQuery& query) {
  for (const auto& condition : query.conditions) {
    if (user_field_column(condition.column).starts_with("p.")) return true;
  }
  return false;
}

std::string feature_columns(const std::function<std::string(int)>& then) {
  std::string out;
  int place = 0;
  for (const auto& feature : domain::kFeatures) {
    out += (out.empty() ? "" : ", ") + std::string(feature.name);
    if (then) out += then(place);
    ++place;
  }
  return out;
}

std::string user_field_column(std::string_view field) {
  auto found = user_field_columns().find(field);
  return found == user_field_columns().end() ? std::string() : found->second;
}

const std::string& user_select_columns() {
  static const std::string columns = [] {
    std::string out;
    domain::for_each_user_field([&](const auto& field) {
      out += (out.empty() ? "" : ", ") + user_field_column(field.name);
    });
    return out;
  }();
  return columns;
}

std::string placeholders(std::string_view mark, int first, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (i) out += ", ";
    out += mark;
    out += std::to_string(first + i);
  }
  return out;
}

std::string encode_list(const std::vector<std::string>& items) {
  boost::json::array array;
  for (const auto& item : items) array.emplace_back(item);
  return boost::json::serialize(array);
}

std::vector<std::string> decode_list(const std::string& text) {
  std::vector<std::string> out;
  // What nearly every row holds: no parser (and its allocations) for it.
  if (text == "[]") return out;
  auto value = boost::json::parse(text);
  for (const auto& item : value.as_array()) out.emplace_back(item.as_string());
  return out;
}

}  // namespace accountsd::store
