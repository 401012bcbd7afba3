// A self-signed certificate for 127.0.0.1 and localhost, made with OpenSSL for TLS tests, and a
// small blocking HTTPS client that trusts only it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {

struct TestCertificate {
  std::string certificate_pem;
  std::string key_pem;
  // Writes cert.pem and key.pem into `dir`.
  void write_to(const std::filesystem::path& dir) const;
};

// A fresh P-256 key and a certificate for it, valid for a day, naming 127.0.0.1 and localhost.
TestCertificate make_self_signed_certificate();

// One request of an HttpsClient: method, full target, body, optional Basic login.
struct HttpsRequest {
  std::string method = "GET";
  std::string target;
  std::string body;
  std::optional<Login> login;
};
inline HttpsRequest https_get(std::string target, std::optional<Login> login = std::nullopt) {
  return {"GET", std::move(target), "", std::move(login)};
}
inline HttpsRequest https_post(std::string target, std::string body, std::optional<Login> login) {
  return {"POST", std::move(target), std::move(body), std::move(login)};
}

// Sends `requests` one after the other over one TLS connection to 127.0.0.1:`port` (keep-alive),
// verifying the server's certificate against `trusted_pem` and its name against 127.0.0.1.
// Throws boost::system::system_error when the handshake or any exchange fails.
std::vector<Reply> https_exchange(unsigned short port, const std::string& trusted_pem,
                                  const std::vector<HttpsRequest>& requests);

}  // namespace accountsd::testing
