#include "auth/password.hpp"

#include <sodium.h>

#include <atomic>
#include <stdexcept>

#include "domain/text.hpp"

namespace accountsd::auth {
namespace {
std::atomic<HashCost> g_cost{HashCost::interactive};
}

void set_hash_cost(HashCost cost) { g_cost = cost; }

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

bool verify_password(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::optional<std::string> password_problem(std::string_view password) {
  auto length = domain::code_points(password);
  if (length < 8 || length > 1024) return "password must be 8 to 1024 characters";
  if (domain::is_blank(password)) return "password must not be only whitespace";
  return std::nullopt;
}

std::string generate_password() {
  static constexpr char alphabet[] =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 24; ++i) out += alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
  return out;
}

}  // namespace accountsd::auth
