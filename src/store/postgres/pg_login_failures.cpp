#include "store/postgres/pg_login_failures.hpp"

#include <sodium.h>

#include "domain/clock.hpp"

namespace accountsd::store::postgres {
namespace {

// Failures read at once at most: a flood beyond it is read over the next calls.
constexpr int kReadLimit = 10'000;
// One record in this many also deletes the rows past the window.
constexpr std::uint64_t kPruneEvery = 64;

}  // namespace

PgLoginFailures::PgLoginFailures(Backend& backend) : backend_(backend) {
  unsigned char id[12];
  randombytes_buf(id, sizeof id);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char byte : id) {
    server_ += kHex[byte >> 4];
    server_ += kHex[byte & 15];
  }
}

void PgLoginFailures::record(std::string_view username, std::string_view address,
                             std::int64_t window_seconds) {
  const auto now = domain::now_seconds();
  const bool prune = recorded_.fetch_add(1) % kPruneEvery == 0;
  backend_.write(std::nullopt, [&](Connection& db) {
    db.exec("INSERT INTO login_failures (server, username, address, at) VALUES ($1, $2, $3, $4)",
            Params().add(server_).add(username).add(address).add(now));
    if (prune)
      db.exec("DELETE FROM login_failures WHERE at < $1", Params().add(now - window_seconds));
  });
}

std::vector<LoginFailures::Failure> PgLoginFailures::others_since_last(
    std::int64_t window_seconds) {
  // Another fiber is reading them: it adds them to the same throttle.
  if (reading_.exchange(true)) return {};
  struct Done {
    std::atomic<bool>& flag;
    ~Done() { flag = false; }
  } done{reading_};
  // Not inside a request's snapshot: each call sees what has been committed since the last.
  auto rows = backend_.read_fresh([&](Connection& db) {
    return db.exec(
        "SELECT failure_id, username, address FROM login_failures WHERE failure_id > $1 "
        "AND server <> $2 AND at >= $3 ORDER BY failure_id LIMIT " +
            std::to_string(kReadLimit),
        Params().add(last_read_).add(server_).add(domain::now_seconds() - window_seconds));
  });
  std::vector<Failure> out;
  out.reserve(std::size_t(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) {
    last_read_ = std::max(last_read_, rows.integer(row, 0));
    out.push_back({rows.string(row, 1), rows.string(row, 2)});
  }
  return out;
}

}  // namespace accountsd::store::postgres
