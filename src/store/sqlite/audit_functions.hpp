// The SQL functions the audit log's triggers call on SQLite (migration 017), and the buffer that
// holds a write transaction's entries until its COMMIT.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace accountsd::store::sqlite {

// The entries a write transaction's triggers recorded, written to audit_log just before its
// COMMIT (Connection::flush_audit) in the same transaction. Why not at once: with group commit a
// request's writes run in a savepoint of the batch, and SQLite copies every page a savepoint
// first touches to its sub-journal; an entry inserted per request touched the log's last leaf
// and its index's, two 4 KB copies per request, most of the audit log's cost (benchmarks.md).
// Written at the COMMIT they touch those pages once per batch and no savepoint is open.
//
// Only the owner of the connection's transaction uses it. A rolled back savepoint or statement
// truncates it to its size when it began, so what is written is exactly what the transaction
// kept.
class AuditBuffer {
 public:
  struct Entry {
    std::int64_t partner_id = 0;
    std::int64_t at = 0;
    std::string actor;
    std::string address;     // empty: NULL
    std::string request_id;  // empty: NULL
    std::string action;
    std::string object;
    std::string changes;
  };

  // A transaction began: record entries here from now on (start) or not (stop, which also drops
  // what is held, as when its transaction rolled back).
  void start() {
    entries_.clear();
    buffering_ = true;
  }
  void stop() {
    entries_.clear();
    buffering_ = false;
  }
  bool buffering() const { return buffering_; }
  std::size_t size() const { return entries_.size(); }
  // Drops what was recorded after the buffer held `size` entries.
  void truncate(std::size_t size) {
    if (size < entries_.size()) entries_.resize(size);
  }
  void add(Entry entry) { entries_.push_back(std::move(entry)); }
  // What is held, leaving the buffer empty and no longer buffering.
  std::vector<Entry> take() {
    buffering_ = false;
    return std::move(entries_);
  }

 private:
  bool buffering_ = false;
  std::vector<Entry> entries_;
};

// audit_context(field): the field (actor, address or request_id) of this fiber's
// store::AuditContext, or NULL when none is set or the field is empty.
// audit_record(partner_id, action, object, name, old, new, ...): the changes of one row, as a JSON
// object {name: {"before": old, "after": new}} of the triples whose values differ; a name marked
// "!" is a secret (values "<redacted>"), one marked "?" a flag (true or false). NULL when none
// differ. While `buffer` is buffering the entry goes there, with this fiber's context and the
// time, and the result is NULL too: the trigger inserts only what comes back. `buffer` may be
// null (a connection that never buffers) and must outlive the connection.
void register_audit_functions(sqlite3* db, AuditBuffer* buffer = nullptr);

}  // namespace accountsd::store::sqlite
