// Fuzzes the strict JSON body parser and every endpoint's own body reader (api/body_readers.hpp).
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "api/body_readers.hpp"
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "domain/partner.hpp"
#include "error.hpp"
#include "http/error_response.hpp"

namespace {

using namespace accountsd;
using api::JsonParams;

// The readers are the handlers' own; what a handler adds from the store before finish() is done
// here for one partner or another, and the store's calls are left out.

void billing(JsonParams& p, bool prepaid) {
  std::optional<billing::CardDetails> card;
  api::read_billing(p, prepaid, card);
}

// post_settings adds what the partner's features forbid, in its transaction, before finish().
void settings(JsonParams& p, bool features_on) {
  auto patch = api::read_settings_patch(p);
  domain::Features features{.ldap = features_on, .signup_restrictions = features_on};
  for (auto& [field, explanation] : domain::feature_violations(patch, features))
    p.problem(field, explanation);
  p.finish();
}

// A self-signup whose brand names a partner: one that uses email as username or not.
void signup(JsonParams& p, bool username_required) {
  api::read_signup_brand(p);
  api::read_new_user(p, true, username_required);
}

// post_device_policy checks the policy as it will be in its transaction; here the stored policy
// is a new one.
void replace_policy(JsonParams& p, const boost::json::object& body) {
  auto patch = api::read_policy_patch(p, body);
  domain::DevicePolicy policy;
  domain::apply(policy, patch);
  api::check_policy(policy);
}

constexpr int kSchemas = 21;

void read(int schema, std::string_view body) {
  // Two bodies are not read from a JSON object tree: their readers take the text.
  if (schema == 14) return void(api::read_password(body));             // POST /partner/password
  if (schema == 20) return void(api::read_backup(std::string(body)));  // POST /partner/backup
  auto object = api::parse_json_object(body);
  JsonParams p(object);
  switch (schema) {
    case 0:  // POST /partner/billing, invoice billing mode
      return billing(p, false);
    case 1:  // the same in prepaid billing mode
      return billing(p, true);
    case 2:  // POST /partner/settings, the ldap and signup_restrictions features off
      return settings(p, false);
    case 3:  // the same with them on
      return settings(p, true);
    case 4:  // POST /groups/
      return void(api::read_new_group(p));
    case 5:  // POST /groups/<id>
      return void(api::read_group_change(p));
    case 6:  // POST /users/ by a partner
      return void(api::read_new_user(p, false, true));
    case 7:  // POST /users/ by a self-signup, for a partner that uses email as username
      return signup(p, false);
    case 8:  // POST /users/<u>
      return void(api::read_user_patch(p));
    case 9:  // POST /users/<u>?action=sendactivationemail
      return void(api::read_activation_email(p));
    case 10:  // PUT /internal/v1/.../devices/<name>
      return void(api::read_device_report(p));
    case 11:  // PUT /internal/v1/.../shares/<room_key>
      return void(api::read_share_report(p));
    case 12:  // PUT /internal/v1/.../usage
      return void(api::read_bytes_stored(p));
    case 13:  // no endpoint's: a reader that knows no field, so every one is unknown
      return p.finish();
    case 15:  // POST /users/ by a partner that uses email as username
      return void(api::read_new_user(p, false, false));
    case 16:  // POST /users/ by a self-signup, for a partner that does not
      return signup(p, true);
    case 17:  // POST /devicepolicies/
      return void(api::read_new_policy(p, object));
    case 18:  // POST /devicepolicies/<id>
      return replace_policy(p, object);
    case 19:  // POST /console/session
      return void(api::read_sign_in(p));
  }
}

}  // namespace

// The first byte picks the schema, 'A' the first: seed i starts with 'A' + i, readable, and means
// the same schema whatever number of them there are. The rest is the request body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    read(std::uint8_t(data[0] - 'A') % kSchemas, body);
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
