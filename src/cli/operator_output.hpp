// What operator commands print for scripts: JSON on one line, safe for a terminal.
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

namespace accountsd::cli {

// Prints `value` as one line of JSON (print_json_text).
void print_json(const boost::json::value& value);
// Prints JSON text as one line. JSON escapes U+0000-U+001F but leaves DEL and U+0080-U+009F as
// they are, which a terminal may still obey: those get \u escapes too.
void print_json_text(std::string_view json);

}  // namespace accountsd::cli
