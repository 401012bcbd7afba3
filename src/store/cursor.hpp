// A long list read page by page from one state of the database: what an unpaged answer streams.
#pragma once

#include <cstddef>
#include <vector>

namespace accountsd::store {

// Rows of one query, read a page at a time, all from the state of the database when the cursor
// was opened: the pages join into exactly what the query would have returned then, whatever is
// written meanwhile (A.1: unpaged lists are streamed). It holds that state until destroyed (on
// SQLite a WAL read lock on a connection of its own; on PostgreSQL a REPEATABLE READ transaction
// with a server-side cursor), so whoever keeps one bounds how long. One thread at a time may use
// it, not necessarily the same one each time.
template <typename Row>
class Cursor {
 public:
  virtual ~Cursor() = default;
  // The next rows in order, at most `rows` of them: fewer only once the end is reached (then
  // every later page is empty).
  virtual std::vector<Row> next_page(std::size_t rows) = 0;
};

}  // namespace accountsd::store
