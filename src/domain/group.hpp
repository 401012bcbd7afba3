// A group of a partner's users (B.2): its plan, its web API access and its device policy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace accountsd::domain {

struct Group {
  std::int64_t group_id = 0;
  std::string name;
  std::int64_t plan_id = 0;
  bool webapi_enable = true;
  bool check_domain = false;
  std::optional<std::int64_t> device_policy;  // C.5
};

// The fields a change of a group gives; the others stay as they are.
struct GroupPatch {
  std::optional<std::string> name;
  std::optional<std::int64_t> plan_id;
  std::optional<bool> webapi_enable;
  std::optional<bool> check_domain;
  std::optional<std::optional<std::int64_t>> device_policy;  // present: set to a policy or null
};

}  // namespace accountsd::domain
