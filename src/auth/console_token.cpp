#include "auth/console_token.hpp"

#include <sodium.h>

#include <array>

#include "domain/digest.hpp"

namespace accountsd::auth {

std::string new_console_token() {
  std::array<unsigned char, 32> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string encoded(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), bytes.data(), bytes.size(), kVariant);
  encoded.resize(encoded.find('\0'));
  return encoded;
}

std::string console_token_hash(std::string_view token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  return domain::hex(digest);
}

bool tokens_equal(std::string_view sent, std::string_view expected) {
  return sent.size() == expected.size() &&
         sodium_memcmp(sent.data(), expected.data(), expected.size()) == 0;
}

}  // namespace accountsd::auth
