// IP netblocks (IPv4/IPv6 CIDR) for signup network restrictions: parsing, matching, dedupe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace accountsd::domain {

// An IPv4 or IPv6 CIDR block; `prefix` is at most 32 (IPv4) or 128 (IPv6).
struct Netblock {
  boost::asio::ip::address network;
  unsigned prefix = 0;
};

// Parses "a.b.c.d/n" or "x::y/n" (a bare address is /32 or /128) into canonical form with the
// host bits cleared. Rejects surrounding spaces, zone ids, leading zeros in the prefix and
// anything else malformed. Never throws on bad input.
std::optional<Netblock> parse_netblock(std::string_view text);

// Canonical text of a netblock, e.g. "10.0.0.0/8" or "2001:db8::/32".
std::string to_string(const Netblock& block);

// True if `address` lies in `block`. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) matches IPv4
// blocks, and an IPv4 address matches IPv6 blocks that cover its mapped form.
bool contains(const Netblock& block, const boost::asio::ip::address& address);

// Canonicalises each block and drops any whose canonical form was already seen, keeping the
// order of first appearance.
std::vector<Netblock> dedupe_netblocks(std::vector<Netblock> blocks);

}  // namespace accountsd::domain
