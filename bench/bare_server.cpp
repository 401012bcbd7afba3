// The ceiling for bench/run: a bare Boost.Beast server answering every request with /ping's JSON,
// or, for a target that ends with /page or /object, with a fixed body the size of a list page or
// of one user; for one that ends with /durable, only once the request's body is on disk.
//
//   accountsd_bare [--listen HOST:PORT] [--threads N] [--journal PATH]
//   (defaults 127.0.0.1:8080, 0 = every core, and no journal: /durable answers 404)
//
// It parses each request in full, as accountsd does, but has no routing, logging, database or
// limits beyond Beast's defaults: the most any endpoint of accountsd can do on this machine, and
// with /page the most a list page of 100 users can do (the kernel and wrk move its bytes too).
// With /durable, the most a durable write can do: its body is written to the journal file and
// the answer waits for an fdatasync that covers it, one sync for every body written meanwhile
// (group commit, as accountsd's WAL syncer does), and nothing else is written.
#include <fcntl.h>
#include <unistd.h>
#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
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

// The file that /durable writes to, and the thread that syncs it. A body is written as it
// arrives and counted; the syncer's thread then fdatasyncs the file for every body written before
// the sync began, and completes their waits.
//
// The file is made at its full size (4 MB, what accountsd's WAL holds between checkpoints, 1000
// pages) and written round and round in place, as SQLite's WAL is once a checkpoint lets it start
// again from the front: a sync then has only data to flush. Appending would grow the file with
// every body, and each sync would write the file's new size too: on this machine's ext4 that
// costs a sync 35-70 % more CPU (124 us against 72-92, 8 KB writes in a loop), which accountsd's
// writes do not pay.
class Journal {
 public:
  static constexpr off_t kSize = 4 << 20;

  explicit Journal(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) {
    if (fd_ < 0) throw std::system_error(errno, std::system_category(), "opening " + path);
    // Real zeros, not fallocate: a write into an unwritten extent changes metadata at its sync.
    std::string zeros(1 << 16, '\0');
    for (off_t at = 0; at < kSize; at += static_cast<off_t>(zeros.size())) {
      if (::pwrite(fd_, zeros.data(), zeros.size(), at) != static_cast<ssize_t>(zeros.size()))
        throw std::system_error(errno, std::system_category(), "filling " + path);
    }
    if (::fsync(fd_) != 0)
      throw std::system_error(errno, std::system_category(), "syncing " + path);
    syncer_ = std::thread([this] { run(); });
  }
  ~Journal() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    syncer_.join();
    ::close(fd_);
  }
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Writes `body` and a newline at the next place in the file (from the front again when they
  // would pass its end); calls `done` (on the syncer's thread) once they are on disk, with false
  // when the write or the sync failed.
  void append(const std::string& body, std::function<void(bool)> done) {
    std::unique_lock lock(mutex_);
    std::string record = body + '\n';
    auto size = static_cast<off_t>(record.size());
    if (offset_ + size > kSize) offset_ = 0;
    bool ok = size <= kSize && ::pwrite(fd_, record.data(), record.size(), offset_) == size;
    if (!ok) {
      lock.unlock();
      done(false);
      return;
    }
    offset_ += size;
    waiting_.push_back(std::move(done));
    wake_.notify_one();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;
      // Every body in `batch` was written before the sync starts.
      auto batch = std::exchange(waiting_, {});
      lock.unlock();
      bool ok = ::fdatasync(fd_) == 0;
      for (auto& done : batch) done(ok);
      lock.lock();
    }
  }

  int fd_;
  off_t offset_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::function<void(bool)>> waiting_;
  bool stopping_ = false;
  std::thread syncer_;
};

// Resumes the calling coroutine on its own executor once `journal` has `body` on disk.
auto append_durably(Journal& journal, const std::string& body) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(bool)>(
      [&journal, &body](auto handler) {
        auto executor = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        journal.append(body, [executor, shared](bool ok) {
          asio::post(executor, [shared, ok] { std::move (*shared)(ok); });
        });
      },
      asio::use_awaitable);
}

// One connection: answers its requests one after another until the client closes or an error.
// Every read is a full parse of a new request; the buffer and the response are reused.
asio::awaitable<void> session(tcp::socket socket, Journal* journal) {
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
  auto missing = make(R"({"error":"not_found","message":"no journal"})");
  missing.result(bhttp::status::not_found);
  auto failed = make(R"({"error":"internal","message":"the journal failed"})");
  failed.result(bhttp::status::internal_server_error);
  for (;;) {
    bhttp::request<bhttp::string_body> request;
    auto [read_error, read] = co_await bhttp::async_read(socket, buffer, request, use_tuple);
    if (read_error) break;
    auto target = request.target();
    auto* response = target.ends_with("/page")     ? &page
                     : target.ends_with("/object") ? &object
                                                   : &pong;
    if (target.ends_with("/durable")) {
      response = journal ? &pong : &missing;
      if (journal && !co_await append_durably(*journal, request.body())) response = &failed;
    }
    // Only the version and Connection follow the request; both stay put on a keep-alive run.
    response->version(request.version());
    response->keep_alive(request.keep_alive());
    auto [write_error, written] = co_await bhttp::async_write(socket, *response, use_tuple);
    if (write_error || !response->keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

// Accepts connections and gives each its own coroutine. A connection has at most one operation
// pending, so it needs no strand even with several threads on the context.
asio::awaitable<void> listen(tcp::acceptor& acceptor, Journal* journal) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(use_tuple);
    if (error == asio::error::operation_aborted) co_return;
    if (error) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket), journal), asio::detached);
  }
}

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 0;
  std::string journal;
};

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

// --listen HOST:PORT (an IPv6 host in brackets), --threads N and --journal PATH; false on
// anything else.
bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i], value = argv[i + 1];
    if (flag == "--threads") {
      if (!parse_number(value, options.threads)) return false;
    } else if (flag == "--journal") {
      options.journal = value;
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
    std::fprintf(stderr, "usage: %s [--listen HOST:PORT] [--threads N] [--journal PATH]\n",
                 argv[0]);
    return 2;
  }
  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, threads);
  try {
    asio::io_context ioc(static_cast<int>(threads));
    // After the context: its syncer posts completions to it, up to the last.
    std::unique_ptr<Journal> journal;
    if (!options.journal.empty()) journal = std::make_unique<Journal>(options.journal);
    tcp::acceptor acceptor(ioc, {asio::ip::make_address(options.host), options.port});
    asio::co_spawn(ioc, listen(acceptor, journal.get()), asio::detached);
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
