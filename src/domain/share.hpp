// Shares a user publishes (A.9) and the per-user grouping the share listing returns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accountsd::domain {

struct Share {
  std::string room_key;
  std::string name;
  std::string description;
  std::int64_t creation_time = 0;
  std::int64_t update_time = 0;
  bool enabled = true;
  bool password_required = false;            // C.6
  std::optional<std::int64_t> last_login{};  // the last visit (C.6)
};

// A user who has shares, as the share listing shows it.
struct ShareOwner {
  std::int64_t avatar_id = 0;
  std::string username;
  std::string name;
  std::string email;
  std::optional<std::string> share_id;
};

// One user who has shares, with those shares ordered by room_key.
struct UserShares : ShareOwner {
  std::vector<Share> shares;
};

// Devices counted per client revision (A.10).
struct RevisionCount {
  std::int64_t revision = 0;
  std::int64_t count = 0;
};

// Which devices the census counts: revisions in [min, max] (max nullopt = none), logged in since.
struct CensusFilter {
  std::int64_t min_revision = 0;
  std::optional<std::int64_t> max_revision;
  std::optional<std::int64_t> last_login_since;
};

}  // namespace accountsd::domain
