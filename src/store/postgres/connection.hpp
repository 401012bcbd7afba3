// One PostgreSQL connection through libpq, driven without blocking: every wait for its socket
// goes through async::WatchedFd (async::wait_ready while it connects), which suspends a fiber
// (the server's request) or blocks a plain thread (the operator's commands, tests).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "async/watched_fd.hpp"

struct pg_conn;
struct pg_result;

namespace accountsd::store::postgres {

// A statement or the connection failed. `sqlstate` is PostgreSQL's five-character code when the
// server sent one ("23505" unique violation, "40001" serialization failure, ...); `broken` says
// the connection is unusable afterwards (lost, timed out, out of sync).
class PgError : public std::runtime_error {
 public:
  PgError(std::string message, std::string sqlstate, bool broken)
      : std::runtime_error(std::move(message)), sqlstate(std::move(sqlstate)), broken(broken) {}
  std::string sqlstate;
  bool broken;
  // The constraint a violation names, when the server said.
  std::string constraint{};
};

// Statement parameters, in text form; each add() appends the next $n.
class Params {
 public:
  Params& add(std::int64_t value);
  Params& add(int value) { return add(static_cast<std::int64_t>(value)); }
  Params& add(bool value);
  // Text; one holding a NUL character is refused (std::invalid_argument).
  Params& add(std::string_view value);
  Params& add(const std::string& value) { return add(std::string_view(value)); }
  Params& add(const char* value) { return add(std::string_view(value)); }
  // Binary data (bytea), sent as such.
  Params& add_bytes(std::string_view bytes);
  Params& add_null();
  template <typename T>
  Params& add(const std::optional<T>& value) {
    return value ? add(*value) : add_null();
  }

  int size() const { return static_cast<int>(slots_.size()); }

 private:
  friend class Connection;
  Params& append(std::string_view value, bool binary);
  struct Slot {
    std::size_t offset = 0;
    std::size_t length = 0;
    bool null = false;
    bool binary = false;
  };
  std::string text_;  // every value, each followed by a NUL
  std::vector<Slot> slots_;
};

// A statement's rows, in text form. Column numbers count from 0.
class Result {
 public:
  explicit Result(pg_result* result) : result_(result) {}
  Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  Result& operator=(Result&& other) noexcept;
  ~Result();

  int rows() const;
  int columns() const;
  // libpq's ExecStatusType of the answer.
  int status() const;
  // Rows a command changed (UPDATE, DELETE, INSERT).
  std::int64_t affected() const;
  bool null(int row, int column) const;
  std::string_view text(int row, int column) const;
  std::string string(int row, int column) const { return std::string(text(row, column)); }
  std::int64_t integer(int row, int column) const;
  bool boolean(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  std::optional<std::string> optional_string(int row, int column) const;
  // A bytea column, decoded.
  std::string bytes(int row, int column) const;

 private:
  pg_result* result_;
};

struct ConnectOptions {
  // Longest a statement may run on the server (statement_timeout); the client gives up on a
  // silent server a little after that and drops the connection.
  std::chrono::milliseconds statement_timeout{30'000};
  std::chrono::milliseconds connect_timeout{10'000};
};

// How a statement is planned. A prepared statement is planned for its parameters' values at
// first, but after five runs PostgreSQL may keep one generic plan for every value; a statement
// whose best plan depends on a value (a search's pattern: a trigram index for a rare text, a scan
// for one that every user holds) is planned for its values on each run instead.
enum class Planning { once, each_run };

class Connection {
 public:
  // Connects to `url` (postgres://... or postgresql://...); throws PgError.
  static std::unique_ptr<Connection> open(const std::string& url, const ConnectOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement, prepared once per connection and reused by its text (up to a few hundred
  // texts: then every statement is prepared anew), or planned anew for each run when `planning`
  // says so. What is queued to go ahead of it goes in the same round trip, before it.
  Result exec(std::string_view sql, const Params& params = {}, Planning planning = Planning::once);
  // Runs statements without parameters, several at once (migrations, SET). What is queued ahead
  // goes first, in a round trip of its own.
  void script(std::string_view sql);

  // Round trips are what a request on PostgreSQL mostly waits for, so statements whose answer
  // can wait travel with the next one (libpq's pipeline mode):
  //
  // Queues `begin` (a BEGIN statement) to open a transaction with the next statement sent,
  // ahead of what is queued already: an isolation level is set before any statement runs.
  void begin_later(std::string_view begin);
  // Queues a statement to go with the next one; once the whole round trip is read, `check` (if
  // any) is given its result and may throw.
  void send_ahead(std::string_view sql, Params params = {},
                  std::function<void(const Result&)> check = {});
  bool has_ahead() const { return !ahead_.empty(); }
  // Sends what is queued, on its own, and reads its answers.
  void flush_ahead();
  // Forgets what is queued: none of it reaches the server.
  void discard_ahead() noexcept;
  // Commits the open transaction; one whose BEGIN was never sent had nothing to commit.
  void commit();
  // Ends the open transaction with a ROLLBACK whose answer is not waited for: it is read before
  // the next statement's (by then it has long arrived).
  void end_transaction_later();

  // Round trips made so far (statements sent together, and their answers read).
  std::uint64_t round_trips() const { return round_trips_; }

  // The io_context its socket is registered with, or null (async::WatchedFd::place).
  const void* place() const { return watch_ ? watch_->place() : nullptr; }

  // False once the connection failed in a way that leaves it unusable.
  bool usable() const;
  // In a transaction (or a failed one, or one queued to begin) rather than idle.
  bool in_transaction() const;

 private:
  // A statement to send: prepared (by its text) or not (the few without parameters that open
  // and end transactions, and those planned for each run).
  struct Queued {
    std::string sql;
    Params params;
    std::function<void(const Result&)> check;
    bool prepare = true;
  };

  Connection(pg_conn* conn, const ConnectOptions& options);
  void send_and_flush(bool sent);
  // Reads until the statement's last result; throws on an error result.
  Result finish(std::string_view what);
  // Sends `batch` (after what is queued ahead) in one round trip and reads every answer, the
  // unclaimed ROLLBACK's first; returns the last statement's result.
  Result run(std::vector<Queued> batch);
  // Reads the answers of ROLLBACKs sent by end_transaction_later(); one that failed leaves the
  // session in doubt, and the connection is marked broken.
  void claim(std::chrono::steady_clock::time_point deadline);
  void await_result(std::chrono::steady_clock::time_point deadline);
  // When to stop waiting for an answer sent now: the server's own timeout answers first while
  // the server is alive.
  std::chrono::steady_clock::time_point answer_deadline() const;
  [[noreturn]] void fail(std::string what, bool broken);

  pg_conn* conn_;
  // The socket, kept registered with the io_context of the fiber that last waited on it (set
  // once connected).
  std::unique_ptr<async::WatchedFd> watch_;
  ConnectOptions options_;
  bool broken_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // statement text -> name
  std::uint64_t names_ = 0;                                // prepared statements named so far
  std::vector<Queued> ahead_;
  bool begin_queued_ = false;  // ahead_ opens a transaction
  int unclaimed_ = 0;          // pipeline syncs sent whose answers nobody has read yet
  std::uint64_t round_trips_ = 0;
};

// SQLSTATEs that mean "run the transaction again": serialization failure, deadlock.
bool retryable(const PgError& error);

}  // namespace accountsd::store::postgres
