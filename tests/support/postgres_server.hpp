// The PostgreSQL server tests may use: the URL scripts/with-postgres exports, or none.
#pragma once

#include <optional>
#include <string>

namespace accountsd::testing {

// ACCOUNTSD_TEST_POSTGRES (a postgresql:// URL of a throwaway cluster), if set.
std::optional<std::string> test_postgres_url();

// A fresh, empty database on that server, dropped when this goes away.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& server_url);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

}  // namespace accountsd::testing

// Skips the test when no PostgreSQL server was given; CI always gives one (.ci/run).
#define ACCOUNTSD_REQUIRE_POSTGRES(url_variable)                                            \
  auto url_variable##_maybe = ::accountsd::testing::test_postgres_url();                    \
  if (!url_variable##_maybe)                                                                \
    GTEST_SKIP() << "ACCOUNTSD_TEST_POSTGRES is not set (run under scripts/with-postgres)"; \
  const std::string url_variable = *url_variable##_maybe
