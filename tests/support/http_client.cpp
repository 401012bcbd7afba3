#include "support/http_client.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>

#include "support/unrecorded_replies.hpp"

namespace accountsd::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

std::string basic_authorization(const Login& login) {
  std::string pair = login.username + ":" + login.password;
  std::string encoded(sodium_base64_ENCODED_LEN(pair.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(pair.data()), pair.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.resize(std::strlen(encoded.c_str()));
  return "Basic " + encoded;
}

Reply to_reply(const bhttp::response<bhttp::string_body>& response) {
  Reply reply;
  reply.status = response.result_int();
  reply.body = response.body();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  boost::system::error_code ec;
  reply.json = boost::json::parse(reply.body, ec);
  if (ec) reply.json = nullptr;
  return reply;
}

namespace {

thread_local int unrecorded = 0;

// The full name of the running test ("Suite.Name", "Suite/Param.Name/0"), or "" outside one.
std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "";
  return std::string(info->test_suite_name()) + "." + info->name();
}

// The headers that the document may require of a response.
boost::json::object recorded_headers(const Reply& reply) {
  boost::json::object headers;
  for (const char* name :
       {"x-request-id", "location", "allow", "www-authenticate", "retry-after", "set-cookie"})
    if (reply.headers.contains(name)) headers[name] = reply.header(name);
  return headers;
}

void record(const std::string& method, const std::string& target, const Reply& reply) {
  static const char* const folder = std::getenv("ACCOUNTSD_OPENAPI_RECORDS");
  if (folder == nullptr || *folder == '\0' || unrecorded > 0) return;
  const char* backend = std::getenv("ACCOUNTSD_TEST_BACKEND");
  boost::json::object line{{"method", method},
                           {"target", target},
                           {"status", reply.status},
                           {"content_type", reply.header("content-type")},
                           {"headers", recorded_headers(reply)},
                           {"body", reply.body},
                           {"test", current_test_name()},
                           {"backend", backend ? backend : "sqlite"}};
  // Tests send from several threads at once; one line is written whole.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  static std::ofstream out(
      std::string(folder) + "/responses-" + std::to_string(::getpid()) + ".jsonl", std::ios::app);
  out << boost::json::serialize(line) << '\n' << std::flush;
}

}  // namespace

UnrecordedReplies::UnrecordedReplies() {
  ++unrecorded;
}
UnrecordedReplies::~UnrecordedReplies() {
  --unrecorded;
}

Reply recorded_reply(const std::string& method, const std::string& target,
                     const bhttp::response<bhttp::string_body>& response) {
  Reply reply = to_reply(response);
  record(method, target, reply);
  return reply;
}

Reply http_request(unsigned short port, const std::string& method, const std::string& target,
                   const std::string& body, const std::optional<Login>& login,
                   const std::map<std::string, std::string>& headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect({asio::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.method_string(method);
  req.set(bhttp::field::host, "127.0.0.1");
  if (login) req.set(bhttp::field::authorization, basic_authorization(*login));
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  // A HEAD's answer has a Content-Length but no body.
  if (method == "HEAD") parser.skip(true);
  bhttp::read(stream, buffer, parser);
  Reply reply = recorded_reply(method, target, parser.get());
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return reply;
}

}  // namespace accountsd::testing
