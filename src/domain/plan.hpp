// A storage plan of a partner (B.1): the space each of its users gets.
#pragma once

#include <cstdint>
#include <string>

namespace accountsd::domain {

struct Plan {
  std::int64_t plan_id = 0;
  std::string name;
  std::int64_t storage_bytes = 0;
};

}  // namespace accountsd::domain
