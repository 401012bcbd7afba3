// Parses request bodies as strict JSON: valid UTF-8, bounded depth, no duplicate keys, no NUL.
#pragma once

#include <boost/json/error.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace accountsd::api {

// Every event a Boost.JSON SAX handler (boost::json::basic_parser) must take, each accepted and
// ignored, with no size limits of its own: a handler derives from this and hides the events it
// cares about.
struct IgnoreJsonEvents {
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_object_begin(boost::json::error_code&) { return true; }
  bool on_object_end(std::size_t, boost::json::error_code&) { return true; }
  bool on_array_begin(boost::json::error_code&) { return true; }
  bool on_array_end(std::size_t, boost::json::error_code&) { return true; }
  bool on_key_part(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
  bool on_key(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
  bool on_string_part(boost::json::string_view, std::size_t, boost::json::error_code&) {
    return true;
  }
  bool on_string(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_int64(std::int64_t, boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_double(double, boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_bool(bool, boost::json::error_code&) { return true; }
  bool on_null(boost::json::error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }
};

// Throws the 400 that parse_json would for `body`, without building anything: for readers that
// take a large body apart themselves, with the same rules.
void check_json(std::string_view body);
// The depth and syntax options parse_json and check_json apply.
boost::json::parse_options strict_json_options();

// The body as a JSON value; 400 when it is not JSON, repeats a key within an object, or holds
// U+0000 in a key or string.
boost::json::value parse_json(std::string_view body);

// The body as a JSON object; an empty body counts as {}; anything but an object is 400.
boost::json::object parse_json_object(std::string_view body);

}  // namespace accountsd::api
