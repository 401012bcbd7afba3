#include "api/body_readers.hpp"
#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/path_ids.hpp"
#include "api/representations.hpp"

namespace accountsd::api {
namespace {

constexpr Length kGroupName{1, 200};

}  // namespace

domain::Group read_new_group(JsonParams& params) {
  auto name = params.string("name", kGroupName, true);
  auto plan = params.integer("plan_id", {1}, true);
  auto webapi = params.boolean("webapi_enable", true);
  auto check_domain = params.boolean("check_domain", true);
  auto device_policy = params.nullable_integer("device_policy", {1});
  params.finish();
  return {0, std::move(*name), *plan, *webapi, *check_domain, device_policy.value_or(std::nullopt)};
}

GroupChange read_group_change(JsonParams& params) {
  GroupChange change;
  change.patch.name = params.string("name", kGroupName, false);
  change.patch.plan_id = params.integer("plan_id", {1}, false);
  change.patch.webapi_enable = params.boolean("webapi_enable", false);
  change.patch.check_domain = params.boolean("check_domain", false);
  change.patch.device_policy = params.nullable_integer("device_policy", {1});
  change.force = params.boolean("force", false).value_or(false);
  params.finish();
  return change;
}

http::Response get_groups(Call& call) {
  QueryParams query(call.query);
  auto search = query.string("search");
  query.finish();
  return json_list_response(call.directory().groups(call.partner, search), group_json);
}

http::Response post_groups(Call& call) {
  auto group = read_body(call.request.body, read_new_group);
  group.group_id = call.directory().create_group(call.partner, group);
  auto response = http::json_response(201, group_json(group));
  response.headers.emplace_back(
      "Location", call.services.config.api_root + "/groups/" + std::to_string(group.group_id));
  return response;
}

http::Response get_group(Call& call) {
  auto group = call.directory().group(call.partner, path_id(call.path.get("id"), "group"));
  if (!group) throw not_found("no such group");
  return http::json_response(200, group_json(*group));
}

http::Response post_group(Call& call) {
  auto id = path_id(call.path.get("id"), "group");
  auto change = read_body(call.request.body, read_group_change);
  auto group = call.directory().update_group(call.partner, id, change.patch, change.force);
  return http::json_response(200, group_json(group));
}

http::Response delete_group(Call& call) {
  auto id = path_id(call.path.get("id"), "group");
  QueryParams query(call.query);
  auto move_to = query.integer("move_to", {1});
  query.finish();
  call.directory().delete_group(call.partner, id, move_to);
  return no_content();
}

}  // namespace accountsd::api
