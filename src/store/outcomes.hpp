// How the store refuses an operation, in the domain's terms: which object is missing, which rule
// or unique value a write clashes with, which limit it would pass. api/ words each for the client
// (api/store_outcomes.cpp); what() describes it for logs and the operator's commands.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace accountsd::store {

// The kinds of object the store keeps.
enum class Object { partner, plan, group, user, device_policy };

// The domain's name for a kind of object: "partner", ..., "device policy".
std::string_view name_of(Object object);

// Any refusal of the store; the data is as it was before the operation.
struct Refusal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The object that an operation is about is not the partner's, or no longer exists.
struct NotFound : Refusal {
  explicit NotFound(Object object);
  Object object;
};

// What a refused write clashes with.
enum class Clash {
  // Another object of the partner holds the value of a unique field (Conflict::object, ::field).
  taken,
  // The write names a plan, group or device policy that is not the partner's.
  unknown_plan,
  unknown_group,
  unknown_device_policy,
  // A new user names no group, and the partner has none to be its default.
  no_default_group,
  // A group's new plan allows less than Conflict::count of its members store.
  members_over_plan,
  // A group to delete still has Conflict::count members, and nowhere to move them.
  group_has_members,
  // Members are to move to a group that is not another of the partner's.
  unknown_move_target,
  // Device policies (C.5): a policy would inherit from one that is not another of the partner's,
  // from one that itself inherits (one level only), or while others inherit from it; a policy
  // to delete is used by a group, or others inherit from it.
  unknown_parent,
  parent_inherits,
  has_heirs,
  used_by_group,
  inherited_from,
};

// A write that a rule involving other data of the partner refuses.
struct Conflict : Refusal {
  explicit Conflict(Clash clash, std::int64_t count = 0);
  // Clash::taken: `field` of `object` is unique, and another of the partner's holds the value.
  static Conflict taken(Object object, std::string field);

  Clash clash;
  Object object = Object::partner;  // taken only
  std::string field;                // taken only
  std::int64_t count = 0;           // members_over_plan, group_has_members

 private:
  Conflict(std::string description, Clash clash);
};

// A write would allocate more than the partner's bytes_available (A.6).
struct QuotaExceeded : Refusal {
  explicit QuotaExceeded(std::int64_t bytes_available);
  std::int64_t bytes_available;
};

}  // namespace accountsd::store
