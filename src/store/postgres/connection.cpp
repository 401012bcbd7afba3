#include "store/postgres/connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <utility>

#include "async/wait.hpp"

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
  connection->script("SET statement_timeout = " +
                     std::to_string(options.statement_timeout.count()));
  return connection;
}

Connection::Connection(pg_conn* conn, const ConnectOptions& options)
    : conn_(conn), options_(options) {}

Connection::~Connection() {
  PQfinish(conn_);
}

bool Connection::usable() const {
  return !broken_ && PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::in_transaction() const {
  return PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

void Connection::fail(std::string what, bool broken) {
  if (broken) broken_ = true;
  auto detail = trimmed(PQerrorMessage(conn_));
  if (!detail.empty()) what += ": " + detail;
  throw PgError(std::move(what), "", broken);
}

void Connection::send_and_flush(bool sent) {
  if (!sent) fail("cannot send a statement to PostgreSQL", true);
  auto deadline = std::chrono::steady_clock::now() + options_.statement_timeout + kSilenceMargin;
  for (;;) {
    int left = PQflush(conn_);
    if (left == 0) return;
    if (left < 0) fail("cannot send a statement to PostgreSQL", true);
    // The server may be sending while we still send (notices): take that in, then go on.
    if (!async::wait_ready(PQsocket(conn_), async::Direction::write, deadline))
      fail("PostgreSQL did not take a statement in time", true);
    if (PQconsumeInput(conn_) == 0) fail("lost the connection to PostgreSQL", true);
  }
}

Result Connection::finish(std::string_view what) {
  auto deadline = std::chrono::steady_clock::now() + options_.statement_timeout + kSilenceMargin;
  Result last(nullptr);
  std::optional<PgError> error;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      if (!async::wait_ready(PQsocket(conn_), async::Direction::read, deadline))
        fail("PostgreSQL did not answer in time", true);
      if (PQconsumeInput(conn_) == 0) fail("lost the connection to PostgreSQL", true);
    }
    pg_result* raw = PQgetResult(conn_);
    if (raw == nullptr) break;
    Result result(raw);
    auto status = PQresultStatus(raw);
    if (status == PGRES_FATAL_ERROR && !error) {
      const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
      const char* constraint = PQresultErrorField(raw, PG_DIAG_CONSTRAINT_NAME);
      error.emplace(std::string(what) + ": " + trimmed(PQresultErrorMessage(raw)),
                    state ? state : "", false);
      if (constraint) error->constraint = constraint;
    } else if (status == PGRES_BAD_RESPONSE && !error) {
      error.emplace(std::string(what) + ": bad response from PostgreSQL", "", true);
    }
    last = std::move(result);
  }
  if (error) {
    if (error->broken || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
    throw *error;
  }
  if (PQstatus(conn_) != CONNECTION_OK) fail("lost the connection to PostgreSQL", true);
  return last;
}

Result Connection::exec(std::string_view sql, const Params& params) {
  if (broken_) throw PgError("the PostgreSQL connection is broken", "", true);
  std::string text(sql);
  auto found = prepared_.find(text);
  if (found == prepared_.end()) {
    // Bounded, as SQLite's built statements are: SQL built from a listing's filters has few
    // shapes, but a client choosing them freely must not grow the server's memory without end.
    if (prepared_.size() >= kMaxPrepared) {
      script("DEALLOCATE ALL");
      prepared_.clear();
    }
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    send_and_flush(PQsendPrepare(conn_, name.c_str(), text.c_str(), params.size(), nullptr) != 0);
    finish("preparing a statement");
    found = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  std::vector<const char*> values(params.slots_.size());
  std::vector<int> lengths(params.slots_.size());
  std::vector<int> formats(params.slots_.size());
  for (std::size_t i = 0; i < params.slots_.size(); ++i) {
    const auto& slot = params.slots_[i];
    values[i] = slot.null ? nullptr : params.text_.data() + slot.offset;
    lengths[i] = static_cast<int>(slot.length);
    formats[i] = slot.binary ? 1 : 0;
  }
  send_and_flush(PQsendQueryPrepared(conn_, found->second.c_str(), params.size(), values.data(),
                                     lengths.data(), formats.data(), 0) != 0);
  return finish("a statement failed");
}

void Connection::script(std::string_view sql) {
  if (broken_) throw PgError("the PostgreSQL connection is broken", "", true);
  std::string text(sql);
  send_and_flush(PQsendQuery(conn_, text.c_str()) != 0);
  finish("a statement failed");
}

bool retryable(const PgError& error) {
  return error.sqlstate == "40001" || error.sqlstate == "40P01";
}

}  // namespace accountsd::store::postgres
