// JSON shapes of the objects Part B returns (users, groups, plans, devices, shares) and of audit
// log entries.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <iterator>
#include <optional>
#include <string>

#include "domain/group.hpp"
#include "domain/plan.hpp"
#include "domain/share.hpp"
#include "domain/user.hpp"
#include "http/json_writer.hpp"
#include "http/message.hpp"
#include "store/audit_log.hpp"

namespace accountsd::api {

// The shapes on the hot list pages are written straight as text (json_writer.hpp).
void write_user(http::JsonWriter& out, const domain::User& user);
// The A.9 share object; `share_id` is the owning user's.
void write_share(http::JsonWriter& out, const domain::Share& share,
                 const std::optional<std::string>& share_id);

// An audit entry as GET /partner/audit gives it; with `partner` (its username), led by a
// "partner" member, as the operator's `audit list --json` gives it.
void write_audit_entry(http::JsonWriter& out, const store::AuditEntry& entry,
                       std::optional<std::string_view> partner = std::nullopt);
// The entry's changes as compact JSON text: the stored object, checked to be one (else throws
// std::runtime_error), so that a damaged row cannot break the answer's JSON.
std::string audit_changes_json(const store::AuditEntry& entry);

// Each builds its object in `sp`'s memory (the default heap unless given).
boost::json::object group_json(const domain::Group& group, boost::json::storage_ptr sp = {});
boost::json::object plan_json(const domain::Plan& plan, boost::json::storage_ptr sp = {});
boost::json::object device_json(const domain::Device& device, boost::json::storage_ptr sp = {});

// 200 with a JSON array of `to_json(item, storage)` for each item. The whole array lives in one
// arena that is freed at once, instead of a heap allocation per key and string.
template <typename Range, typename ToJson>
http::Response json_list_response(const Range& items, ToJson to_json) {
  boost::json::monotonic_resource arena;
  boost::json::array body(&arena);
  body.reserve(std::size(items));
  for (const auto& item : items) body.push_back(to_json(item, body.storage()));
  return http::json_response(200, body);
}

// 200 with `to_json(item, storage)`, built in an arena like json_list_response; one object fits
// in the arena's first block, on the stack.
template <typename T, typename ToJson>
http::Response json_object_response(const T& item, ToJson to_json) {
  unsigned char first_block[4096];
  boost::json::monotonic_resource arena(first_block, sizeof first_block);
  return http::json_response(200, to_json(item, boost::json::storage_ptr(&arena)));
}

// 200 with a JSON array of `write(writer, item)` for each item, written as text with no document
// in between. `item_bytes` guesses an item's size so that the text is allocated once.
template <typename Range, typename Write>
http::Response written_list_response(const Range& items, Write write, std::size_t item_bytes) {
  std::string text;
  text.reserve(2 + std::size(items) * item_bytes);
  http::JsonWriter out(text);
  out.begin_array();
  for (const auto& item : items) write(out, item);
  out.end_array();
  return http::raw_json_response(200, std::move(text));
}

// 200 with a JSON array whose items `fill(writer)` writes, as text with no document in between;
// `bytes` guesses the text's size so that it is allocated once. For a store that hands its rows
// to a visitor instead of returning them.
template <typename Fill>
http::Response written_array_response(std::size_t bytes, Fill fill) {
  std::string text;
  text.reserve(bytes);
  http::JsonWriter out(text);
  out.begin_array();
  fill(out);
  out.end_array();
  return http::raw_json_response(200, std::move(text));
}

// 200 with `write(writer, args...)` as its body.
template <typename Write, typename... Args>
http::Response written_response(Write write, const Args&... args) {
  std::string text;
  http::JsonWriter out(text);
  write(out, args...);
  return http::raw_json_response(200, std::move(text));
}

// A value or JSON null.
template <typename T>
boost::json::value or_null(const std::optional<T>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

}  // namespace accountsd::api
