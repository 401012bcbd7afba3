// Syntax of http/https URLs such as the management appliance (OMVA) root URL setting.
#pragma once

#include <string_view>

namespace accountsd::domain {

// True for an absolute http or https URL (scheme in any case) with a non-empty host, a port
// of at most 65535 if one is given, no whitespace, no fragment, at most 2048 characters.
bool is_valid_http_url(std::string_view url);

}  // namespace accountsd::domain
