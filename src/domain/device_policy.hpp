// Device policies (C.5): named sets of managed device preferences, the rules their values obey,
// and what a device applies once inheritance is resolved.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/device_preferences.hpp"

namespace accountsd::domain {

// Values that stand for no value: left to the user, or taken from the parent policy.
inline constexpr std::string_view kUnset = "--unset--";
inline constexpr std::string_view kInherit = "--inherit--";

struct DevicePolicy {
  std::int64_t policy_id = 0;
  std::string name;
  std::optional<std::int64_t> inherits_from;
  boost::json::object policy;  // preference name -> value or sentinel; a missing name is unmanaged
};

// The fields a POST /devicepolicies/<id> gives; the others stay as they are.
struct DevicePolicyPatch {
  std::optional<std::string> name;
  std::optional<std::optional<std::int64_t>> inherits_from;
  std::optional<boost::json::object> policy;
};

void apply(DevicePolicy& policy, const DevicePolicyPatch& patch);

// (field, explanation) for each entry of policy.policy that breaks the catalogue's rules: an
// unknown name, a value of the wrong type or out of range, a sentinel where it is not allowed,
// or a preference whose parent is not in the policy with the value it applies under. Fields are
// named "policy.<name>".
std::vector<std::pair<std::string, std::string>> policy_problems(
    const DevicePolicy& policy, const PreferenceCatalogue& catalogue = device_preferences());

// What a device applies under `policy`: its values, with "--inherit--" replaced by the value that
// `parent` sets (left out when the parent sets none), and "--unset--" left out.
boost::json::object effective_preferences(const DevicePolicy& policy, const DevicePolicy* parent);

}  // namespace accountsd::domain
