// accountsd migrate-db: the move from SQLite to PostgreSQL. store/postgres/copy_from_sqlite does
// the copy and its checks; this opens the two databases and reports.
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "domain/text.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/copy_from_sqlite.hpp"
#include "store/sqlite/connection.hpp"

namespace accountsd::cli {
namespace {

// At most four progress lines a second; a table's last line always shows.
constexpr auto kProgressInterval = std::chrono::milliseconds(250);
// Longest one statement may run: the verification reads every copied row at once.
constexpr auto kStatementTimeout = std::chrono::hours(1);

std::string sqlite_path(const std::string& url) {
  if (url.starts_with("sqlite:")) return url.substr(7);
  if (url.find("://") != std::string::npos)
    throw std::invalid_argument("--from must be a SQLite database: sqlite:PATH or a plain path");
  return url;
}

void print_summary(const store::postgres::CopySummary& summary, double seconds) {
  std::int64_t rows = 0;
  for (const auto& table : summary.tables) rows += table.rows;
  std::cout << "copied " << rows << " rows of " << summary.tables.size()
            << " tables (schema migration " << summary.schema << ") in " << std::fixed
            << std::setprecision(1) << seconds << " s\n";
  for (const auto& table : summary.tables)
    std::cout << "  " << std::left << std::setw(20) << table.name << std::right << std::setw(12)
              << table.rows << "\n";
  std::cout << "verified: the row count of every table; the counters of " << summary.partners
            << " partners against SQLite and against a recount of the copied rows; the device "
               "census and share blocks against a recount\n";
  std::cout << "ids continue after:";
  for (const auto& sequence : summary.sequences)
    std::cout << " " << sequence.column << "=" << sequence.last_id;
  std::cout << "\n";
}

}  // namespace

int migrate_db(const MigrateDbOptions& o) {
  const auto path = sqlite_path(o.from);
  if (!o.to.starts_with("postgres://") && !o.to.starts_with("postgresql://"))
    throw std::invalid_argument("--to must be a postgres:// or postgresql:// URL");
  // Checked first: SQLite would report a missing file only as "unable to open database file".
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw std::invalid_argument("no SQLite database at " + domain::escape_controls(path));
  store::sqlite::Connection source(path, store::sqlite::Connection::ReadOnly{});
  auto target = store::postgres::Connection::open(o.to, {.statement_timeout = kStatementTimeout});

  const auto start = std::chrono::steady_clock::now();
  auto last_line = start - kProgressInterval;
  std::pair<std::string, std::int64_t> last_shown;  // table and rows: a line is never repeated
  auto summary = store::postgres::copy_from_sqlite(
      source, *target, [&](const store::postgres::CopyProgress& progress) {
        auto now = std::chrono::steady_clock::now();
        if (!progress.done && now - last_line < kProgressInterval) return;
        if (last_shown.first == progress.table && last_shown.second == progress.copied) return;
        last_line = now;
        last_shown = {std::string(progress.table), progress.copied};
        spdlog::info("migrate-db: {} {}/{} rows", progress.table, progress.copied, progress.total);
      });
  print_summary(summary,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

}  // namespace accountsd::cli
