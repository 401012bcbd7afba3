// What the `accountsd migrate-db` tests share: the real binary's operator commands, and a SQLite
// database filled as a server's life fills it (operator commands, demo, the partner API and the
// storage service's /internal/v1), to be copied into PostgreSQL.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {

// What a run of the binary gave: exit status (-1 if it did not exit normally), stdout, stderr.
struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string read_file(const std::filesystem::path& path);

class MigrateDbFixture : public ::testing::Test {
 public:
  static constexpr const char* kRoot = "/apis/accounts/v1";
  static constexpr const char* kServiceToken = "migrate-db-service-token-0123456789";
  inline static const Login kAcme{"acme", "migrate-password-1"};

 protected:
  MigrateDbFixture();

  // Runs `accountsd ARGS` with `input` on stdin.
  Outcome accountsd(const std::string& args, const std::string& input = "");
  // Copies the SQLite database into `target` (a postgres:// URL).
  Outcome migrate_db(const std::string& target);
  // `accountsd serve` arguments beyond --db: the storage service's token.
  std::vector<std::string> serve_arguments() const;

  // The partner `acme` (prepaid, a quota, two features, a group, non-ASCII names).
  void create_acme();
  // The partner `demo` with `users` users, their devices and shares; its password.
  std::string create_demo(int users);
  // One row of each kind the API and the storage service write; see the definition.
  void fill_through_the_api(const std::string& demo_password);
  // Makes the replaced backup's data binary, as an appliance's future format might send.
  void make_a_backup_binary();

  TempDatabase temp_;
  std::string db_ = "sqlite:" + temp_.path;
};

}  // namespace accountsd::testing
