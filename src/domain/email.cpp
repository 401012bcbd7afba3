#include "domain/email.hpp"

#include <algorithm>

#include "domain/dns_name.hpp"

namespace accountsd::domain {
namespace {

constexpr std::size_t kMaxAddressLength = 254;
constexpr std::size_t kMaxLocalLength = 64;

// RFC 5322 atext, plus the dot that separates atoms.
bool local_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
}

bool valid_local_part(std::string_view local) {
  return !local.empty() && local.size() <= kMaxLocalLength && local.front() != '.' &&
         local.back() != '.' && local.find("..") == std::string_view::npos &&
         std::all_of(local.begin(), local.end(), local_char);
}

bool valid_domain(std::string_view domain) {
  // A trailing dot is legal DNS but not what anyone means in an address, and "a@localhost"
  // cannot receive mail from outside, so at least one inner dot is required.
  return !domain.empty() && domain.back() != '.' && domain.find('.') != std::string_view::npos &&
         is_valid_dns_name(domain);
}

}  // namespace

bool is_valid_email(std::string_view address) {
  if (address.size() > kMaxAddressLength) return false;
  const auto at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return valid_local_part(address.substr(0, at)) && valid_domain(address.substr(at + 1));
}

}  // namespace accountsd::domain
