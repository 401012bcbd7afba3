// A partner as the operator creates it (A.11).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/partner.hpp"

namespace accountsd::domain {

struct NewPartner {
  std::string username;
  std::string name;
  std::string password_hash;
  // The Argon2id hash of the password's appliance key (domain::PasswordHashes).
  std::optional<std::string> appliance_key_hash{};
  BillingMode billing_mode = BillingMode::invoice;
  std::optional<std::int64_t> bytes_available;
  Features features;
  // A first group, on the "Unlimited" plan, for partners without a console (C.7): a console
  // creates its own at first login and breaks on one it does not know.
  std::optional<std::string> group{};
};

}  // namespace accountsd::domain
