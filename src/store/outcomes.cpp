#include "store/outcomes.hpp"

namespace accountsd::store {
namespace {

std::string describe(Clash clash, std::int64_t count) {
  const auto n = std::to_string(count);
  switch (clash) {
    case Clash::taken:
      return "the value is already taken";
    case Clash::unknown_plan:
      return "no such plan";
    case Clash::unknown_group:
      return "no such group";
    case Clash::unknown_device_policy:
      return "no such device policy";
    case Clash::no_default_group:
      return "the partner has no group yet, so there is no default group to join";
    case Clash::members_over_plan:
      return n + " member(s) store more than the new plan allows";
    case Clash::group_has_members:
      return "the group still has " + n + " member(s)";
    case Clash::unknown_move_target:
      return "members can only move to another group of the partner";
    case Clash::unknown_parent:
      return "a device policy can only inherit from another of the partner's";
    case Clash::parent_inherits:
      return "the parent policy itself inherits; inheritance is one level only";
    case Clash::has_heirs:
      return "other policies inherit from this one, so it cannot inherit itself";
    case Clash::used_by_group:
      return "a group uses this device policy";
    case Clash::inherited_from:
      return "other policies inherit from this one";
  }
  return "conflict";
}

}  // namespace

std::string_view name_of(Object object) {
  switch (object) {
    case Object::partner:
      return "partner";
    case Object::plan:
      return "plan";
    case Object::group:
      return "group";
    case Object::user:
      return "user";
    case Object::device_policy:
      return "device policy";
  }
  return "object";
}

NotFound::NotFound(Object object)
    : Refusal("no such " + std::string(name_of(object))), object(object) {}

Conflict::Conflict(Clash clash, std::int64_t count)
    : Refusal(describe(clash, count)), clash(clash), count(count) {}

Conflict::Conflict(std::string description, Clash clash)
    : Refusal(std::move(description)), clash(clash) {}

Conflict Conflict::taken(Object object, std::string field) {
  Conflict refusal(field + " is already taken", Clash::taken);
  refusal.object = object;
  refusal.field = std::move(field);
  return refusal;
}

QuotaExceeded::QuotaExceeded(std::int64_t bytes_available)
    : Refusal("this would allocate more than the partner's bytes_available (" +
              std::to_string(bytes_available) + " bytes)"),
      bytes_available(bytes_available) {}

}  // namespace accountsd::store
