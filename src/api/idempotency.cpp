#include "api/idempotency.hpp"

#include <sodium.h>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <vector>

#include "domain/digest.hpp"
#include "error.hpp"

namespace accountsd::api {

std::optional<std::string_view> idempotency_key(const http::Request& request) {
  std::optional<std::string_view> sent;
  for (const auto& [name, value] : request.headers) {
    if (!boost::beast::iequals(name, "Idempotency-Key")) continue;
    if (sent) throw bad_request("send one Idempotency-Key header", {"Idempotency-Key"});
    sent = value;
  }
  if (!sent) return std::nullopt;
  auto key = *sent;
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
  std::optional<std::string> cleaned;
  if (request.body.size() <= kParsedBodyLimit) cleaned = without_secrets(request.body);
  auto digest =
      domain::parts_digest({request.method, request.target, cleaned ? *cleaned : request.body});
  if (cleaned) sodium_memzero(cleaned->data(), cleaned->size());
  return domain::hex(digest);
}

namespace {

// Separate the two digests of a key: the store's name for it never opens its answers.
constexpr std::string_view kDigestPurpose = "accountsd idempotency key";
constexpr std::string_view kSealPurpose = "accountsd idempotent answer";
constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;

}  // namespace

std::string key_digest(std::string_view key) {
  return domain::hex(domain::parts_digest({kDigestPurpose, key}));
}

std::string seal_answer(std::string_view body, std::string_view key) {
  auto secret = domain::parts_digest({kSealPurpose, key});
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
  auto secret = domain::parts_digest({kSealPurpose, key});
  int rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(body.data()),
                                      in + crypto_secretbox_NONCEBYTES,
                                      length - crypto_secretbox_NONCEBYTES, in, secret.data());
  sodium_memzero(secret.data(), secret.size());
  if (rc != 0) return std::nullopt;
  return body;
}

}  // namespace accountsd::api
