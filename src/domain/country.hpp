// Country codes for billing addresses: assigned ISO 3166-1 alpha-2 codes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace accountsd::domain {

// The upper-case code if `code` is an officially assigned ISO 3166-1 alpha-2 code in any case
// ("gb" -> "GB"); nullopt otherwise ("UK", "XX", "USA", "").
std::optional<std::string> canonical_country(std::string_view code);

}  // namespace accountsd::domain
