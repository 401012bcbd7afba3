// Pragmatic email address syntax for the support and admin email settings.
#pragma once

#include <string_view>

namespace accountsd::domain {

// True for local@domain, at most 254 characters: a dot-atom local part of at most 64
// characters and a DNS name domain with at least two labels (no trailing dot, no IP literal).
bool is_valid_email(std::string_view address);

}  // namespace accountsd::domain
