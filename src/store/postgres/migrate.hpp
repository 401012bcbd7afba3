// Brings a PostgreSQL database to the schema this build expects.
#pragma once

#include "store/postgres/connection.hpp"

namespace accountsd::store::postgres {

// Applies, in order and each in its own transaction, every migration (store/migrations.hpp) the
// database has not had, under a database-wide advisory lock: servers starting together on one
// database wait for each other, and each migration is applied exactly once. Refuses a database
// that has migrations this build does not know (a newer server wrote it). Returns how many it
// applied.
int migrate(Connection& connection);

}  // namespace accountsd::store::postgres
