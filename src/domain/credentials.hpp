// What authentication needs of a partner (A.2).
#pragma once

#include <string>

#include "domain/partner.hpp"

namespace accountsd::domain {

// The partner and its current Argon2id hash string.
struct Credentials {
  PartnerId partner_id = 0;
  std::string password_hash;
};

}  // namespace accountsd::domain
