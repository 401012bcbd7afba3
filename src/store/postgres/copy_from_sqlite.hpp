// Moving up from SQLite (accountsd migrate-db): every row of an accountsd SQLite database copied
// into an empty PostgreSQL one, converted to PostgreSQL's types with every id kept, in one
// transaction that is verified before it commits.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/sqlite/connection.hpp"

namespace accountsd::store::postgres {

// How far the copy of one table has come; `done` on its last report.
struct CopyProgress {
  std::string_view table;
  std::int64_t copied = 0;
  std::int64_t total = 0;
  bool done = false;
};

struct CopySummary {
  struct Table {
    std::string name;
    std::int64_t rows = 0;
  };
  // A table's identity column and the value its sequence was set to: the next id is larger.
  struct Sequence {
    std::string column;  // "users.avatar_id"
    std::int64_t last_id = 0;
  };
  int schema = 0;  // the migration both databases are at
  std::vector<Table> tables;
  std::int64_t partners = 0;  // whose counters were verified
  std::vector<Sequence> sequences;
};

// The copy was refused (a source this build cannot read, a target that holds data) or the copy
// did not verify. Nothing was written to PostgreSQL but, for a refusal after the source was
// read, its schema brought up to date.
class CopyRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Checks that `source` is an accountsd database at this build's latest migration and that no
// table of `target` holds a row; brings `target`'s schema up to date (postgres::migrate); then,
// in one transaction, copies every table in batches, verifies it (row counts; each partner's
// counters against the source and against a recount from the copied rows; the device census and
// share blocks against a recount), sets each id sequence past every id the source ever gave
// (sqlite_sequence) and commits. Reads `source` in one snapshot. Calls `progress` after each
// batch. Throws CopyRefused, or PgError / SqliteError when a database fails; no message carries
// a row's contents.
CopySummary copy_from_sqlite(sqlite::Connection& source, Connection& target,
                             const std::function<void(const CopyProgress&)>& progress);

}  // namespace accountsd::store::postgres
