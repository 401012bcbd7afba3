#include "domain/backup.hpp"

#include "domain/digest.hpp"

#include <sodium.h>

namespace accountsd::domain {

bool is_base64_text(std::string_view text) {
  std::size_t symbols = 0;  // characters that count, line breaks left out
  std::size_t padding = 0;
  for (char c : text) {
    if (c == '\r' || c == '\n') continue;
    ++symbols;
    if (c == '=') {
      ++padding;
      continue;
    }
    // Nothing but padding may follow padding.
    if (padding > 0) return false;
    bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!alphabet) return false;
  }
  return symbols % 4 == 0 && padding <= 2;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return hex(digest);
}

}  // namespace accountsd::domain
