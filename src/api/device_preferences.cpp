// C.4: the catalogue of device preferences, as the management console reads it.
#include "domain/device_preferences.hpp"
#include "api/handlers.hpp"

namespace accountsd::api {
namespace {

boost::json::object preference_json(const domain::Preference& p) {
  boost::json::value choices = nullptr;
  if (p.choices) {
    boost::json::array list;
    for (const auto& choice : *p.choices) list.emplace_back(choice);
    choices = std::move(list);
  }
  boost::json::array fields;
  for (const auto& child : p.fields) fields.emplace_back(preference_json(child));
  return {{"name", p.name},
          {"description", p.description},
          {"type", domain::to_string(p.type)},
          {"choices", std::move(choices)},
          {"conditional_parent_value", p.conditional_parent_value},
          {"fields", std::move(fields)}};
}

boost::json::array catalogue_json(const domain::PreferenceCatalogue& catalogue) {
  boost::json::array out;
  for (const auto& category : catalogue.categories()) {
    boost::json::array fields;
    for (const auto& p : category.fields) fields.emplace_back(preference_json(p));
    out.emplace_back(boost::json::object{{"category", category.category}, {"fields", fields}});
  }
  return out;
}

}  // namespace

http::Response get_device_preferences(Call&) {
  // The catalogue is compiled in, so its JSON is built once.
  static const boost::json::array catalogue = catalogue_json(domain::device_preferences());
  return http::json_response(200, catalogue);
}

}  // namespace accountsd::api
