// A small blocking HTTP/1.1 client for tests: one request per connection to 127.0.0.1, so any
// number of threads can use it at once.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>

namespace accountsd::testing {

// HTTP Basic credentials for a request; std::nullopt sends none.
struct Login {
  std::string username;
  std::string password;
};

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  // The body parsed as JSON (null if it is not JSON).
  boost::json::value json;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A response read by any Beast client (plain or TLS) as a Reply: lower-case header names, and
// the body parsed as JSON where it is JSON.
Reply to_reply(const boost::beast::http::response<boost::beast::http::string_body>& response);

// to_reply(), and the reply recorded for the OpenAPI check: with ACCOUNTSD_OPENAPI_RECORDS set
// to a folder, one JSON line per reply (method, target, status, content type, body, test) goes
// to this process's file there, which tests/openapi/check.mjs checks against docs/openapi.json.
Reply recorded_reply(const std::string& method, const std::string& target,
                     const boost::beast::http::response<boost::beast::http::string_body>& response);

// The Authorization header value for HTTP Basic with `login`.
std::string basic_authorization(const Login& login);

// Sends `method` `target` with `body` to 127.0.0.1:`port` on a fresh connection and reads the
// reply. Throws boost::system::system_error when the connection fails or closes early (as it
// does when the server is killed mid-request).
Reply http_request(unsigned short port, const std::string& method, const std::string& target,
                   const std::string& body, const std::optional<Login>& login,
                   const std::map<std::string, std::string>& headers = {});

}  // namespace accountsd::testing
