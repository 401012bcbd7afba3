#include "domain/netblock.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace accountsd::domain {
namespace {

namespace ip = boost::asio::ip;

// The canonical text of `text` as a netblock, or "invalid".
std::string canonical(std::string_view text) {
  const auto block = parse_netblock(text);
  return block ? to_string(*block) : "invalid";
}

Netblock block(std::string_view text) {
  const auto parsed = parse_netblock(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Netblock{});
}

bool block_contains(std::string_view block_text, std::string_view address) {
  return contains(block(block_text), ip::make_address(std::string(address)));
}

TEST(ParseNetblock, KeepsCanonicalIpv4) {
  EXPECT_EQ(canonical("10.0.0.0/8"), "10.0.0.0/8");
  EXPECT_EQ(canonical("192.168.1.0/24"), "192.168.1.0/24");
  EXPECT_EQ(canonical("0.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(canonical("203.0.113.7/32"), "203.0.113.7/32");
}

TEST(ParseNetblock, ClearsIpv4HostBits) {
  EXPECT_EQ(canonical("10.1.2.3/8"), "10.0.0.0/8");
  EXPECT_EQ(canonical("192.168.1.77/24"), "192.168.1.0/24");
  EXPECT_EQ(canonical("172.31.255.255/12"), "172.16.0.0/12");
  EXPECT_EQ(canonical("255.255.255.255/0"), "0.0.0.0/0");
  EXPECT_EQ(canonical("10.0.0.255/31"), "10.0.0.254/31");
}

TEST(ParseNetblock, ReturnsNetworkAndPrefix) {
  const Netblock b = block("10.1.2.3/8");
  EXPECT_TRUE(b.network.is_v4());
  EXPECT_EQ(b.network, ip::make_address("10.0.0.0"));
  EXPECT_EQ(b.prefix, 8U);
}

TEST(ParseNetblock, CanonicalIpv6) {
  EXPECT_EQ(canonical("2001:db8::/32"), "2001:db8::/32");
  EXPECT_EQ(canonical("2001:DB8::/32"), "2001:db8::/32");
  EXPECT_EQ(canonical("2001:0db8:0000:0000:0000:0000:0000:0000/32"), "2001:db8::/32");
  EXPECT_EQ(canonical("2001:db8:abcd:1234::1/48"), "2001:db8:abcd::/48");
  EXPECT_EQ(canonical("2001:db8::ffff/127"), "2001:db8::fffe/127");
  EXPECT_EQ(canonical("fe80::1:2:3:4/64"), "fe80::/64");
  EXPECT_EQ(canonical("::/0"), "::/0");
  EXPECT_EQ(canonical("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/0"), "::/0");
  EXPECT_EQ(canonical("::1/128"), "::1/128");
  EXPECT_EQ(canonical("::ffff:10.1.2.3/104"), "::ffff:10.0.0.0/104");
}

TEST(ParseNetblock, BareAddressIsSingleHost) {
  EXPECT_EQ(canonical("10.1.2.3"), "10.1.2.3/32");
  EXPECT_EQ(canonical("0.0.0.0"), "0.0.0.0/32");
  EXPECT_EQ(canonical("2001:db8::1"), "2001:db8::1/128");
  EXPECT_EQ(canonical("::"), "::/128");
  EXPECT_EQ(canonical("2001:DB8:0:0:0:0:0:1"), "2001:db8::1/128");
  EXPECT_EQ(block("10.1.2.3").prefix, 32U);
  EXPECT_EQ(block("::1").prefix, 128U);
}

TEST(ParseNetblock, PrefixBoundaries) {
  EXPECT_EQ(canonical("10.0.0.0/32"), "10.0.0.0/32");
  EXPECT_EQ(canonical("10.0.0.0/33"), "invalid");
  EXPECT_EQ(canonical("::/128"), "::/128");
  EXPECT_EQ(canonical("::/129"), "invalid");
  EXPECT_EQ(canonical("::/999"), "invalid");
  EXPECT_EQ(canonical("::/1000"), "invalid");
}

TEST(ParseNetblock, RejectsMalformedText) {
  for (const char* text : {"",
                           "1.2.3",
                           "1.2.3.4.5",
                           "256.0.0.0/8",
                           "abc",
                           "10.0.0.0/",
                           "/8",
                           "/",
                           "10.0.0.0//8",
                           "10.0.0.0/8/8",
                           "10.0.0.0/-8",
                           "10.0.0.0/+8",
                           "10.0.0.0/8a",
                           "10.0.0.0/0x8",
                           ":::/8",
                           "1::2::3",
                           "2001:db8::/",
                           "2001:db8::g",
                           "10.0.0.0 /8",
                           "10.0.0.0/ 8",
                           "0x0a.0.0.0/8",
                           "localhost",
                           "10.0.0.0/8,10.0.0.0/9",
                           "-1",
                           "1.2.3.4/4294967304"}) {
    EXPECT_EQ(canonical(text), "invalid") << '"' << text << '"';
  }
}

TEST(ParseNetblock, RejectsSurroundingWhitespace) {
  EXPECT_EQ(canonical(" 10.0.0.0/8"), "invalid");
  EXPECT_EQ(canonical("10.0.0.0/8 "), "invalid");
  EXPECT_EQ(canonical("\t10.0.0.0/8"), "invalid");
  EXPECT_EQ(canonical("10.0.0.0/8\n"), "invalid");
  EXPECT_EQ(canonical(" ::1"), "invalid");
}

// Decision: a prefix is written without leading zeros ("/08" is malformed, like "/ 8"), and
// IPv4 octets with leading zeros are rejected too, since some tools read them as octal.
TEST(ParseNetblock, RejectsLeadingZeros) {
  EXPECT_EQ(canonical("10.0.0.0/08"), "invalid");
  EXPECT_EQ(canonical("10.0.0.0/008"), "invalid");
  EXPECT_EQ(canonical("::/00"), "invalid");
  EXPECT_EQ(canonical("010.0.0.0/8"), "invalid");
  EXPECT_EQ(canonical("10.0.0.0/0"), "0.0.0.0/0");
}

// Zone ids name an interface on one host; they mean nothing in a stored restriction.
TEST(ParseNetblock, RejectsZoneIds) {
  EXPECT_EQ(canonical("fe80::1%eth0"), "invalid");
  EXPECT_EQ(canonical("fe80::1%1/64"), "invalid");
}

TEST(ParseNetblock, RejectsEmbeddedNul) {
  EXPECT_EQ(canonical(std::string_view("10.0.0.0\0/8", 11)), "invalid");
  EXPECT_EQ(canonical(std::string_view("10.0.0.0/8\0", 11)), "invalid");
  EXPECT_EQ(canonical(std::string_view("10.0.0.0\0junk", 13)), "invalid");
}

TEST(ParseNetblock, NeverThrows) {
  for (const char* text : {"", "/", "//", "::/", ":/:", "%", "10.0.0.0/99999999999999999999",
                           "::/18446744073709551617", "[::1]/64", "1.2.3.4:80", "::ffff:1.2.3"}) {
    EXPECT_NO_THROW(EXPECT_FALSE(parse_netblock(text).has_value()) << text);
  }
}

TEST(Contains, Ipv4) {
  EXPECT_TRUE(block_contains("10.0.0.0/8", "10.0.0.0"));
  EXPECT_TRUE(block_contains("10.0.0.0/8", "10.255.255.255"));
  EXPECT_TRUE(block_contains("10.0.0.0/8", "10.1.2.3"));
  EXPECT_FALSE(block_contains("10.0.0.0/8", "11.0.0.0"));
  EXPECT_FALSE(block_contains("10.0.0.0/8", "9.255.255.255"));
  EXPECT_TRUE(block_contains("0.0.0.0/0", "203.0.113.9"));
  EXPECT_TRUE(block_contains("203.0.113.9", "203.0.113.9"));
  EXPECT_FALSE(block_contains("203.0.113.9", "203.0.113.8"));
}

TEST(Contains, Ipv6) {
  EXPECT_TRUE(block_contains("2001:db8::/32", "2001:db8::1"));
  EXPECT_TRUE(block_contains("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(block_contains("2001:db8::/32", "2001:db9::"));
  EXPECT_TRUE(block_contains("::/0", "2001:db8::1"));
  EXPECT_TRUE(block_contains("::1", "::1"));
  EXPECT_FALSE(block_contains("::1", "::2"));
}

TEST(Contains, DifferentFamiliesDoNotMatch) {
  EXPECT_FALSE(block_contains("0.0.0.0/0", "2001:db8::1"));
  EXPECT_FALSE(block_contains("2001:db8::/32", "10.0.0.1"));
  EXPECT_FALSE(block_contains("::/96", "10.0.0.1"));  // IPv4-compatible, not IPv4-mapped
}

TEST(Contains, Ipv4MappedAddressMatchesIpv4Block) {
  EXPECT_TRUE(block_contains("10.0.0.0/8", "::ffff:10.1.2.3"));
  EXPECT_FALSE(block_contains("10.0.0.0/8", "::ffff:11.1.2.3"));
  EXPECT_TRUE(block_contains("0.0.0.0/0", "::ffff:1.2.3.4"));
  EXPECT_TRUE(block_contains("192.0.2.1", "::ffff:192.0.2.1"));
}

TEST(Contains, Ipv4AddressMatchesMappedIpv6Block) {
  EXPECT_TRUE(block_contains("::ffff:10.0.0.0/104", "10.1.2.3"));
  EXPECT_FALSE(block_contains("::ffff:10.0.0.0/104", "11.1.2.3"));
  EXPECT_TRUE(block_contains("::ffff:10.0.0.0/104", "::ffff:10.1.2.3"));
}

// Found while fuzzing (parsers_fuzzer checks it now): a scoped address, such as a link-local
// peer's or an X-Forwarded-For hop "fe80::1%eth0", matched no IPv6 block, so a signup
// restriction let it through.
TEST(Contains, IgnoresZoneIndex) {
  EXPECT_TRUE(block_contains("fe80::/10", "fe80::1%1"));
  EXPECT_TRUE(block_contains("::/0", "2001:db8::1%2"));
  EXPECT_TRUE(block_contains("fe80::1", "fe80::1%3"));
  EXPECT_FALSE(block_contains("2001:db8::/32", "2001:db9::1%1"));
}

TEST(Contains, UncanonicalBlockStillMatches) {
  const Netblock raw{ip::make_address("10.1.2.3"), 8};
  EXPECT_TRUE(contains(raw, ip::make_address("10.200.0.1")));
  EXPECT_FALSE(contains(raw, ip::make_address("11.0.0.1")));
}

TEST(Contains, OutOfRangePrefixMatchesNothing) {
  EXPECT_FALSE(contains(Netblock{ip::make_address("10.0.0.0"), 33}, ip::make_address("10.0.0.0")));
  EXPECT_FALSE(contains(Netblock{ip::make_address("::"), 129}, ip::make_address("::")));
}

std::vector<std::string> texts(const std::vector<Netblock>& blocks) {
  std::vector<std::string> out;
  for (const Netblock& b : blocks) out.push_back(to_string(b));
  return out;
}

TEST(DedupeNetblocks, KeepsFirstSeenOrder) {
  const std::vector<Netblock> input{block("192.168.0.0/16"), block("10.1.2.3/8"),
                                    block("2001:db8::/32"),  block("10.0.0.0/8"),
                                    block("192.168.5.5/16"), block("2001:DB8:0::/32"),
                                    block("10.0.0.0/9"),     block("172.16.0.1")};
  EXPECT_EQ(texts(dedupe_netblocks(input)),
            (std::vector<std::string>{"192.168.0.0/16", "10.0.0.0/8", "2001:db8::/32", "10.0.0.0/9",
                                      "172.16.0.1/32"}));
}

TEST(DedupeNetblocks, EmptyAndSingle) {
  EXPECT_TRUE(dedupe_netblocks({}).empty());
  EXPECT_EQ(texts(dedupe_netblocks({block("::1")})), std::vector<std::string>{"::1/128"});
}

TEST(DedupeNetblocks, SameAddressDifferentPrefixIsKept) {
  EXPECT_EQ(texts(dedupe_netblocks({block("10.0.0.0/8"), block("10.0.0.0/16")})),
            (std::vector<std::string>{"10.0.0.0/8", "10.0.0.0/16"}));
}

TEST(DedupeNetblocks, MappedAndPlainIpv4AreDistinctForms) {
  EXPECT_EQ(texts(dedupe_netblocks({block("10.0.0.1"), block("::ffff:10.0.0.1")})),
            (std::vector<std::string>{"10.0.0.1/32", "::ffff:10.0.0.1/128"}));
}

TEST(DedupeNetblocks, CanonicalisesUnparsedBlocks) {
  const std::vector<Netblock> input{Netblock{ip::make_address("10.1.2.3"), 8},
                                    Netblock{ip::make_address("10.9.9.9"), 8}};
  EXPECT_EQ(texts(dedupe_netblocks(input)), std::vector<std::string>{"10.0.0.0/8"});
}

}  // namespace
}  // namespace accountsd::domain
