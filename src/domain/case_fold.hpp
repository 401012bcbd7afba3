// Unicode-aware lower-casing for case-insensitive search ("ZOË" finds "Zoë").
#pragma once

#include <string>
#include <string_view>

namespace accountsd::domain {

// `utf8` with every code point lower-cased by the C library's Unicode tables (C.UTF-8 locale);
// invalid bytes are kept as they are.
std::string fold_case(std::string_view utf8);

}  // namespace accountsd::domain
