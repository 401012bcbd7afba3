// `accountsd serve`'s access log: the answers the server gives itself before any handler runs (a
// body over its limit, headers over theirs, a request it cannot parse) have their line too, with
// the route's template, the status and the request id.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <string>

#include "support/server_process.hpp"
#include "support/sqlite_checks.hpp"
#include "support/test_database.hpp"

namespace accountsd::testing {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

// Sends `bytes` on a fresh connection to 127.0.0.1:`port` and reads the one answer.
bhttp::response<bhttp::string_body> send_and_read(unsigned short port, const std::string& bytes) {
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(bytes));
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(socket, buffer, response);
  return response;
}

TEST(ServeAccessLogTest, TheServersOwnRefusalsAreLoggedWithTheirRequestId) {
  TempDatabase temp;
  TestDatabase db(temp.path);
  ServerProcess server(temp.dir / "serve.log");
  auto port = server.start(db.url());
  ASSERT_NE(port, 0) << server.log();

  // A declared body over the route's 1 MiB: 413 from the headers.
  auto too_large = send_and_read(port,
                                 "POST /apis/accounts/v1/partner/settings HTTP/1.1\r\nHost: x\r\n"
                                 "X-Request-Id: too-large-1\r\nContent-Length: 2000000\r\n\r\n");
  EXPECT_EQ(too_large.result_int(), 413);
  // Headers over 16 KiB: 431.
  auto long_headers = send_and_read(port,
                                    "GET /apis/accounts/v1/ping HTTP/1.1\r\nHost: x\r\n"
                                    "X-Request-Id: long-headers-1\r\nX-Filler: " +
                                        std::string(20000, 'a') + "\r\n\r\n");
  EXPECT_EQ(long_headers.result_int(), 431);
  // A header line without a colon: 400.
  auto malformed = send_and_read(port, "GET /apis/accounts/v1/ping HTTP/1.1\r\nHost x\r\n\r\n");
  EXPECT_EQ(malformed.result_int(), 400);
  const std::string malformed_id(malformed["X-Request-Id"]);
  EXPECT_FALSE(malformed_id.empty());

  ASSERT_EQ(server.stop(), 0) << server.log();
  auto log = server.log();
  EXPECT_NE(log.find("POST /apis/accounts/v1/partner/settings 413 "), std::string::npos) << log;
  EXPECT_NE(log.find("id=too-large-1 "), std::string::npos) << log;
  EXPECT_NE(log.find(" 431 "), std::string::npos) << log;
  EXPECT_NE(log.find("(unmatched) 400 "), std::string::npos) << log;
  EXPECT_NE(log.find("id=" + malformed_id + " "), std::string::npos) << log;
}

}  // namespace
}  // namespace accountsd::testing
