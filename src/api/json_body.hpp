// Parses request bodies as strict JSON: valid UTF-8, bounded depth, no duplicate keys, no NUL.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string_view>

namespace accountsd::api {

// The body as a JSON value; 400 when it is not JSON, repeats a key within an object, or holds
// U+0000 in a key or string.
boost::json::value parse_json(std::string_view body);

// The body as a JSON object; an empty body counts as {}; anything but an object is 400.
boost::json::object parse_json_object(std::string_view body);

}  // namespace accountsd::api
