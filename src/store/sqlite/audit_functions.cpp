#include "store/sqlite/audit_functions.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <string>
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

// Appends `text` as a JSON string: quotes, backslashes and control characters escaped, every
// other byte as it is.
void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t run = 0;  // the start of the bytes not yet appended
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        constexpr const char* kHex = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      }
    }
  }
  out.append(text.substr(run));
  out += '"';
}

template <typename Number>
void append_number(std::string& out, Number number) {
  char digits[32];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, end);
}

// Appends one value of a change as JSON; `marker` as in audit_record.
void append_json(std::string& out, sqlite3_value* value, char marker) {
  int type = sqlite3_value_type(value);
  if (type == SQLITE_NULL) {
    out += "null";
  } else if (marker == '!' || type == SQLITE_BLOB) {
    // No audited column but a secret holds bytes; were one added unmarked, its bytes still
    // stay out.
    append_json_string(out, kRedacted);
  } else if (type == SQLITE_INTEGER) {
    if (marker == '?')
      out += sqlite3_value_int64(value) != 0 ? "true" : "false";
    else
      append_number(out, sqlite3_value_int64(value));
  } else if (type == SQLITE_FLOAT) {
    double number = sqlite3_value_double(value);
    if (std::isfinite(number))
      append_number(out, number);
    else
      out += "null";  // JSON has no infinity
  } else {
    append_json_string(out, text_of(value));
  }
}

// The JSON object of the triples (name, old, new) in args whose values differ; "" when none do.
// Written directly rather than through a JSON library: it runs in every audited write.
std::string changes_json(int count, sqlite3_value** args) {
  std::string out;
  for (int i = 0; i + 2 < count; i += 3) {
    if (same(args[i + 1], args[i + 2])) continue;
    std::string_view name = text_of(args[i]);
    char marker = 0;
    if (!name.empty() && (name.front() == '!' || name.front() == '?')) {
      marker = name.front();
      name.remove_prefix(1);
    }
    if (out.empty()) {
      out.reserve(128);
      out += '{';
    } else {
      out += ',';
    }
    append_json_string(out, name);
    out += ":{\"before\":";
    append_json(out, args[i + 1], marker);
    out += ",\"after\":";
    append_json(out, args[i + 2], marker);
    out += '}';
  }
  if (!out.empty()) out += '}';
  return out;
}

void audit_record(sqlite3_context* context, int count, sqlite3_value** args) {
  if (count < 3) {
    sqlite3_result_error(context, "audit_record(partner_id, action, object, name, old, new, ...)",
                         -1);
    return;
  }
  std::string changes = changes_json(count - 3, args + 3);
  auto* buffer = static_cast<AuditBuffer*>(sqlite3_user_data(context));
  if (changes.empty() || (buffer && buffer->buffering())) {
    if (!changes.empty()) {
      AuditBuffer::Entry entry;
      entry.partner_id = sqlite3_value_int64(args[0]);
      entry.at = std::int64_t(std::time(nullptr));
      if (const AuditContext* now = current_audit_context()) {
        entry.actor = now->actor;
        entry.address = now->address;
        entry.request_id = now->request_id;
      }
      if (entry.actor.empty()) entry.actor = "system";
      entry.action = text_of(args[1]);
      entry.object = text_of(args[2]);
      entry.changes = std::move(changes);
      buffer->add(std::move(entry));
    }
    sqlite3_result_null(context);
    return;
  }
  sqlite3_result_text(context, changes.data(), int(changes.size()), SQLITE_TRANSIENT);
}

}  // namespace

void register_audit_functions(sqlite3* db, AuditBuffer* buffer) {
  // Innocuous: usable from triggers whatever trusted_schema says; neither changes the database.
  sqlite3_create_function_v2(db, "audit_context", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, nullptr,
                             audit_context, nullptr, nullptr, nullptr);
  // Not deterministic: it records the entry as a side effect while `buffer` is buffering.
  sqlite3_create_function_v2(db, "audit_record", -1, SQLITE_UTF8 | SQLITE_INNOCUOUS, buffer,
                             audit_record, nullptr, nullptr, nullptr);
}

}  // namespace accountsd::store::sqlite
