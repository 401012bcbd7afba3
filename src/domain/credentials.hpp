// What authentication needs of a partner (A.2).
#pragma once

#include <optional>
#include <string>

#include "domain/partner.hpp"

namespace accountsd::domain {

// The partner, its current Argon2id hash string, and its appliance key's (PasswordHashes).
struct Credentials {
  PartnerId partner_id = 0;
  std::string password_hash;
  std::optional<std::string> appliance_key_hash{};
};

// What is stored of a partner's password, set together so that a change ends both: the
// password's Argon2id hash, and that of its appliance key (auth/appliance_key.hpp), the form in
// which OpenManage sends it; none for a password set before there were appliance keys.
struct PasswordHashes {
  std::string password;
  std::optional<std::string> appliance_key;
};

}  // namespace accountsd::domain
