#include "store/postgres/connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <utility>

#include "async/wait.hpp"
#include "metrics/events.hpp"

namespace accountsd::store::postgres {
namespace {

// How long past statement_timeout the client waits for a silent server before it gives up on
// the connection: the server's own timeout answers first when the server is alive.
constexpr std::chrono::seconds kSilenceMargin{5};

// Statements a connection keeps prepared at most; past that it forgets them all and prepares
// again as they come.
constexpr std::size_t kMaxPrepared = 256;

std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The error an answer carries, if any.
std::optional<PgError> error_in(pg_result* raw, std::string_view what) {
  auto status = PQresultStatus(raw);
  if (status == PGRES_FATAL_ERROR) {
    const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
    const char* constraint = PQresultErrorField(raw, PG_DIAG_CONSTRAINT_NAME);
    PgError error(std::string(what) + ": " + trimmed(PQresultErrorMessage(raw)), state ? state : "",
                  false);
    if (constraint) error.constraint = constraint;
    return error;
  }
  if (status == PGRES_BAD_RESPONSE)
    return PgError(std::string(what) + ": bad response from PostgreSQL", "", true);
  return std::nullopt;
}

}  // namespace

Params& Params::add(std::int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  return add(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

Params& Params::add(bool value) {
  return add(std::string_view(value ? "t" : "f"));
}

Params& Params::add(std::string_view value) {
  // libpq reads a text parameter up to its first NUL, and PostgreSQL's text cannot hold one: a
  // value cut short there would select or store something else than asked. The role classes
  // answer such values themselves (nothing matches them); this is the backstop.
  if (value.find('\0') != std::string_view::npos)
    throw std::invalid_argument("PostgreSQL text cannot hold a NUL character");
  return append(value, false);
}

Params& Params::add_bytes(std::string_view bytes) {
  return append(bytes, true);
}

Params& Params::append(std::string_view value, bool binary) {
  slots_.push_back({text_.size(), value.size(), false, binary});
  text_.append(value);
  text_.push_back('\0');
  return *this;
}

Params& Params::add_null() {
  slots_.push_back({text_.size(), 0, true, false});
  return *this;
}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

Result::~Result() {
  if (result_) PQclear(result_);
}

int Result::rows() const {
  return PQntuples(result_);
}

int Result::columns() const {
  return PQnfields(result_);
}

int Result::status() const {
  return PQresultStatus(result_);
}

std::int64_t Result::affected() const {
  std::string_view digits = PQcmdTuples(result_);
  std::int64_t count = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), count);
  return count;
}

bool Result::null(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string_view Result::text(int row, int column) const {
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::int64_t Result::integer(int row, int column) const {
  auto digits = text(row, column);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size())
    throw PgError("not an integer in column " + std::to_string(column) + ": " + std::string(digits),
                  "", false);
  return value;
}

bool Result::boolean(int row, int column) const {
  auto value = text(row, column);
  return value == "t" || value == "true" || value == "1";
}

std::optional<std::int64_t> Result::optional_integer(int row, int column) const {
  if (null(row, column)) return std::nullopt;
  return integer(row, column);
}

std::optional<std::string> Result::optional_string(int row, int column) const {
  if (null(row, column)) return std::nullopt;
  return string(row, column);
}

std::string Result::bytes(int row, int column) const {
  std::size_t length = 0;
  auto* raw = reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row, column));
  unsigned char* decoded = PQunescapeBytea(raw, &length);
  if (decoded == nullptr) throw std::bad_alloc();
  std::string out(reinterpret_cast<const char*>(decoded), length);
  PQfreemem(decoded);
  return out;
}

std::unique_ptr<Connection> Connection::open(const std::string& url,
                                             const ConnectOptions& options) {
  const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
  const char* values[] = {url.c_str(), "accountsd", "UTF8", nullptr};
  pg_conn* conn = PQconnectStartParams(keys, values, 1);
  if (conn == nullptr) throw std::bad_alloc();
  std::unique_ptr<Connection> connection(new Connection(conn, options));
  if (PQstatus(conn) == CONNECTION_BAD) connection->fail("cannot connect to PostgreSQL", true);
  auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
  // libpq's protocol: start as if it had asked to write, then wait as each poll says.
  auto state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) connection->fail("cannot connect to PostgreSQL", true);
    auto direction =
        state == PGRES_POLLING_READING ? async::Direction::read : async::Direction::write;
    if (!async::wait_ready(PQsocket(conn), direction, deadline))
      connection->fail("cannot connect to PostgreSQL: timed out", true);
    state = PQconnectPoll(conn);
  }
  if (PQsetnonblocking(conn, 1) != 0)
    connection->fail("cannot make the connection non-blocking", true);
  connection->watch_ = std::make_unique<async::WatchedFd>(PQsocket(conn));
  connection->script("SET statement_timeout = " +
                     std::to_string(options.statement_timeout.count()));
  return connection;
}

Connection::Connection(pg_conn* conn, const ConnectOptions& options)
    : conn_(conn), options_(options) {}

Connection::~Connection() {
  watch_.reset();  // before the socket closes
  PQfinish(conn_);
}

bool Connection::usable() const {
  return !broken_ && PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::in_transaction() const {
  if (begin_queued_) return true;
  // A ROLLBACK on its way ends whatever was open.
  return unclaimed_ == 0 && PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

void Connection::fail(std::string what, bool broken) {
  if (broken) broken_ = true;
  auto detail = trimmed(PQerrorMessage(conn_));
  if (!detail.empty()) what += ": " + detail;
  throw PgError(std::move(what), "", broken);
}

void Connection::send_and_flush(bool sent) {
  if (!sent) fail("cannot send a statement to PostgreSQL", true);
  auto deadline = answer_deadline();
  for (;;) {
    int left = PQflush(conn_);
    if (left == 0) return;
    if (left < 0) fail("cannot send a statement to PostgreSQL", true);
    // The server may be sending while we still send (notices): take that in, then go on.
    if (!watch_->wait(async::Direction::write, deadline))
      fail("PostgreSQL did not take a statement in time", true);
    if (PQconsumeInput(conn_) == 0) fail("lost the connection to PostgreSQL", true);
  }
}

Result Connection::finish(std::string_view what) {
  auto deadline = answer_deadline();
  Result last(nullptr);
  std::optional<PgError> error;
  for (;;) {
    await_result(deadline);
    pg_result* raw = PQgetResult(conn_);
    if (raw == nullptr) break;
    Result result(raw);
    if (!error) error = error_in(raw, what);
    last = std::move(result);
  }
  if (error) {
    if (error->broken || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
    throw *error;
  }
  if (PQstatus(conn_) != CONNECTION_OK) fail("lost the connection to PostgreSQL", true);
  return last;
}

std::chrono::steady_clock::time_point Connection::answer_deadline() const {
  return std::chrono::steady_clock::now() + options_.statement_timeout + kSilenceMargin;
}

void Connection::await_result(std::chrono::steady_clock::time_point deadline) {
  while (PQisBusy(conn_) != 0) {
    if (!watch_->wait(async::Direction::read, deadline))
      fail("PostgreSQL did not answer in time", true);
    if (PQconsumeInput(conn_) == 0) fail("lost the connection to PostgreSQL", true);
  }
}

Result Connection::run(std::vector<Queued> batch) {
  if (broken_) throw PgError("the PostgreSQL connection is broken", "", true);
  if (!ahead_.empty()) {
    batch.insert(batch.begin(), std::make_move_iterator(ahead_.begin()),
                 std::make_move_iterator(ahead_.end()));
    ahead_.clear();
  }
  begin_queued_ = false;
  ++round_trips_;
  if (PQenterPipelineMode(conn_) != 1) fail("cannot send statements to PostgreSQL", true);

  // What each answer in the round trip belongs to, in order.
  struct Expected {
    enum { reset, prepare, statement } kind;
    std::size_t index = 0;  // into batch
    std::string name;       // of a statement being prepared
  };
  std::vector<Expected> expected;
  // Bounded, as SQLite's built statements are: SQL built from a listing's filters has few
  // shapes, but a client choosing them freely must not grow the server's memory without end.
  // Forgotten first thing in the round trip, so that nothing before it can stop it, and synced
  // on its own: in one implicit transaction with it, a BEGIN that sets an isolation level fails.
  if (prepared_.size() + batch.size() > kMaxPrepared) {
    if (PQsendQueryParams(conn_, "DEALLOCATE ALL", 0, nullptr, nullptr, nullptr, nullptr, 0) == 0 ||
        PQpipelineSync(conn_) != 1)
      fail("cannot send a statement to PostgreSQL", true);
    expected.push_back({Expected::reset, 0, {}});
    prepared_.clear();
  }
  std::unordered_map<std::string_view, std::string> preparing;  // in this round trip
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& item = batch[i];
    const auto& params = item.params;
    values.assign(params.slots_.size(), nullptr);
    lengths.assign(params.slots_.size(), 0);
    formats.assign(params.slots_.size(), 0);
    for (std::size_t p = 0; p < params.slots_.size(); ++p) {
      const auto& slot = params.slots_[p];
      values[p] = slot.null ? nullptr : params.text_.data() + slot.offset;
      lengths[p] = static_cast<int>(slot.length);
      formats[p] = slot.binary ? 1 : 0;
    }
    int sent = 0;
    if (!item.prepare) {
      sent = PQsendQueryParams(conn_, item.sql.c_str(), params.size(), nullptr, values.data(),
                               lengths.data(), formats.data(), 0);
    } else {
      const std::string* name = nullptr;
      if (auto found = prepared_.find(item.sql); found != prepared_.end()) {
        name = &found->second;
      } else if (auto pending = preparing.find(item.sql); pending != preparing.end()) {
        name = &pending->second;
      } else {
        std::string fresh = "s" + std::to_string(++names_);
        if (PQsendPrepare(conn_, fresh.c_str(), item.sql.c_str(), params.size(), nullptr) == 0)
          fail("cannot send a statement to PostgreSQL", true);
        expected.push_back({Expected::prepare, i, fresh});
        name = &preparing.emplace(item.sql, std::move(fresh)).first->second;
      }
      sent = PQsendQueryPrepared(conn_, name->c_str(), params.size(), values.data(), lengths.data(),
                                 formats.data(), 0);
    }
    if (sent == 0) fail("cannot send a statement to PostgreSQL", true);
    expected.push_back({Expected::statement, i, {}});
  }
  if (PQpipelineSync(conn_) != 1) fail("cannot send a statement to PostgreSQL", true);
  send_and_flush(true);

  auto deadline = answer_deadline();
  auto read_sync = [&] {
    await_result(deadline);
    Result sync(PQgetResult(conn_));
    if (sync.status() != PGRES_PIPELINE_SYNC) fail("out of step with PostgreSQL", true);
  };
  claim(deadline);
  std::optional<PgError> error;
  std::vector<Result> results;
  results.reserve(batch.size());
  for (const auto& entry : expected) {
    Result last(nullptr);
    for (;;) {
      await_result(deadline);
      pg_result* raw = PQgetResult(conn_);
      if (raw == nullptr) break;
      Result result(raw);
      if (result.status() == PGRES_PIPELINE_SYNC) fail("out of step with PostgreSQL", true);
      // A statement after a failed one is skipped (PGRES_PIPELINE_ABORTED): the failure says it.
      if (!error) {
        error = error_in(
            raw, entry.kind == Expected::prepare ? "preparing a statement" : "a statement failed");
        if (error && entry.kind == Expected::reset) error->broken = true;
      }
      if (entry.kind == Expected::prepare && result.status() == PGRES_COMMAND_OK)
        prepared_.emplace(batch[entry.index].sql, entry.name);
      last = std::move(result);
    }
    if (entry.kind == Expected::statement) results.push_back(std::move(last));
    if (entry.kind == Expected::reset) read_sync();
  }
  read_sync();
  if (PQexitPipelineMode(conn_) != 1) fail("out of step with PostgreSQL", true);
  if (error) {
    if (error->broken || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
    throw *error;
  }
  if (PQstatus(conn_) != CONNECTION_OK) fail("lost the connection to PostgreSQL", true);
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (batch[i].check) batch[i].check(results[i]);
  if (results.empty()) return Result(nullptr);
  return std::move(results.back());
}

Result Connection::exec(std::string_view sql, const Params& params, Planning planning) {
  std::vector<Queued> batch;
  batch.push_back({std::string(sql), params, {}, planning == Planning::once});
  return run(std::move(batch));
}

void Connection::begin_later(std::string_view begin) {
  ahead_.insert(ahead_.begin(), {std::string(begin), {}, {}, false});
  begin_queued_ = true;
}

void Connection::send_ahead(std::string_view sql, Params params,
                            std::function<void(const Result&)> check) {
  ahead_.push_back({std::string(sql), std::move(params), std::move(check)});
}

void Connection::flush_ahead() {
  if (!ahead_.empty()) run({});
}

void Connection::discard_ahead() noexcept {
  ahead_.clear();
  begin_queued_ = false;
}

void Connection::commit() {
  if (begin_queued_) {
    discard_ahead();
    return;
  }
  std::vector<Queued> batch;
  batch.push_back({"COMMIT", {}, {}, false});
  auto started = std::chrono::steady_clock::now();
  run(std::move(batch));
  metrics::observe_commit(std::chrono::steady_clock::now() - started);
}

void Connection::end_transaction_later() {
  if (broken_) throw PgError("the PostgreSQL connection is broken", "", true);
  if (PQenterPipelineMode(conn_) != 1 ||
      PQsendQueryParams(conn_, "ROLLBACK", 0, nullptr, nullptr, nullptr, nullptr, 0) == 0 ||
      PQpipelineSync(conn_) != 1)
    fail("cannot send a statement to PostgreSQL", true);
  ++unclaimed_;
  send_and_flush(true);
}

void Connection::claim(std::chrono::steady_clock::time_point deadline) {
  for (; unclaimed_ > 0; --unclaimed_) {
    bool failed = false;
    for (;;) {
      await_result(deadline);
      pg_result* raw = PQgetResult(conn_);
      if (raw == nullptr) continue;  // the end of the ROLLBACK's answers; its sync follows
      Result result(raw);
      if (result.status() == PGRES_PIPELINE_SYNC) break;
      if (error_in(raw, "")) failed = true;
    }
    if (failed) fail("PostgreSQL could not end a transaction", true);
  }
}

void Connection::script(std::string_view sql) {
  flush_ahead();
  if (broken_) throw PgError("the PostgreSQL connection is broken", "", true);
  if (unclaimed_ > 0) {
    claim(answer_deadline());
    if (PQexitPipelineMode(conn_) != 1) fail("out of step with PostgreSQL", true);
  }
  std::string text(sql);
  ++round_trips_;
  send_and_flush(PQsendQuery(conn_, text.c_str()) != 0);
  finish("a statement failed");
}

bool retryable(const PgError& error) {
  return error.sqlstate == "40001" || error.sqlstate == "40P01";
}

}  // namespace accountsd::store::postgres
