// The per-connection deadline that replaces beast::tcp_stream's timer per read and write.
#include "http/connection_deadline.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <optional>

namespace accountsd::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A connected pair of sockets on loopback, and a read pending on the server's end that the
// peer never answers.
class ConnectionDeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tcp::acceptor acceptor(io_, {asio::ip::make_address("127.0.0.1"), 0});
    client_.connect(acceptor.local_endpoint());
    acceptor.accept(server_);
    deadline_ = std::make_shared<ConnectionDeadline>(server_);
  }
  // Starts a read on the server's socket and runs the context until it ends or `limit`.
  void read_for(std::chrono::steady_clock::duration limit) {
    server_.async_read_some(asio::buffer(&byte_, 1),
                            [this](boost::system::error_code ec, std::size_t) { result_ = ec; });
    io_.run_for(limit);
  }

  asio::io_context io_;
  tcp::socket client_{io_}, server_{io_};
  std::shared_ptr<ConnectionDeadline> deadline_;
  char byte_ = 0;
  std::optional<boost::system::error_code> result_;
};

TEST_F(ConnectionDeadlineTest, APassedDeadlineCancelsThePendingRead) {
  deadline_->expires_after(50ms);
  auto started = std::chrono::steady_clock::now();
  read_for(2s);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(*result_, asio::error::operation_aborted);
  EXPECT_TRUE(deadline_->expired());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST_F(ConnectionDeadlineTest, ALaterDeadlineKeepsTheReadGoingPastTheFirst) {
  deadline_->expires_after(50ms);
  deadline_->expires_after(400ms);  // the pending wait fires at 50 ms and waits on
  read_for(250ms);
  EXPECT_FALSE(result_.has_value()) << "cancelled before its deadline";
  EXPECT_FALSE(deadline_->expired());
  io_.restart();
  io_.run_for(2s);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(*result_, asio::error::operation_aborted);
}

TEST_F(ConnectionDeadlineTest, AnEarlierDeadlineTakesOverFromAPendingWait) {
  deadline_->expires_after(10s);
  deadline_->expires_after(50ms);
  auto started = std::chrono::steady_clock::now();
  read_for(2s);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(*result_, asio::error::operation_aborted);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST_F(ConnectionDeadlineTest, ANewDeadlineAfterExpiryIsWatchedAgain) {
  deadline_->expires_after(20ms);
  read_for(2s);
  ASSERT_TRUE(deadline_->expired());
  result_.reset();
  io_.restart();
  deadline_->expires_after(50ms);
  EXPECT_FALSE(deadline_->expired());
  read_for(2s);
  ASSERT_TRUE(result_.has_value());
  EXPECT_EQ(*result_, asio::error::operation_aborted);
}

TEST_F(ConnectionDeadlineTest, StoppedItNeverCancels) {
  deadline_->expires_after(20ms);
  deadline_->stop();
  read_for(200ms);
  EXPECT_FALSE(result_.has_value());
  EXPECT_FALSE(deadline_->expired());
  // Data still completes the read normally.
  asio::write(client_, asio::buffer("x", 1));
  io_.restart();
  io_.run_for(2s);
  ASSERT_TRUE(result_.has_value());
  EXPECT_FALSE(*result_);
}

}  // namespace
}  // namespace accountsd::http
