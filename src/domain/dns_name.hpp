// DNS host name syntax (e.g. the ActiveDirectory domain setting and email domains).
#pragma once

#include <string_view>

namespace accountsd::domain {

// True for one or more dot-separated labels of 1–63 ASCII letters, digits and hyphens, none
// starting or ending with a hyphen, at most 253 characters in all; one trailing dot is allowed.
bool is_valid_dns_name(std::string_view name);

}  // namespace accountsd::domain
