// Server: a Response with a body producer goes out chunked a piece at a time; a producer that
// fails, or a client that does not read, cuts the answer short instead of finishing it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/server.hpp"
#include "support/captured_log.hpp"

namespace accountsd::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

// Counts its live copies in `alive`, so that tests see when the server lets a producer go.
struct Pieces {
  Pieces(int count, int fail_at, std::size_t bytes, std::shared_ptr<std::atomic<int>> alive)
      : count(count), fail_at(fail_at), bytes(bytes), alive(std::move(alive)) {
    ++*this->alive;
  }
  Pieces(Pieces&& other) noexcept
      : count(other.count), fail_at(other.fail_at), bytes(other.bytes), alive(other.alive) {
    ++*alive;
  }
  Pieces& operator=(Pieces&&) = delete;
  ~Pieces() { --*alive; }

  // "<n>:" and then `bytes` filler for piece n; count < 0: no end.
  bool operator()(std::string& piece) {
    if (next == fail_at)
      throw std::runtime_error("the database went away\n[info] forged line\x1b[2J");
    piece = std::to_string(next) + ":" + std::string(bytes, 'x');
    ++next;
    return count < 0 || next < count;
  }

  int count;
  int fail_at;
  std::size_t bytes;
  std::shared_ptr<std::atomic<int>> alive;
  int next = 0;
};

class ServerStreamTest : public ::testing::Test {
 protected:
  // Serves every request with a streamed answer of `pieces`, or a plain "plain" at /plain.
  void serve(int pieces, int fail_at = -1, std::size_t bytes = 3, ServerLimits limits = {}) {
    server_ = std::make_unique<Server>(
        [=, this](Request& request) {
          Response response;
          response.headers.emplace_back("Content-Type", "text/plain");
          if (request.target == "/plain") {
            response.body = "plain";
          } else {
            response.stream = Pieces(pieces, fail_at, bytes, alive_);
          }
          return response;
        },
        limits);
    port_ = server_->listen({asio::ip::make_address("127.0.0.1"), 0}).port();
    server_->start(2);
  }

  void TearDown() override {
    if (server_) server_->stop();
    server_.reset();
  }

  beast::tcp_stream connect() {
    beast::tcp_stream stream(ioc_);
    stream.connect({asio::ip::make_address("127.0.0.1"), port_});
    return stream;
  }

  static void send(beast::tcp_stream& stream, const std::string& target, unsigned version = 11) {
    bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, version};
    request.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(stream, request);
  }

  asio::io_context ioc_;
  std::shared_ptr<std::atomic<int>> alive_ = std::make_shared<std::atomic<int>>(0);
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
};

TEST_F(ServerStreamTest, PiecesGoOutChunkedAndTheConnectionStaysOpen) {
  serve(3);
  auto stream = connect();
  beast::flat_buffer buffer;
  for (int round = 0; round < 2; ++round) {
    send(stream, "/list");
    bhttp::response<bhttp::string_body> response;
    bhttp::read(stream, buffer, response);
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_TRUE(response.chunked());
    EXPECT_EQ(response[bhttp::field::content_length], "");
    EXPECT_EQ(response[bhttp::field::content_type], "text/plain");
    EXPECT_EQ(response.body(), "0:xxx1:xxx2:xxx");
    EXPECT_TRUE(response.keep_alive());
  }
  // A plain answer after streamed ones, on the same connection.
  send(stream, "/plain");
  bhttp::response<bhttp::string_body> plain;
  bhttp::read(stream, buffer, plain);
  EXPECT_EQ(plain.body(), "plain");
  EXPECT_FALSE(plain.chunked());
  EXPECT_EQ(*alive_, 0) << "every producer is gone once its answer is out";
}

// The failure is logged on one line with its controls escaped: its message may quote stored data.
TEST_F(ServerStreamTest, AFailingProducerCutsTheAnswerShortAndIsLogged) {
  testing::CapturedLog log;
  serve(5, 2);
  auto stream = connect();
  send(stream, "/list");
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  boost::system::error_code ec;
  bhttp::read(stream, buffer, parser, ec);
  // The status line and two pieces went out; then the connection ended without the last chunk.
  EXPECT_TRUE(parser.is_header_done());
  EXPECT_EQ(parser.get().result_int(), 200);
  EXPECT_EQ(ec, bhttp::error::partial_message) << ec.message();
  EXPECT_FALSE(parser.is_done());
  EXPECT_EQ(parser.get().body(), "0:xxx1:xxx");

  server_->stop();
  server_.reset();
  auto logged = log.text();
  EXPECT_NE(logged.find("answer cut short: the database went away\\n[info] forged line\\x1b[2J"),
            std::string::npos)
      << logged;
  // No line of its own begins with what the message quoted.
  EXPECT_EQ(logged.find("\n[info] forged"), std::string::npos) << logged;
  EXPECT_EQ(logged.find('\x1b'), std::string::npos);
}

TEST_F(ServerStreamTest, Http10GetsTheBodyUntilTheConnectionCloses) {
  serve(3);
  auto stream = connect();
  send(stream, "/list", 10);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  boost::system::error_code ec;
  bhttp::read(stream, buffer, response, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_FALSE(response.chunked());
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(response.body(), "0:xxx1:xxx2:xxx");
}

TEST_F(ServerStreamTest, AClientThatStopsReadingIsCutOffAtTheStreamTimeout) {
  ServerLimits limits;
  limits.read_timeout = std::chrono::seconds(30);
  limits.stream_timeout = std::chrono::seconds(1);
  // Endless 256 KiB pieces: the socket buffers fill, and the next write waits for the client.
  serve(-1, -1, 256 * 1024, limits);
  auto stream = connect();
  send(stream, "/list");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (*alive_ != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(*alive_, 0) << "the producer (a database snapshot) is let go";
  // What was sent ends without the last chunk.
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(boost::none);
  boost::system::error_code ec;
  bhttp::read(stream, buffer, parser, ec);
  EXPECT_TRUE(ec) << "the answer must not look complete";
  EXPECT_FALSE(parser.is_done());
}

}  // namespace
}  // namespace accountsd::http
