#include "metrics/thread_tally.hpp"

namespace accountsd::metrics {
namespace {

std::atomic<std::size_t> next_tally_id{0};
// This thread's row of each tally, by the tally's id.
thread_local std::vector<ThreadTally::Row*> rows_by_tally;

}  // namespace

ThreadTally::ThreadTally(std::size_t slots) : slots_(slots), id_(next_tally_id++) {}

ThreadTally::~ThreadTally() = default;

// Never inlined (see the declaration): inlined into a fiber's or a coroutine's body, the compiler
// could reuse the address of the thread-local table it read before a suspension, on another thread
// after it.
ThreadTally::Row& ThreadTally::row() {
  auto& rows = rows_by_tally;
  if (id_ < rows.size() && rows[id_] != nullptr) return *rows[id_];
  return add_row();
}

ThreadTally::Row& ThreadTally::add_row() {
  auto& rows = rows_by_tally;
  if (rows.size() <= id_) rows.resize(id_ + 1, nullptr);
  auto row = std::make_unique<Row>(slots_);
  rows[id_] = row.get();
  std::lock_guard lock(mutex_);
  rows_.push_back(std::move(row));
  return *rows_.back();
}

std::vector<std::uint64_t> ThreadTally::sum() const {
  std::vector<std::uint64_t> total(slots_, 0);
  std::lock_guard lock(mutex_);
  for (const auto& row : rows_)
    for (std::size_t slot = 0; slot < slots_; ++slot) total[slot] += row->get(slot);
  return total;
}

}  // namespace accountsd::metrics
