// Failed logins shared by the servers of one database, so that the login throttle (A.2) counts
// the failures of all: each server records its own and reads the others'. PostgreSQL has it;
// a SQLite database serves one process, whose throttle keeps its failures in memory alone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace accountsd::store {

class LoginFailures {
 public:
  virtual ~LoginFailures() = default;

  struct Failure {
    std::string username;
    std::string address;
  };

  // Records a failure seen by this server; forgets those older than `window_seconds`.
  virtual void record(std::string_view username, std::string_view address,
                      std::int64_t window_seconds) = 0;
  // Failures other servers recorded within the last `window_seconds` that this one has not read
  // yet, oldest first (the first call returns all of the window's).
  virtual std::vector<Failure> others_since_last(std::int64_t window_seconds) = 0;
};

}  // namespace accountsd::store
