// Fuzzes the text parsers: netblock, email, URL, DNS name, country, card number, Basic auth header.
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/authenticator.hpp"
#include "domain/card.hpp"
#include "domain/country.hpp"
#include "domain/dns_name.hpp"
#include "domain/email.hpp"
#include "domain/netblock.hpp"
#include "domain/url.hpp"

namespace {

using namespace accountsd;

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "invariant broken: %s for \"%.*s\"\n", what, int(input.size()),
               input.data());
  std::abort();
}

void netblock(std::string_view text) {
  auto block = domain::parse_netblock(text);
  if (!block) return;
  // The canonical form parses back to itself, and a block holds its own network address.
  auto canonical = domain::to_string(*block);
  auto again = domain::parse_netblock(canonical);
  if (!again || domain::to_string(*again) != canonical) fail("canonical netblock differs", text);
  if (!domain::contains(*block, block->network)) fail("netblock misses its network", text);
  // A zone index (fe80::1%2, as link-local peers carry) names an interface, not an address.
  if (block->network.is_v6()) {
    boost::asio::ip::address_v6 scoped(block->network.to_v6().to_bytes(), text.size() % 7 + 1);
    if (!domain::contains(*block, scoped)) fail("netblock misses its network with a zone", text);
  }
  if (domain::dedupe_netblocks({*block, *again}).size() != 1) fail("dedupe kept a twin", text);
}

void email(std::string_view text) {
  if (!domain::is_valid_email(text)) return;
  if (text.size() > 254) fail("email longer than 254", text);
  if (!domain::is_valid_dns_name(text.substr(text.find('@') + 1))) fail("email domain", text);
}

void url(std::string_view text) {
  if (domain::is_valid_http_url(text) && text.size() > 2048) fail("URL longer than 2048", text);
}

void dns_name(std::string_view text) {
  if (domain::is_valid_dns_name(text) && text.size() > 254) fail("DNS name too long", text);
}

void country(std::string_view text) {
  auto code = domain::canonical_country(text);
  if (code && (code->size() != 2 || domain::canonical_country(*code) != code))
    fail("country code not canonical", text);
}

void card(std::string_view text) {
  auto digits = domain::normalize_card_number(text);
  if (!digits) return;
  if (digits->size() < 12 || digits->size() > 19) fail("card number length", text);
  domain::luhn_valid(*digits);
  auto brand = domain::card_brand(*digits);
  if (brand) domain::brand_name(*brand);
  domain::valid_security_code(text.substr(0, 4), brand);
  if (domain::last4(*digits).size() != 4) fail("last4", text);
}

void basic(std::string_view text) {
  auto credentials = auth::parse_basic(text);
  if (!credentials) return;
  if (credentials->username.empty() || credentials->username.find(':') != std::string::npos)
    fail("Basic username empty or with a colon", text);
  // Encoding the pair again gives a header that parses to the same credentials.
  std::string pair = credentials->username + ":" + credentials->password;
  std::string encoded(sodium_base64_ENCODED_LEN(pair.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(pair.data()), pair.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.resize(encoded.find('\0'));
  auto again = auth::parse_basic("Basic " + encoded);
  if (!again || again->username != credentials->username ||
      again->password != credentials->password)
    fail("Basic credentials do not round-trip", text);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (sodium_init() < 0) std::abort();
  return 0;
}

// The first byte picks the parser; the rest is its input.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      netblock(text);
      break;
    case 1:
      email(text);
      break;
    case 2:
      url(text);
      break;
    case 3:
      dns_name(text);
      break;
    case 4:
      country(text);
      break;
    case 5:
      card(text);
      break;
    case 6:
      basic(text);
      break;
  }
  return 0;
}
