// Fuzzes the strict JSON body parser and typed field reader with every Part A/B body schema.
#include <boost/json/parse.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/json_body.hpp"
#include "api/params.hpp"
#include "auth/password.hpp"
#include "domain/card.hpp"
#include "domain/country.hpp"
#include "domain/dns_name.hpp"
#include "domain/email.hpp"
#include "domain/netblock.hpp"
#include "domain/settings.hpp"
#include "domain/url.hpp"
#include "error.hpp"
#include "http/error_response.hpp"

namespace {

using namespace accountsd;
using api::JsonParams;
using api::Length;

// Each schema reads its fields as the endpoint's handler in src/api/ does, in the same order
// and with the same bounds; the store calls and the processing after finish() are left out.

void billing(JsonParams& p, bool prepaid) {  // POST /partner/billing (partner_billing.cpp)
  p.string("name", {1, 200}, true);
  p.string_list("address", {1, 4}, {1, 200}, true);
  p.string("city", {1, 100}, true);
  p.string("state", {1, 100}, true);
  p.string("postal_code", {1, 20}, true);
  if (auto country = p.string("country", {0, 16}, true);
      country && !domain::canonical_country(*country))
    p.problem("country", "country must be an assigned ISO 3166-1 alpha-2 code");
  constexpr const char* card_fields[] = {"card_number", "security_code", "expiration_month",
                                         "expiration_year"};
  if (!prepaid) {
    for (const char* field : card_fields) p.refuse(field, std::string(field) + " is refused");
  } else {
    auto number = p.string("card_number", {0, 64}, true);
    auto digits = number ? domain::normalize_card_number(*number) : std::nullopt;
    if (number && !digits) p.problem("card_number", "card_number must be 12 to 19 digits");
    auto code = p.string("security_code", {0, 16}, true);
    auto brand = digits ? domain::card_brand(*digits) : std::nullopt;
    if (code && !domain::valid_security_code(*code, brand))
      p.problem("security_code", "security_code has the wrong length");
    p.integer("expiration_month", {1, 12}, true);
    p.integer("expiration_year", {2000, 2099}, true);
  }
  p.finish();
}

// A nullable string setting that must also pass `valid` (partner_settings.cpp).
void checked(JsonParams& p, std::string_view key, Length length, bool (*valid)(std::string_view)) {
  auto value = p.nullable_string(key, length);
  if (value && *value && !valid(**value)) p.problem(std::string(key), "invalid");
}

void settings(JsonParams& p, bool features_on) {  // POST /partner/settings
  domain::SettingsPatch patch;
  checked(p, "omva_url", {1, 2048}, domain::is_valid_http_url);
  checked(p, "support_email", {1, 254}, domain::is_valid_email);
  patch.share_link_ttl = p.integer("share_link_ttl", {1, 5256000}, false);
  patch.autopurge_interval = p.nullable_integer("autopurge_interval", {0, domain::kMaxPurgeDays});
  patch.purgehold_duration = p.integer("purgehold_duration", {0, 315360000}, false);
  patch.ad_domain = p.nullable_string("ad_domain", {1, 253});
  if (patch.ad_domain && *patch.ad_domain && !domain::is_valid_dns_name(**patch.ad_domain))
    p.problem("ad_domain", "invalid");
  if (auto items = p.string_list("signup_network_restriction", {0, 1000}, {1, 64}, false)) {
    std::vector<domain::Netblock> blocks;
    for (const auto& item : *items) {
      auto block = domain::parse_netblock(item);
      if (!block) p.problem("signup_network_restriction", "invalid");
      if (block) blocks.push_back(*block);
    }
    patch.signup_network_restriction.emplace();
    for (const auto& block : domain::dedupe_netblocks(std::move(blocks)))
      patch.signup_network_restriction->push_back(domain::to_string(block));
  }
  patch.versionpurge_interval =
      p.nullable_integer("versionpurge_interval", {0, domain::kMaxPurgeDays});
  checked(p, "admin_email", {1, 254}, domain::is_valid_email);
  patch.sharing_enabled = p.boolean("sharing_enabled", false);
  p.nullable_string("api_version", {0, 64});
  domain::Features features{.ldap = features_on, .signup_restrictions = features_on};
  for (auto& [field, explanation] : domain::feature_violations(patch, features))
    p.problem(field, explanation);
  p.finish();
}

void new_group(JsonParams& p) {  // POST /groups/ (groups.cpp)
  p.string("name", {1, 200}, true);
  p.integer("plan_id", {1}, true);
  p.boolean("webapi_enable", true);
  p.boolean("check_domain", true);
  p.nullable_integer("device_policy", {1});
  p.finish();
}

void group_patch(JsonParams& p) {  // POST /groups/<id>
  p.string("name", {1, 200}, false);
  p.integer("plan_id", {1}, false);
  p.boolean("webapi_enable", false);
  p.boolean("check_domain", false);
  p.boolean("force", false);
  p.nullable_integer("device_policy", {1});
  p.finish();
}

void email(JsonParams& p, bool required) {
  auto email = p.string("email", {1, 254}, required);
  if (email && !domain::is_valid_email(*email)) p.problem("email", "invalid");
}

void new_user(JsonParams& p, bool signup) {  // POST /users/ (users.cpp), with or without login
  if (signup) {
    p.string("brand", {1, 64}, true);
    for (const char* field : {"group_id", "plan_id", "bonus_bytes"}) p.refuse(field, "refused");
  } else {
    p.refuse("brand", "refused");
  }
  p.string("username", {1, 64}, !signup);
  p.string("name", {1, 200}, true);
  email(p, true);
  p.string("password_bcrypt", {0, 128}, false);
  p.string("promo", {0, 200}, false);
  if (!signup) {
    p.integer("group_id", {1}, false);
    p.integer("plan_id", {1}, false);
    p.integer("bonus_bytes", {0}, false);
  }
  p.finish();
}

void user_patch(JsonParams& p) {  // POST /users/<u>
  p.string("name", {1, 200}, false);
  email(p, false);
  p.integer("group_id", {1}, false);
  p.integer("plan_id", {1}, false);
  p.boolean("enabled", false);
  p.integer("bonus_bytes", {0}, false);
  p.boolean("purgehold_active", false);
  p.finish();
}

void activation_email(JsonParams& p) {  // POST /users/<u>?action=sendactivationemail
  p.string("template_name", {1, 200}, false);
  p.finish();
}

void device(JsonParams& p) {  // PUT /internal/v1/.../devices/<name> (internal_usage.cpp)
  p.integer("client_revision", {0}, true);
  p.nullable_integer("last_login", {0});
  p.nullable_integer("last_backup_complete", {0});
  p.finish();
}

void share(JsonParams& p) {  // PUT /internal/v1/.../shares/<room_key>
  p.string("name", {1, 200}, true);
  p.string("description", {0, 2000}, false, domain::TextKind::multi_line);
  p.boolean("enabled", false);
  p.finish();
}

void usage(JsonParams& p) {  // PUT /internal/v1/.../usage
  p.integer("bytes_stored", {0}, true);
  p.finish();
}

// POST /partner/password: the body is one JSON string (partner_password.cpp).
void password(std::string_view body) {
  auto value = api::parse_json(body);
  if (!value.is_string()) throw bad_request("body must be a JSON string", {"password"});
  if (auto problem = auth::password_problem(value.get_string()))
    throw bad_request(*problem, {"password"});
}

constexpr int kSchemas = 15;

void read(int schema, std::string_view body) {
  if (schema == 14) return password(body);
  auto object = api::parse_json_object(body);
  JsonParams p(object);
  switch (schema) {
    case 0:
      return billing(p, false);
    case 1:
      return billing(p, true);
    case 2:
      return settings(p, false);
    case 3:
      return settings(p, true);
    case 4:
      return new_group(p);
    case 5:
      return group_patch(p);
    case 6:
      return new_user(p, false);
    case 7:
      return new_user(p, true);
    case 8:
      return user_patch(p);
    case 9:
      return activation_email(p);
    case 10:
      return device(p);
    case 11:
      return share(p);
    case 12:
      return usage(p);
    case 13:
      return p.finish();  // an endpoint that takes no fields
  }
}

}  // namespace

// The first byte picks the schema; the rest is the request body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    read(data[0] % kSchemas, body);
  } catch (const Error& error) {
    // Bad input is a 400 whose body names a reason, nothing else.
    auto response = http::error_response(error, "fuzz");
    auto json = boost::json::parse(response.body);
    if (error.kind() != ErrorKind::bad_request || response.status != 400 ||
        !json.as_object().at("reason").is_string()) {
      std::fprintf(stderr, "not a 400: %d %s\n", response.status, response.body.c_str());
      std::abort();
    }
  }
  return 0;
}
