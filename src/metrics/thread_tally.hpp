// Counters kept per thread and summed only when read: what a request adds to them costs a plain
// store, with no lock and no read-modify-write on memory that other threads write.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace accountsd::metrics {

class ThreadTally {
 public:
  // One thread's counts: written by that thread alone, read by any.
  class Row {
   public:
    explicit Row(std::size_t slots) : lines_(new Line[(slots + kPerLine - 1) / kPerLine]()) {}
    // Adds `n` to `slot`. A load and a store rather than fetch_add: no other thread writes here,
    // and readers may see the old value or the new one, never a torn one.
    void add(std::size_t slot, std::uint64_t n = 1) noexcept {
      auto& cell = lines_[slot / kPerLine].cells[slot % kPerLine];
      cell.store(cell.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    std::uint64_t get(std::size_t slot) const noexcept {
      return lines_[slot / kPerLine].cells[slot % kPerLine].load(std::memory_order_relaxed);
    }

   private:
    static constexpr std::size_t kPerLine = 8;
    // A cache line each, so that no two threads' rows share one.
    struct alignas(64) Line {
      std::atomic<std::uint64_t> cells[kPerLine];
    };
    std::unique_ptr<Line[]> lines_;
  };

  explicit ThreadTally(std::size_t slots);
  ~ThreadTally();
  ThreadTally(const ThreadTally&) = delete;
  ThreadTally& operator=(const ThreadTally&) = delete;

  // The calling thread's row, made at its first call. Use it at once and keep no reference
  // across a wait: a fiber or a coroutine may resume on another thread.
  [[gnu::noinline]] Row& row();
  void add(std::size_t slot, std::uint64_t n = 1) { row().add(slot, n); }
  // Every slot summed over the rows of every thread that ever added, those ended included.
  std::vector<std::uint64_t> sum() const;
  std::size_t slots() const { return slots_; }

 private:
  Row& add_row();

  const std::size_t slots_;
  const std::size_t id_;  // this tally's place in each thread's table of rows; never reused
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Row>> rows_;  // guarded by mutex_
};

}  // namespace accountsd::metrics
