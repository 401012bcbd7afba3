// Text measures used by field validation: code-point lengths and blank checks.
#pragma once

#include <cstddef>
#include <string_view>

namespace accountsd::domain {

// Number of Unicode code points in `utf8`, which must already be valid UTF-8.
std::size_t code_points(std::string_view utf8);

// True if `text` is empty or holds only ASCII whitespace (space, \t, \n, \r, \v, \f).
bool is_blank(std::string_view text);

}  // namespace accountsd::domain
