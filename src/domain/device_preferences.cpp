#include "domain/device_preferences.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>

namespace accountsd::domain {
namespace {

constexpr std::pair<PreferenceType, std::string_view> kTypeNames[] = {
    {PreferenceType::boolean, "boolean"},
    {PreferenceType::integer, "integer"},
    {PreferenceType::string, "string"},
    {PreferenceType::string_list, "string[]"},
};

[[noreturn]] void malformed(const std::string& where, const std::string& problem) {
  throw std::invalid_argument("device preference catalogue: " + where + ": " + problem);
}

const boost::json::value& member(const boost::json::object& node, std::string_view key,
                                 const std::string& where) {
  const auto* value = node.if_contains(key);
  if (value == nullptr) malformed(where, "no \"" + std::string(key) + "\"");
  return *value;
}

std::string text(const boost::json::object& node, std::string_view key, const std::string& where) {
  const auto& value = member(node, key, where);
  if (!value.is_string() || value.get_string().empty())
    malformed(where, "\"" + std::string(key) + "\" must be a non-empty string");
  return std::string(value.get_string());
}

const boost::json::array& list(const boost::json::object& node, std::string_view key,
                               const std::string& where) {
  const auto& value = member(node, key, where);
  if (!value.is_array()) malformed(where, "\"" + std::string(key) + "\" must be a list");
  return value.get_array();
}

const boost::json::object& object(const boost::json::value& value, const std::string& where) {
  if (!value.is_object()) malformed(where, "must be an object");
  return value.get_object();
}

PreferenceType type_named(std::string_view name, const std::string& where) {
  for (const auto& [type, type_name] : kTypeNames)
    if (type_name == name) return type;
  malformed(where, "unknown type \"" + std::string(name) + "\"");
}

// Whether a child may name `value` as the value of `parent` under which it applies.
bool possible_value(const Preference& parent, const boost::json::value& value) {
  switch (parent.type) {
    case PreferenceType::boolean:
      return value.is_bool();
    case PreferenceType::string:
      if (!value.is_string()) return false;
      if (!parent.choices) return true;
      for (const auto& choice : *parent.choices)
        if (choice == value.get_string()) return true;
      return false;
    case PreferenceType::integer:
    case PreferenceType::string_list:
      return false;  // no child depends on these in C.4; refuse rather than guess a meaning
  }
  return false;
}

Preference parse_node(const boost::json::value& value, const Preference* parent) {
  std::string where = parent ? "child of " + parent->name : "node";
  const auto& node = object(value, where);
  Preference p;
  p.name = text(node, "name", where);
  where = p.name;
  p.description = text(node, "description", where);
  p.type = type_named(text(node, "type", where), where);
  const auto& choices = member(node, "choices", where);
  if (!choices.is_null()) {
    if (p.type != PreferenceType::string || !choices.is_array() || choices.get_array().empty())
      malformed(where, "\"choices\" must be null, or a non-empty list for a string");
    p.choices.emplace();
    for (const auto& choice : choices.get_array()) {
      if (!choice.is_string()) malformed(where, "\"choices\" must hold strings");
      p.choices->emplace_back(choice.get_string());
    }
  }
  p.conditional_parent_value = member(node, "conditional_parent_value", where);
  if (parent == nullptr && !p.conditional_parent_value.is_null())
    malformed(where, "a preference without parent has no conditional_parent_value");
  if (parent && !possible_value(*parent, p.conditional_parent_value))
    malformed(where, "conditional_parent_value " +
                         boost::json::serialize(p.conditional_parent_value) +
                         " is not a value of " + parent->name);
  if (const auto* unset = node.if_contains("unset_allowed")) {
    if (!unset->is_bool()) malformed(where, "\"unset_allowed\" must be true or false");
    p.unset_allowed = unset->get_bool();
  }
  if (const auto* maximum = node.if_contains("maximum")) {
    if (p.type != PreferenceType::integer || !maximum->is_int64() || maximum->get_int64() < 0)
      malformed(where, "\"maximum\" must be an integer >= 0, for an integer");
    p.maximum = maximum->get_int64();
  }
  for (const auto& child : list(node, "fields", where)) p.fields.push_back(parse_node(child, &p));
  return p;
}

}  // namespace

std::string_view to_string(PreferenceType type) {
  for (const auto& [t, name] : kTypeNames)
    if (t == type) return name;
  return "unknown";
}

PreferenceCatalogue::PreferenceCatalogue(std::vector<PreferenceCategory> categories)
    : categories_(std::move(categories)) {
  // Depth first, so that a parent is indexed before its children.
  std::function<void(const Preference&, const Preference*)> add = [&](const Preference& p,
                                                                      const Preference* parent) {
    if (!index_.emplace(p.name, Entry{&p, parent}).second)
      malformed(p.name, "the name is used more than once");
    for (const auto& child : p.fields) add(child, &p);
  };
  for (const auto& category : categories_)
    for (const auto& preference : category.fields) add(preference, nullptr);
}

const Preference* PreferenceCatalogue::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second.preference;
}

const Preference* PreferenceCatalogue::parent(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second.parent;
}

PreferenceCatalogue parse_preference_catalogue(std::string_view json) {
  boost::json::value root;
  try {
    root = boost::json::parse(json);
  } catch (const std::exception& e) {
    malformed("text", std::string("not JSON: ") + e.what());
  }
  if (!root.is_array()) malformed("top", "must be a list of categories");
  std::vector<PreferenceCategory> categories;
  for (const auto& value : root.get_array()) {
    const auto& node = object(value, "category");
    PreferenceCategory category;
    category.category = text(node, "category", "category");
    for (const auto& field : list(node, "fields", category.category))
      category.fields.push_back(parse_node(field, nullptr));
    categories.push_back(std::move(category));
  }
  return PreferenceCatalogue(std::move(categories));
}

const PreferenceCatalogue& device_preferences() {
  static const PreferenceCatalogue catalogue =
      parse_preference_catalogue(device_preferences_json());
  return catalogue;
}

}  // namespace accountsd::domain
