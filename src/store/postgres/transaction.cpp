#include "store/postgres/transaction.hpp"

namespace accountsd::store::postgres {

const char* begin_statement(Isolation isolation) {
  switch (isolation) {
    case Isolation::read_committed:
      return "BEGIN";
    case Isolation::repeatable_read:
      return "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case Isolation::serializable:
      return "BEGIN ISOLATION LEVEL SERIALIZABLE";
  }
  return "BEGIN";
}

void rollback_quietly(Connection& connection) noexcept {
  try {
    connection.discard_ahead();
    if (connection.usable() && connection.in_transaction()) connection.end_transaction_later();
  } catch (...) {
    // The pool closes a connection still in a transaction when it comes back.
  }
}

std::chrono::microseconds retry_pause(int attempt) {
  thread_local std::minstd_rand random{std::random_device{}()};
  auto ceiling = 500 << std::min(attempt, 6);  // 1 ms, 2 ms, ... 32 ms
  return std::chrono::microseconds(std::uniform_int_distribution<int>(0, ceiling)(random));
}

}  // namespace accountsd::store::postgres
