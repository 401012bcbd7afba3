// `accountsd serve --max-backup-bytes`: the real binary gives POST /partner/backup its own body
// limit, and every other route keeps 1 MiB.
#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

const Login kAcme{"acme", "backup-password-1"};

// A POST /partner/backup body whose data is `size` base64 characters.
std::string upload_of(std::size_t size) {
  std::string data(size, 'A');
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return boost::json::serialize(boost::json::object{{"sha256", hex}, {"data", data}});
}

TEST(ServeBackupTest, MaxBackupBytesSetsTheLimitOfTheBackupRouteOnly) {
  ASSERT_GE(sodium_init(), 0);
  TempDatabase temp;
  std::string db = "sqlite:" + temp.path;
  ASSERT_EQ(run_accountsd("partner create --username acme --name Acme --password-stdin --db " + db,
                          kAcme.password + "\n", temp.dir / "password.txt"),
            0);
  ServerProcess server(temp.dir / "serve.log");
  auto port = server.start(db, {"--max-backup-bytes", "2000000", "--max-large-bodies", "1"});
  ASSERT_NE(port, 0) << server.log();
  const std::string root = "/apis/accounts/v1";
  auto fits = upload_of(1500000);  // over the 1 MiB default, under the backup limit
  EXPECT_EQ(http_request(port, "POST", root + "/partner/backup", fits, kAcme).status, 200);
  EXPECT_EQ(http_request(port, "POST", root + "/partner/settings", fits, kAcme).status, 413);
  EXPECT_EQ(http_request(port, "POST", root + "/partner/backup", upload_of(2100000), kAcme).status,
            413);
  auto stored = http_request(port, "GET", root + "/partner/backup", "", kAcme);
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(stored.json.at("size").as_int64(), 1500000);
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace accountsd::testing
