#include "store/sqlite/audit_functions.hpp"

#include <boost/json.hpp>

#include <cstring>
#include <string_view>

#include "store/audit_context.hpp"

namespace accountsd::store::sqlite {
namespace {

constexpr const char* kRedacted = "<redacted>";

std::string_view text_of(sqlite3_value* value) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
  return text ? std::string_view(text, std::size_t(sqlite3_value_bytes(value))) : "";
}

void audit_context(sqlite3_context* context, int, sqlite3_value** args) {
  const AuditContext* now = current_audit_context();
  std::string_view field = text_of(args[0]);
  if (!now) {
    sqlite3_result_null(context);
  } else {
    const std::string* value = field == "actor"        ? &now->actor
                               : field == "address"    ? &now->address
                               : field == "request_id" ? &now->request_id
                                                       : nullptr;
    if (!value || value->empty())
      sqlite3_result_null(context);
    else
      sqlite3_result_text(context, value->data(), int(value->size()), SQLITE_TRANSIENT);
  }
}

bool same(sqlite3_value* a, sqlite3_value* b) {
  int type = sqlite3_value_type(a);
  if (type != sqlite3_value_type(b)) return false;
  switch (type) {
    case SQLITE_NULL:
      return true;
    case SQLITE_INTEGER:
      return sqlite3_value_int64(a) == sqlite3_value_int64(b);
    case SQLITE_FLOAT:
      return sqlite3_value_double(a) == sqlite3_value_double(b);
    default: {
      // Text or blob: the bytes (a blob read as such, so that it is not converted).
      int size = sqlite3_value_bytes(a);
      if (size != sqlite3_value_bytes(b)) return false;
      const void* left = type == SQLITE_BLOB ? sqlite3_value_blob(a) : sqlite3_value_text(a);
      const void* right = type == SQLITE_BLOB ? sqlite3_value_blob(b) : sqlite3_value_text(b);
      return size == 0 || std::memcmp(left, right, std::size_t(size)) == 0;
    }
  }
}

boost::json::value json_of(sqlite3_value* value, char marker) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_NULL:
      return nullptr;
    case SQLITE_INTEGER:
      if (marker == '?') return sqlite3_value_int64(value) != 0;
      if (marker == '!') return kRedacted;
      return sqlite3_value_int64(value);
    case SQLITE_FLOAT:
      if (marker == '!') return kRedacted;
      return sqlite3_value_double(value);
    case SQLITE_TEXT:
      if (marker == '!') return kRedacted;
      return boost::json::string(text_of(value));
    default:
      // No audited column but a secret holds bytes; were one added unmarked, its bytes still
      // stay out.
      return kRedacted;
  }
}

void audit_changes(sqlite3_context* context, int count, sqlite3_value** args) {
  boost::json::object changes;
  for (int i = 0; i + 2 < count; i += 3) {
    if (same(args[i + 1], args[i + 2])) continue;
    std::string_view name = text_of(args[i]);
    char marker = 0;
    if (!name.empty() && (name.front() == '!' || name.front() == '?')) {
      marker = name.front();
      name.remove_prefix(1);
    }
    boost::json::object change;
    change["before"] = json_of(args[i + 1], marker);
    change["after"] = json_of(args[i + 2], marker);
    changes[name] = std::move(change);
  }
  if (changes.empty()) {
    sqlite3_result_null(context);
    return;
  }
  auto json = boost::json::serialize(changes);
  sqlite3_result_text(context, json.data(), int(json.size()), SQLITE_TRANSIENT);
}

}  // namespace

void register_audit_functions(sqlite3* db) {
  // Innocuous: usable from triggers whatever trusted_schema says; neither has side effects.
  sqlite3_create_function_v2(db, "audit_context", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, nullptr,
                             audit_context, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "audit_changes", -1,
                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                             audit_changes, nullptr, nullptr, nullptr);
}

}  // namespace accountsd::store::sqlite
