// C.5 device policies: list, create, read, replace and delete, and the effective policy that the
// storage service reads for a user.
#include "api/body_readers.hpp"
#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/path_ids.hpp"
#include "api/representations.hpp"
#include "domain/device_policy.hpp"

namespace accountsd::api {
namespace {

constexpr Length kPolicyName{1, 50};

boost::json::object policy_json(const domain::DevicePolicy& p, boost::json::storage_ptr sp = {}) {
  return boost::json::object({{"id", p.policy_id},
                              {"name", p.name},
                              {"inherits_from", or_null(p.inherits_from)},
                              {"policy", p.policy}},
                             std::move(sp));
}

// The fields of a create (name required) or replace request. Checks that `policy` is an object;
// its entries are checked against the catalogue once the whole policy is known.
domain::DevicePolicyPatch read_fields(JsonParams& params, const boost::json::object& body,
                                      bool creating) {
  domain::DevicePolicyPatch patch;
  patch.name = params.string("name", kPolicyName, creating);
  patch.inherits_from = params.nullable_integer("inherits_from", {1});
  params.known("policy");
  if (const auto* policy = body.if_contains("policy")) {
    if (policy->is_object())
      patch.policy = policy->get_object();
    else
      params.problem("policy", "policy must be an object of device preferences");
  }
  return patch;
}

}  // namespace

domain::DevicePolicy read_new_policy(JsonParams& params, const boost::json::object& body) {
  auto patch = read_fields(params, body, true);
  domain::DevicePolicy policy;
  domain::apply(policy, patch);
  for (auto& [field, explanation] : domain::policy_problems(policy))
    params.problem(field, explanation);
  params.finish();
  return policy;
}

domain::DevicePolicyPatch read_policy_patch(JsonParams& params, const boost::json::object& body) {
  auto patch = read_fields(params, body, false);
  params.finish();
  return patch;
}

void check_policy(const domain::DevicePolicy& policy) {
  Problems problems;
  for (auto& [field, explanation] : domain::policy_problems(policy))
    problems.add(field, explanation);
  problems.throw_if_any();
}

http::Response get_device_policies(Call& call) {
  return json_list_response(call.directory().device_policies(call.partner), policy_json);
}

http::Response post_device_policies(Call& call) {
  auto body = parse_json_object(call.request.body);
  JsonParams params(body);
  auto policy = read_new_policy(params, body);
  policy = call.directory().create_device_policy(call.partner, policy);
  auto response = http::json_response(201, policy_json(policy));
  response.headers.emplace_back("Location", call.services.config.api_root + "/devicepolicies/" +
                                                std::to_string(policy.policy_id));
  return response;
}

http::Response get_device_policy(Call& call) {
  auto policy =
      call.directory().device_policy(call.partner, path_id(call.path.get("id"), "device policy"));
  if (!policy) throw not_found("no such device policy");
  return json_object_response(*policy, policy_json);
}

http::Response post_device_policy(Call& call) {
  auto id = path_id(call.path.get("id"), "device policy");
  auto body = parse_json_object(call.request.body);
  JsonParams params(body);
  auto patch = read_policy_patch(params, body);
  auto policy =
      call.directory().update_device_policy(call.partner, id, [&](domain::DevicePolicy& p) {
        // The catalogue's rules apply to the policy as it will be: a replaced inherits_from
        // decides whether the stored "--inherit--" values may stay.
        domain::apply(p, patch);
        check_policy(p);
      });
  if (!policy) throw not_found("no such device policy");
  return http::json_response(200, policy_json(*policy));
}

http::Response delete_device_policy(Call& call) {
  auto id = path_id(call.path.get("id"), "device policy");
  bool deleted = call.directory().delete_device_policy(call.partner, id);
  if (!deleted) throw not_found("no such device policy");
  return no_content();
}

http::Response get_user_policy(Call& call) {
  auto [partner, user] = internal_user(call);
  auto& directory = call.directory();
  auto group = directory.group(partner, user.group_id);
  std::optional<domain::DevicePolicy> policy;
  if (group && group->device_policy)
    policy = directory.device_policy(partner, *group->device_policy);
  std::optional<domain::DevicePolicy> parent;
  if (policy && policy->inherits_from)
    parent = directory.device_policy(partner, *policy->inherits_from);
  boost::json::object body{
      {"policy_id", policy ? boost::json::value(policy->policy_id) : boost::json::value(nullptr)},
      {"preferences", policy ? domain::effective_preferences(*policy, parent ? &*parent : nullptr)
                             : boost::json::object()}};
  return http::json_response(200, body);
}

}  // namespace accountsd::api
