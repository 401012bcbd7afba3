// Issue 5, item 2: a write that `accountsd serve` answered 2xx survives a SIGKILL at any moment.
// Client threads write settings, billing, a partner password, users, devices and usage with
// unique values while the server is killed at a random moment; then the file must pass SQLite's
// integrity check, and the restarted server must show every acknowledged write (or a later one
// that was in flight at the kill) and quota figures equal to a recount of the rows.
#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>
#include <boost/asio/error.hpp>
#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

const std::string kRoot = "/apis/accounts/v1";
const Login kAcme{"acme", "acme-password-1"};
constexpr const char* kKeysPartner = "keys";  // the partner whose password is changed
constexpr const char* kServiceToken = "crash-durability-service-token";
constexpr const char* kBcrypt = "$2b$12$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY01";
// A Visa test number the sandbox processor approves (spec A.3). Never printed.
constexpr const char* kCard = "4111111111111111";
constexpr int kUserWriters = 3;
constexpr int kDeviceWriters = 2;
constexpr int kDevicesPerOwner = 6;

// What one object's single writer knows of it: the value of its last write answered 2xx, and the
// value of a write sent but never answered (the server died first), which may or may not have
// been applied.
struct KeyState {
  std::optional<std::string> acknowledged;
  std::optional<std::string> in_flight;
};

// Every object written, by key ("settings", "user:w0-12", ...). Each key has one writer thread,
// so at most one write in flight; what the server shows after a restart must be the acknowledged
// value or the in-flight one, and nothing older.
class Ledger {
 public:
  void sending(const std::string& key, const std::string& value) {
    std::lock_guard lock(mutex_);
    keys_[key].in_flight = value;
  }
  void acknowledged(const std::string& key, const std::string& value) {
    std::lock_guard lock(mutex_);
    auto& state = keys_[key];
    state.acknowledged = value;
    state.in_flight.reset();
    ++acknowledged_writes_;
  }
  void not_sent(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(key);
    if (it == keys_.end()) return;
    it->second.in_flight.reset();
    if (!it->second.acknowledged) keys_.erase(it);
  }
  std::optional<KeyState> state(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(key);
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }
  // The keys starting with `prefix` that have a value.
  std::vector<std::string> keys(const std::string& prefix) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (auto it = keys_.lower_bound(prefix); it != keys_.end() && it->first.starts_with(prefix);
         ++it) {
      out.push_back(it->first);
    }
    return out;
  }
  // Checks what a restarted server shows for `key` (nothing: the object does not exist), then
  // takes it as the acknowledged state the next writes build on.
  void settle(const std::string& key, const std::optional<std::string>& actual) {
    std::lock_guard lock(mutex_);
    auto& state = keys_[key];
    const bool was_acknowledged = state.acknowledged.has_value();
    const bool allowed = actual == state.acknowledged ||
                         (state.in_flight && actual == state.in_flight) ||
                         (!actual && !state.acknowledged);
    EXPECT_TRUE(allowed) << key << ": found " << actual.value_or("(nothing)") << ", acknowledged "
                         << state.acknowledged.value_or("(nothing)") << ", in flight "
                         << state.in_flight.value_or("(nothing)");
    if (was_acknowledged) ++acknowledged_checked_;
    if (state.in_flight) ++(actual == state.in_flight ? in_flight_applied_ : in_flight_absent_);
    if (actual) {
      state = KeyState{actual, std::nullopt};
    } else {
      keys_.erase(key);
    }
  }

  std::int64_t acknowledged_writes() const { return acknowledged_writes_; }
  std::int64_t acknowledged_checked() const { return acknowledged_checked_; }
  std::int64_t in_flight_applied() const { return in_flight_applied_; }
  std::int64_t in_flight_absent() const { return in_flight_absent_; }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, KeyState> keys_;
  std::int64_t acknowledged_writes_ = 0;
  std::int64_t acknowledged_checked_ = 0;  // keys with an acknowledged value, checked at restarts
  std::int64_t in_flight_applied_ = 0;
  std::int64_t in_flight_absent_ = 0;
};

std::string str(const boost::json::value& value) {
  return value.is_string() ? std::string(value.get_string()) : boost::json::serialize(value);
}

class CrashDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    db_ = "sqlite:" + temp_.path;
    std::ofstream(temp_.dir / "token.txt") << kServiceToken << "\n";
    auto input = temp_.dir / "stdin.txt";
    // Users are created without group_id, into the partner's one group (C.7).
    ASSERT_EQ(run_accountsd("partner create --username acme --name Acme --group Acme "
                            "--billing prepaid --password-stdin --db " +
                                db_,
                            kAcme.password + "\n", input),
              0);
    ASSERT_EQ(run_accountsd(std::string("partner create --username ") + kKeysPartner +
                                " --name Keys --password-stdin --db " + db_,
                            "keys-password-0\n", input),
              0);
    // Users on a 1 GB plan, so that the allocation sums stay far from saturation.
    ASSERT_EQ(run_accountsd("plan create --partner acme --name Small --storage-bytes 1000000000 "
                            "--db " +
                                db_,
                            "", input),
              0);
    ledger_.acknowledged("password", "keys-password-0");
  }

  std::vector<std::string> serve_args() const {
    auto args = mode_args_;
    args.push_back("--service-token-file");
    args.push_back((temp_.dir / "token.txt").string());
    return args;
  }

  Reply call(const std::string& method, const std::string& path, const std::string& body = "") {
    return http_request(port_, method, kRoot + path, body, kAcme);
  }
  Reply internal(const std::string& method, const std::string& path, const std::string& body) {
    return http_request(port_, method, "/internal/v1/partners/acme" + path, body, std::nullopt,
                        {{"Authorization", std::string("Bearer ") + kServiceToken}});
  }

  // Sends one write of `value` to `key`: in flight until a 2xx makes it acknowledged. false when
  // the writer should stop: the server is gone, or it refused (a failure).
  bool write(const std::string& key, const std::string& value, const std::function<Reply()>& send) {
    ledger_.sending(key, value);
    Reply reply;
    try {
      reply = send();
    } catch (const boost::system::system_error& e) {
      // Refused: sent after the kill, so never in flight.
      if (e.code() == boost::asio::error::connection_refused) ledger_.not_sent(key);
      return false;
    }
    if (reply.status / 100 != 2) {
      ADD_FAILURE() << key << " = " << value << ": " << reply.status << " " << reply.body;
      return false;
    }
    ledger_.acknowledged(key, value);
    return true;
  }

  std::string next_value() { return std::to_string(++sequence_); }

  // The writers, one write per call; false to stop.
  bool write_settings() {
    auto n = next_value();
    return write("settings", n, [&] {
      return call("POST", "/partner/settings",
                  R"({"share_link_ttl": )" + n + R"(, "purgehold_duration": )" + n +
                      R"(, "api_version": "v)" + n + R"("})");
    });
  }

  bool write_billing() {
    auto n = next_value();
    auto month = std::to_string(1 + std::stoi(n) % 12);
    return write("billing", n + "/" + month, [&] {
      return call("POST", "/partner/billing",
                  R"({"name": "Acme )" + n + R"(", "address": [")" + n +
                      R"( Speed Way"], "city": "Sitka", "state": "AK", "postal_code": ")" + n +
                      R"(", "country": "US", "card_number": ")" + kCard +
                      R"(", "security_code": "123", "expiration_month": )" + month +
                      R"(, "expiration_year": 2040})");
    });
  }

  bool write_password() {
    auto password = ledger_.state("password");
    if (!password || !password->acknowledged) return false;  // lost: check_writes failed
    auto current = *password->acknowledged;
    auto next = "keys-password-" + next_value();
    return write("password", next, [&] {
      return http_request(port_, "POST", kRoot + "/partner/password", "\"" + next + "\"",
                          Login{kKeysPartner, current});
    });
  }

  // Creates a user of writer `w`, or renames one of its users and changes its bonus.
  bool write_user(int w, std::mt19937& rng, std::vector<std::string>& own) {
    auto n = next_value();
    auto value = "User " + n + "|" + n;
    if (own.empty() || rng() % 10 < 6) {
      auto username = "w" + std::to_string(w) + "-" + n;
      bool ok = write("user:" + username, value, [&] {
        return call("POST", "/users/",
                    R"({"username": ")" + username + R"(", "name": "User )" + n +
                        R"(", "email": ")" + username + R"(@example.com", "password_bcrypt": ")" +
                        kBcrypt + R"(", "plan_id": )" + std::to_string(small_plan_) +
                        R"(, "bonus_bytes": )" + n + "}");
      });
      if (ok) own.push_back(username);
      return ok;
    }
    const auto& username = own[rng() % own.size()];
    return write("user:" + username, value, [&] {
      return call("POST", "/users/" + username,
                  R"({"name": "User )" + n + R"(", "bonus_bytes": )" + n + "}");
    });
  }

  // Reports a device of owner `d`, new or known, or the owner's usage.
  bool write_device(int d, std::mt19937& rng) {
    auto n = next_value();
    auto owner = "owner-" + std::to_string(d);
    if (rng() % 10 < 3) {
      return write("usage:" + owner, n, [&] {
        return internal("PUT", "/users/" + owner + "/usage", R"({"bytes_stored": )" + n + "}");
      });
    }
    auto device = "dev-" + std::to_string(rng() % kDevicesPerOwner);
    return write("device:" + owner + "/" + device, n, [&] {
      return internal("PUT", "/users/" + owner + "/devices/" + device,
                      R"({"client_revision": )" + n +
                          R"(, "last_login": 1764201600, "last_backup_complete": null})");
    });
  }

  // After a restart: every key shows its acknowledged value or its in-flight one.
  void check_writes() {
    auto settings = call("GET", "/partner/settings");
    ASSERT_EQ(settings.status, 200) << settings.body;
    if (settings.json == untouched_settings_) {
      ledger_.settle("settings", std::nullopt);
    } else {
      auto ttl = str(settings.json.at("share_link_ttl"));
      bool same_write = str(settings.json.at("purgehold_duration")) == ttl &&
                        str(settings.json.at("api_version")) == "v" + ttl;
      ledger_.settle("settings", same_write ? ttl : "mixed: " + settings.body);
    }

    auto billing = call("GET", "/partner/billing");
    ASSERT_EQ(billing.status, 200) << billing.body;
    if (billing.json == untouched_billing_) {
      ledger_.settle("billing", std::nullopt);
    } else {
      auto n = str(billing.json.at("name")).substr(5);
      auto month = str(billing.json.at("card").at("expiration_month"));
      bool same_write = str(billing.json.at("postal_code")) == n &&
                   str(billing.json.at("address").at(0)) == n + " Speed Way" &&
                   str(billing.json.at("card").at("last4")) == "1111" &&
                   std::stoi(month) == 1 + std::stoi(n) % 12;
      ledger_.settle("billing", same_write ? n + "/" + month : "mixed: " + billing.body);
    }

    // The in-flight password first: a failed login counts towards the throttle, at most once.
    auto password = ledger_.state("password").value_or(KeyState{});
    std::optional<std::string> working;
    for (const auto& candidate : {password.in_flight, password.acknowledged}) {
      if (!candidate || working) continue;
      auto ping = http_request(port_, "GET", kRoot + "/ping", "", Login{kKeysPartner, *candidate});
      if (ping.status == 200) working = candidate;
    }
    ledger_.settle("password", working);

    auto users = call("GET", "/users/");
    ASSERT_EQ(users.status, 200) << users.body;
    std::map<std::string, std::string> found;
    for (const auto& user : users.json.as_array()) {
      auto username = str(user.at("username"));
      if (username.starts_with("owner-")) {
        ledger_.settle("usage:" + username, str(user.at("bytes_stored")));
        continue;
      }
      found["user:" + username] = str(user.at("name")) + "|" + str(user.at("bonus_bytes"));
    }
    for (const auto& key : ledger_.keys("user:")) {
      auto it = found.find(key);
      ledger_.settle(key, it == found.end() ? std::nullopt : std::optional(it->second));
      if (it != found.end()) found.erase(it);
    }
    for (const auto& [key, value] : found) ADD_FAILURE() << key << " exists, nobody wrote it";

    for (int d = 0; d < kDeviceWriters; ++d) {
      auto owner = "owner-" + std::to_string(d);
      auto devices = call("GET", "/users/" + owner + "/devices");
      ASSERT_EQ(devices.status, 200) << devices.body;
      std::map<std::string, std::string> revisions;
      for (const auto& device : devices.json.as_array())
        revisions["device:" + owner + "/" + str(device.at("name"))] =
            str(device.at("client_revision"));
      for (int i = 0; i < kDevicesPerOwner; ++i) {
        auto key = "device:" + owner + "/dev-" + std::to_string(i);
        auto it = revisions.find(key);
        ledger_.settle(key, it == revisions.end() ? std::nullopt : std::optional(it->second));
      }
      EXPECT_LE(revisions.size(), std::size_t(kDevicesPerOwner)) << devices.body;
    }
  }

  // After a kill, before the restart: the file is sound; the figures the next server must report.
  QuotaRecount check_file() {
    ReadOnlyDatabase db(temp_.path);
    EXPECT_EQ(integrity_check(db.get()), "ok");
    std::int64_t acme = 0;
    for_each_row(db.get(), "SELECT partner_id FROM partners WHERE username = 'acme'", 0,
                 [&](sqlite3_stmt* s) { acme = sqlite3_column_int64(s, 0); });
    return recount_quota(db.get(), acme);
  }

  void check_quota(const QuotaRecount& recount) {
    auto quota = call("GET", "/partner/quota");
    ASSERT_EQ(quota.status, 200) << quota.body;
    EXPECT_EQ(quota.json, quota_json(recount));
  }

  // The first start: the partner's settings and billing before any write (what check_writes
  // reads as "nothing written yet"), the owners of the devices, and the plan users are put on.
  void prepare() {
    auto settings = call("GET", "/partner/settings");
    ASSERT_EQ(settings.status, 200) << settings.body;
    untouched_settings_ = settings.json;
    auto billing = call("GET", "/partner/billing");
    ASSERT_EQ(billing.status, 200) << billing.body;
    untouched_billing_ = billing.json;
    auto plans = call("GET", "/plans");
    for (const auto& plan : plans.json.as_array())
      if (plan.at("name") == "Small") small_plan_ = plan.at("plan_id").as_int64();
    ASSERT_NE(small_plan_, 0);
    for (int d = 0; d < kDeviceWriters; ++d) {
      auto owner = "owner-" + std::to_string(d);
      auto created = call("POST", "/users/",
                          R"({"username": ")" + owner + R"(", "name": "Owner", "email": ")" +
                              owner + R"(@example.com", "password_bcrypt": ")" + kBcrypt +
                              R"(", "plan_id": )" + std::to_string(small_plan_) + "}");
      ASSERT_EQ(created.status, 200) << created.body;
      ledger_.acknowledged("usage:" + owner, "0");
    }
  }

  // Writes from every writer until the server is killed at a random moment.
  void write_until_killed(std::mt19937& rng) {
    std::vector<std::thread> writers;
    auto loop = [](const std::function<bool()>& step) {
      while (step()) {
      }
    };
    writers.emplace_back(loop, [&] { return write_settings(); });
    writers.emplace_back(loop, [&] { return write_billing(); });
    writers.emplace_back(loop, [&] { return write_password(); });
    for (int w = 0; w < kUserWriters; ++w) {
      writers.emplace_back([this, w, seed = rng()] {
        std::mt19937 own_rng(seed);
        std::vector<std::string> own;
        for (const auto& key : ledger_.keys("user:w" + std::to_string(w) + "-"))
          own.push_back(key.substr(5));
        while (write_user(w, own_rng, own)) {
        }
      });
    }
    for (int d = 0; d < kDeviceWriters; ++d) {
      writers.emplace_back([this, d, seed = rng()] {
        std::mt19937 own_rng(seed);
        while (write_device(d, own_rng)) {
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 351));
    server_.kill();
    for (auto& writer : writers) writer.join();
  }

  void run_kills(const std::string& mode, int kills) {
    mode_args_ = {"--synchronous", mode};
    const auto started = std::chrono::steady_clock::now();
    const auto seed = std::random_device()();
    std::mt19937 rng(seed);
    SCOPED_TRACE("seed " + std::to_string(seed));
    port_ = server_.start(db_, serve_args());
    ASSERT_NE(port_, 0) << server_.log();
    prepare();
    if (HasFatalFailure()) return;
    for (int kill = 1; kill <= kills; ++kill) {
      SCOPED_TRACE("kill " + std::to_string(kill));
      write_until_killed(rng);
      auto recount = check_file();
      port_ = server_.start(db_, serve_args());
      ASSERT_NE(port_, 0) << server_.log();
      check_writes();
      check_quota(recount);
      if (HasFatalFailure()) return;
    }
    EXPECT_EQ(server_.stop(), 0);
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
    std::cout << "crash durability, --synchronous " << mode << ": " << kills << " SIGKILLs; "
              << ledger_.acknowledged_writes() << " writes acknowledged, "
              << ledger_.acknowledged_checked()
              << " acknowledged states checked after restarts, all present; in flight at a kill: "
              << ledger_.in_flight_applied() << " applied, " << ledger_.in_flight_absent()
              << " not; " << seconds.count() << " s (seed " << seed << ")" << std::endl;
  }

  TempDatabase temp_;
  std::string db_;
  std::vector<std::string> mode_args_;
  ServerProcess server_{temp_.dir / "serve.log"};
  unsigned short port_ = 0;
  std::int64_t small_plan_ = 0;
  // The partner's settings and billing as `partner create` left them: a key never written.
  boost::json::value untouched_settings_;
  boost::json::value untouched_billing_;
  std::atomic<std::int64_t> sequence_{0};
  Ledger ledger_;
};

TEST_F(CrashDurabilityTest, GroupCommitKeepsEveryAcknowledgedWrite) {
  run_kills("group", 20);
}

TEST_F(CrashDurabilityTest, FullSyncKeepsEveryAcknowledgedWrite) {
  run_kills("full", 20);
}

// `normal` waits for no fsync, yet loses nothing to a process kill: a commit's frames are in the
// WAL file (the kernel's page cache) when it returns. Only a power loss could take them back.
// Fewer kills: it shows the point, the two durable modes carry the proof.
TEST_F(CrashDurabilityTest, NormalKeepsEveryAcknowledgedWriteThroughAProcessKill) {
  run_kills("normal", 5);
}

}  // namespace
}  // namespace accountsd::testing
