// A user with its devices and shares, as bulk loading (demo) inserts it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/share.hpp"

namespace accountsd::domain {

struct NewDevice {
  std::string name;
  std::int64_t client_revision = 0;
  std::int64_t creation_time = 0;
  std::optional<std::int64_t> last_login;
  std::optional<std::int64_t> last_backup_complete;
};

struct NewUser {
  std::string username;
  std::string name;
  std::string email;
  std::int64_t group_id = 0;
  std::int64_t plan_id = 0;
  std::int64_t bonus_bytes = 0;
  std::int64_t bytes_stored = 0;
  bool enabled = true;
  std::int64_t creation_time = 0;
  std::optional<std::int64_t> last_login;
  std::optional<std::string> share_id;
  std::optional<std::string> promo{};
  std::vector<NewDevice> devices;
  std::vector<Share> shares;
};

}  // namespace accountsd::domain
