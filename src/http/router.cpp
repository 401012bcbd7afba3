#include "http/router.hpp"

namespace accountsd::http {

std::vector<std::string> split_pattern(std::string_view pattern) {
  std::vector<std::string> segments;
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    if (pattern[pos] == '/') {
      ++pos;
      continue;
    }
    auto end = pattern.find('/', pos);
    if (end == std::string_view::npos) end = pattern.size();
    segments.emplace_back(pattern.substr(pos, end - pos));
    pos = end;
  }
  return segments;
}

}  // namespace accountsd::http
