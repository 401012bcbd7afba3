// What both backends' Directory decide the same way around their SQL: how a patch changes a user,
// the row a new user gets, and what adding or removing a user does to the partner's counters.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "domain/group.hpp"
#include "domain/new_user.hpp"
#include "domain/quota.hpp"
#include "domain/user.hpp"
#include "store/counter_delta.hpp"
#include "store/outcomes.hpp"

namespace accountsd::store {

// The bytes a user is allocated: its plan's storage and its bonus.
inline domain::Int128 allocation_of(const domain::User& user) {
  return domain::Int128(user.storage_bytes) + user.bonus_bytes;
}

// Applies `patch` to `user` (B.3): joining another group gives that group's plan unless the
// patch names one, and the user takes its plan's storage_bytes. `group_of(id)` is the partner's
// group `id` and `plan_bytes(id)` the storage_bytes of the partner's plan `id`, each nullopt when
// the partner has none such (Conflict unknown_group, unknown_plan). Returns the change of the
// user's allocation.
template <typename GroupOf, typename PlanBytes>
domain::Int128 apply_user_patch(domain::User& user, const domain::UserPatch& patch,
                                GroupOf&& group_of, PlanBytes&& plan_bytes) {
  const domain::Int128 old_allocation = allocation_of(user);
  if (patch.group_id && *patch.group_id != user.group_id) {
    std::optional<domain::Group> group = group_of(*patch.group_id);
    if (!group) throw Conflict(Clash::unknown_group);
    user.group_id = group->group_id;
    if (!patch.plan_id) user.plan_id = group->plan_id;  // joining a group gives its plan
  }
  if (patch.plan_id) user.plan_id = *patch.plan_id;
  std::optional<std::int64_t> bytes = plan_bytes(user.plan_id);
  if (!bytes) throw Conflict(Clash::unknown_plan);
  user.storage_bytes = *bytes;
  if (patch.bonus_bytes) user.bonus_bytes = *patch.bonus_bytes;
  if (patch.name) user.name = *patch.name;
  if (patch.email) user.email = *patch.email;
  if (patch.enabled) user.enabled = *patch.enabled;
  if (patch.purgehold_active) user.purgehold_active = *patch.purgehold_active;
  return allocation_of(user) - old_allocation;
}

// The row create_user inserts for `user`, named `username`, in `group` on `plan`, created now.
domain::NewUser new_user_row(const domain::UserCreate& user, std::string username,
                             const domain::Group& group, std::int64_t plan);

// A new user's last_backup_complete: the latest of its devices'.
std::optional<std::int64_t> last_backup_complete(const domain::NewUser& user);

// What inserting `user` with its devices and shares, on a plan of `storage_bytes`, adds to the
// partner's counters.
CounterDelta counters_added(const domain::NewUser& user, std::int64_t storage_bytes);

// What deleting `user` with its devices and shares takes off the partner's counters.
CounterDelta counters_removed(const domain::User& user);

// The users of a page who have shares, by avatar_id, with room reserved for their share_rooms:
// what each backend's add_share_rooms looks up in one query. Users without shares (most of them)
// need no lookup. `ids` lists the keys, comma-separated, for the backend's array syntax.
struct SharingUsers {
  std::unordered_map<std::int64_t, domain::User*> by_avatar;
  std::string ids;
};
SharingUsers users_with_shares(std::span<domain::User> users);

}  // namespace accountsd::store
