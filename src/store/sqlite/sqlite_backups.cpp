// SqliteStore: the appliance's configuration backups (C.3), streamed in and out of SQLite's pages
// so that SQLite never holds a whole value in memory.
#include <sqlite3.h>

#include <algorithm>

#include "domain/clock.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace accountsd::store::sqlite {
namespace {

// An open handle on the data of one partner_backups row, for incremental I/O.
class BackupBlob {
 public:
  BackupBlob(Connection& db, std::int64_t backup_id, bool write) : db_(db.handle()) {
    int rc =
        sqlite3_blob_open(db_, "main", "partner_backups", "data", backup_id, write ? 1 : 0, &blob_);
    if (rc != SQLITE_OK) {
      sqlite3_blob_close(blob_);  // SQLite may hand back a handle even on failure
      throw SqliteError(rc, std::string("open backup data: ") + sqlite3_errmsg(db_));
    }
  }
  ~BackupBlob() { sqlite3_blob_close(blob_); }
  BackupBlob(const BackupBlob&) = delete;
  BackupBlob& operator=(const BackupBlob&) = delete;

  std::size_t size() const { return std::size_t(sqlite3_blob_bytes(blob_)); }

  // Writes `bytes` over the zero-filled value, a page-cache-sized piece at a time.
  void write(std::string_view bytes) {
    constexpr std::size_t kPiece = 1024 * 1024;
    for (std::size_t offset = 0; offset < bytes.size(); offset += kPiece) {
      auto n = std::min(kPiece, bytes.size() - offset);
      check(sqlite3_blob_write(blob_, bytes.data() + offset, int(n), int(offset)), "write");
    }
  }

  // Reads the whole value into `out`, straight from the pages: no copy in between.
  void read_into(std::string& out) {
    out.resize(size());
    check(sqlite3_blob_read(blob_, out.data(), int(out.size()), 0), "read");
  }

 private:
  void check(int rc, const char* what) {
    if (rc != SQLITE_OK)
      throw SqliteError(rc, std::string(what) + " backup data: " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_blob* blob_ = nullptr;
};

}  // namespace

void SqliteStore::save_backup(PartnerId partner, const domain::Backup& backup) {
  auto& db = this->db();
  Transaction txn(db);
  // zeroblob() makes room for the value without building it; it is then written in place. A
  // bound value would be copied whole into SQLite's record buffer first.
  db.prepared(
        "INSERT INTO partner_backups (partner_id, sha256, size, update_time, data) "
        "VALUES (?1, ?2, ?3, ?4, zeroblob(?3))")
      .bind(1, partner)
      .bind(2, backup.sha256)
      .bind(3, std::int64_t(backup.data.size()))
      .bind(4, backup.update_time)
      .run();
  BackupBlob(db, db.last_insert_id(), true).write(backup.data);
  // The new backup and the one it replaces stay; any older one goes.
  db.prepared(
        "DELETE FROM partner_backups WHERE partner_id = ?1 AND backup_id NOT IN "
        "(SELECT backup_id FROM partner_backups WHERE partner_id = ?1 "
        "ORDER BY backup_id DESC LIMIT 2)")
      .bind(1, partner)
      .run();
  txn.commit();
}

std::optional<domain::Backup> SqliteStore::backup(PartnerId partner,
                                                  domain::BackupGeneration which) {
  auto& db = this->db();
  // The row and its data must come from one state of the database.
  ReadSnapshot snapshot(*this);
  auto& q = db.prepared(
      "SELECT backup_id, sha256, update_time FROM partner_backups WHERE partner_id = ?1 "
      "ORDER BY backup_id DESC LIMIT 1 OFFSET ?2");
  q.bind(1, partner).bind(2, which == domain::BackupGeneration::current ? 0 : 1);
  if (!q.step()) return std::nullopt;
  std::int64_t backup_id = q.integer(0);
  domain::Backup backup;
  backup.sha256 = q.text(1);
  backup.update_time = q.integer(2);
  q.reset();
  BackupBlob(db, backup_id, false).read_into(backup.data);
  return backup;
}

}  // namespace accountsd::store::sqlite
