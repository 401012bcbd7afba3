#include "auth/appliance_key.hpp"

#include <crypt.h>
#include <sodium.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "auth/password.hpp"

namespace accountsd::auth {
namespace {

constexpr std::string_view kPrefix = "$2a$14$";
constexpr std::size_t kSaltChars = 22;  // 16 bytes in base64 without padding
constexpr std::size_t kKeyChars = 31;   // bcrypt's 23-byte hash, after the salt
constexpr std::size_t kMostBytes = 254;

// crypt(3)'s inputs and working memory (the password's key schedule), wiped when they go.
struct CryptScratch {
  explicit CryptScratch(std::string_view password) : phrase(password) {}
  CryptScratch(const CryptScratch&) = delete;
  CryptScratch& operator=(const CryptScratch&) = delete;
  ~CryptScratch() {
    sodium_memzero(phrase.data(), phrase.size());
    sodium_memzero(setting.data(), setting.size());
    sodium_memzero(&data, sizeof data);
  }
  std::string phrase;
  std::string setting;
  crypt_data data{};
};

}  // namespace

std::optional<std::string> appliance_key(std::string_view password) {
  // crypt(3) takes a C string: a password with a NUL in it would be cut short there. The
  // console's bcrypt ($2a$ as OpenBSD wrote it) counts the password's length, NUL included, in
  // one byte: from 255 bytes on its count wraps around and its answer is not bcrypt's.
  if (password.find('\0') != std::string_view::npos || password.size() > kMostBytes)
    return std::nullopt;
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(password.data()),
                     password.size());
  std::array<char, 32> salt{};
  sodium_bin2base64(salt.data(), salt.size(), digest.data(), 16,
                    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  // bcrypt's alphabet has '.' where base64 has '+' (the console makes the same replacement).
  std::string setting;
  setting.reserve(kPrefix.size() + kSaltChars);  // no copy of the salt left behind by a growth
  setting += kPrefix;
  for (std::size_t i = 0; i < kSaltChars; ++i) setting += salt[i] == '+' ? '.' : salt[i];
  // The salt is the password's unsalted SHA-256, in part: wiped like the password.
  sodium_memzero(digest.data(), digest.size());
  sodium_memzero(salt.data(), salt.size());
  auto scratch = std::make_unique<CryptScratch>(password);
  scratch->setting = std::move(setting);
  const char* hashed = crypt_rn(scratch->phrase.c_str(), scratch->setting.c_str(), &scratch->data,
                                static_cast<int>(sizeof scratch->data));
  if (hashed == nullptr) throw std::runtime_error("bcrypt refused the appliance key's setting");
  std::string_view whole(hashed);
  if (whole.size() != kPrefix.size() + kSaltChars + kKeyChars)
    throw std::runtime_error("bcrypt gave a hash of an unexpected length");
  return std::string(whole.substr(kPrefix.size() + kSaltChars));
}

bool looks_like_appliance_key(std::string_view password) {
  if (password.size() != kKeyChars) return false;
  for (char c : password) {
    bool alphabet = c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                    (c >= 'a' && c <= 'z');
    if (!alphabet) return false;
  }
  return true;
}

domain::PasswordHashes hash_partner_password(std::string_view password) {
  domain::PasswordHashes hashes{hash_password(password), std::nullopt};
  if (auto key = appliance_key(password)) {
    hashes.appliance_key = hash_password(*key);
    sodium_memzero(key->data(), key->size());
  }
  return hashes;
}

}  // namespace accountsd::auth
