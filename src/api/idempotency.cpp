#include "api/idempotency.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <vector>

#include "error.hpp"

namespace accountsd::api {

std::optional<std::string_view> idempotency_key(const http::Request& request) {
  bool sent = false;
  for (const auto& [name, value] : request.headers) {
    if (!boost::beast::iequals(name, "Idempotency-Key")) continue;
    if (sent) throw bad_request("send one Idempotency-Key header", {"Idempotency-Key"});
    sent = true;
  }
  if (!sent) return std::nullopt;
  auto key = request.header("Idempotency-Key");
  constexpr std::size_t kMaxKey = 255;
  bool printable =
      std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (key.empty() || key.size() > kMaxKey || !printable)
    throw bad_request("Idempotency-Key must be 1 to 255 printable ASCII characters",
                      {"Idempotency-Key"});
  return key;
}

namespace {

// Bodies larger than this (a backup) are digested as they are, without a parse; they hold no
// card or password.
constexpr std::size_t kParsedBodyLimit = 64 * 1024;

// Wipes a string field of a parsed body in place.
void wipe_field(boost::json::value& field) {
  if (field.is_string()) sodium_memzero(field.get_string().data(), field.get_string().size());
}

// `body` with its secrets replaced, when it is a JSON object; nullopt otherwise. The parse lives
// in an arena of this function's, wiped before it returns, so no copy of a secret stays behind.
std::optional<std::string> without_secrets(const std::string& body) {
  std::vector<unsigned char> arena(4 * body.size() + 4096);
  std::optional<std::string> out;
  {
    boost::json::monotonic_resource memory(arena.data(), arena.size());
    boost::json::error_code ec;
    auto value = boost::json::parse(body, ec, &memory);
    if (!ec && value.is_object()) {
      auto& object = value.as_object();
      for (const char* secret : {"security_code", "password"}) {
        if (auto* field = object.if_contains(secret)) {
          wipe_field(*field);
          *field = "<redacted>";
        }
      }
      if (auto* number = object.if_contains("card_number")) {
        // The last four digits tell two cards apart, as the billing answer itself does.
        std::string last4;
        if (number->is_string()) {
          for (char c : number->get_string())
            if (c >= '0' && c <= '9') last4 = (last4 + c).substr(last4.size() == 4 ? 1 : 0);
        }
        wipe_field(*number);
        *number = "<redacted>" + last4;
      }
      out = boost::json::serialize(value);
    }
  }
  sodium_memzero(arena.data(), arena.size());
  return out;
}

}  // namespace

std::string request_fingerprint(const http::Request& request) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  auto add = [&](std::string_view part) {
    // Lengths first: no two different splits of the same bytes digest the same.
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(part.size() >> (8 * i));
    crypto_generichash_update(&state, length, sizeof length);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  };
  add(request.method);
  add(request.target);
  std::optional<std::string> cleaned;
  if (request.body.size() <= kParsedBodyLimit) cleaned = without_secrets(request.body);
  add(cleaned ? *cleaned : request.body);
  if (cleaned) sodium_memzero(cleaned->data(), cleaned->size());
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash_final(&state, digest, sizeof digest);
  char hex[2 * crypto_generichash_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

namespace {

// A 32-byte digest of `key` for one purpose: the purposes never share a digest.
std::array<unsigned char, 32> derive(std::string_view purpose, std::string_view key) {
  std::array<unsigned char, 32> out{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, out.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(purpose.data()),
                            purpose.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

constexpr std::string_view kDigestPurpose{"accountsd idempotency key\0", 26};
constexpr std::string_view kSealPurpose{"accountsd idempotent answer\0", 28};
constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;

}  // namespace

std::string key_digest(std::string_view key) {
  auto digest = derive(kDigestPurpose, key);
  char hex[2 * std::tuple_size_v<decltype(digest)> + 1];
  sodium_bin2hex(hex, sizeof hex, digest.data(), digest.size());
  return hex;
}

std::string seal_answer(std::string_view body, std::string_view key) {
  auto secret = derive(kSealPurpose, key);
  std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + body.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(body.data()), body.size(), out,
                        secret.data());
  sodium_memzero(secret.data(), secret.size());
  std::string text(sodium_base64_encoded_len(sealed.size(), kBase64), '\0');
  sodium_bin2base64(text.data(), text.size(), out, sealed.size(), kBase64);
  text.pop_back();  // the terminating NUL
  return text;
}

std::optional<std::string> open_answer(std::string_view sealed, std::string_view key) {
  std::string bytes(sealed.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), sealed.data(),
                        sealed.size(), nullptr, &length, nullptr, kBase64) != 0 ||
      length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return std::nullopt;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::string body(length - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  auto secret = derive(kSealPurpose, key);
  int rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(body.data()),
                                      in + crypto_secretbox_NONCEBYTES,
                                      length - crypto_secretbox_NONCEBYTES, in, secret.data());
  sodium_memzero(secret.data(), secret.size());
  if (rc != 0) return std::nullopt;
  return body;
}

}  // namespace accountsd::api
