// Enterprise settings (A.8): the stored values, a partial update, and the rules tying them to
// features.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/partner.hpp"

namespace accountsd::domain {

struct Settings {
  std::optional<std::string> omva_url;
  std::optional<std::string> support_email;
  std::int64_t share_link_ttl = 10080;
  // Days; 0 is off. A.8 also takes null for off, stored as 0: OpenManage's settings page makes
  // a time span of the number it reads and cannot render with null (Part C's goal).
  std::int64_t autopurge_interval = 0;
  std::int64_t purgehold_duration = 0;
  std::optional<std::string> ad_domain;
  std::vector<std::string> signup_network_restriction;  // canonical CIDR, no duplicates
  std::int64_t versionpurge_interval = 0;               // days; 0 is off, as autopurge_interval
  std::optional<std::string> admin_email;
  bool sharing_enabled = true;
  std::optional<std::string> api_version;

  bool operator==(const Settings&) const = default;
};

// The most days a purge interval may hold: the longest time span OpenManage's settings page can
// make of it (Python's timedelta), so that no stored value keeps that page from opening (Part C).
constexpr std::int64_t kMaxPurgeDays = 999999999;

template <typename T>
using Change = std::optional<T>;  // nullopt = leave as is

// The keys a POST /partner/settings gave, already validated one by one.
struct SettingsPatch {
  Change<std::optional<std::string>> omva_url;
  Change<std::optional<std::string>> support_email;
  Change<std::int64_t> share_link_ttl;
  Change<std::optional<std::int64_t>> autopurge_interval;  // null: off (0)
  Change<std::int64_t> purgehold_duration;
  Change<std::optional<std::string>> ad_domain;
  Change<std::vector<std::string>> signup_network_restriction;
  Change<std::optional<std::int64_t>> versionpurge_interval;  // null: off (0)
  Change<std::optional<std::string>> admin_email;
  Change<bool> sharing_enabled;
  Change<std::optional<std::string>> api_version;
};

// (field, explanation) for each change that the partner's features do not allow.
std::vector<std::pair<std::string, std::string>> feature_violations(const SettingsPatch& patch,
                                                                    const Features& features);

// Applies every present change of `patch` to `settings`.
void apply(Settings& settings, const SettingsPatch& patch);

}  // namespace accountsd::domain
