// `accountsd audit list`: the operator's view of the audit log, every partner's or one's.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <unordered_map>

#include "api/representations.hpp"
#include "cli/commands.hpp"
#include "cli/operator_input.hpp"
#include "cli/operator_output.hpp"
#include "domain/text.hpp"
#include "store/database.hpp"

namespace accountsd::cli {
namespace {

// The digits of `text` from `at`, `count` of them, as a number; nullopt unless all are digits.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
  int n = 0;
  auto part = text.substr(at, count);
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
  if (part.size() != count || ec != std::errc() || end != part.data() + part.size() ||
      part.front() == '-' || part.front() == '+')
    return std::nullopt;
  return n;
}

// `text` as seconds since the epoch: epoch seconds as they are, or an ISO 8601 date
// (2026-12-02, its midnight) or date-time (2026-12-02T10:00:00Z), in UTC.
std::optional<std::int64_t> parse_time(std::string_view text) {
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return seconds;
  const bool date_only = text.size() == 10;
  if (!date_only && !(text.size() == 20 && text[10] == 'T' && text[13] == ':' && text[16] == ':' &&
                      text[19] == 'Z'))
    return std::nullopt;
  auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
  using namespace std::chrono;
  year_month_day date{std::chrono::year(*year), std::chrono::month(unsigned(*month)),
                      std::chrono::day(unsigned(*day))};
  if (!date.ok()) return std::nullopt;
  std::int64_t at = sys_seconds(sys_days(date)).time_since_epoch().count();
  if (date_only) return at;
  auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59)
    return std::nullopt;
  return at + *hour * 3600 + *minute * 60 + *second;
}

std::optional<std::int64_t> time_option(const char* option,
                                        const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto at = parse_time(*text);
  if (!at) {
    throw std::invalid_argument(std::string(option) +
                                " must be epoch seconds or an ISO 8601 UTC date or time "
                                "(2026-12-02 or 2026-12-02T10:00:00Z), not " +
                                domain::escape_controls(*text));
  }
  return at;
}

// `at` as an ISO 8601 UTC date-time: 2026-12-02T10:00:00Z.
std::string iso_time(std::int64_t at) {
  using namespace std::chrono;
  sys_seconds time{seconds(at)};
  auto day = floor<days>(time);
  year_month_day date{day};
  hh_mm_ss clock{time - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()));
  return text;
}

}  // namespace

int audit_list(const AuditOptions& o) {
  store::AuditQuery query;
  query.since = time_option("--since", o.since);
  query.until = time_option("--until", o.until);
  if (query.since && query.until && *query.since > *query.until)
    throw std::invalid_argument("--since must not be after --until");
  query.action = o.action;
  query.object = o.object;
  if (o.limit < 1) throw std::invalid_argument("--limit must be at least 1");
  query.limit = std::size_t(o.limit);
  auto database = store::open_store(o.db);
  std::unordered_map<store::PartnerId, std::string> usernames;
  for (const auto& partner : database->partners().list_partners())
    usernames[partner.id] = partner.username;
  if (o.partner) query.partner = require_partner(database->partners(), *o.partner).id;
  auto entries = database->audit_log().list(query);
  auto username = [&](store::PartnerId id) {
    auto found = usernames.find(id);
    // A partner that is gone keeps its entries: named by its id.
    return found != usernames.end() ? found->second : std::string("#").append(std::to_string(id));
  };
  if (o.json) {
    std::string text;
    http::JsonWriter out(text);
    out.begin_array();
    for (const auto& entry : entries) api::write_audit_entry(out, entry, username(entry.partner));
    out.end_array();
    print_json_text(text);
    return 0;
  }
  // Stored text is escaped (A.1): an object name or request id must not drive the terminal.
  using domain::escape_controls;
  for (const auto& e : entries) {
    std::cout << iso_time(e.at) << "\t" << escape_controls(username(e.partner)) << "\t"
              << escape_controls(e.actor) << "\t" << escape_controls(e.address.value_or("-"))
              << "\t" << escape_controls(e.request_id.value_or("-")) << "\t"
              << escape_controls(e.action) << "\t" << escape_controls(e.object) << "\t"
              << escape_controls(api::audit_changes_json(e)) << "\n";
  }
  return 0;
}

}  // namespace accountsd::cli
