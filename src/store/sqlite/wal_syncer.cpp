#include "store/sqlite/wal_syncer.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <tuple>

#include "domain/text.hpp"
#include "metrics/events.hpp"

namespace accountsd::store::sqlite {
namespace {

std::error_code last_error() {
  return {errno, std::system_category()};
}

}  // namespace

WalFile::WalFile(std::string path) : path_(std::move(path)) {}

WalFile::~WalFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::error_code WalFile::open() {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0) return last_error();
  // A WAL file made since the directory was last synced needs its directory entry on disk too
  // (SQLite syncs the directory itself only with synchronous=FULL).
  auto directory = std::filesystem::path(path_).parent_path();
  int dir_fd =
      ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::error_code ec;
  if (dir_fd < 0 || ::fsync(dir_fd) != 0) ec = last_error();
  if (dir_fd >= 0) ::close(dir_fd);
  if (ec) {
    // Open again, and sync the directory again, at the next sync.
    ::close(fd_);
    fd_ = -1;
  }
  return ec;
}

std::error_code WalFile::sync() {
  if (failed_) return failed_;
  if (fd_ >= 0) {
    // Deleted (the last connection closed after a full checkpoint) and perhaps made anew: the
    // frames to sync are in the file now at the path. Only the link count is asked for: a stat
    // that reads the file's times makes the next write give it a new fine-grained mtime (Linux
    // 6.13 and later, multigrain timestamps), and where fdatasync writes a changed inode (ext4
    // without a journal) that is a third wait for the disk in every sync (docs/benchmarks.md,
    // change 13).
    struct statx status {};
    if (::statx(fd_, "", AT_EMPTY_PATH, STATX_NLINK, &status) != 0 || status.stx_nlink == 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  if (fd_ < 0) {
    // Failing to open loses nothing: a later sync may still succeed and cover these frames.
    if (auto ec = open()) return ec;
  }
  if (::fdatasync(fd_) != 0) failed_ = last_error();
  return failed_;
}

WalSyncer::WalSyncer(std::string wal_path, BeforeSync before_sync)
    : WalSyncer([file = std::make_shared<WalFile>(std::move(wal_path))] { return file->sync(); },
                std::move(before_sync)) {}

WalSyncer::WalSyncer(SyncFunction sync, BeforeSync before_sync)
    : sync_(std::move(sync)), before_sync_(std::move(before_sync)), thread_([this] { run(); }) {}

WalSyncer::~WalSyncer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::uint64_t WalSyncer::synced() const {
  std::lock_guard lock(mutex_);
  return synced_;
}

bool WalSyncer::lost(std::uint64_t ticket) const {
  std::lock_guard lock(mutex_);
  return failed_.contains(ticket);
}

void WalSyncer::mark_failed(std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  failed_.insert(ticket);
}

void WalSyncer::note_pending() noexcept {
  // One wake-up per sync at most: the flag is cleared when the syncer starts on it.
  if (pending_.exchange(true, std::memory_order_acq_rel)) return;
  std::lock_guard lock(mutex_);
  wake_.notify_one();
}

void WalSyncer::when_durable(std::uint64_t ticket, Completion done) {
  bool ok = true;
  {
    std::lock_guard lock(mutex_);
    if (ticket > sequence_.load()) {
      // Never issued: waiting for it could last forever.
      spdlog::error("durability wait for commit ticket {} that was never issued", ticket);
      ok = false;
    } else if (ticket > synced_) {
      waiters_.emplace_back(ticket, std::move(done));
      wake_.notify_one();
      return;
    } else {
      ok = !failed_.contains(ticket);
    }
  }
  done(ok);
}

WalSyncer::Written WalSyncer::before_sync() {
  if (before_sync_) return before_sync_();
  std::uint64_t target = sequence_.load();
  std::lock_guard lock(mutex_);
  return {target, target - std::min(target, synced_)};
}

void WalSyncer::run() {
  std::unique_lock lock(mutex_);
  auto wanted = [this] { return stopping_ || !waiters_.empty(); };
  for (;;) {
    if (pending_.load(std::memory_order_acquire)) {
      // Written but not waited for yet: a waiter usually follows at once; sync soon either way.
      wake_.wait_for(lock, kIdleWrite, wanted);
    } else {
      wake_.wait(lock, [&] { return wanted() || pending_.load(std::memory_order_acquire); });
    }
    bool pending = pending_.exchange(false, std::memory_order_acq_rel);
    if (waiters_.empty() && !pending) {
      if (stopping_) return;
      continue;
    }
    lock.unlock();
    // Every ticket up to `written.ticket` wrote its frames (or failed) before the sync starts.
    Written written;
    std::error_code ec;
    try {
      written = before_sync();
    } catch (const std::exception& e) {
      spdlog::error("writing before the WAL sync threw: {}", domain::escape_controls(e.what()));
      ec = std::make_error_code(std::errc::io_error);
    }
    auto started = std::chrono::steady_clock::now();
    try {
      if (!ec) ec = sync_();
    } catch (const std::exception& e) {
      spdlog::error("syncing the WAL threw: {}", domain::escape_controls(e.what()));
      ec = std::make_error_code(std::errc::io_error);
    }
    auto elapsed = std::chrono::steady_clock::now() - started;
    std::uint64_t target = written.ticket;
    lock.lock();
    if (!ec && target > synced_) {
      if (written.commits > 0) metrics::observe_group_commit(elapsed, written.commits);
      synced_ = target;
    }
    auto covered = std::partition(waiters_.begin(), waiters_.end(),
                                  [target](const auto& waiter) { return waiter.first > target; });
    std::vector<std::tuple<std::uint64_t, Completion, bool>> ready;
    for (auto it = covered; it != waiters_.end(); ++it)
      ready.emplace_back(it->first, std::move(it->second), !ec && !failed_.contains(it->first));
    waiters_.erase(covered, waiters_.end());
    lock.unlock();
    if (ec) {
      spdlog::error("fdatasync of the WAL failed ({}); {} commits are not known to be durable",
                    ec.message(), ready.size());
    }
    std::sort(ready.begin(), ready.end(),
              [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    for (auto& [ticket, done, ok] : ready) {
      try {
        done(ok);
      } catch (const std::exception& e) {
        spdlog::error("completing commit ticket {} threw: {}", ticket,
                      domain::escape_controls(e.what()));
      }
    }
    ready.clear();  // the completions die outside the lock as well
    lock.lock();
  }
}

}  // namespace accountsd::store::sqlite
