#include "store/sqlite/write_batch.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "domain/text.hpp"
#include "metrics/events.hpp"

namespace accountsd::store::sqlite {

WriteBatch::WriteBatch(const std::string& path, const StoreOptions& options,
                       std::atomic<std::uint64_t>& commits, WalSyncer& syncer)
    : writer_(std::make_unique<Connection>(path, options)), syncer_(syncer) {
  writer_->report_commits_to(commits);
}

WriteBatch::~WriteBatch() {
  std::lock_guard lock(turn_);
  if (open_) commit_locked();
}

// Gives the turn back at the end of a scope.
struct WriteBatch::Held {
  WriteBatch& batch;
  ~Held() { batch.give_back(); }
};

Connection& WriteBatch::join() {
  turn_.lock();
  open_locked();
  return *writer_;
}

Connection* WriteBatch::try_join() {
  if (!turn_.try_lock()) return nullptr;
  open_locked();
  return writer_.get();
}

void WriteBatch::open_locked() {
  if (open_) return;
  try {
    writer_->prepared("BEGIN IMMEDIATE").run();
  } catch (...) {
    give_back();
    throw;
  }
  open_ = true;
  writer_->audit().start();
  ticket_ = syncer_.next_ticket();
  writes_ = 0;
}

void WriteBatch::when_turn_free(UniqueFunction<void()> wake) {
  {
    std::lock_guard lock(waiting_mutex_);
    waiting_.push_back(std::move(wake));
  }
  // Given back between the caller's try_join and the line above, the turn would wake no one.
  if (turn_.try_lock()) give_back();
}

void WriteBatch::give_back() noexcept {
  turn_.unlock();
  std::vector<UniqueFunction<void()>> waking;
  {
    // Always under the lock: a waiter registered before this point is seen here, and one
    // registered after it finds the turn free itself (when_turn_free).
    std::lock_guard lock(waiting_mutex_);
    if (waiting_.empty()) return;
    waking.swap(waiting_);
  }
  for (auto& wake : waking) wake();
}

std::uint64_t WriteBatch::leave(bool wrote, bool commit_now) noexcept {
  std::uint64_t ticket = 0;
  bool pending = false;
  {
    Held held{*this};
    // A statement left mid-result must not keep reading into the COMMIT.
    writer_->reset_busy_statements();
    if (open_ && sqlite3_get_autocommit(writer_->handle()) != 0) {
      fail_locked("SQLite rolled the transaction back after a failed statement");
    }
    if (wrote) {
      ticket = ticket_;  // a failed batch's ticket is failed already
      if (open_) ++writes_;
    }
    if (open_ && writes_ == 0) {
      // Nothing to keep (reads, or refused changes): end it now rather than hold SQLite's write
      // lock for the syncer to find.
      try {
        writer_->prepared("ROLLBACK").run();
      } catch (const std::exception& e) {
        spdlog::error("ending an empty write batch failed: {}", domain::escape_controls(e.what()));
      }
      writer_->audit().stop();
      open_ = false;
    }
    if (open_ && commit_now) commit_locked();
    pending = open_;
  }
  if (pending) syncer_.note_pending();
  return ticket;
}

WalSyncer::Written WriteBatch::commit_open() {
  turn_.lock();
  Held held{*this};
  if (open_) commit_locked();
  return {closed_, std::exchange(committed_, 0)};
}

void WriteBatch::commit_locked() noexcept {
  auto started = std::chrono::steady_clock::now();
  try {
    // The batch's audit entries go in last, in its transaction: a batch is committed whole or
    // not at all.
    writer_->flush_audit();
    writer_->prepared("COMMIT").run();
  } catch (const std::exception& e) {
    spdlog::error("committing a batch of {} writes failed: {}", writes_,
                  domain::escape_controls(e.what()));
    try {
      if (sqlite3_get_autocommit(writer_->handle()) == 0) writer_->prepared("ROLLBACK").run();
    } catch (const std::exception& rollback) {
      spdlog::error("rolling back the failed batch failed: {}",
                    domain::escape_controls(rollback.what()));
    }
    fail_locked("its COMMIT failed");
    return;
  }
  metrics::observe_commit(std::chrono::steady_clock::now() - started);
  open_ = false;
  closed_ = ticket_;
  committed_ += writes_;
}

void WriteBatch::fail_locked(const char* why) noexcept {
  if (writes_ > 0)
    spdlog::error("a batch of {} writes is lost: {}; each is answered 500", writes_, why);
  syncer_.mark_failed(ticket_);
  writer_->audit().stop();
  open_ = false;
  closed_ = ticket_;
}

}  // namespace accountsd::store::sqlite
