// C.2 GET /partner/info and C.3 GET/POST /partner/backup: the appliance's backup round trip, its
// checks, the previous backup, tenant isolation, and the per-route body limits it brings (the
// larger limit, 413 decided from the headers, 503 when too many large bodies are in flight, in
// all or from one partner).
#include <sodium.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

// Small enough to keep uploads quick under the sanitizers, well above the 1 MiB default.
constexpr std::size_t kBackupLimit = 3 * 1024 * 1024;
constexpr std::size_t kMebibyte = 1024 * 1024;

std::string sha256_hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

// Base64 of `size` pseudo-random bytes, wrapped every 76 characters with `line_break` as MIME
// encoders write it (no breaks when `line_break` is empty).
std::string base64_text(std::size_t size, const std::string& line_break = "\n", unsigned seed = 1) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = char((i * 131 + seed * 7919) % 251);
  std::string encoded(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), size,
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.resize(encoded.size() - 1);  // the terminating NUL
  if (line_break.empty()) return encoded;
  std::string wrapped;
  for (std::size_t i = 0; i < encoded.size(); i += 76)
    wrapped += encoded.substr(i, 76) + line_break;
  return wrapped;
}

// A POST /partner/backup body for `data` with its true SHA-256.
std::string upload(const std::string& data) {
  return boost::json::serialize(boost::json::object{{"sha256", sha256_hex(data)}, {"data", data}});
}

// A blocking connection for requests sent in pieces; every read gives up after 5 seconds.
class RawConnection {
 public:
  explicit RawConnection(unsigned short port) : socket_(ioc_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval timeout{5, 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  void send(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }
  // The next response (an interim 100 Continue included).
  bhttp::response<bhttp::string_body> read() {
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket_, buffer_, response);
    return response;
  }
  // Whether the server closed the connection without an answer (not a read that timed out).
  bool closed_without_answer() {
    bhttp::response<bhttp::string_body> response;
    boost::system::error_code ec;
    bhttp::read(socket_, buffer_, response, ec);
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset;
  }

 private:
  asio::io_context ioc_;
  asio::ip::tcp::socket socket_;
  beast::flat_buffer buffer_;
};

class PartnerBackupTest : public ApiTest {
 protected:
  void configure(api::AppConfig& config) override {
    ApiTest::configure(config);
    config.max_backup_bytes = kBackupLimit;
  }
  http::ServerLimits server_limits() override {
    auto limits = ApiTest::server_limits();
    limits.large_bodies = 1;
    return limits;
  }

  // The headers of a backup upload by alpha (or `login`) with `extra` header lines, ending the
  // header block.
  std::string upload_headers(const std::string& extra) { return upload_headers_as(alpha, extra); }
  static std::string upload_headers_as(const Login& login, const std::string& extra) {
    return upload_headers_with("Authorization: " + basic_authorization(login) + "\r\n" + extra);
  }
  // The same with `lines` (credentials or none, and the rest) instead of alpha's credentials.
  static std::string upload_headers_with(const std::string& lines) {
    return std::string("POST ") + kRoot + "/partner/backup HTTP/1.1\r\nHost: x\r\n" + lines +
           "\r\n";
  }
  // Begins `login`'s upload of `body` on `connection` and leaves it in flight: admitted (100
  // Continue), and holding its place with part of its body sent.
  static void begin_upload(RawConnection& connection, const Login& login, const std::string& body) {
    connection.send(upload_headers_as(
        login, "Content-Length: " + std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n"));
    ASSERT_EQ(connection.read().result_int(), 100);
    connection.send(body.substr(0, 1000));
  }
  // Sends the rest of the body that begin_upload began, and expects it stored.
  static void finish_upload(RawConnection& connection, const std::string& body) {
    connection.send(body.substr(1000));
    auto stored = connection.read();
    EXPECT_EQ(stored.result_int(), 200) << stored.body();
  }
  // Uploads `body` as alpha, again while it is refused for want of a place (503), for `within`
  // at most: the status of the last try.
  int post_once_placed(const std::string& body, std::chrono::seconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    int status = 0;
    do {
      status = post("/partner/backup", body).status;
      if (status != 503) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return status;
  }
  // Expects `login`'s upload of `size` bytes refused from its headers: 503 with Retry-After and
  // the error body of every other refusal, whose reason is `reason`.
  void expect_no_place(const Login& login, std::size_t size, const std::string& reason) {
    RawConnection connection(port);
    connection.send(upload_headers_as(
        login, "Content-Length: " + std::to_string(size) + "\r\nExpect: 100-continue\r\n"));
    auto refused = connection.read();
    EXPECT_EQ(refused.result_int(), 503);
    EXPECT_EQ(refused[bhttp::field::retry_after], "5");
    EXPECT_FALSE(refused["X-Request-Id"].empty());
    EXPECT_EQ(json(refused.body()), (boost::json::object{{"reason", reason}})) << refused.body();
  }
};

// What a partner is told when every large-body place is taken, and when its own share is.
constexpr const char* kAllPlacesTaken =
    "too many large uploads in progress; try again in a few seconds";
constexpr const char* kOnePartnersShareTaken =
    "this partner already has 1 large upload in progress; try again in a few seconds";

// Backups with `Places` large-body places in all, `PerPartner` of them for any one partner.
template <std::size_t Places, std::size_t PerPartner>
class LargeUploadLimits : public PartnerBackupTest {
 protected:
  http::ServerLimits server_limits() override {
    auto limits = PartnerBackupTest::server_limits();
    limits.large_bodies = Places;
    limits.large_bodies_per_holder = PerPartner;
    return limits;
  }
};
// As `serve` has them by default: one partner cannot take both places.
using LargeUploadsPerPartnerTest = LargeUploadLimits<2, 1>;
// The same on a server that lets a client pause for 1 s at most.
class LargeUploadPausesTest : public LargeUploadsPerPartnerTest {
 protected:
  http::ServerLimits server_limits() override {
    auto limits = LargeUploadsPerPartnerTest::server_limits();
    limits.read_timeout = std::chrono::seconds(1);
    return limits;
  }
};
// A share above the overall limit: that limit alone decides.
using LargeUploadsOverallLimitTest = LargeUploadLimits<2, 3>;

TEST_F(PartnerBackupTest, InfoNamesThePartner) {
  auto reply = get("/partner/info");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto& info = reply.json.as_object();
  EXPECT_EQ(info.size(), 3u) << reply.body;
  EXPECT_EQ(info.at("company_name"), boost::json::value("alpha Corp"));
  EXPECT_EQ(info.at("brand_identifier"), boost::json::value("alpha"));
  EXPECT_EQ(info.at("creation_time").as_int64(), partners().find_partner(alpha_id)->created_at);
  EXPECT_EQ(get_as(beta, "/partner/info/").json.at("brand_identifier"), boost::json::value("beta"));
  EXPECT_EQ(request("GET", "/partner/info", "", std::nullopt).status, 401);
}

TEST_F(PartnerBackupTest, IsNullBeforeAnyBackup) {
  auto reply = get("/partner/backup");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, "null");
}

TEST_F(PartnerBackupTest, RoundTripsTheDataExactlyAsSent) {
  // CRLF and LF line breaks, and a last line without one.
  std::string data = base64_text(3000, "\r\n") + base64_text(501, "\n", 2) + base64_text(30, "");
  auto posted = post("/partner/backup", upload(data));
  ASSERT_EQ(posted.status, 200) << posted.body;
  const auto& answer = posted.json.as_object();
  EXPECT_EQ(answer.size(), 3u) << posted.body;
  EXPECT_EQ(answer.at("sha256"), boost::json::value(sha256_hex(data)));
  EXPECT_EQ(answer.at("size").as_int64(), std::int64_t(data.size()));
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  EXPECT_LE(std::abs(answer.at("update_time").as_int64() - now), 5);

  auto reply = get("/partner/backup");
  ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 200);
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  const auto& backup = reply.json.as_object();
  EXPECT_EQ(backup.size(), 4u);
  EXPECT_EQ(backup.at("data").as_string(), data);
  EXPECT_EQ(backup.at("sha256"), answer.at("sha256"));
  EXPECT_EQ(backup.at("size"), answer.at("size"));
  EXPECT_EQ(backup.at("update_time"), answer.at("update_time"));
}

TEST_F(PartnerBackupTest, SizeCountsTheBytesAsSentLineBreaksIncluded) {
  std::string data = "QUJD\r\nREVG\n";  // "ABCDEF" in two lines: 11 bytes as sent, 6 decoded
  auto posted = post("/partner/backup", upload(data));
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(posted.json.at("size").as_int64(), 11);
  EXPECT_EQ(get("/partner/backup").json.at("size").as_int64(), 11);
}

TEST_F(PartnerBackupTest, AShaThatDoesNotMatchIs400AndStoresNothing) {
  std::string data = base64_text(1000);
  // Cut short after ten whole lines, as a broken upload might be: still base64, but not the data
  // the sha256 was taken of.
  auto truncated = data.substr(0, 77 * 10);
  auto reply = post("/partner/backup", boost::json::serialize(boost::json::object{
                                           {"sha256", sha256_hex(data)}, {"data", truncated}}));
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(strings(reply.json.at("invalid")), std::vector<std::string>{"sha256"});
  EXPECT_TRUE(reply.json.at("reason").is_string());

  // Upper-case hex is not the lowercase hex the contract asks for.
  std::string upper = sha256_hex(data);
  for (auto& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  reply = post("/partner/backup",
               boost::json::serialize(boost::json::object{{"sha256", upper}, {"data", data}}));
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(strings(reply.json.at("invalid")), std::vector<std::string>{"sha256"});
  EXPECT_EQ(get("/partner/backup").body, "null");
}

TEST_F(PartnerBackupTest, DataThatIsNotBase64Is400) {
  for (std::string data : {"not base64 at all", "QUJD RA==", "QUJDRA=", "QU=JDRA=", "QUJD====",
                           "QUJD\tREVG", "QUJDRA==QUJD"}) {
    SCOPED_TRACE(data);
    auto reply = post("/partner/backup", upload(data));
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(strings(reply.json.at("invalid")), std::vector<std::string>{"data"});
  }
  EXPECT_EQ(get("/partner/backup").body, "null");
}

TEST_F(PartnerBackupTest, TheBodyFollowsTheStrictRules) {
  std::string data = "QUJD";
  auto expect_invalid = [&](const std::string& body, std::vector<std::string> fields) {
    SCOPED_TRACE(body);
    auto reply = post("/partner/backup", body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_EQ(sorted(strings(reply.json.at("invalid"))), sorted(fields));
  };
  auto sha = "\"" + sha256_hex(data) + "\"";
  expect_invalid("{\"sha256\": " + sha + ", \"data\": \"QUJD\", \"comment\": \"x\"}", {"comment"});
  expect_invalid("{\"sha256\": " + sha + "}", {"data"});
  expect_invalid("{\"data\": \"QUJD\"}", {"sha256"});
  expect_invalid("", {"sha256", "data"});
  expect_invalid("{\"sha256\": " + sha + ", \"data\": 12}", {"data"});
  expect_invalid("{\"sha256\": 12, \"data\": \"QUJD\"}", {"sha256"});
  expect_invalid("{\"sha256\": " + sha + ", \"data\": [\"QUJD\"]}", {"data"});
  expect_invalid("{\"sha256\": " + sha + ", \"data\": \"QUJD\", \"data\": \"QUJD\"}", {"data"});
  expect_invalid("{\"sha256\": " + sha + ", \"data\": \"QU\\u0000JD\"}", {"data"});
  for (const char* body : {"[]", "\"QUJD\"", "{\"sha256\": ", "null"}) {
    auto reply = post("/partner/backup", body);
    EXPECT_EQ(reply.status, 400) << body << ": " << reply.body;
  }
  EXPECT_EQ(get("/partner/backup").body, "null");
  // JSON escapes count as the characters they stand for.
  auto escaped = post("/partner/backup", "{\"data\": \"QU\\u004aD\\r\\n\", \"sha256\": \"" +
                                             sha256_hex("QUJD\r\n") + "\"}");
  ASSERT_EQ(escaped.status, 200) << escaped.body;
  EXPECT_EQ(get("/partner/backup").json.at("data"), boost::json::value("QUJD\r\n"));
}

TEST_F(PartnerBackupTest, ANewBackupReplacesTheCurrentOneAndKeepsItAsPrevious) {
  std::string first = base64_text(600, "\n", 1);
  std::string second = base64_text(600, "\n", 2);
  std::string third = base64_text(600, "\n", 3);
  ASSERT_EQ(post("/partner/backup", upload(first)).status, 200);
  EXPECT_FALSE(partners().backup(alpha_id, domain::BackupGeneration::previous).has_value());
  ASSERT_EQ(post("/partner/backup", upload(second)).status, 200);
  EXPECT_EQ(get("/partner/backup").json.at("data").as_string(), second);
  EXPECT_EQ(partners().backup(alpha_id, domain::BackupGeneration::previous)->data, first);
  ASSERT_EQ(post("/partner/backup", upload(third)).status, 200);
  EXPECT_EQ(get("/partner/backup").json.at("data").as_string(), third);
  auto previous = partners().backup(alpha_id, domain::BackupGeneration::previous);
  ASSERT_TRUE(previous.has_value());
  EXPECT_EQ(previous->data, second);
  EXPECT_EQ(previous->sha256, sha256_hex(second));
  // A refused upload changes neither.
  ASSERT_EQ(post("/partner/backup", R"({"sha256": "00", "data": "QUJD"})").status, 400);
  EXPECT_EQ(get("/partner/backup").json.at("data").as_string(), third);
  EXPECT_EQ(partners().backup(alpha_id, domain::BackupGeneration::previous)->data, second);
}

TEST_F(PartnerBackupTest, EachPartnerSeesOnlyItsOwn) {
  std::string mine = base64_text(300, "\n", 4);
  ASSERT_EQ(post("/partner/backup", upload(mine)).status, 200);
  EXPECT_EQ(get_as(beta, "/partner/backup").body, "null");
  std::string theirs = base64_text(300, "\n", 5);
  ASSERT_EQ(post_as(beta, "/partner/backup", upload(theirs)).status, 200);
  EXPECT_EQ(get("/partner/backup").json.at("data").as_string(), mine);
  EXPECT_EQ(get_as(beta, "/partner/backup").json.at("data").as_string(), theirs);
  EXPECT_EQ(request("GET", "/partner/backup", "", std::nullopt).status, 401);
  EXPECT_EQ(request("POST", "/partner/backup", upload(mine), std::nullopt).status, 401);
}

TEST_F(PartnerBackupTest, TakesBodiesOverOneMebibyteThatOtherRoutesRefuse) {
  std::string data = base64_text(kMebibyte, "\n");  // about 1.35 MiB of text
  auto body = upload(data);
  ASSERT_GT(body.size(), kMebibyte);
  auto reply = post("/partner/backup", body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("size").as_int64(), std::int64_t(data.size()));
  EXPECT_EQ(get("/partner/backup").json.at("data").as_string(), data);
  EXPECT_EQ(post("/partner/settings", body).status, 413);
  EXPECT_EQ(post("/partner/billing", body).status, 413);
}

TEST_F(PartnerBackupTest, ABodyOverTheBackupLimitIs413) {
  // Sent in pieces on a raw connection: the server answers from the headers and reads no more
  // than its linger allows, so a client that writes the whole body first may hit a reset.
  std::string body = upload(base64_text(kBackupLimit, ""));
  ASSERT_GT(body.size(), kBackupLimit);
  RawConnection connection(port);
  connection.send(upload_headers("Content-Length: " + std::to_string(body.size()) + "\r\n"));
  for (std::size_t sent = 0; sent < body.size(); sent += 64 * 1024) {
    try {
      connection.send(body.substr(sent, 64 * 1024));
    } catch (const boost::system::system_error&) {
      break;  // the server answered and closed
    }
  }
  auto response = connection.read();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_TRUE(json(response.body()).at("reason").is_string());
  EXPECT_EQ(get("/partner/backup").body, "null");
}

TEST_F(PartnerBackupTest, ADeclaredLengthOverTheLimitIsRefusedBeforeTheBody) {
  // Headers only: the answer must come without waiting for a body that never arrives.
  for (std::size_t length : {kBackupLimit + 1, std::size_t(1) << 40}) {
    SCOPED_TRACE(length);
    RawConnection connection(port);
    auto started = std::chrono::steady_clock::now();
    connection.send(upload_headers("Content-Length: " + std::to_string(length) + "\r\n"));
    auto response = connection.read();
    EXPECT_EQ(response.result_int(), 413);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    EXPECT_TRUE(json(response.body()).at("reason").is_string());
  }
}

TEST_F(PartnerBackupTest, AChunkedBodyIsCutAtTheLimit) {
  RawConnection connection(port);
  connection.send(upload_headers("Transfer-Encoding: chunked\r\n"));
  std::string chunk(256 * 1024, 'A');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  std::string piece = std::string(size_line) + chunk + "\r\n";
  for (std::size_t sent = 0; sent <= kBackupLimit + chunk.size(); sent += chunk.size()) {
    try {
      connection.send(piece);
    } catch (const boost::system::system_error&) {
      break;  // the server answered and closed
    }
  }
  EXPECT_EQ(connection.read().result_int(), 413);
}

TEST_F(PartnerBackupTest, TooManyLargeBodiesInFlightGet503BeforeTheirBody) {
  // The fixture allows one large body at a time. The first upload holds the slot: the server
  // says 100 Continue once it has admitted the headers, and the body is still on its way.
  std::string data = base64_text(kMebibyte, "");
  std::string body = upload(data);
  RawConnection first(port);
  first.send(upload_headers("Content-Length: " + std::to_string(body.size()) +
                            "\r\nExpect: 100-continue\r\n"));
  ASSERT_EQ(first.read().result_int(), 100);
  first.send(body.substr(0, 1000));

  // Another partner's upload, which has a share of its own but finds no place left.
  RawConnection second(port);
  second.send(upload_headers_as(beta, "Content-Length: " + std::to_string(body.size()) + "\r\n"));
  auto refused = second.read();
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_EQ(refused[bhttp::field::retry_after], "5");
  EXPECT_EQ(json(refused.body()).at("reason"), boost::json::value(kAllPlacesTaken));

  // Small bodies do not need a slot, on this route or any other.
  EXPECT_EQ(post("/partner/backup", upload("QUJD")).status, 200);
  EXPECT_EQ(post("/partner/settings", R"({"api_version": "x"})").status, 200);

  first.send(body.substr(1000));
  auto stored = first.read();
  EXPECT_EQ(stored.result_int(), 200) << stored.body();
  // The slot is free again once the first upload is answered.
  EXPECT_EQ(post("/partner/backup", body).status, 200);
  EXPECT_EQ(get("/partner/backup").json.at("data").as_string(), data);
}

TEST_F(PartnerBackupTest, ALargeBodyIsReadOnlyFromACallerWhoAuthenticates) {
  // The fixture allows one large body at a time. Callers without valid credentials are answered
  // from their headers, before any of their body is read, and hold no place meanwhile: their
  // connections stay open here, sending nothing, while alpha's upload goes through.
  std::string data = base64_text(kMebibyte, "", 3);
  std::string body = upload(data);
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  const std::string wrong =
      "Authorization: " + basic_authorization(Login{alpha.username, "not-the-password"}) + "\r\n";
  const std::string unknown =
      "Authorization: " + basic_authorization(Login{"nobody", "whatever-1"}) + "\r\n";
  std::vector<std::unique_ptr<RawConnection>> refused;
  for (const auto& credentials : {wrong, unknown, std::string()}) {
    SCOPED_TRACE(credentials);
    auto started = std::chrono::steady_clock::now();
    refused.push_back(std::make_unique<RawConnection>(port));
    // Expect: 100-continue: a refused caller is never told to go on.
    refused.back()->send(upload_headers_with(credentials + length + "Expect: 100-continue\r\n"));
    auto answer = refused.back()->read();
    EXPECT_EQ(answer.result_int(), 401);
    EXPECT_TRUE(json(answer.body()).at("reason").is_string()) << answer.body();
    EXPECT_FALSE(answer[bhttp::field::www_authenticate].empty());
    EXPECT_FALSE(answer["X-Request-Id"].empty());
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  }

  // The place is free: alpha is told to go on, and its upload is stored.
  RawConnection upload_connection(port);
  upload_connection.send(upload_headers(length + "Expect: 100-continue\r\n"));
  ASSERT_EQ(upload_connection.read().result_int(), 100);
  upload_connection.send(body);
  auto stored = upload_connection.read();
  EXPECT_EQ(stored.result_int(), 200) << stored.body();
  // Under one request id from its admission to its answer.
  EXPECT_FALSE(stored["X-Request-Id"].empty());
  EXPECT_EQ(get("/partner/backup").json.at("data").as_string(), data);
}

TEST_F(PartnerBackupTest, AnAdmittedUploadKeepsTheIdItWasSentWith) {
  std::string body = upload(base64_text(kMebibyte, "", 4));
  RawConnection connection(port);
  connection.send(upload_headers("Content-Length: " + std::to_string(body.size()) +
                                 "\r\nX-Request-Id: backup-upload-1\r\n"));
  connection.send(body);
  auto stored = connection.read();
  EXPECT_EQ(stored.result_int(), 200) << stored.body();
  EXPECT_EQ(stored["X-Request-Id"], "backup-upload-1");
}

TEST_F(LargeUploadsPerPartnerTest, OnePartnerHoldsNoMoreThanItsShareOfThePlaces) {
  std::string body = upload(base64_text(kMebibyte, "", 5));
  RawConnection alpha_first(port);
  begin_upload(alpha_first, alpha, body);

  // A place is free, but alpha's share is taken: its second upload is refused from its headers.
  expect_no_place(alpha, body.size(), kOnePartnersShareTaken);

  // beta takes the free place at the same time, and its upload goes through.
  std::string beta_data = base64_text(kMebibyte, "", 6);
  std::string beta_body = upload(beta_data);
  RawConnection beta_upload(port);
  begin_upload(beta_upload, beta, beta_body);
  // alpha is still told about its own share, though no place is left either: waiting for
  // others' uploads would not let it in.
  expect_no_place(alpha, body.size(), kOnePartnersShareTaken);
  finish_upload(beta_upload, beta_body);
  EXPECT_EQ(get_as(beta, "/partner/backup").json.at("data").as_string(), beta_data);

  // Once alpha's first upload is done, its share is back: it may upload again.
  finish_upload(alpha_first, body);
  std::string again = base64_text(kMebibyte, "", 7);
  auto stored = post("/partner/backup", upload(again));
  EXPECT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(get("/partner/backup").json.at("data").as_string(), again);
}

TEST_F(LargeUploadsPerPartnerTest, APartnerHasOneShareHoweverItSignsIn) {
  std::string body = upload(base64_text(kMebibyte, "", 10));
  RawConnection basic(port);
  begin_upload(basic, alpha, body);
  // alpha's console session is alpha too: its upload counts against the same share.
  auto signed_in = request_target("POST", "/console/session",
                                  boost::json::serialize(boost::json::object{
                                      {"username", alpha.username}, {"password", alpha.password}}),
                                  std::nullopt);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  auto cookie = signed_in.header("set-cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  RawConnection console(port);
  console.send(upload_headers_with("Cookie: " + cookie + "\r\nX-CSRF-Token: " +
                                   std::string(signed_in.json.at("csrf_token").as_string()) +
                                   "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"));
  auto refused = console.read();
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_EQ(json(refused.body()).at("reason"), boost::json::value(kOnePartnersShareTaken));
  finish_upload(basic, body);
}

TEST_F(LargeUploadsPerPartnerTest, AnUploadCutOffGivesItsPartnersShareBack) {
  std::string body = upload(base64_text(kMebibyte, "", 8));
  {
    RawConnection cut_off(port);
    begin_upload(cut_off, alpha, body);
  }  // closed with most of its body unsent
  // The server notices the close on its own time: until then alpha's share is still taken.
  EXPECT_EQ(post_once_placed(body, std::chrono::seconds(5)), 200);
}

TEST_F(LargeUploadPausesTest, AStalledUploadGivesItsPartnersShareBackAfterTheReadTimeout) {
  std::string body = upload(base64_text(kMebibyte, "", 11));
  RawConnection stalled(port);
  begin_upload(stalled, alpha, body);
  expect_no_place(alpha, body.size(), kOnePartnersShareTaken);
  // Nothing more comes. The server gives up on it after the read timeout (1 s here), not at the
  // end of the 300 s a large body may take in all: alpha's share is back well before that.
  EXPECT_EQ(post_once_placed(body, std::chrono::seconds(10)), 200);
  EXPECT_TRUE(stalled.closed_without_answer());
}

TEST_F(LargeUploadPausesTest, AnUploadThatKeepsComingMayTakeLongerThanTheReadTimeout) {
  std::string data = base64_text(kMebibyte, "", 12);
  std::string body = upload(data);
  RawConnection slow(port);
  begin_upload(slow, alpha, body);
  // The rest in 6 pieces 400 ms apart: 2 s in all, twice the read timeout, never a pause as long.
  const std::size_t rest = body.size() - 1000;
  for (std::size_t i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    const std::size_t from = 1000 + rest * i / 6;
    const std::size_t to = 1000 + rest * (i + 1) / 6;
    slow.send(body.substr(from, to - from));
  }
  auto stored = slow.read();
  EXPECT_EQ(stored.result_int(), 200) << stored.body();
  EXPECT_EQ(get("/partner/backup").json.at("data").as_string(), data);
}

TEST_F(LargeUploadsOverallLimitTest, AShareAboveTheOverallLimitChangesNothing) {
  // One partner may take every place, as before there were shares, and then anyone else is told
  // that all are taken.
  std::string body = upload(base64_text(kMebibyte, "", 9));
  RawConnection first(port);
  RawConnection second(port);
  begin_upload(first, alpha, body);
  begin_upload(second, alpha, body);
  expect_no_place(alpha, body.size(), kAllPlacesTaken);
  expect_no_place(beta, body.size(), kAllPlacesTaken);
  finish_upload(first, body);
  finish_upload(second, body);
  EXPECT_EQ(post_as(beta, "/partner/backup", body).status, 200);
}

}  // namespace
}  // namespace accountsd::testing
