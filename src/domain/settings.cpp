#include "domain/settings.hpp"

namespace accountsd::domain {

std::vector<std::pair<std::string, std::string>> feature_violations(const SettingsPatch& patch,
                                                                    const Features& features) {
  std::vector<std::pair<std::string, std::string>> out;
  if (patch.ad_domain && patch.ad_domain->has_value() && !features.ldap)
    out.emplace_back("ad_domain", "ad_domain can be set only when the ldap feature is enabled");
  if (patch.signup_network_restriction && !patch.signup_network_restriction->empty() &&
      !features.signup_restrictions)
    out.emplace_back("signup_network_restriction",
                     "signup_network_restriction can be set only when the signup_restrictions "
                     "feature is enabled");
  return out;
}

namespace {
template <typename T>
void set(T& target, const Change<T>& change) {
  if (change) target = *change;
}
// A number of days where null also means off: off is stored as 0, its one form.
void set_days(std::int64_t& target, const Change<std::optional<std::int64_t>>& change) {
  if (change) target = change->value_or(0);
}
}  // namespace

void apply(Settings& settings, const SettingsPatch& patch) {
  set(settings.omva_url, patch.omva_url);
  set(settings.support_email, patch.support_email);
  set(settings.share_link_ttl, patch.share_link_ttl);
  set_days(settings.autopurge_interval, patch.autopurge_interval);
  set(settings.purgehold_duration, patch.purgehold_duration);
  set(settings.ad_domain, patch.ad_domain);
  set(settings.signup_network_restriction, patch.signup_network_restriction);
  set_days(settings.versionpurge_interval, patch.versionpurge_interval);
  set(settings.admin_email, patch.admin_email);
  set(settings.sharing_enabled, patch.sharing_enabled);
  set(settings.api_version, patch.api_version);
}

}  // namespace accountsd::domain
