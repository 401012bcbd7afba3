// The catalogue of device preferences that a policy may manage (C.4): data in
// src/domain/device_preferences.json, embedded by the build and parsed once.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accountsd::domain {

enum class PreferenceType { boolean, integer, string, string_list };

// "boolean", "integer", "string" or "string[]", as the catalogue writes it.
std::string_view to_string(PreferenceType type);

// One preference; `fields` are those that apply only while this one has their
// conditional_parent_value.
struct Preference {
  std::string name;
  std::string description;
  PreferenceType type = PreferenceType::boolean;
  std::optional<std::vector<std::string>> choices;  // a string preference limited to these
  boost::json::value conditional_parent_value;      // null for a preference without parent
  std::vector<Preference> fields;
  // Rules beyond C.4's node, from the optional keys "unset_allowed" and "maximum" of the data
  // file; the catalogue endpoint does not show them.
  bool unset_allowed = true;  // "--unset--" (left to the user) is accepted
  std::int64_t maximum = std::numeric_limits<std::int64_t>::max();  // for integers
};

struct PreferenceCategory {
  std::string category;
  std::vector<Preference> fields;
};

// The categories, with every preference found by name.
class PreferenceCatalogue {
 public:
  explicit PreferenceCatalogue(std::vector<PreferenceCategory> categories);
  // The index points into the categories, so the catalogue is moved, never copied.
  PreferenceCatalogue(const PreferenceCatalogue&) = delete;
  PreferenceCatalogue& operator=(const PreferenceCatalogue&) = delete;
  PreferenceCatalogue(PreferenceCatalogue&&) = default;
  PreferenceCatalogue& operator=(PreferenceCatalogue&&) = default;

  const std::vector<PreferenceCategory>& categories() const { return categories_; }
  // The preference named `name` (case-sensitive), or nullptr.
  const Preference* find(std::string_view name) const;
  // The preference under which `name` applies, or nullptr for one at the top of a category.
  const Preference* parent(std::string_view name) const;

 private:
  struct Entry {
    const Preference* preference;
    const Preference* parent;
  };
  std::vector<PreferenceCategory> categories_;
  std::map<std::string_view, Entry, std::less<>> index_;
};

// Parses catalogue JSON: C.4's list of categories, whose nodes may also carry "unset_allowed"
// (bool) and "maximum" (int). Throws std::invalid_argument naming the first problem: a missing
// or mistyped key, an unknown type, a repeated name, or a conditional_parent_value that its
// parent can never have.
PreferenceCatalogue parse_preference_catalogue(std::string_view json);

// The embedded catalogue, parsed on first use.
const PreferenceCatalogue& device_preferences();

// The text of src/domain/device_preferences.json (defined in a generated source).
std::string_view device_preferences_json();

}  // namespace accountsd::domain
