#include "api/handlers.hpp"
#include "api/params.hpp"
#include "api/representations.hpp"
#include "domain/clock.hpp"
#include "domain/quota.hpp"
#include "error.hpp"

namespace accountsd::api {

// A.10: devices counted per client revision, optionally only recently logged-in ones.
http::Response get_client_revisions(Call& call) {
  QueryParams query(call.query);
  auto min_revision = query.integer("min_revision", {0});
  auto max_revision = query.integer("max_revision", {-1});
  auto max_days = query.integer("max_days_since_login", {-1});
  query.finish();
  domain::CensusFilter filter;
  filter.min_revision = min_revision.value_or(0);
  if (max_revision && *max_revision != -1) {
    if (*max_revision < filter.min_revision)
      throw bad_request("max_revision must be -1 or at least min_revision", {"max_revision"});
    filter.max_revision = *max_revision;
  }
  if (max_days && *max_days != -1) {
    // Computed in 128 bits: a huge day count reaches before 1970 instead of overflowing.
    domain::Int128 since =
        domain::Int128(domain::now_seconds()) - domain::Int128(*max_days) * 86400;
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
    filter.last_login_since = since < lowest ? lowest : std::int64_t(since);
  }
  return written_list_response(
      call.usage().client_revisions(call.partner, filter),
      [](http::JsonWriter& out, const domain::RevisionCount& row) {
        out.begin_object().member("revision", row.revision).member("count", row.count).end_object();
      },
      40);
}

}  // namespace accountsd::api
