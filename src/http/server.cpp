#include "http/server.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <optional>
#include <type_traits>
#include <utility>

#include "async/in_fiber.hpp"
#include "domain/text.hpp"
#include "http/connection_deadline.hpp"
#include "http/error_response.hpp"
#include "http/request_parser.hpp"

namespace accountsd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

using TlsStream = beast::ssl_stream<tcp::socket>;

// After answering an error the server closes, but first reads and discards what the client is
// still sending, for at most this long and this much: closing a socket with unread input sends a
// reset, which can destroy the response before the client reads it. Also bounds a TLS shutdown.
constexpr std::chrono::seconds kLingerTime{1};
constexpr std::size_t kLingerBytes = 1024 * 1024;

// One client connection, as stop() sees it. `busy` is touched only by the connection's own
// context (one thread).
struct Server::Connection {
  explicit Connection(asio::any_io_executor context) : executor(std::move(context)) {}
  virtual ~Connection() = default;
  // Cancels the pending read or handshake; call on `executor`.
  virtual void cancel() = 0;
  asio::any_io_executor executor;
  bool busy = false;
};

// A connection with its stream: the socket, or a TlsStream over one.
template <typename Stream>
struct Server::StreamConnection final : Server::Connection {
  StreamConnection(tcp::socket socket, asio::ssl::context* tls)
      : Connection(socket.get_executor()),
        stream(make(std::move(socket), tls)),
        deadline(std::make_shared<ConnectionDeadline>(beast::get_lowest_layer(stream))) {}
  void cancel() override {
    boost::system::error_code ignored;  // already closed: nothing to cancel
    beast::get_lowest_layer(stream).cancel(ignored);
  }
  static Stream make(tcp::socket socket, asio::ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, TlsStream>)
      return Stream(std::move(socket), *tls);
    else
      return Stream(std::move(socket));
  }
  Stream stream;
  std::shared_ptr<ConnectionDeadline> deadline;
};

namespace {

// "%08x-%06llx" of the boot stamp and `n`, without printf's format parsing on every request.
std::string new_request_id(std::uint64_t n) {
  static const std::uint32_t boot =
      static_cast<std::uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  constexpr char kHex[] = "0123456789abcdef";
  char out[8 + 1 + 16];
  for (int i = 7; i >= 0; --i) out[7 - i] = kHex[(boot >> (4 * i)) & 0xf];
  out[8] = '-';
  int digits = 6;  // at least six, as %06llx
  while (digits < 16 && (n >> (4 * digits)) != 0) ++digits;
  for (int i = 0; i < digits; ++i) out[9 + i] = kHex[(n >> (4 * (digits - 1 - i))) & 0xf];
  return std::string(out, std::size_t(9 + digits));
}

// The request's id: the client's own X-Request-Id when it is sane (1 to 128 visible ASCII
// characters, so that it stays one word of the access log), otherwise a new one.
std::string request_id_for(std::string_view sent, std::uint64_t n) {
  constexpr std::size_t kMaxSent = 128;
  bool sane = !sent.empty() && sent.size() <= kMaxSent &&
              std::all_of(sent.begin(), sent.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  return sane ? std::string(sent) : new_request_id(n);
}

// The status line and headers of `response`, as every kind of body sends them.
template <typename Body>
bhttp::response<Body> beast_head(const Response& response, unsigned version) {
  bhttp::response<Body> out{static_cast<bhttp::status>(response.status), version};
  out.set(bhttp::field::server, "accountsd");
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  return out;
}

bhttp::response<bhttp::string_body> to_beast(Response&& response, unsigned version,
                                             bool keep_alive) {
  auto out = beast_head<bhttp::string_body>(response, version);
  out.body() = std::move(response.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

// An error the server itself answers before any handler runs (limits, malformed requests),
// worded by the one error mapping like every other, under the request id it was given.
Response early_error(const Error& error, const std::string& request_id) {
  auto response = error_response(error, request_id);
  response.headers.emplace_back("X-Request-Id", request_id);
  return response;
}

std::string too_large(std::size_t limit) {
  return "request body is larger than " + std::to_string(limit) + " bytes";
}

// What the access log and the request observer name a request that reached no route by.
constexpr std::string_view kUnmatched = "(unmatched)";

// One access-log line: the route's template, not the path sent (a path holds partners'
// usernames and ids), and "-" for a method that never parsed.
void write_access_line(std::string_view method, const RouteMatch* route, int status,
                       std::chrono::steady_clock::duration elapsed, const std::string& request_id,
                       const std::string& peer) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  auto route_name = route && route->found() ? std::string_view(route->pattern) : kUnmatched;
  spdlog::info("{} {} {} {}.{:03}ms id={} peer={}", method.empty() ? "-" : method, route_name,
               status, micros / 1000, micros % 1000, request_id, peer);
}

// How long a client refused a large-body place is asked to wait.
constexpr std::chrono::seconds kLargeBodyRetryAfter{5};

// The 503 of a request refused a large-body place: the reason says whether the caller's own
// uploads are what fills its share, since waiting for others' to end would not help then.
Error no_large_body_place(LargeBodyPlaces::Refusal refusal, std::size_t per_holder) {
  std::string reason = "too many large uploads in progress; try again in a few seconds";
  if (refusal == LargeBodyPlaces::Refusal::holder_at_limit) {
    reason = "this partner already has " + std::to_string(per_holder) + " large upload" +
             (per_holder == 1 ? "" : "s") + " in progress; try again in a few seconds";
  }
  Error busy(ErrorKind::unavailable, reason);
  busy.retry_after = kLargeBodyRetryAfter.count();
  return busy;
}

// Resumes a session waiting for durability or for the worker pool: posts its completion to the
// session's executor, whose io_context is kept from running out of work until then. Members die
// bottom-up: the handler, then the work-tracking executor, then `counted`, after which ~Server
// may go on.
template <typename Handler, typename Counted>
struct ResumeSession {
  Counted counted;
  asio::any_io_executor work;
  Handler handler;

  template <typename Result>
  void operator()(Result result) {
    asio::post(work,
               [handler = std::move(handler), result]() mutable { std::move(handler)(result); });
  }
};

// Writes `response`, whose body comes from response.stream, chunked, a piece at a time, each
// produced once the previous one is written: only one piece is in memory at a time. True when
// the connection may serve another request. False when it must close: the client did not read
// in time, or the producer failed, and then the client sees the answer cut short (no last
// chunk), never a complete-looking one. HTTP/1.0 has no chunks: its body ends with the
// connection, so a cut there looks like an end.
template <typename Stream>
asio::awaitable<bool> write_streamed(Stream& stream, ConnectionDeadline& connection_deadline,
                                     Response response, unsigned version, bool keep_alive,
                                     const ServerLimits& limits, const std::string& request_id) {
  bhttp::response<bhttp::buffer_body> message{static_cast<bhttp::status>(response.status), version};
  message.set(bhttp::field::server, "accountsd");
  for (auto& [name, value] : response.headers) message.insert(name, value);
  const bool chunked = version >= 11;
  message.keep_alive(keep_alive && chunked);
  message.chunked(chunked);
  bhttp::response_serializer<bhttp::buffer_body> serializer(message);
  const auto deadline = std::chrono::steady_clock::now() + limits.stream_timeout;
  std::string piece;
  for (bool more = true; more;) {
    piece.clear();
    bool failed = false;
    try {
      if (limits.fibers) {
        UniqueFunction<bool()> produce = [&] { return response.stream(piece); };
        more = co_await async::in_fiber<bool>(std::move(produce));
      } else {
        more = response.stream(piece);
      }
    } catch (const std::exception& e) {
      spdlog::error("request {}: answer cut short: {}", request_id,
                    domain::escape_controls(e.what()));
      failed = true;
    }
    if (failed) co_return false;
    message.body().data = piece.data();
    message.body().size = piece.size();
    message.body().more = more;
    connection_deadline.expires_within(limits.read_timeout, deadline);
    // The header goes with the first piece; need_buffer: this piece is out, the next one wanted.
    auto [ec, sent] = co_await bhttp::async_write(stream, serializer, use_tuple);
    if (ec && ec != bhttp::error::need_buffer) {
      if (connection_deadline.expired())
        spdlog::warn("request {}: answer cut short: the client took too long", request_id);
      co_return false;
    }
  }
  co_return message.keep_alive();
}

// How long a client refused because the worker pool's queue is full is asked to wait.
constexpr std::chrono::seconds kWorkersBusyRetryAfter{2};

// Half the cores, at least one: the other half stays for the I/O threads.
std::size_t worker_threads(std::size_t configured) {
  if (configured != 0) return configured;
  return std::max(1u, std::thread::hardware_concurrency() / 2);
}

// Answers what a handler threw: an Error as mapped, anything else as a logged 500.
template <typename F>
Response answer(F&& handler, const std::string& request_id) {
  try {
    return handler();
  } catch (const std::exception& e) {
    spdlog::error("request {} failed: {}", request_id, domain::escape_controls(e.what()));
    return error_response(Error(ErrorKind::internal, e.what()), request_id);
  }
}

}  // namespace

// Counts one durability wait as running for as long as it lives.
class Server::DurabilityWait {
 public:
  explicit DurabilityWait(DurabilityWaits& waits) : waits_(&waits) {
    waits_->running.fetch_add(1, std::memory_order_relaxed);
  }
  DurabilityWait(DurabilityWait&& other) noexcept : waits_(std::exchange(other.waits_, nullptr)) {}
  DurabilityWait& operator=(DurabilityWait&&) = delete;
  ~DurabilityWait() {
    if (!waits_) return;
    // Without the lock while others still run: every write's wait ends here, on the WAL
    // syncer's thread, which would otherwise contend with the I/O threads for it.
    auto running = waits_->running.load(std::memory_order_relaxed);
    while (running > 1) {
      if (waits_->running.compare_exchange_weak(running, running - 1, std::memory_order_acq_rel))
        return;
    }
    // Perhaps the last: counted down and notified under the lock, since once `running` is 0 the
    // destructor may free `waits_` right away.
    std::lock_guard lock(waits_->mutex);
    if (waits_->running.fetch_sub(1, std::memory_order_acq_rel) == 1) waits_->none.notify_all();
  }

 private:
  DurabilityWaits* waits_;
};

Server::Server(RequestHandler handler, ServerLimits limits)
    : handler_(std::move(handler)),
      limits_(limits),
      large_bodies_(limits.large_bodies, limits.large_bodies_per_holder),
      workers_(worker_threads(limits.worker_threads), limits.worker_queue),
      acceptor_(ioc_) {}

Server::~Server() {
  stop();
  join();
  std::unique_lock lock(durability_waits_.mutex);
  durability_waits_.none.wait(lock, [this] { return durability_waits_.running.load() == 0; });
}

template <typename Handler>
auto Server::resumer(Handler handler) {
  // The session's context: the completion must not run the session on the waiter's thread.
  asio::any_io_executor session = asio::get_associated_executor(handler);
  return ResumeSession<Handler, DurabilityWait>{
      DurabilityWait(durability_waits_),
      asio::prefer(session, asio::execution::outstanding_work.tracked), std::move(handler)};
}

// Not a coroutine itself: g++ 12 destroys a temporary lambda in a co_await expression twice,
// and the initiation below would be one (it broke a strand's reference count).
asio::awaitable<bool> Server::wait_durable(std::uint64_t ticket) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(bool)>(
      [this, ticket](auto handler) { durability_waiter_(ticket, resumer(std::move(handler))); },
      asio::use_awaitable);
}

// Not a coroutine either, for the same reason as wait_durable.
asio::awaitable<bool> Server::wait_turn() {
  return asio::async_initiate<decltype(asio::use_awaitable), void(bool)>(
      [this](auto handler) {
        handler_turn_.when_free([resume = resumer(std::move(handler))]() mutable { resume(true); });
      },
      asio::use_awaitable);
}

// Not a coroutine either, for the same reason as wait_durable.
asio::awaitable<Server::Offloaded> Server::offload(UniqueFunction<void()>& work, bool promised) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(Offloaded)>(
      [this, &work, promised](auto handler) {
        // Shared by the task and this function, which resumes the session itself when the
        // queue refuses the task.
        using Resume = ResumeSession<decltype(handler), DurabilityWait>;
        auto resume = std::make_shared<Resume>(resumer(std::move(handler)));
        WorkerPool::Task task = [work = std::move(work), resume]() mutable {
          auto outcome = Offloaded::done;
          try {
            work();
          } catch (const std::exception& e) {
            spdlog::error("work on the worker pool failed: {}", domain::escape_controls(e.what()));
            outcome = Offloaded::failed;
          }
          (*resume)(outcome);
        };
        if (promised)
          workers_.post(std::move(task));
        else if (!workers_.try_post(task))
          (*resume)(Offloaded::busy);
      },
      asio::use_awaitable);
}

asio::awaitable<Response> Server::finish_deferred(std::shared_ptr<Deferred> deferred,
                                                  const Request& request) {
  const std::string& request_id = request.request_id;
  if (deferred->delay.count() > 0) {
    // On a timer: the thread serves other connections meanwhile.
    asio::steady_timer timer(co_await asio::this_coro::executor, deferred->delay);
    co_await timer.async_wait(use_tuple);
  }
  if (deferred->work) {
    auto outcome = co_await offload(deferred->work, request.holds_large_body);
    if (outcome == Offloaded::busy) {
      Error busy(ErrorKind::unavailable,
                 "the server is busy checking passwords; try again in a few seconds");
      busy.retry_after = kWorkersBusyRetryAfter.count();
      co_return error_response(busy, request_id);
    }
    if (outcome == Offloaded::failed)
      co_return error_response(Error(ErrorKind::internal, "internal error"), request_id);
  }
  if (!limits_.fibers) co_return answer(deferred->then, request_id);
  UniqueFunction<Response()> then = [&] { return answer(deferred->then, request_id); };
  co_return co_await async::in_fiber<Response>(std::move(then));
}

asio::awaitable<Response> Server::respond(const RequestHandler& handler, Request& request) {
  Response response;
  if (limits_.fibers) {
    UniqueFunction<Response()> call = [&] {
      return answer([&] { return handler(request); }, request.request_id);
    };
    response = co_await async::in_fiber<Response>(std::move(call));
  } else {
    if (handler_turn_.try_take) {
      while (!handler_turn_.try_take(request)) co_await wait_turn();
    }
    response = answer([&] { return handler(request); }, request.request_id);
    if (handler_turn_.give_back) handler_turn_.give_back(request);
  }
  // Costly work (Argon2id) goes to the worker pool, never runs on this thread; a change made
  // by any step must be durable before the final answer goes out.
  std::uint64_t ticket = response.durable_ticket;
  while (response.deferred) {
    response = co_await finish_deferred(std::move(response.deferred), request);
    ticket = std::max(ticket, response.durable_ticket);
  }
  response.durable_ticket = ticket;
  // A change is acknowledged only once it is on disk. Other requests, on this thread too, go
  // on meanwhile, and their commits share the same sync.
  if (response.durable_ticket != 0) {
    // No waiter to ask: the change cannot be confirmed, so it is not acknowledged either.
    bool durable = false;
    if (durability_waiter_) durable = co_await wait_durable(response.durable_ticket);
    if (!durable) {
      spdlog::error("request {}: committed, but not confirmed on disk", request.request_id);
      response =
          error_response(Error(ErrorKind::unconfirmed, "the change could not be confirmed on disk"),
                         request.request_id);
    }
  }
  co_return response;
}

void Server::log_access(const Request& request, int status,
                        std::chrono::steady_clock::time_point started) {
  auto elapsed = std::chrono::steady_clock::now() - started;
  write_access_line(request.method, request.route ? &*request.route : nullptr, status, elapsed,
                    request.request_id, request.peer_text);
  if (request_observer_) request_observer_(request, status, elapsed);
}

tcp::endpoint Server::listen(const tcp::endpoint& endpoint) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
  return acceptor_.local_endpoint();
}

std::size_t Server::open_connections() {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void Server::stop_on_signals() {
  auto signals = std::make_shared<asio::signal_set>(ioc_, SIGINT, SIGTERM);
  signals->async_wait([this, signals](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}; finishing in-flight requests", signal);
    stop();
  });
  // stop() must be able to cancel the wait, or the io_context would never run out of work.
  signals_ = signals;
}

void Server::start(unsigned threads) {
  threads = std::max(1u, threads);
  {
    std::lock_guard lock(mutex_);
    while (more_contexts_.size() + 1 < threads) {
      more_contexts_.push_back(std::make_unique<asio::io_context>(1));
      if (!stopping_) idle_work_.push_back(asio::make_work_guard(*more_contexts_.back()));
    }
  }
  for (unsigned i = 0; i < threads; ++i) {
    auto& context = i == 0 ? ioc_ : *more_contexts_[i - 1];
    threads_.emplace_back([this, &context] {
      if (!housekeeping_) {
        context.run();
        return;
      }
      // run_for returns once the interval is over, busy or idle, and when the context stops.
      while (!context.stopped()) {
        context.run_for(housekeeping_interval_);
        housekeeping_();
      }
    });
  }
}

asio::io_context& Server::next_context() {
  auto n = next_context_.fetch_add(1, std::memory_order_relaxed) % (more_contexts_.size() + 1);
  return n == 0 ? ioc_ : *more_contexts_[n - 1];
}

void Server::run(unsigned threads) {
  start(threads);
  join();
}

void Server::join() {
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
  threads_.clear();
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  if (auto signals = signals_.lock()) {
    asio::post(ioc_, [signals] {
      boost::system::error_code ignored;
      signals->cancel(ignored);
    });
  }
  std::lock_guard lock(mutex_);
  // The added contexts then end once their connections have.
  idle_work_.clear();
  for (auto& [raw, weak] : connections_) {
    if (auto connection = weak.lock()) {
      // Idle connections are waiting for a request: cancel that read. Busy ones finish first.
      asio::post(connection->executor, [connection] {
        if (!connection->busy) connection->cancel();
      });
    }
  }
  if (!connections_.empty()) {
    drain_timer_ = std::make_shared<asio::steady_timer>(ioc_, limits_.drain_timeout);
    drain_timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      spdlog::warn("connections still open after the drain timeout; stopping anyway");
      ioc_.stop();
      for (auto& context : more_contexts_) context->stop();
    });
  }
}

asio::awaitable<void> Server::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(next_context(), use_tuple);
    if (stopping_ || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    auto executor = socket.get_executor();
    if (tls_)
      asio::co_spawn(executor, session<TlsStream>(std::move(socket)), asio::detached);
    else
      asio::co_spawn(executor, session<tcp::socket>(std::move(socket)), asio::detached);
  }
}

template <typename Stream>
asio::awaitable<void> Server::session(tcp::socket accepted) {
  constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  auto connection = std::make_shared<StreamConnection<Stream>>(std::move(accepted), tls_.get());
  {
    std::lock_guard lock(mutex_);
    connections_.emplace(connection.get(), connection);
  }
  auto& stream = connection->stream;
  auto& socket = beast::get_lowest_layer(stream);
  auto& deadline = *connection->deadline;
  boost::system::error_code peer_ec;
  auto peer = socket.remote_endpoint(peer_ec).address();
  // Once per connection: every request's log line and throttle key use it.
  const std::string peer_text = peer.to_string();
  beast::flat_buffer buffer;
  // Whether the client may still be sending when the connection closes (see kLingerTime).
  bool linger = false;

  // Writes `response`; false when the connection must close afterwards. `head`: the answer to a
  // HEAD, whose headers (Content-Length too) are the GET's, and which has no body.
  auto reply = [&](Response response, unsigned version, bool keep_alive,
                   bool head = false) -> asio::awaitable<bool> {
    deadline.expires_after(limits_.read_timeout);
    if (auto shared = std::move(response.shared_body)) {
      // Sent from the shared text itself, which `shared` keeps alive until written.
      auto message = beast_head<bhttp::span_body<const char>>(response, version);
      message.body() = {shared->data(), shared->size()};
      message.keep_alive(keep_alive && !stopping_);
      message.prepare_payload();
      if (head) message.body() = {};
      auto [ec, sent] = co_await bhttp::async_write(stream, message, use_tuple);
      co_return !ec && message.keep_alive();
    }
    auto message = to_beast(std::move(response), version, keep_alive && !stopping_);
    if (head) message.body().clear();
    auto [ec, sent] = co_await bhttp::async_write(stream, message, use_tuple);
    co_return !ec && message.keep_alive();
  };

  // False for a TLS connection without a session: handshake failed, or none since stopping.
  bool open = true;
  if constexpr (kTls) {
    // Accepted as stop() began, maybe too late for it to cancel: not worth a handshake then.
    open = !stopping_;
    if (open) {
      // Bounded like a request: a client that never finishes its handshake is dropped.
      deadline.expires_after(limits_.read_timeout);
      auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
      if (ec) {
        // Plain HTTP on the TLS port, scanners, timeouts: nothing to answer, nothing to keep.
        spdlog::debug("TLS handshake with {} failed: {}", peer.to_string(), ec.message());
        open = false;
      }
    }
  }

  while (open && !stopping_) {
    BeastParser parser;
    apply_limits(parser, limits_);
    // The request's id: the client's, if its headers came, else a new one. Decided before the body
    // when a body gate saw the request; otherwise when the request is answered.
    std::string request_id;
    auto early_id = [&] {
      return !request_id.empty() ? request_id
                                 : request_id_for(parser.get()["X-Request-Id"], next_request_++);
    };
    // The body limit depends on the route, known once the headers are in (admit_body).
    parser.body_limit(boost::none);
    deadline.expires_after(limits_.read_timeout);
    auto [ec, read] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    connection->busy = true;
    // Answers that the server writes itself speak the request's HTTP version when it is known
    // (the parser's default, 1.1, when the request line never parsed).
    const unsigned version = parser.get().version() == 10 ? 10 : 11;
    // Held from the headers until the handler is done with the body: the body and the
    // handler's copies of it all live within that span.
    std::optional<LargeBodyPlaces::Place> large;
    // When a large body must be whole (ServerLimits::large_body_timeout).
    std::chrono::steady_clock::time_point large_body_due;
    std::size_t body_limit = limits_.body_bytes;
    // Routed once, here: the handler finds the route on the request.
    std::optional<ResolvedRoute> route;
    const auto headers_in = std::chrono::steady_clock::now();
    // Answers `error` itself, before any handler runs, on a connection that then closes, and logs
    // it like any answer (the metrics do not count it: no route took it).
    auto refuse = [&](Error error) -> asio::awaitable<void> {
      auto id = early_id();
      auto response = early_error(error, id);
      const int status = response.status;
      co_await reply(std::move(response), version, false);
      write_access_line(parser.get().method_string(), route ? &route->match : nullptr, status,
                        std::chrono::steady_clock::now() - headers_in, id, peer_text);
    };
    if (!ec) {
      if (route_resolver_)
        route = route_resolver_(parser.get().method_string(), parser.get().target());
      auto admission = admit_body(parser, limits_, route ? route->body_limit : std::nullopt);
      body_limit = admission.limit;
      if (admission.too_large) {
        co_await refuse(Error(ErrorKind::payload_too_large, too_large(body_limit)));
        linger = true;
        break;
      }
      // Whom the gate admits a large body for; never logged.
      std::string holder;
      if (admission.large && body_gate_) {
        // Asked before a place is taken or the body read: a refused client holds neither.
        Request head = to_request(parser.get(), peer, early_id());
        head.peer_text = peer_text;
        if (route) head.route = route->match;
        head.awaiting_body = true;
        auto gate_started = std::chrono::steady_clock::now();
        auto verdict = co_await respond(body_gate_, head);
        if (verdict.status != 100) {
          log_access(head, verdict.status, gate_started);
          verdict.headers.emplace_back("X-Request-Id", head.request_id);
          co_await reply(std::move(verdict), version, false);
          linger = true;
          break;
        }
        // The rest of the request goes on under the id the gate saw, whatever answers it.
        request_id = std::move(head.request_id);
        holder = std::move(verdict.large_body_holder);
      }
      if (admission.large) {
        large.emplace(large_bodies_, std::move(holder));
        if (!large->held()) {
          co_await refuse(no_large_body_place(large->refusal(), large_bodies_.per_holder()));
          linger = true;
          break;
        }
        large_body_due = std::chrono::steady_clock::now() + limits_.large_body_timeout;
        deadline.expires_at(large_body_due);
      }
    }
    if (!ec && parser.get()[bhttp::field::expect] == "100-continue") {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
      auto [wec, wn] = co_await bhttp::async_write(stream, go_on, use_tuple);
      ec = wec;
    }
    // Most requests have no body, or all of it came with the headers: no second read then.
    if (!ec && !parser.is_done() && !large) {
      std::tie(ec, read) = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    } else if (!ec && !parser.is_done()) {
      // A large body has large_body_timeout in all, but must keep coming: a client that stops
      // sending gives its place (and its partner's share) back after read_timeout, not at the
      // end of the whole allowance.
      while (!ec && !parser.is_done()) {
        deadline.expires_within(limits_.read_timeout, large_body_due);
        std::size_t piece = 0;
        std::tie(ec, piece) = co_await bhttp::async_read_some(stream, buffer, parser, use_tuple);
        read += piece;
      }
      if (ec && deadline.expired())
        spdlog::warn(
            "request {}: a large body stopped arriving ({} s without a byte, or not whole "
            "within {} s); the connection is closed",
            early_id(), limits_.read_timeout.count(), limits_.large_body_timeout.count());
    }
    if (ec == bhttp::error::body_limit) {
      // A chunked body that grew past its limit.
      co_await refuse(Error(ErrorKind::payload_too_large, too_large(body_limit)));
      linger = true;
      break;
    }
    if (ec == bhttp::error::header_limit) {
      co_await refuse(Error(ErrorKind::header_too_large, "request headers are too large"));
      linger = true;
      break;
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      break;
    }
    if (ec) {
      // A request Beast could not parse gets a 400 before closing; network errors just close.
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
        co_await refuse(Error(ErrorKind::bad_request, "malformed HTTP request: " + ec.message()));
        linger = true;
      } else {
        spdlog::debug("connection from {} failed: {}", peer.to_string(), ec.message());
      }
      break;
    }

    auto& message = parser.get();
    Request request = to_request(message, peer, early_id());
    request.peer_text = peer_text;
    request.holds_large_body = large.has_value();
    if (route) request.route = std::move(route->match);

    auto started = std::chrono::steady_clock::now();
    Response response = co_await respond(handler_, request);
    response.headers.emplace_back("X-Request-Id", request.request_id);
    const bool head = request.method == "HEAD";
    // No route streams a HEAD's answer; were one to, its headers would go without a body.
    if (head) response.stream = BodyProducer();
    // A streamed answer is logged once it has all gone out, with the time that took.
    if (!response.stream) log_access(request, response.status, started);
    // Done with the body: free it, and the large-body place, before a slow client reads the
    // response.
    std::string().swap(request.body);
    large.reset();
    // Nor need its bytes (credentials, card numbers) linger in the read buffer until later
    // requests overwrite them: zero all of it but what is still unread. Taking every spare byte
    // moves the unread ones to the front first, so the zeroed room covers the rest.
    auto spare = buffer.prepare(buffer.capacity() - buffer.size());
    sodium_memzero(spare.data(), spare.size());
    bool keep = false;
    if (response.stream) {
      const int status = response.status;
      keep =
          co_await write_streamed(stream, deadline, std::move(response), message.version(),
                                  message.keep_alive() && !stopping_, limits_, request.request_id);
      log_access(request, status, started);
    } else {
      keep = co_await reply(std::move(response), message.version(), message.keep_alive(), head);
    }
    connection->busy = false;
    if (!keep) break;
  }

  if constexpr (kTls) {
    // close_notify, and the client's in return; a client that just closes TCP (truncation) or
    // never answers is no error worth reporting.
    if (open) {
      deadline.expires_after(kLingerTime);
      co_await stream.async_shutdown(use_tuple);
    }
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  if (linger) {
    // The response is on its way; read and drop the rest of the client's request meanwhile.
    deadline.expires_after(kLingerTime);
    std::array<char, 16 * 1024> discard;
    for (std::size_t drained = 0; drained < kLingerBytes;) {
      auto [ec, n] = co_await socket.async_read_some(asio::buffer(discard), use_tuple);
      if (ec) break;
      drained += n;
    }
  }
  deadline.stop();
  socket.close(ignored);
  std::lock_guard lock(mutex_);
  connections_.erase(connection.get());
  if (stopping_ && connections_.empty() && drain_timer_) {
    asio::post(ioc_, [timer = drain_timer_] { timer->cancel(); });
  }
}

}  // namespace accountsd::http
