#include "store/sql_text.hpp"

#include <boost/json.hpp>

#include "domain/partner.hpp"

namespace accountsd::store {

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
  auto value = boost::json::parse(text);
  for (const auto& item : value.as_array()) out.emplace_back(item.as_string());
  return out;
}

}  // namespace accountsd::store
