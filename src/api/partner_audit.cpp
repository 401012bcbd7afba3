// GET /partner/audit (issue 14): the partner's own audit log, newest first, a page at a time.
#include <sodium.h>

#include <charconv>
#include <cstring>
#include <optional>
#include <string>

#include "api/handlers.hpp"
#include "api/params.hpp"
#include "api/representations.hpp"

namespace accountsd::api {
namespace {

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMostEntries = 1000;
constexpr int kCursorVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

// A page's next_cursor: the (at, id) of its last entry as "AT.ID" in URL-safe base64, so that
// clients pass it back as it is rather than build one.
std::string encode_cursor(const store::AuditEntry& last) {
  auto plain = std::to_string(last.at) + "." + std::to_string(last.id);
  std::string out(sodium_base64_encoded_len(plain.size(), kCursorVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), kCursorVariant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<store::AuditPosition> decode_cursor(const std::string& cursor) {
  // Two 20-digit numbers and a dot at the most.
  unsigned char plain[48];
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(plain, sizeof plain, cursor.data(), cursor.size(), nullptr, &length, &end,
                        kCursorVariant) != 0 ||
      end != cursor.data() + cursor.size())
    return std::nullopt;
  std::string_view text(reinterpret_cast<const char*>(plain), length);
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  store::AuditPosition position;
  auto whole = [](std::string_view digits, std::int64_t& n) {
    auto [stop, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    return !digits.empty() && ec == std::errc() && stop == digits.data() + digits.size();
  };
  if (!whole(text.substr(0, dot), position.at) || !whole(text.substr(dot + 1), position.id))
    return std::nullopt;
  return position;
}

}  // namespace

http::Response get_audit(Call& call) {
  QueryParams query(call.query);
  store::AuditQuery q;
  q.partner = call.partner;
  q.limit = std::size_t(query.integer("limit", {1, kMostEntries}).value_or(kDefaultLimit));
  q.action = query.string("action");
  q.object = query.string("object");
  q.since = query.integer("since", {});
  q.until = query.integer("until", {});
  if (q.since && q.until && *q.since > *q.until)
    query.problem("until", "until must not be before since");
  if (auto cursor = query.string("cursor")) {
    q.after = decode_cursor(*cursor);
    if (!q.after) query.problem("cursor", "cursor must be a next_cursor this endpoint gave");
  }
  query.finish();
  auto entries = call.audit_log().list(q);
  std::string text;
  text.reserve(32 + entries.size() * 320);
  http::JsonWriter out(text);
  out.begin_object().key("entries").begin_array();
  for (const auto& entry : entries) write_audit_entry(out, entry);
  out.end_array().key("next_cursor");
  // A full page may have more after it; a short one is the end.
  if (!entries.empty() && entries.size() == q.limit)
    out.value(encode_cursor(entries.back()));
  else
    out.null();
  out.end_object();
  return http::raw_json_response(200, std::move(text));
}

}  // namespace accountsd::api
