// One database seen through the store's roles: what `accountsd serve` and the operator's commands
// open. SQLite now (store/sqlite/), PostgreSQL later.
#pragma once

#include <memory>
#include <string>

#include "store/directory.hpp"
#include "store/options.hpp"
#include "store/outcomes.hpp"
#include "store/partners.hpp"
#include "store/transactions.hpp"
#include "store/usage.hpp"

namespace accountsd::store {

class Database {
 public:
  virtual ~Database() = default;
  virtual PartnerStore& partners() = 0;
  virtual Directory& directory() = 0;
  virtual Usage& usage() = 0;
  virtual Transactions& transactions() = 0;
};

// Opens the database named by a --db URL: "sqlite:PATH" or a plain path; creates and migrates it.
std::unique_ptr<Database> open_store(const std::string& url, const StoreOptions& options = {});

}  // namespace accountsd::store
