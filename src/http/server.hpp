// The HTTP/1.1 server, plain or over TLS: Beast + Asio C++20 coroutines, an io_context per I/O
// thread, limits, timeouts, keep-alive and graceful shutdown.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/handler_turn.hpp"
#include "http/large_body_places.hpp"
#include "http/limits.hpp"
#include "http/message.hpp"
#include "http/worker_pool.hpp"
#include "unique_function.hpp"

namespace boost::asio::ssl {
class context;
}

namespace accountsd::http {

// Answers one request. It may consume the request: move its body out, or wipe secrets in it.
using RequestHandler = std::function<Response(Request&)>;

// Which route a request's method and raw target reach, and the body that route takes: asked once
// per request, as its headers arrive and before its body is read. Supplied by whoever knows the
// routes, so that the server itself knows none.
using RouteResolver =
    std::function<ResolvedRoute(std::string_view method, std::string_view target)>;

// Told of every answered request as its access-log line is written: its status and how long the
// answer took. Runs on an I/O thread, once per request: it must be quick.
using RequestObserver = std::function<void(const Request& request, int status,
                                           std::chrono::steady_clock::duration elapsed)>;

// Called with a response's durable_ticket; must call `done` exactly once, from any thread: true
// once the change is on disk, false when that could not be ensured.
using DurabilityWaiter =
    std::function<void(std::uint64_t ticket, UniqueFunction<void(bool ok)> done)>;

class Server {
 public:
  Server(RequestHandler handler, ServerLimits limits = {});
  ~Server();

  // Serves TLS with `context` instead of plain HTTP (http::make_tls_context); call before
  // listen().
  void set_tls(std::shared_ptr<boost::asio::ssl::context> context) { tls_ = std::move(context); }
  // Binds and starts listening; returns the bound endpoint (port 0 picks a free one).
  boost::asio::ip::tcp::endpoint listen(const boost::asio::ip::tcp::endpoint& endpoint);
  // Serves on `threads` threads until stop() completes; blocks the caller.
  void run(unsigned threads);
  // Starts the same threads in the background (tests); stop() then joins them.
  void start(unsigned threads);
  // Stops accepting, lets in-flight requests finish, closes idle connections. Thread-safe.
  void stop();
  // Stops on SIGINT or SIGTERM; call before run().
  void stop_on_signals();
  // Holds every response with a durable_ticket until `waiter` confirms it, without blocking an
  // I/O thread meanwhile; call before listen(). Without one, such responses become 500s.
  void set_durability_waiter(DurabilityWaiter waiter) { durability_waiter_ = std::move(waiter); }
  // Takes `turn` before each handler runs: while another holds it, the I/O thread serves other
  // connections instead of blocking on it inside the handler. Call before listen().
  void set_handler_turn(HandlerTurn turn) { handler_turn_ = std::move(turn); }
  // Runs `task` on each I/O thread between handlers, at least every `interval` (for state kept
  // per thread, such as a store's read snapshot); call before start() or run().
  void set_housekeeping(std::function<void()> task, std::chrono::milliseconds interval) {
    housekeeping_ = std::move(task);
    housekeeping_interval_ = interval;
  }
  // Resolves each request's route once (Request::route) and takes its body limit from it; call
  // before listen(). Without one, every body may be ServerLimits::body_bytes.
  void set_route_resolver(RouteResolver resolver) { route_resolver_ = std::move(resolver); }
  // Calls `observer` for every request answered; call before listen().
  void set_request_observer(RequestObserver observer) { request_observer_ = std::move(observer); }
  // Asks `gate` about every request with a large body (beyond ServerLimits::body_bytes) once its
  // headers are in, before the body is read or a large-body place is taken: the request comes
  // with Request::awaiting_body set and no body. 100 lets the body in (and a client that sent
  // Expect: 100-continue is told so then); any other answer is final, and the connection closes
  // after it. So a client that the gate refuses (one without valid credentials) never holds a
  // place that partners' uploads need. The 100 names whom the place is for
  // (Response::large_body_holder), and none holds more than ServerLimits::large_bodies_per_holder.
  // Deferred answers and durable tickets are handled as a handler's. Call before listen().
  void set_body_gate(RequestHandler gate) { body_gate_ = std::move(gate); }
  // Connections open now, idle ones included. Thread-safe.
  std::size_t open_connections();

 private:
  struct Connection;
  template <typename Stream>
  struct StreamConnection;
  boost::asio::awaitable<void> accept_loop();
  // One connection from accept to close: the TLS handshake when Stream is an ssl_stream, then
  // the same request loop for both kinds.
  template <typename Stream>
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket accepted);
  // true once `ticket` is durable; the session's thread serves other connections meanwhile.
  boost::asio::awaitable<bool> wait_durable(std::uint64_t ticket);
  // Returns once the handler turn may be free again (HandlerTurn::when_free); the session's thread
  // serves other connections meanwhile.
  boost::asio::awaitable<bool> wait_turn();
  // What resumes the session that `handler` completes, from any thread, on the session's own
  // executor, counted among the waits ~Server lets finish (server.cpp).
  template <typename Handler>
  auto resumer(Handler handler);
  // How work handed to the worker pool ended.
  enum class Offloaded { done, busy, failed };
  // Runs `work` on the worker pool (taking it) and resumes on the session's executor; `busy`
  // at once when the pool's queue is full, unless the work is `promised`
  // (Request::holds_large_body). The session's thread serves others meanwhile.
  boost::asio::awaitable<Offloaded> offload(UniqueFunction<void()>& work, bool promised);
  // `handler`'s whole answer to `request`: run in a fiber when the limits say so, its deferred
  // steps finished, and any change it made confirmed on disk (else a 500).
  boost::asio::awaitable<Response> respond(const RequestHandler& handler, Request& request);
  // Writes `request`'s access-log line and tells the request observer.
  void log_access(const Request& request, int status,
                  std::chrono::steady_clock::time_point started);
  // The answer of a request whose handler deferred (http::Deferred): its wait, its work on the
  // pool, then the rest on this session's executor.
  boost::asio::awaitable<Response> finish_deferred(std::shared_ptr<Deferred> deferred,
                                                   const Request& request);
  void join();
  // The context of the next connection accepted: each in turn.
  boost::asio::io_context& next_context();

  // Durability waits and worker-pool tasks not completed yet. Each completes by posting to ioc_,
  // so the destructor waits for them before ioc_ goes.
  struct DurabilityWaits {
    std::mutex mutex;
    std::condition_variable none;
    std::atomic<std::size_t> running{0};  // reaches 0 only under `mutex`
  };
  class DurabilityWait;

  RequestHandler handler_;
  ServerLimits limits_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  DurabilityWaiter durability_waiter_;
  HandlerTurn handler_turn_;
  std::function<void()> housekeeping_;
  RouteResolver route_resolver_;
  RequestObserver request_observer_;
  RequestHandler body_gate_;
  std::chrono::milliseconds housekeeping_interval_{0};
  DurabilityWaits durability_waits_;
  // Held by requests with a large body, from their headers until their handler is done. Before the
  // contexts: a session that a context destroys unfinished (after the drain timeout) gives its
  // place back then.
  LargeBodyPlaces large_bodies_;
  // One context per I/O thread, each run by that thread alone: a connection lives on one, so its
  // coroutine needs no strand and a completion never crosses threads. ioc_ is the first, and
  // also holds the acceptor, the signals and the drain timer; start() adds the others.
  boost::asio::io_context ioc_{1};
  std::vector<std::unique_ptr<boost::asio::io_context>> more_contexts_;
  // Keep the added contexts running while they have no connection, until stop().
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> idle_work_;
  std::atomic<std::size_t> next_context_{0};
  // After the contexts: its tasks hold work on them, so it goes first.
  WorkerPool workers_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  std::atomic<std::uint64_t> next_request_{1};
  std::weak_ptr<boost::asio::signal_set> signals_;
  std::shared_ptr<boost::asio::steady_timer> drain_timer_;
};

}  // namespace accountsd::http
