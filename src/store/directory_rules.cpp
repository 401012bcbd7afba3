#include "store/directory_rules.hpp"

#include <algorithm>
#include <utility>

#include "domain/clock.hpp"

namespace accountsd::store {

domain::NewUser new_user_row(const domain::UserCreate& user, std::string username,
                             const domain::Group& group, std::int64_t plan) {
  domain::NewUser row;
  row.username = std::move(username);
  row.name = user.name;
  row.email = user.email;
  row.group_id = group.group_id;
  row.plan_id = plan;
  row.bonus_bytes = user.bonus_bytes;
  row.creation_time = domain::now_seconds();
  row.promo = user.promo;
  return row;
}

std::optional<std::int64_t> last_backup_complete(const domain::NewUser& user) {
  std::optional<std::int64_t> last_backup;
  for (const auto& d : user.devices)
    if (d.last_backup_complete)
      last_backup = std::max(last_backup.value_or(0), *d.last_backup_complete);
  return last_backup;
}

CounterDelta counters_added(const domain::NewUser& user, std::int64_t storage_bytes) {
  CounterDelta delta;
  delta.bytes_allocated = domain::Int128(storage_bytes) + user.bonus_bytes;
  delta.bytes_used = user.bytes_stored;
  delta.devices = std::int64_t(user.devices.size());
  delta.shares = std::int64_t(user.shares.size());
  return delta;
}

CounterDelta counters_removed(const domain::User& user) {
  CounterDelta delta;
  delta.bytes_allocated = -allocation_of(user);
  delta.bytes_used = -domain::Int128(user.bytes_stored);
  delta.devices = -user.num_devices;
  delta.shares = -user.num_shares;
  return delta;
}

SharingUsers users_with_shares(std::span<domain::User> users) {
  SharingUsers sharing;
  for (auto& user : users) {
    if (user.num_shares <= 0) continue;
    if (sharing.by_avatar.emplace(user.avatar_id, &user).second) {
      if (!sharing.ids.empty()) sharing.ids += ',';
      sharing.ids += std::to_string(user.avatar_id);
      user.share_rooms.reserve(std::size_t(user.num_shares));
    }
  }
  return sharing;
}

}  // namespace accountsd::store
