// A partner (reseller or enterprise) as the operator manages it: identity, billing mode, features.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace accountsd::domain {

using PartnerId = std::int64_t;

enum class BillingMode { invoice, prepaid };

std::string_view to_string(BillingMode mode);
std::optional<BillingMode> parse_billing_mode(std::string_view text);

// Enterprise features the operator switches on per partner (A.7).
struct Features {
  bool netkes = false;
  bool ldap = false;
  bool group_permissions = false;
  bool signup_restrictions = false;
  bool email_as_username = false;

  // The flag named `name` ("netkes", "ldap", ...), or nullptr for an unknown name.
  bool* flag(std::string_view name);
  bool operator==(const Features&) const = default;
};

// Feature names in the order the API lists them.
inline constexpr std::string_view kFeatureNames[] = {"netkes", "ldap", "group_permissions",
                                                     "signup_restrictions", "email_as_username"};

struct Partner {
  PartnerId id = 0;
  std::string username;
  std::string name;
  BillingMode billing_mode = BillingMode::invoice;
  std::optional<std::int64_t> bytes_available;  // nullopt = no limit set
  Features features;
  std::int64_t created_at = 0;
};

}  // namespace accountsd::domain
