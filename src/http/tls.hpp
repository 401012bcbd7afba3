// The server's TLS configuration: a certificate chain and private key in PEM files.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace accountsd::http {

// A server context accepting TLS 1.2 and 1.3 only, without compression or renegotiation, with
// the chain and key from `certificate_file` and `key_file` (PEM). Throws std::invalid_argument
// saying which file is wrong and why (unreadable, not PEM, encrypted, or not matching).
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& certificate_file,
                                                            const std::string& key_file);

}  // namespace accountsd::http
