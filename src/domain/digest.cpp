#include "domain/digest.hpp"

#include <sodium.h>

namespace accountsd::domain {

std::array<unsigned char, 32> parts_digest(std::initializer_list<std::string_view> parts,
                                           std::span<const unsigned char> key) {
  std::array<unsigned char, 32> out{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.empty() ? nullptr : key.data(), key.size(), out.size());
  for (std::string_view part : parts) {
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(part.size() >> (8 * i));
    crypto_generichash_update(&state, length, sizeof length);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  }
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

std::string hex(std::span<const unsigned char> bytes) {
  std::string out(2 * bytes.size() + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();  // the terminating NUL
  return out;
}

}  // namespace accountsd::domain
