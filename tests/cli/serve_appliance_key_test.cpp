// Part C through the real binary: the operator's `partner create` and `partner passwd` store the
// appliance key with the password, so that an OpenManage appliance given the password signs in
// (it sends the key, auth/appliance_key.hpp), and a new password ends the old key.
#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <string>
#include <vector>

#include "auth/appliance_key.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

const std::string kRoot = "/apis/accounts/v1";

// Serves `db` and answers quota's status for each of `logins`, in order.
std::vector<int> statuses(const std::string& db, const std::filesystem::path& log,
                          const std::vector<Login>& logins) {
  ServerProcess server{log};
  auto port = server.start(db);
  EXPECT_NE(port, 0) << server.log();
  std::vector<int> answers;
  for (const auto& login : logins)
    answers.push_back(http_request(port, "GET", kRoot + "/partner/quota", "", login).status);
  EXPECT_EQ(server.stop(), 0) << server.log();
  return answers;
}

TEST(ServeApplianceKeyTest, TheOperatorsPasswordSignsInAnApplianceUntilItIsChanged) {
  ASSERT_GE(sodium_init(), 0);
  TempDatabase temp;
  const std::string db = "sqlite:" + temp.path;
  const Login typed{"acme", "first-password-1"};
  const Login appliance{"acme", *auth::appliance_key(typed.password)};
  ASSERT_EQ(run_accountsd("partner create --username acme --name Acme --password-stdin --db " + db,
                          typed.password + "\n", temp.dir / "create.txt"),
            0);
  EXPECT_EQ(statuses(db, temp.dir / "serve.log", {appliance, typed}), (std::vector<int>{200, 200}));
  const Login changed{"acme", "second-password-2"};
  ASSERT_EQ(run_accountsd("partner passwd acme --password-stdin --db " + db,
                          changed.password + "\n", temp.dir / "passwd.txt"),
            0);
  const Login changed_appliance{"acme", *auth::appliance_key(changed.password)};
  EXPECT_EQ(statuses(db, temp.dir / "serve2.log", {appliance, typed, changed_appliance, changed}),
            (std::vector<int>{401, 401, 200, 200}));
}

}  // namespace
}  // namespace accountsd::testing
