// What the storage service reports about a user's devices and shares (B.5, C.6).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace accountsd::domain {

struct DeviceReport {
  std::int64_t client_revision = 0;
  std::optional<std::int64_t> last_login;
  std::optional<std::int64_t> last_backup_complete;
};

// An unset field keeps its stored value (false and null for a new share).
struct ShareReport {
  std::string name;
  std::string description;
  bool enabled = true;
  std::optional<bool> password_required{};
  std::optional<std::optional<std::int64_t>> last_login{};
};

}  // namespace accountsd::domain
