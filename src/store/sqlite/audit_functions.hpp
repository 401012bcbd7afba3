// The SQL functions the audit log's triggers call on SQLite (migration 016): who is making the
// change, and which fields it changed.
#pragma once

#include <sqlite3.h>

namespace accountsd::store::sqlite {

// audit_context(field): the field (actor, address or request_id) of this fiber's
// store::AuditContext, or NULL when none is set or the field is empty.
// audit_changes(name, old, new, ...): a JSON object {name: {"before": old, "after": new}} of the
// triples whose values differ, or NULL when none do. A name marked "!" is a secret (values
// "<redacted>"), one marked "?" a flag (true or false).
void register_audit_functions(sqlite3* db);

}  // namespace accountsd::store::sqlite
