#include "domain/device_policy.hpp"

#include <boost/json/serialize.hpp>

namespace accountsd::domain {
namespace {

bool is_sentinel(const boost::json::value& value) {
  return value.is_string() && (value.get_string() == kUnset || value.get_string() == kInherit);
}

bool is_count(const boost::json::value& value, std::int64_t maximum) {
  if (value.is_int64()) return value.get_int64() >= 0 && value.get_int64() <= maximum;
  return value.is_uint64() && value.get_uint64() <= std::uint64_t(maximum);
}

bool is_string_list(const boost::json::value& value) {
  if (!value.is_array()) return false;
  for (const auto& item : value.get_array())
    if (!item.is_string()) return false;
  return true;
}

bool is_choice(const Preference& p, const boost::json::value& value) {
  if (!value.is_string()) return false;
  if (!p.choices) return true;
  for (const auto& choice : *p.choices)
    if (choice == value.get_string()) return true;
  return false;
}

bool fits_type(const Preference& p, const boost::json::value& value) {
  switch (p.type) {
    case PreferenceType::boolean:
      return value.is_bool();
    case PreferenceType::integer:
      return is_count(value, p.maximum);
    case PreferenceType::string:
      return is_choice(p, value);
    case PreferenceType::string_list:
      return is_string_list(value);
  }
  return false;
}

// "an integer from 0 to 65535", "one of \"basic\", \"advanced\"", ... for messages.
std::string describe_values(const Preference& p) {
  switch (p.type) {
    case PreferenceType::boolean:
      return "true or false";
    case PreferenceType::integer:
      if (p.maximum == std::numeric_limits<std::int64_t>::max()) return "an integer >= 0";
      return "an integer from 0 to " + std::to_string(p.maximum);
    case PreferenceType::string: {
      if (!p.choices) return "a string";
      std::string out = "one of";
      for (const auto& choice : *p.choices) out += " \"" + choice + "\"";
      return out;
    }
    case PreferenceType::string_list:
      return "a list of strings";
  }
  return "a value";
}

// Why `value` is not acceptable for `p` in `policy`, or empty when it is.
std::string value_problem(const Preference& p, const boost::json::value& value,
                          const DevicePolicy& policy) {
  const std::string field = "policy." + p.name;
  if (value.is_string() && value.get_string() == kUnset)
    return p.unset_allowed ? "" : field + " must be managed; \"--unset--\" is not allowed for it";
  if (value.is_string() && value.get_string() == kInherit)
    return policy.inherits_from ? ""
                                : field + " is \"--inherit--\" but the policy has no inherits_from";
  if (fits_type(p, value)) return "";
  return field + " must be " + describe_values(p) + ", \"--unset--\"" +
         (policy.inherits_from ? " or \"--inherit--\"" : "");
}

}  // namespace

void apply(DevicePolicy& policy, const DevicePolicyPatch& patch) {
  if (patch.name) policy.name = *patch.name;
  if (patch.inherits_from) policy.inherits_from = *patch.inherits_from;
  if (patch.policy) policy.policy = *patch.policy;
}

std::vector<std::pair<std::string, std::string>> policy_problems(
    const DevicePolicy& policy, const PreferenceCatalogue& catalogue) {
  std::vector<std::pair<std::string, std::string>> problems;
  for (const auto& entry : policy.policy) {
    std::string name(entry.key());
    std::string field = "policy." + name;
    const auto* preference = catalogue.find(name);
    if (preference == nullptr) {
      problems.emplace_back(field, field + " is not a device preference (GET /devicepreferences)");
      continue;
    }
    if (auto problem = value_problem(*preference, entry.value(), policy); !problem.empty()) {
      problems.emplace_back(field, std::move(problem));
      continue;
    }
    // A child applies only under one value of its parent, so it is managed only with it.
    if (const auto* parent = catalogue.parent(name)) {
      const auto* parent_value = policy.policy.if_contains(parent->name);
      if (parent_value == nullptr || is_sentinel(*parent_value) ||
          *parent_value != preference->conditional_parent_value)
        problems.emplace_back(field,
                              field + " applies only while policy." + parent->name + " is " +
                                  boost::json::serialize(preference->conditional_parent_value));
    }
  }
  return problems;
}

boost::json::object effective_preferences(const DevicePolicy& policy, const DevicePolicy* parent) {
  boost::json::object out;
  for (const auto& entry : policy.policy) {
    const auto& value = entry.value();
    if (value.is_string() && value.get_string() == kUnset) continue;
    if (value.is_string() && value.get_string() == kInherit) {
      const auto* inherited = parent ? parent->policy.if_contains(entry.key()) : nullptr;
      if (inherited && !is_sentinel(*inherited)) out[entry.key()] = *inherited;
      continue;
    }
    out[entry.key()] = value;
  }
  return out;
}

}  // namespace accountsd::domain
