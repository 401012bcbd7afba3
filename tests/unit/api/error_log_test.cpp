// A request that fails inside a handler is logged with its message's control characters
// escaped: a message may quote what a client sent, and a raw newline would forge a log line.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "support/app_world.hpp"

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
  void SetUp() override {
    sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  void TearDown() override {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }

  testing::AppWorld world_{failing_route()};
  std::ostringstream log_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

TEST_F(ErrorLogTest, AHandlersFailureIsLoggedOnOneLineWithItsControlsEscaped) {
  http::Request request;
  request.method = "GET";
  request.target = "/fails";
  request.request_id = "req-1";
  auto response = http::complete_inline(world_.app().handle(request));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("forged"), std::string::npos) << "the reason stays in the log";
  spdlog::default_logger()->flush();
  auto logged = log_.str();
  auto line =
      logged.find("request req-1 failed: bad value\\n[2026-01-01] [info] forged line\\x1b[2J");
  EXPECT_NE(line, std::string::npos) << logged;
  // One line: the only newline is the one that ends it.
  EXPECT_EQ(std::count(logged.begin(), logged.end(), '\n'), 1) << logged;
  EXPECT_EQ(logged.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace accountsd::api
