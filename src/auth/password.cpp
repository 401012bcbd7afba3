#include "auth/password.hpp"

#include <sodium.h>

#include <atomic>
#include <stdexcept>

#include "domain/text.hpp"

namespace accountsd::auth {
namespace {
std::atomic<HashCost> g_cost{HashCost::interactive};

// Code points with the Unicode White_Space property: ASCII whitespace, NBSP, U+3000, ...
bool is_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// True when `utf8` consists only of White_Space code points; malformed bytes are not whitespace.
bool only_whitespace(std::string_view utf8) {
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    char32_t c = 0;
    std::size_t length = 0;
    if (lead < 0x80) {
      c = lead;
      length = 1;
    } else if ((lead & 0xE0U) == 0xC0U) {
      c = lead & 0x1FU;
      length = 2;
    } else if ((lead & 0xF0U) == 0xE0U) {
      c = lead & 0x0FU;
      length = 3;
    } else {
      return false;  // four-byte sequences hold no whitespace; anything else is malformed
    }
    if (utf8.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(utf8[i + k]);
      if ((next & 0xC0U) != 0x80U) return false;
      c = (c << 6) | (next & 0x3FU);
    }
    if (!is_white_space(c)) return false;
    i += length;
  }
  return true;
}
}  // namespace

void set_hash_cost(HashCost cost) {
  g_cost = cost;
}

std::string hash_password(std::string_view password) {
  const bool minimal = g_cost == HashCost::minimal;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(
          out, password.data(), password.size(),
          minimal ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
          minimal ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE,
          crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return out;
}

namespace {
std::atomic<std::uint64_t> g_verifications{0};
}  // namespace

std::uint64_t verifications_made() {
  return g_verifications.load(std::memory_order_relaxed);
}

bool verify_password(const std::string& hash, std::string_view password) {
  g_verifications.fetch_add(1, std::memory_order_relaxed);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::optional<std::string> password_problem(std::string_view password) {
  auto length = domain::code_points(password);
  if (length < 8 || length > 1024) return "password must be 8 to 1024 characters";
  if (only_whitespace(password)) return "password must not be only whitespace";
  return std::nullopt;
}

std::string generate_password() {
  static constexpr char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 24; ++i) out += alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
  return out;
}

}  // namespace accountsd::auth
