#include "api/body_readers.hpp"
#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/representations.hpp"
#include "domain/dns_name.hpp"
#include "domain/email.hpp"
#include "domain/netblock.hpp"
#include "domain/settings.hpp"
#include "domain/url.hpp"

namespace accountsd::api {
namespace {

// Written straight to text (written_response): a settings read is a single-object read, whose
// budget (issue 13) a JSON document built and then serialized would spend on allocations.
void write_settings(http::JsonWriter& out, const domain::Settings& s) {
  out.begin_object()
      .member("omva_url", s.omva_url)
      .member("support_email", s.support_email)
      .member("share_link_ttl", s.share_link_ttl)
      .member("autopurge_interval", s.autopurge_interval)
      .member("purgehold_duration", s.purgehold_duration)
      .member("ad_domain", s.ad_domain)
      .key("signup_network_restriction")
      .begin_array();
  for (const auto& block : s.signup_network_restriction) out.value(block);
  out.end_array()
      .member("versionpurge_interval", s.versionpurge_interval)
      .member("admin_email", s.admin_email)
      .member("sharing_enabled", s.sharing_enabled)
      .member("api_version", s.api_version)
      .end_object();
}

// A nullable string setting whose non-null value must also pass `valid`.
Nullable<std::string> checked_string(JsonParams& params, std::string_view key, Length length,
                                     bool (*valid)(std::string_view), std::string_view what) {
  auto value = params.nullable_string(key, length);
  if (value && *value && !valid(**value)) {
    params.problem(std::string(key), std::string(key) + " must be null or " + std::string(what));
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> netblocks(JsonParams& params) {
  constexpr std::string_view key = "signup_network_restriction";
  auto items = params.string_list(key, {0, 1000}, {1, 64}, false);
  if (!items) return std::nullopt;
  std::vector<domain::Netblock> parsed;
  for (const auto& item : *items) {
    auto block = domain::parse_netblock(item);
    if (!block) {
      params.problem(std::string(key), std::string(key) +
                                           " must list IPv4 or IPv6 netblocks in CIDR form; \"" +
                                           item + "\" is not one");
      return std::nullopt;
    }
    parsed.push_back(*block);
  }
  std::vector<std::string> out;
  for (const auto& block : domain::dedupe_netblocks(std::move(parsed)))
    out.push_back(domain::to_string(block));
  return out;
}

}  // namespace

// Reads and validates every key. What the partner's features forbid is checked with the
// features read in the write's own transaction (post_settings), so that one 400 still names every
// offending key, feature refusals included.
domain::SettingsPatch read_settings_patch(JsonParams& params) {
  domain::SettingsPatch patch;
  patch.omva_url = checked_string(params, "omva_url", {1, 2048}, domain::is_valid_http_url,
                                  "an absolute http or https URL of at most 2048 characters");
  patch.support_email = checked_string(params, "support_email", {1, 254}, domain::is_valid_email,
                                       "an email address of at most 254 characters");
  patch.share_link_ttl = params.integer("share_link_ttl", {1, 5256000}, false);
  patch.autopurge_interval =
      params.nullable_integer("autopurge_interval", {0, domain::kMaxPurgeDays});
  patch.purgehold_duration = params.integer("purgehold_duration", {0, 315360000}, false);
  patch.ad_domain =
      checked_string(params, "ad_domain", {1, 253}, domain::is_valid_dns_name, "a DNS domain name");
  patch.signup_network_restriction = netblocks(params);
  patch.versionpurge_interval =
      params.nullable_integer("versionpurge_interval", {0, domain::kMaxPurgeDays});
  patch.admin_email = checked_string(params, "admin_email", {1, 254}, domain::is_valid_email,
                                     "an email address of at most 254 characters");
  patch.sharing_enabled = params.boolean("sharing_enabled", false);
  patch.api_version = params.nullable_string("api_version", {0, 64});
  return patch;
}

http::Response get_settings(Call& call) {
  return written_response(write_settings, call.partners().settings(call.partner));
}

http::Response post_settings(Call& call) {
  auto body = parse_json_object(call.request.body);
  JsonParams params(body);
  auto patch = read_settings_patch(params);
  auto settings = call.partners().update_settings(
      call.partner, [&](domain::Settings& s, const domain::Features& features) {
        // The features as this transaction reads them, with the settings: the operator may
        // change them at any time, and reading them once more before would cost every write a
        // statement (on PostgreSQL a round trip). A 400 rolls the transaction back.
        for (auto& [field, explanation] : domain::feature_violations(patch, features))
          params.problem(field, explanation);
        params.finish();
        domain::apply(s, patch);
      });
  return written_response(write_settings, settings);
}

}  // namespace accountsd::api
