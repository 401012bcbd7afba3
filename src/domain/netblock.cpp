#include "domain/netblock.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

namespace accountsd::domain {
namespace {

namespace ip = boost::asio::ip;

constexpr unsigned kMaxPrefixV4 = 32;
constexpr unsigned kMaxPrefixV6 = 128;

unsigned max_prefix(const ip::address& address) {
  return address.is_v4() ? kMaxPrefixV4 : kMaxPrefixV6;
}

// Characters that can appear in an IPv4 or IPv6 CIDR. Checking them first keeps out spaces,
// zone ids ("%eth0") and NUL bytes, which the C parsers under Asio would otherwise stop at.
bool cidr_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
         c == ':' || c == '/';
}

// A prefix length written as 1–3 digits without leading zeros. Asio reads prefixes with atoi,
// which would let "4294967304" wrap around to 8, so the text is checked here first.
std::optional<unsigned> parse_prefix(std::string_view text) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text.front() == '0')) {
    return std::nullopt;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// `address` with all bits after the first `prefix` cleared; `prefix` must be in range.
ip::address masked(const ip::address& address, unsigned prefix) {
  if (address.is_v4()) {
    return ip::network_v4(address.to_v4(), static_cast<unsigned short>(prefix)).network();
  }
  return ip::network_v6(address.to_v6(), static_cast<unsigned short>(prefix)).network();
}

Netblock canonical(const Netblock& block) {
  if (block.prefix > max_prefix(block.network)) return block;
  return Netblock{masked(block.network, block.prefix), block.prefix};
}

}  // namespace

std::optional<Netblock> parse_netblock(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), cidr_char)) return std::nullopt;
  const auto slash = text.find('/');
  boost::system::error_code ec;
  if (slash == std::string_view::npos) {
    const ip::address address = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return Netblock{address, max_prefix(address)};
  }
  const auto prefix = parse_prefix(text.substr(slash + 1));
  if (!prefix) return std::nullopt;  // Also rejects a second '/'.
  if (text.substr(0, slash).find(':') == std::string_view::npos) {
    const ip::network_v4 network = ip::make_network_v4(text, ec);
    if (ec) return std::nullopt;
    return Netblock{network.network(), network.prefix_length()};
  }
  const ip::network_v6 network = ip::make_network_v6(text, ec);
  if (ec) return std::nullopt;
  return Netblock{network.network(), network.prefix_length()};
}

std::string to_string(const Netblock& block) {
  return block.network.to_string() + "/" + std::to_string(block.prefix);
}

bool contains(const Netblock& block, const ip::address& address) {
  if (block.prefix > max_prefix(block.network)) return false;
  ip::address candidate = address;
  if (block.network.is_v4() && address.is_v6()) {
    if (!address.to_v6().is_v4_mapped()) return false;
    candidate = ip::make_address_v4(ip::v4_mapped, address.to_v6());
  } else if (block.network.is_v6() && address.is_v4()) {
    candidate = ip::make_address_v6(ip::v4_mapped, address.to_v4());
  } else if (candidate.is_v6()) {
    // A zone index (fe80::1%eth0, as a link-local peer's address carries) names an interface,
    // not part of the address; Asio's comparison would count it and match no block at all.
    candidate = ip::address_v6(candidate.to_v6().to_bytes());
  }
  return masked(candidate, block.prefix) == masked(block.network, block.prefix);
}

std::vector<Netblock> dedupe_netblocks(std::vector<Netblock> blocks) {
  std::vector<Netblock> unique;
  unique.reserve(blocks.size());
  std::unordered_set<std::string> seen;
  for (const Netblock& block : blocks) {
    Netblock canonical_block = canonical(block);
    if (seen.insert(to_string(canonical_block)).second) unique.push_back(canonical_block);
  }
  return unique;
}

}  // namespace accountsd::domain
