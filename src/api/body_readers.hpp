// What each endpoint reads from its JSON body; the handlers and the fuzz harness call the same
// functions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/json_body.hpp"
#include "api/params.hpp"
#include "auth/authenticator.hpp"
#include "billing/card_processor.hpp"
#include "domain/backup.hpp"
#include "domain/billing.hpp"
#include "domain/device_policy.hpp"
#include "domain/group.hpp"
#include "domain/settings.hpp"
#include "domain/usage_report.hpp"
#include "domain/user.hpp"

namespace accountsd::api {

// Each reader reads its fields in the order, with the bounds and the wording that the answers
// give, and records every problem in `params`. One that says "finishes" ends with
// params.finish(), so it throws the one 400 and returns complete values; the others leave that to
// the caller, who first adds the problems that depend on the store. None calls the store. The two
// that take the body's text (password and backup) throw their 400 themselves.

// Parses `body` as a JSON object and reads it with `read`, one of the readers below that
// finishes: what a handler does that needs nothing more from the object.
template <typename Read>
auto read_body(std::string_view body, Read read) {
  auto object = parse_json_object(body);
  JsonParams params(object);
  return read(params);
}

// POST /partner/billing (partner_billing.cpp): the address, and in prepaid mode the card, put in
// `card` because the caller wipes it (CardSecrets); otherwise the card fields are refused.
// Finishes.
domain::BillingAddress read_billing(JsonParams& params, bool prepaid,
                                    std::optional<billing::CardDetails>& card);

// POST /partner/password (partner_password.cpp): the body is one JSON string, the new password;
// 400 naming password when it is not one, or auth::password_problem finds a fault in it.
std::string read_password(std::string_view body);

// POST /partner/settings (partner_settings.cpp): every key, each checked on its own. Does not
// finish: what the partner's features forbid (domain::feature_violations) is added first, with
// the features read in the write's own transaction.
domain::SettingsPatch read_settings_patch(JsonParams& params);

// POST /partner/backup (partner_backup.cpp): takes the whole body apart without a JSON tree
// (bodies run to 64 MiB) and checks data against sha256; the backup to store, its update_time not
// yet set. Finishes.
domain::Backup read_backup(std::string body);

// POST /groups/ (groups.cpp): a new group, its id not yet set. Finishes.
domain::Group read_new_group(JsonParams& params);

// POST /groups/<id>: the fields to change, and whether to force a change of plan.
struct GroupChange {
  domain::GroupPatch patch;
  bool force = false;
};
// Finishes.
GroupChange read_group_change(JsonParams& params);

// POST /users/ by a self-signup (users.cpp): the brand, read before the other fields, since the
// partner it names decides whether read_new_user requires a username. Does not finish.
std::optional<std::string> read_signup_brand(JsonParams& params);
// POST /users/, by a partner or a self-signup (after read_signup_brand): the new user. A username
// is required unless the partner uses email as username or the brand names no partner. Finishes.
domain::UserCreate read_new_user(JsonParams& params, bool signup, bool username_required);
// POST /users/<u>: the fields to change. Finishes.
domain::UserPatch read_user_patch(JsonParams& params);

// POST /users/<u>?action=sendactivationemail: what the email is made of.
struct ActivationEmail {
  std::optional<std::string> template_name;
  std::optional<std::string> reg_code;
};
// Finishes.
ActivationEmail read_activation_email(JsonParams& params);

// POST /devicepolicies/ (device_policies.cpp): a new policy, its id not yet set, checked against
// the catalogue. `body` is the object that `params` reads. Finishes.
domain::DevicePolicy read_new_policy(JsonParams& params, const boost::json::object& body);
// POST /devicepolicies/<id>: the fields to replace. Finishes; the policy they make is checked by
// check_policy once the stored one is known.
domain::DevicePolicyPatch read_policy_patch(JsonParams& params, const boost::json::object& body);
// 400 naming each entry of `policy` that breaks the catalogue's rules.
void check_policy(const domain::DevicePolicy& policy);

// PUT /internal/v1/.../devices/<name> (internal_usage.cpp): a device's report. Finishes.
domain::DeviceReport read_device_report(JsonParams& params);
// PUT /internal/v1/.../shares/<room_key>: a share's report. Finishes.
domain::ShareReport read_share_report(JsonParams& params);
// PUT /internal/v1/.../usage: the bytes the user stores. Finishes.
std::int64_t read_bytes_stored(JsonParams& params);

// POST /console/session (console_session.cpp): the sign-in's username and password, exactly
// those two strings. Finishes.
auth::BasicCredentials read_sign_in(JsonParams& params);

}  // namespace accountsd::api
