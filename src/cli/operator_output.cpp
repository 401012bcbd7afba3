#include "cli/operator_output.hpp"

#include <boost/json/serialize.hpp>
#include <iostream>

#include "domain/text.hpp"

namespace accountsd::cli {

void print_json(const boost::json::value& value) {
  print_json_text(boost::json::serialize(value));
}

void print_json_text(std::string_view json) {
  std::cout << domain::escape_controls(json, domain::EscapeStyle::json) << "\n";
}

}  // namespace accountsd::cli
