// A partner (reseller or enterprise) as the operator manages it: identity, billing mode, features.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace accountsd::domain {

using PartnerId = std::int64_t;

enum class BillingMode { invoice, prepaid };

// Why `username` cannot name a new partner (A.11), or nullopt when it can: 1 to 64 ASCII letters,
// digits, '.', '_', '-' or '@', starting with a letter or digit, so that it never reads as a
// command-line option ("-rf"). Unique regardless of letter case: the store's rule (migration 010).
// *Decision:* a login (HTTP Basic), a self-signup's `brand` and the operator's `partner show U`
// match a partner username exactly, letter case included. A.11 asks only that no two partners
// hold one name in two spellings; partners whose names clashed before migration 010 each keep
// logging in with their own, and a wrong-case login is a wrong username, throttled as any.
std::optional<std::string> partner_username_problem(std::string_view username);

// The form in which partner usernames are unique: ASCII letters lower-cased, as SQLite's lower()
// does in the index partners_unique_username.
std::string partner_username_key(std::string_view username);

std::string_view to_string(BillingMode mode);
std::optional<BillingMode> parse_billing_mode(std::string_view text);

// Enterprise features the operator switches on per partner (A.7).
struct Features {
  bool netkes = false;
  bool ldap = false;
  bool group_permissions = false;
  bool signup_restrictions = false;
  bool email_as_username = false;

  bool operator==(const Features&) const = default;
};

// One feature: its name, as the API, the operator's commands and the store's column call it,
// and its flag.
struct Feature {
  std::string_view name;
  bool Features::*flag;
};

// Every feature, in the order the API lists them: a new one is a flag above and a line here.
inline constexpr Feature kFeatures[] = {
    {"netkes", &Features::netkes},
    {"ldap", &Features::ldap},
    {"group_permissions", &Features::group_permissions},
    {"signup_restrictions", &Features::signup_restrictions},
    {"email_as_username", &Features::email_as_username},
};

// The feature named `name`, or nullptr for an unknown name.
const Feature* find_feature(std::string_view name);

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
