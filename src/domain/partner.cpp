#include "domain/partner.hpp"

namespace accountsd::domain {

std::optional<std::string> partner_username_problem(std::string_view username) {
  // ASCII only, whatever the locale: lower() in the store's unique index folds ASCII alone.
  auto letter_or_digit = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  bool ok = !username.empty() && username.size() <= 64 && letter_or_digit(username.front());
  for (char c : username)
    ok = ok && (letter_or_digit(c) || c == '.' || c == '_' || c == '-' || c == '@');
  if (ok) return std::nullopt;
  return "a partner username must be 1 to 64 characters of letters, digits, '.', '_', '-' or "
         "'@', starting with a letter or digit";
}

std::string partner_username_key(std::string_view username) {
  std::string key(username);
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return key;
}

std::string_view to_string(BillingMode mode) {
  return mode == BillingMode::prepaid ? "prepaid" : "invoice";
}

std::optional<BillingMode> parse_billing_mode(std::string_view text) {
  if (text == "invoice") return BillingMode::invoice;
  if (text == "prepaid") return BillingMode::prepaid;
  return std::nullopt;
}

const Feature* find_feature(std::string_view name) {
  for (const auto& feature : kFeatures)
    if (feature.name == name) return &feature;
  return nullptr;
}

}  // namespace accountsd::domain
