// A partner's billing record (A.3, A.4): address, and what may be kept of an accepted card.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accountsd::domain {

// What is kept of a card the processor accepted: never the number or the security code.
struct StoredCard {
  std::string brand;
  std::string last4;
  int expiration_month = 0;
  int expiration_year = 0;
  std::string token;
};

struct BillingAddress {
  std::string name;
  std::vector<std::string> address;
  std::string city;
  std::string state;
  std::string postal_code;
  std::string country;  // ISO 3166-1 alpha-2, upper case
};

// The record as stored; `address` is empty and `updated_at` unset before the first update.
struct Billing {
  std::optional<BillingAddress> address;
  std::optional<StoredCard> card;
  std::optional<std::int64_t> updated_at;
};

}  // namespace accountsd::domain
