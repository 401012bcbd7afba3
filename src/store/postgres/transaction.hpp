// Runs work in one PostgreSQL transaction, again from the start when the database reports a
// serialization failure or a deadlock (it rolled the attempt back; a later one may succeed).
#pragma once

#include <chrono>
#include <exception>
#include <random>
#include <type_traits>

#include "async/wait.hpp"
#include "store/postgres/connection.hpp"

namespace accountsd::store::postgres {

enum class Isolation { read_committed, repeatable_read, serializable };

// Attempts before a serialization failure is given up on and reported.
constexpr int kTransactionAttempts = 10;

const char* begin_statement(Isolation isolation);
// Ends a transaction (a failed one, or a read), without waiting for the answer; what was queued
// and never sent is forgotten. A connection that cannot even do that is marked broken.
void rollback_quietly(Connection& connection) noexcept;
// A short random pause that grows with each attempt, so that clashing writers spread out.
std::chrono::microseconds retry_pause(int attempt);

template <typename Work>
auto transact(Connection& connection, Isolation isolation, Work&& work)
    -> std::invoke_result_t<Work&, Connection&> {
  for (int attempt = 1;; ++attempt) {
    // Sent with the work's first statement, in its round trip.
    connection.begin_later(begin_statement(isolation));
    std::exception_ptr failure;
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<Work&, Connection&>>) {
        work(connection);
        connection.commit();
        return;
      } else {
        auto result = work(connection);
        connection.commit();
        return result;
      }
    } catch (const PgError& e) {
      if (!retryable(e) || attempt == kTransactionAttempts) failure = std::current_exception();
    } catch (...) {
      failure = std::current_exception();
    }
    // Rolled back outside the handlers: the rollback may suspend this fiber, which may resume on
    // another thread, and the exception a handler is handling is the thread's (a `throw;` there
    // would find none, and terminate).
    rollback_quietly(connection);
    if (failure) std::rethrow_exception(failure);
    async::sleep_until(std::chrono::steady_clock::now() + retry_pause(attempt));
  }
}

}  // namespace accountsd::store::postgres
