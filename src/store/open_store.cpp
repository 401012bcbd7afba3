#include <filesystem>

#include "store/database.hpp"
#include "store/postgres/pg_database.hpp"
#include "store/private_files.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace accountsd::store {

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

std::string redacted_url(std::string_view url) {
  std::string out(url);
  if (!is_postgres_url(url)) return out;
  // postgres://user:password@host...: the password runs from the first ':' after the scheme to
  // the last '@' of the authority. A password=... query parameter goes the same way.
  auto authority = out.find("://") + 3;
  auto end = out.find_first_of("/?", authority);
  auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
  if (at != std::string::npos && at > authority) {
    auto colon = out.find(':', authority);
    if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  auto password = out.find("password=");
  if (password != std::string::npos) {
    auto value = password + 9;
    out.replace(value,
                out.find('&', value) == std::string::npos ? std::string::npos
                                                          : out.find('&', value) - value,
                "***");
  }
  return out;
}

std::unique_ptr<Database> open_store(const std::string& url, const StoreOptions& options) {
  if (is_postgres_url(url)) return std::make_unique<postgres::PgDatabase>(url, options);
  std::string path = url;
  if (path.starts_with("sqlite:"))
    path = path.substr(7);
  else if (path.find("://") != std::string::npos)
    throw std::invalid_argument(
        "unsupported database URL (sqlite:PATH, postgres://... or postgresql://...): " + url);
  if (path.empty()) throw std::invalid_argument("empty database path");
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) create_private_folders(parent);
  prepare_private_database(path);
  return std::make_unique<sqlite::SqliteDatabase>(path, options);
}

}  // namespace accountsd::store
