// The numbered schema migrations, one list for both backends, embedded from
// src/store/migrations/NNN_name.{sqlite,postgres}.sql at build time.
#pragma once

#include <vector>

namespace accountsd::store {

struct Migration {
  int number;
  const char* name;
  const char* sqlite;
  const char* postgres;
};

// Every migration, in ascending number order, numbered 1, 2, 3, ... without gaps.
const std::vector<Migration>& migrations();

}  // namespace accountsd::store
