#include "cli/operator_input.hpp"

#include <stdexcept>
#include <vector>

#include "domain/partner.hpp"
#include "domain/text.hpp"
#include "store/outcomes.hpp"

namespace accountsd::cli {

void check_partner_username(std::string_view username) {
  if (auto problem = domain::partner_username_problem(username))
    throw std::invalid_argument("--username: " + *problem);
}

domain::Partner require_partner(store::PartnerStore& partners, const std::string& username) {
  auto partner = partners.find_partner(username);
  if (!partner)
    throw std::invalid_argument("no partner named " + domain::escape_controls(username));
  return *partner;
}

namespace {

// The usernames of the partners that already hold `username` in some letter case.
std::vector<std::string> partners_holding(store::PartnerStore& partners,
                                          std::string_view username) {
  // Partners are few (operators create them by hand), so a scan is cheap and needs no query.
  const auto key = domain::partner_username_key(username);
  std::vector<std::string> holders;
  for (const auto& partner : partners.list_partners())
    if (domain::partner_username_key(partner.username) == key) holders.push_back(partner.username);
  return holders;
}

}  // namespace

store::PartnerId create_new_partner(store::PartnerStore& partners,
                                    const domain::NewPartner& partner) {
  auto taken = [&] {
    auto holders = partners_holding(partners, partner.username);
    std::string held = holders.empty() ? partner.username : holders.front();
    return std::invalid_argument("a partner named " + domain::escape_controls(held) +
                                 " already exists; partner usernames are unique regardless of "
                                 "letter case");
  };
  if (!partners_holding(partners, partner.username).empty()) throw taken();
  try {
    return partners.create_partner(partner);
  } catch (const store::Conflict& refusal) {
    // Another command created it between the check and the insert.
    if (refusal.clash != store::Clash::taken) throw;
    throw taken();
  }
}

void check_one_line(std::string_view option, std::string_view value, std::size_t max) {
  bool ok = domain::is_valid_utf8(value) && !value.empty() && domain::code_points(value) <= max;
  if (!ok)
    throw std::invalid_argument(std::string(option) + " must be 1 to " + std::to_string(max) +
                                " characters of UTF-8 text");
  if (!domain::fits_text_kind(value, domain::TextKind::one_line))
    throw std::invalid_argument(std::string(option) + " must be one line of text, without " +
                                "control characters");
}

}  // namespace accountsd::cli
