// A partner's user ("avatar") and its devices, as Part B of the API shows them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accountsd::domain {

inline constexpr std::int64_t kUnlimitedStorageBytes = 1000000001000000000;

struct User {
  std::int64_t avatar_id = 0;
  std::string username;
  std::string name;
  std::string email;
  std::int64_t group_id = 0;
  std::int64_t plan_id = 0;
  std::int64_t storage_bytes = 0;  // the plan's
  std::int64_t bonus_bytes = 0;
  std::int64_t bytes_stored = 0;
  bool enabled = true;
  bool purgehold_active = false;
  std::int64_t creation_time = 0;
  std::optional<std::int64_t> last_login;
  std::optional<std::string> share_id;
  std::int64_t num_devices = 0;
  std::int64_t num_shares = 0;
  std::optional<std::string> promo{};      // as given on create (C.6)
  std::vector<std::string> share_rooms{};  // room keys of the user's shares, ordered (C.6)
};

struct Device {
  std::int64_t device_id = 0;
  std::string name;
  std::int64_t client_revision = 0;
  std::int64_t creation_time = 0;
  std::optional<std::int64_t> last_login;
  std::optional<std::int64_t> last_backup_complete;
};

// A user to create through the API (B.3); unset group/plan default as the spec says.
struct UserCreate {
  std::string username{};  // empty: generate a numbered one (email_as_username partners)
  std::string name{};
  std::string email{};
  std::optional<std::string> password_bcrypt{};
  std::optional<std::string> promo{};
  std::optional<std::int64_t> group_id{};
  std::optional<std::int64_t> plan_id{};
  std::int64_t bonus_bytes = 0;
};

// The fields a change of a user gives; the others stay as they are.
struct UserPatch {
  std::optional<std::string> name{};
  std::optional<std::string> email{};
  std::optional<std::int64_t> group_id{};
  std::optional<std::int64_t> plan_id{};
  std::optional<bool> enabled{};
  std::optional<std::int64_t> bonus_bytes{};
  std::optional<bool> purgehold_active{};
};

}  // namespace accountsd::domain
