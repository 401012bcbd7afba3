#include "domain/partner.hpp"

namespace accountsd::domain {

std::string_view to_string(BillingMode mode) {
  return mode == BillingMode::prepaid ? "prepaid" : "invoice";
}

std::optional<BillingMode> parse_billing_mode(std::string_view text) {
  if (text == "invoice") return BillingMode::invoice;
  if (text == "prepaid") return BillingMode::prepaid;
  return std::nullopt;
}

bool* Features::flag(std::string_view name) {
  if (name == "netkes") return &netkes;
  if (name == "ldap") return &ldap;
  if (name == "group_permissions") return &group_permissions;
  if (name == "signup_restrictions") return &signup_restrictions;
  if (name == "email_as_username") return &email_as_username;
  return nullptr;
}

}  // namespace accountsd::domain
