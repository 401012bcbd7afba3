// A request that fails inside a handler is logged with its message's control characters
// escaped: a message may quote what a client sent, and a raw newline would forge a log line.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "support/app_world.hpp"
#include "support/captured_log.hpp"

namespace accountsd::api {
namespace {

// Routes one path to a handler that throws a message with a newline and an escape sequence.
http::Router<Route> failing_route() {
  http::Router<Route> routes;
  routes.add("GET", "/fails",
             Route{Access::anyone,
                   [](Call&) -> http::Response {
                     throw std::runtime_error("bad value\n[2026-01-01] [info] forged line\x1b[2J");
                   },
                   {}});
  return routes;
}

class ErrorLogTest : public ::testing::Test {
 protected:
  testing::AppWorld world_{failing_route()};
  testing::CapturedLog log_;
};

TEST_F(ErrorLogTest, AHandlersFailureIsLoggedOnOneLineWithItsControlsEscaped) {
  http::Request request;
  request.method = "GET";
  request.target = "/fails";
  request.request_id = "req-1";
  auto response = http::complete_inline(world_.app().handle(request));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("forged"), std::string::npos) << "the reason stays in the log";
  auto logged = log_.text();
  auto line =
      logged.find("request req-1 failed: bad value\\n[2026-01-01] [info] forged line\\x1b[2J");
  EXPECT_NE(line, std::string::npos) << logged;
  // One line: the only newline is the one that ends it.
  EXPECT_EQ(std::count(logged.begin(), logged.end(), '\n'), 1) << logged;
  EXPECT_EQ(logged.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace accountsd::api
