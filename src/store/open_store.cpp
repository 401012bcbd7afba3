#include <filesystem>

#include "store/database.hpp"
#include "store/private_files.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace accountsd::store {

std::unique_ptr<Database> open_store(const std::string& url, const StoreOptions& options) {
  std::string path = url;
  if (path.starts_with("sqlite:"))
    path = path.substr(7);
  else if (path.find("://") != std::string::npos)
    throw std::invalid_argument("unsupported database URL (only sqlite:PATH for now): " + url);
  if (path.empty()) throw std::invalid_argument("empty database path");
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) create_private_folders(parent);
  prepare_private_database(path);
  return std::make_unique<sqlite::SqliteDatabase>(path, options);
}

}  // namespace accountsd::store
