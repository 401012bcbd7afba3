// What the operator types, checked: partner usernames and one-line names (A.1, A.11), the
// partner a command names, and a partner's creation refused clearly when its username is taken
// in any letter case.
#pragma once

#include <string>
#include <string_view>

#include "domain/new_partner.hpp"
#include "domain/partner.hpp"
#include "store/partners.hpp"

namespace accountsd::cli {

// Throws std::invalid_argument unless `username` may name a new partner (letters, digits, ...).
void check_partner_username(std::string_view username);

// The partner named `username`, or std::invalid_argument saying there is none. Partners are
// found by their exact username, as logins are (domain::partner_username_problem).
domain::Partner require_partner(store::PartnerStore& partners, const std::string& username);

// Creates `partner`, or throws std::invalid_argument naming the partner that holds its username
// in some letter case, found before the insert or by the unique index at it.
store::PartnerId create_new_partner(store::PartnerStore& partners,
                                    const domain::NewPartner& partner);

// Throws std::invalid_argument unless `value` of `option` is 1 to `max` characters of one line
// of valid UTF-8 text (A.1: no control characters).
void check_one_line(std::string_view option, std::string_view value, std::size_t max);

}  // namespace accountsd::cli
