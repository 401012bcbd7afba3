#include "api/store_outcomes.hpp"

namespace accountsd::api {
namespace {

// The 409 for each clash: its reason, and the request fields it concerns.
Error worded(const store::Conflict& refusal) {
  using store::Clash;
  const auto count = std::to_string(refusal.count);
  switch (refusal.clash) {
    case Clash::taken:
      if (refusal.object == store::Object::device_policy)
        return conflict("another device policy already has this name (in any letter case)",
                        {"name"});
      return conflict(refusal.field + " is already taken", {refusal.field});
    case Clash::unknown_plan:
      return conflict("no such plan", {"plan_id"});
    case Clash::unknown_group:
      return conflict("no such group", {"group_id"});
    case Clash::unknown_device_policy:
      return conflict("no such device policy", {"device_policy"});
    case Clash::no_default_group:
      return conflict("the partner has no group yet, so there is no default group to join",
                      {"group_id"});
    case Clash::members_over_plan:
      return conflict(count +
                          " member(s) store more than the new plan allows; send force: true to "
                          "change it anyway",
                      {"avatars_over_quota"});
    case Clash::group_has_members:
      return conflict(
          "the group still has " + count + " member(s); give move_to to move them first",
          {"group_id"});
    case Clash::unknown_move_target:
      return conflict("move_to must name another group of the partner", {"move_to"});
    case Clash::unknown_parent:
      return conflict("inherits_from must be null or the id of another of your device policies",
                      {"inherits_from"});
    case Clash::parent_inherits:
      return conflict(
          "inherits_from names a policy that itself inherits; inheritance is one level only",
          {"inherits_from"});
    case Clash::has_heirs:
      return conflict("other policies inherit from this one, so it cannot inherit itself",
                      {"inherits_from"});
    case Clash::used_by_group:
      return conflict("a group uses this policy; assign the group another policy first",
                      {"policy_id"});
    case Clash::inherited_from:
      return conflict("other policies inherit from this one; change them first", {"policy_id"});
  }
  return Error(ErrorKind::internal, refusal.what());
}

}  // namespace

Error to_error(const store::Refusal& refusal) {
  if (const auto* missing = dynamic_cast<const store::NotFound*>(&refusal))
    return not_found("no such " + std::string(store::name_of(missing->object)));
  if (const auto* clash = dynamic_cast<const store::Conflict*>(&refusal)) return worded(*clash);
  if (const auto* quota = dynamic_cast<const store::QuotaExceeded*>(&refusal)) {
    return Error(ErrorKind::payment_required,
                 "this would allocate more than the partner's bytes_available (" +
                     std::to_string(quota->bytes_available) + " bytes)");
  }
  return Error(ErrorKind::internal, refusal.what());
}

Error to_error(const store::Unavailable& unavailable) {
  Error error(ErrorKind::unavailable, std::string("the database is busy or out of reach: ") +
                                          unavailable.what() + "; try again shortly");
  error.retry_after = 1;
  return error;
}

}  // namespace accountsd::api
