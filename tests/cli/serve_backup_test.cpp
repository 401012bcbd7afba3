// `accountsd serve --max-backup-bytes` and the large-body limits: the real binary gives
// POST /partner/backup its own body limit, every other route keeps 1 MiB, and one partner's
// uploads take no more than their share of the large-body places.
#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
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

// A fresh SQLite database with partner acme, for `accountsd serve` to serve.
class ServeBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    ASSERT_EQ(
        run_accountsd("partner create --username acme --name Acme --password-stdin --db " + db,
                      kAcme.password + "\n", temp.dir / "password.txt"),
        0);
  }
  TempDatabase temp;
  const std::string db = "sqlite:" + temp.path;
  ServerProcess server{temp.dir / "serve.log"};
};

TEST_F(ServeBackupTest, MaxBackupBytesSetsTheLimitOfTheBackupRouteOnly) {
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

TEST_F(ServeBackupTest, OnePartnersUploadsTakeNoMoreThanItsShareAndARefusalIsLogged) {
  namespace bhttp = boost::beast::http;
  auto port = server.start(db, {"--max-backup-bytes", "2000000", "--max-large-bodies", "2",
                                "--max-large-bodies-per-partner", "1"});
  ASSERT_NE(port, 0) << server.log();
  auto body = upload_of(1500000);
  auto headers = [&](const std::string& id) {
    return "POST /apis/accounts/v1/partner/backup HTTP/1.1\r\nHost: x\r\nAuthorization: " +
           basic_authorization(kAcme) + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nExpect: 100-continue\r\nX-Request-Id: " + id + "\r\n\r\n";
  };
  boost::asio::io_context ioc;
  auto connect = [&] {
    boost::asio::ip::tcp::socket socket(ioc);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    return socket;
  };
  auto read = [](boost::asio::ip::tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket, buffer, response);
    return response;
  };
  // The first upload is admitted and stays in flight; a place is left, but not for acme.
  auto first = connect();
  boost::asio::write(first, boost::asio::buffer(headers("acme-first")));
  ASSERT_EQ(read(first).result_int(), 100);
  auto second = connect();
  boost::asio::write(second, boost::asio::buffer(headers("acme-second")));
  auto refused = read(second);
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_EQ(refused[bhttp::field::retry_after], "5");
  first.close();
  second.close();
  EXPECT_EQ(server.stop(), 0) << server.log();
  auto log = server.log();
  EXPECT_NE(log.find("POST /apis/accounts/v1/partner/backup 503 "), std::string::npos) << log;
  EXPECT_NE(log.find("id=acme-second "), std::string::npos) << log;
}

TEST_F(ServeBackupTest, LargeBodyLimitsOfZeroAreRefused) {
  for (std::string flag : {"--max-large-bodies", "--max-large-bodies-per-partner"}) {
    SCOPED_TRACE(flag);
    EXPECT_EQ(server.start(db, {flag, "0"}), 0);
    EXPECT_NE(server.log().find(flag + ":"), std::string::npos) << server.log();
  }
}

}  // namespace
}  // namespace accountsd::testing
