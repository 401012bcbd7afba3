// The ceiling for bench/run: a bare Boost.Beast server answering every request with /ping's JSON,
// or, for a target that ends with /page or /object, with a fixed body the size of a list page or
// of one user.
//
//   accountsd_bare [--listen HOST:PORT] [--threads N]   (defaults 127.0.0.1:8080, 0 = every core)
//
// It parses each request in full, as accountsd does, but has no routing, logging, database or
// limits beyond Beast's defaults: the most any endpoint of accountsd can do on this machine, and
// with /page the most a list page of 100 users can do (the kernel and wrk move its bytes too).
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// What GET /apis/accounts/v1/ping answers (src/api/ping.cpp), with the same headers, so that the
// two write the same bytes.
constexpr std::string_view kBody = R"("pong")";

// About what /users/?limit=100 and /shares/?limit=100 answer on the bench's data sets (41-44 KB):
// a JSON array of 100 strings of 430 characters.
std::string page_body() {
  std::string body = "[";
  for (int i = 0; i < 100; ++i) body += (i ? ",\"" : "\"") + std::string(430, 'x') + "\"";
  return body + "]";
}

// About what /users/{email} answers on the bench's data sets (390 bytes): a JSON string.
std::string object_body() {
  return "\"" + std::string(388, 'x') + "\"";
}

// One connection: answers its requests one after another until the client closes or an error.
// Every read is a full parse of a new request; the buffer and the response are reused.
asio::awaitable<void> session(tcp::socket socket) {
  boost::system::error_code ignored;
  // Like accountsd's (beast::tcp_stream), and what a request-response client wants.
  socket.set_option(tcp::no_delay(true), ignored);
  boost::beast::flat_buffer buffer;
  auto make = [](std::string body) {
    bhttp::response<bhttp::string_body> response{bhttp::status::ok, 11};
    response.set(bhttp::field::server, "accountsd");
    response.set(bhttp::field::content_type, "application/json; charset=utf-8");
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
  };
  auto pong = make(std::string(kBody));
  auto page = make(page_body());
  auto object = make(object_body());
  for (;;) {
    bhttp::request<bhttp::string_body> request;
    auto [read_error, read] = co_await bhttp::async_read(socket, buffer, request, use_tuple);
    if (read_error) break;
    auto target = request.target();
    auto& response = target.ends_with("/page") ? page : target.ends_with("/object") ? object : pong;
    // Only the version and Connection follow the request; both stay put on a keep-alive run.
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    auto [write_error, written] = co_await bhttp::async_write(socket, response, use_tuple);
    if (write_error || !response.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

// Accepts connections and gives each its own coroutine. A connection has at most one operation
// pending, so it needs no strand even with several threads on the context.
asio::awaitable<void> listen(tcp::acceptor& acceptor) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(use_tuple);
    if (error == asio::error::operation_aborted) co_return;
    if (error) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
  }
}

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 0;
};

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

// --listen HOST:PORT (an IPv6 host in brackets) and --threads N; false on anything else.
bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i], value = argv[i + 1];
    if (flag == "--threads") {
      if (!parse_number(value, options.threads)) return false;
    } else if (flag == "--listen") {
      auto colon = value.rfind(':');
      if (colon == std::string_view::npos || !parse_number(value.substr(colon + 1), options.port))
        return false;
      auto host = value.substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
      options.host = host;
    } else {
      return false;
    }
  }
  return argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    std::fprintf(stderr, "usage: %s [--listen HOST:PORT] [--threads N]\n", argv[0]);
    return 2;
  }
  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, threads);
  try {
    asio::io_context ioc(static_cast<int>(threads));
    tcp::acceptor acceptor(ioc, {asio::ip::make_address(options.host), options.port});
    asio::co_spawn(ioc, listen(acceptor), asio::detached);
    // bench/run stops it with SIGTERM; stopping the context ends every thread.
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& thread : pool) thread.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "accountsd_bare: %s\n", e.what());
    return 1;
  }
  return 0;
}
