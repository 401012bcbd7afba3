#include "http/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/error.hpp>
#include <fstream>
#include <stdexcept>

namespace accountsd::http {
namespace {

namespace ssl = boost::asio::ssl;

// Mozilla's "intermediate" TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3 keeps
// OpenSSL's defaults, which are all of that kind.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

void require_readable(const std::string& flag, const std::string& path) {
  if (!std::ifstream(path)) throw std::invalid_argument("cannot read " + flag + " " + path);
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const std::string& certificate_file,
                                               const std::string& key_file) {
  require_readable("--tls-cert", certificate_file);
  require_readable("--tls-key", key_file);
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    throw std::runtime_error("OpenSSL refused the TLS settings");
  // Client-initiated renegotiation is a denial-of-service lever and has no use here.
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // OpenSSL would otherwise prompt on the terminal for an encrypted key's passphrase.
  context->set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); });

  // Asio puts OpenSSL's error code in `ec`, whose message is OpenSSL's reason.
  boost::system::error_code ec;
  context->use_certificate_chain_file(certificate_file, ec);
  if (ec) {
    ERR_clear_error();
    throw std::invalid_argument("--tls-cert " + certificate_file +
                                " is not a PEM certificate chain: " + ec.message());
  }
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  // OpenSSL compares a key with the certificate already loaded; check it ourselves when it could
  // not (a certificate and a key of different types).
  bool mismatch = ec ? ec.category() == boost::asio::error::get_ssl_category() &&
                           ERR_GET_LIB(ec.value()) == ERR_LIB_X509 &&
                           ERR_GET_REASON(ec.value()) == X509_R_KEY_VALUES_MISMATCH
                     : SSL_CTX_check_private_key(native) != 1;
  ERR_clear_error();
  if (mismatch)
    throw std::invalid_argument("--tls-key " + key_file + " does not match the certificate in " +
                                certificate_file);
  if (ec)
    throw std::invalid_argument("--tls-key " + key_file +
                                " is not an unencrypted PEM private key: " + ec.message());
  return context;
}

}  // namespace accountsd::http
