// Numbered schema migrations, embedded from src/store/sqlite/migrations/*.sql at build time.
#pragma once

#include <vector>

namespace accountsd::store::sqlite {

struct Migration {
  int number;
  const char* name;
  const char* sql;
};

// Every migration, in ascending number order.
const std::vector<Migration>& migrations();

}  // namespace accountsd::store::sqlite
