// Runs the real accountsd binary: operator commands, demo, and serve's graceful stop.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "store/sqlite/connection.hpp"
#include "support/audit_rows.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

struct CommandResult {
  int status = -1;
  std::string out;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("accountsd-cli-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    db_ = "sqlite:" + (dir_ / "db.sqlite").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `accountsd ARGS --db DB` with `input` on stdin; captures stdout and stderr together.
  // `mask`, when given, is the shell's umask for the command ("022").
  CommandResult run(const std::string& args, const std::string& input = "",
                    const std::string& mask = "") {
    auto in = dir_ / "stdin.txt";
    std::ofstream(in) << input;
    std::string command = (mask.empty() ? "" : "umask " + mask + "; ") +
                          std::string(ACCOUNTSD_BINARY) + " " + args + " --db " + db_ + " < " +
                          in.string() + " 2>&1";
    CommandResult result;
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[4096];
    while (auto n = fread(buffer, 1, sizeof buffer, pipe)) result.out.append(buffer, n);
    int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }

  // Runs `accountsd ARGS --db DB` with stdout into `out` and stderr into `err`; its exit status.
  int run_split(const std::string& args, const std::filesystem::path& out,
                const std::filesystem::path& err) {
    std::string command = std::string(ACCOUNTSD_BINARY) + " " + args + " --db " + db_ + " > " +
                          out.string() + " 2> " + err.string() + " < /dev/null";
    int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  static std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // Starts `accountsd serve` on the database, stops it with SIGTERM once it listens and returns
  // what it logged, having checked that it exited with 0. `mask` (when >= 0) is its umask;
  // `while_serving` runs once it listens.
  std::string serve_and_stop(int mask = -1, const std::function<void()>& while_serving = {}) {
    int out[2];
    EXPECT_EQ(pipe(out), 0);
    pid_t child = fork();
    EXPECT_GE(child, 0);
    if (child == 0) {
      if (mask >= 0) umask(mode_t(mask));
      dup2(out[1], STDOUT_FILENO);
      dup2(out[1], STDERR_FILENO);
      close(out[0]);
      std::string db = db_;
      execl(ACCOUNTSD_BINARY, ACCOUNTSD_BINARY, "serve", "--listen", "127.0.0.1:0", "--db",
            db.c_str(), "--threads", "2", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    // Wait until the server says it listens (signal handlers are installed by then).
    std::string log;
    char buffer[512];
    while (log.find("listening") == std::string::npos) {
      auto n = read(out[0], buffer, sizeof buffer);
      if (n <= 0) break;
      log.append(buffer, std::size_t(n));
    }
    EXPECT_NE(log.find("listening"), std::string::npos) << log;
    if (while_serving) while_serving();
    EXPECT_EQ(kill(child, SIGTERM), 0);
    while (true) {
      auto n = read(out[0], buffer, sizeof buffer);
      if (n <= 0) break;
      log.append(buffer, std::size_t(n));
    }
    close(out[0]);
    int status = 0;
    EXPECT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
    return log;
  }

  // The test's database as a server of before migration `next` left it, holding `rows` (SQL).
  void old_database(int next, const std::string& rows) {
    const auto path = (dir_ / "db.sqlite").string();
    migrate_before(path, next);
    store::sqlite::Connection(path).exec(rows);
  }

  std::filesystem::path dir_;
  std::string db_;
};

TEST_F(CliTest, CreateWithGeneratedPasswordPrintsItOnce) {
  auto created = run("partner create --username acme --name 'Acme Inc' --enable ldap");
  ASSERT_EQ(created.status, 0) << created.out;
  EXPECT_NE(created.out.find("password: "), std::string::npos);
  auto shown = run("partner show acme --json");
  ASSERT_EQ(shown.status, 0) << shown.out;
  auto partner = boost::json::parse(shown.out);
  EXPECT_EQ(partner.at("name"), "Acme Inc");
  EXPECT_EQ(partner.at("billing_mode"), "invoice");
  EXPECT_TRUE(partner.at("bytes_available").is_null());
  EXPECT_EQ(partner.at("features").at("ldap"), true);
  EXPECT_EQ(partner.at("features").at("netkes"), false);
}

TEST_F(CliTest, CreateRefusesADuplicateUsername) {
  ASSERT_EQ(run("partner create --username acme --name A").status, 0);
  auto again = run("partner create --username acme --name B");
  EXPECT_NE(again.status, 0);
  EXPECT_NE(again.out.find("already exists"), std::string::npos);
}

TEST_F(CliTest, PasswordStdinIsCheckedByThePasswordRules) {
  auto short_one = run("partner create --username acme --name A --password-stdin", "short\n");
  EXPECT_NE(short_one.status, 0);
  EXPECT_NE(run("partner show acme").status, 0) << "a refused create must not create";
  auto ok = run("partner create --username acme --name A --password-stdin", "long enough pw\n");
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_EQ(ok.out.find("password:"), std::string::npos);
}

TEST_F(CliTest, SetChangesBillingQuotaAndFeatures) {
  ASSERT_EQ(run("partner create --username acme --name A").status, 0);
  auto set =
      run("partner set acme --billing prepaid --bytes-available 5000 --enable netkes "
          "--enable signup_restrictions --name Renamed");
  ASSERT_EQ(set.status, 0) << set.out;
  auto partner = boost::json::parse(run("partner show acme --json").out);
  EXPECT_EQ(partner.at("billing_mode"), "prepaid");
  EXPECT_EQ(partner.at("bytes_available"), 5000);
  EXPECT_EQ(partner.at("name"), "Renamed");
  EXPECT_EQ(partner.at("features").at("netkes"), true);
  ASSERT_EQ(run("partner set acme --bytes-available none --disable netkes").status, 0);
  partner = boost::json::parse(run("partner show acme --json").out);
  EXPECT_TRUE(partner.at("bytes_available").is_null());
  EXPECT_EQ(partner.at("features").at("netkes"), false);
  EXPECT_EQ(partner.at("features").at("signup_restrictions"), true);
}

TEST_F(CliTest, BadInputFailsWithAMessage) {
  ASSERT_EQ(run("partner create --username acme --name A").status, 0);
  EXPECT_NE(run("partner set nobody --name X").status, 0);
  EXPECT_NE(run("partner set acme --bytes-available -5").status, 0);
  EXPECT_NE(run("partner set acme --enable teleport").status, 0);
  EXPECT_NE(run("partner set acme --billing cash").status, 0);
  EXPECT_NE(run("partner create --username 'bad:name' --name A").status, 0);
}

// Every operator command that changes something leaves entries in the audit log (issue 14),
// the operator's, under one "cli-" id per command; a command that fails leaves none.
TEST_F(CliTest, OperatorCommandsAreAudited) {
  const auto path = (dir_ / "db.sqlite").string();
  auto count = [&](const std::string& where) {
    ReadOnlyDatabase db(path);
    return sqlite_integer(db.get(), "SELECT count(*) FROM audit_log WHERE " + where);
  };
  struct Command {
    std::string args;
    std::string input;
    std::string action;  // one of the entries it must leave
  };
  const std::vector<Command> commands = {
      {"partner create --username acme --name Acme", "", "partner.create"},
      {"partner set acme --name Acme2 --bytes-available 900000000000000000 --enable netkes", "",
       "quota.update"},
      {"partner passwd acme --password-stdin", "an-operator-pass-99\n", "password.update"},
      {"plan create --partner acme --name Gold --storage-bytes 1000", "", "plan.create"},
      {"demo --partner-username acme --users 3 --seed 5", "", "user.create"},
  };
  std::int64_t before = 0;
  for (const auto& command : commands) {
    SCOPED_TRACE(command.args);
    ASSERT_EQ(run(command.args, command.input).status, 0);
    const auto after = count("TRUE");
    EXPECT_GT(after, before) << "no entry";
    // All of this command's entries: the operator's, under one id that no other command has.
    EXPECT_EQ(count("entry_id > " + std::to_string(before) +
                    " AND actor = 'operator' AND address IS NULL AND request_id LIKE 'cli-%'"),
              after - before);
    ReadOnlyDatabase db(path);
    EXPECT_EQ(sqlite_integer(db.get(),
                             "SELECT count(DISTINCT request_id) FROM audit_log WHERE "
                             "entry_id > " +
                                 std::to_string(before)),
              1);
    EXPECT_GE(
        count("entry_id > " + std::to_string(before) + " AND action = '" + command.action + "'"),
        1);
    before = after;
  }
  EXPECT_EQ(count("actor = 'operator' AND action = 'features.update' AND "
                  "changes LIKE '%\"netkes\":{\"before\":false,\"after\":true}%'"),
            1);
  EXPECT_EQ(count("changes LIKE '%an-operator-pass-99%'"), 0);
  EXPECT_NE(run("partner set acme --billing cash").status, 0);
  EXPECT_EQ(count("TRUE"), before);
}

TEST_F(CliTest, ListShowsEveryPartner) {
  ASSERT_EQ(run("partner create --username one --name One").status, 0);
  ASSERT_EQ(run("partner create --username two --name Two").status, 0);
  auto list = boost::json::parse(run("partner list --json").out).as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("username"), "one");
  EXPECT_EQ(list[1].at("username"), "two");
}

TEST_F(CliTest, DemoCreatesThePartnerThenAddsWithoutTouchingThePassword) {
  auto first = run("demo --users 300 --seed 7");
  ASSERT_EQ(first.status, 0) << first.out;
  EXPECT_NE(first.out.find("password: "), std::string::npos);
  auto second = run("demo --users 200 --seed 8");
  ASSERT_EQ(second.status, 0) << second.out;
  EXPECT_EQ(second.out.find("password: "), std::string::npos);
  EXPECT_NE(second.out.find("unchanged"), std::string::npos);
}

TEST_F(CliTest, PartnerBackupWritesTheStoredDataExactly) {
  ASSERT_EQ(run("partner create --username acme --name A").status, 0);
  auto none = run("partner backup acme");
  EXPECT_NE(none.status, 0);
  EXPECT_NE(none.out.find("has no backup"), std::string::npos) << none.out;
  {
    auto store = store::open_store(db_);
    auto acme = store->partners().find_partner("acme")->id;
    store->partners().save_backup(acme, {"sha-of-first", "QUJD\r\nREVG\n", 1764201600});
    store->partners().save_backup(acme, {"sha-of-second", "R0hJ\nSktM", 1764205200});
  }
  // Only the data, byte for byte, on stdout; nothing on stderr.
  auto out = dir_ / "backup.b64";
  auto err = dir_ / "stderr.txt";
  ASSERT_EQ(run_split("partner backup acme", out, err), 0) << read_file(err);
  EXPECT_EQ(read_file(out), "R0hJ\nSktM");
  EXPECT_EQ(read_file(err), "");
  ASSERT_EQ(run_split("partner backup --previous acme", out, err), 0) << read_file(err);
  EXPECT_EQ(read_file(out), "QUJD\r\nREVG\n");
  EXPECT_EQ(read_file(err), "");
  EXPECT_NE(run("partner backup nobody").status, 0);
}

TEST_F(CliTest, PartnerBackupSaysWhenThereIsNoPreviousOne) {
  ASSERT_EQ(run("partner create --username acme --name A").status, 0);
  {
    auto store = store::open_store(db_);
    store->partners().save_backup(store->partners().find_partner("acme")->id,
                                  {"sha", "QUJD", 1764201600});
  }
  auto out = dir_ / "backup.b64";
  auto err = dir_ / "stderr.txt";
  EXPECT_EQ(run_split("partner backup acme", out, err), 0);
  EXPECT_EQ(read_file(out), "QUJD");
  EXPECT_NE(run_split("partner backup acme --previous", out, err), 0);
  EXPECT_EQ(read_file(out), "");
  EXPECT_NE(read_file(err).find("has no previous backup"), std::string::npos) << read_file(err);
}

TEST_F(CliTest, HelpIsAvailableOnEveryCommand) {
  for (const char* command :
       {"serve", "partner create", "partner set", "partner passwd", "partner list", "partner show",
        "partner backup", "demo", "audit list"}) {
    auto help = run(std::string(command) + " --help");
    EXPECT_EQ(help.status, 0) << command;
    EXPECT_NE(help.out.find("--db"), std::string::npos) << command;
  }
}

TEST_F(CliTest, ServeStopsCleanlyOnSigterm) {
  auto log = serve_and_stop();
  EXPECT_NE(log.find("stopped"), std::string::npos) << log;
}

// C.7: a new partner has the Unlimited plan and no group; --group makes one on that plan.
TEST_F(CliTest, PartnerCreateMakesNoGroupUnlessAsked) {
  ASSERT_EQ(run("partner create --username acme --name 'Acme Inc'").status, 0);
  auto with = run("partner create --username solo --name 'Solo Ltd' --group 'Solo staff'");
  ASSERT_EQ(with.status, 0) << with.out;
  EXPECT_NE(with.out.find("created group Solo staff"), std::string::npos) << with.out;
  EXPECT_NE(run("partner create --username empty --name E --group ''").status, 0);

  auto store = store::open_store(db_);
  auto acme = store->partners().find_partner("acme");
  ASSERT_TRUE(acme);
  EXPECT_TRUE(store->directory().groups(acme->id).empty());
  ASSERT_EQ(store->directory().plans(acme->id).size(), 1u);
  EXPECT_EQ(store->directory().plans(acme->id)[0].name, "Unlimited");
  auto solo = store->partners().find_partner("solo");
  ASSERT_TRUE(solo);
  auto groups = store->directory().groups(solo->id);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].name, "Solo staff");
  EXPECT_EQ(groups[0].plan_id, store->directory().plans(solo->id).at(0).plan_id);
  EXPECT_FALSE(store->partners().find_partner("empty"));
}

TEST_F(CliTest, DemoStillMakesGroups) {
  ASSERT_EQ(run("demo --users 10").status, 0);
  auto store = store::open_store(db_);
  EXPECT_EQ(store->directory().groups(store->partners().find_partner("demo")->id).size(), 4u);
}

TEST_F(CliTest, OutboxListShowsTheRegCode) {
  ASSERT_EQ(run("partner create --username acme --name Acme --group Staff").status, 0);
  {
    auto store = store::open_store(db_);
    auto acme = store->partners().find_partner("acme")->id;
    domain::UserCreate user;
    user.username = "joe";
    user.name = "Joe";
    user.email = "joe@example.com";
    auto joe = store->directory().create_user(acme, user);
    store->directory().queue_activation_email(acme, joe.avatar_id, "welcome", "R-77");
    store->directory().queue_activation_email(acme, joe.avatar_id, std::nullopt, std::nullopt);
  }
  auto text = run("outbox list");
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("\twelcome\t"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("\tR-77\n"), std::string::npos) << text.out;
  auto listed = run("outbox list --json");
  ASSERT_EQ(listed.status, 0) << listed.out;
  auto emails = boost::json::parse(listed.out).as_array();
  ASSERT_EQ(emails.size(), 2u);
  EXPECT_EQ(emails[0].at("reg_code"), "R-77");
  EXPECT_TRUE(emails[1].at("reg_code").is_null());
}

// 2026-12-02T10:00:00Z and the next day's midnight, in epoch seconds.
constexpr std::int64_t kAuditMorning = 1'796'205'600;
constexpr std::int64_t kAuditNextDay = 1'796'256'000;

// `audit list` over entries put straight into the log, as migration 016's triggers write them.
class AuditListTest : public CliTest {
 protected:
  // Partners "acme" and "zen", made by the operator's command; their ids.
  std::pair<std::int64_t, std::int64_t> make_partners() {
    EXPECT_EQ(run("partner create --username acme --name Acme").status, 0);
    EXPECT_EQ(run("partner create --username zen --name Zen").status, 0);
    std::pair<std::int64_t, std::int64_t> ids;
    {
      auto store = store::open_store(db_);
      ids = {store->partners().find_partner("acme")->id, store->partners().find_partner("zen")->id};
    }
    // What the triggers recorded for the two goes: a test sees only the entries it puts in.
    store::sqlite::Connection((dir_ / "db.sqlite").string()).exec("DELETE FROM audit_log");
    return ids;
  }
  void insert(const std::vector<AuditRow>& rows) {
    store::sqlite::Connection((dir_ / "db.sqlite").string()).exec(audit_rows_sql(rows));
  }
};

TEST_F(AuditListTest, ShowsEveryPartnersEntriesNewestFirst) {
  auto [acme, zen] = make_partners();
  AuditRow created(acme, kAuditMorning);
  created.address = "192.0.2.1";
  created.request_id = "req-1";
  // Stored as PostgreSQL writes JSON text (spaces), with a character a terminal would obey.
  AuditRow grouped(zen, kAuditMorning + 60, "group.create", "group/4");
  grouped.changes = R"({"name": {"before": null, "after": "Staff\u001b"}})";
  grouped.actor = "operator";
  grouped.address = std::nullopt;
  insert({created, grouped, {acme, kAuditNextDay, "user.delete"}});
  auto text = run("audit list");
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_EQ(text.out,
            "2026-12-03T00:00:00Z\tacme\tpartner\t127.0.0.1\t-\tuser.delete\tuser/1\t"
            R"({"name":{"before":null,"after":"Joe"}})"
            "\n"
            "2026-12-02T10:01:00Z\tzen\toperator\t-\t-\tgroup.create\tgroup/4\t"
            R"({"name":{"before":null,"after":"Staff\u001b"}})"
            "\n"
            "2026-12-02T10:00:00Z\tacme\tpartner\t192.0.2.1\treq-1\tuser.create\tuser/1\t"
            R"({"name":{"before":null,"after":"Joe"}})"
            "\n");

  auto listed = run("audit list --json --limit 2");
  ASSERT_EQ(listed.status, 0) << listed.out;
  auto entries = boost::json::parse(listed.out).as_array();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].at("partner"), "acme");
  EXPECT_EQ(entries[0].at("time"), kAuditNextDay);
  EXPECT_EQ(entries[0].at("action"), "user.delete");
  EXPECT_TRUE(entries[0].at("request_id").is_null());
  EXPECT_EQ(entries[1].at("partner"), "zen");
  EXPECT_TRUE(entries[1].at("address").is_null());
  EXPECT_EQ(entries[1].at("changes").at("name").at("after"), "Staff\x1b");
  EXPECT_EQ(entries[1].as_object().size(), 9u);
}

TEST_F(AuditListTest, Filters) {
  auto [acme, zen] = make_partners();
  insert({{acme, kAuditMorning, "user.create", "user/1"},
          {zen, kAuditMorning + 1, "user.create", "user/2"},
          {acme, kAuditNextDay, "user.delete"}});
  auto objects = [&](const std::string& options) {
    auto listed = run("audit list --json " + options);
    EXPECT_EQ(listed.status, 0) << options << ": " << listed.out;
    std::vector<std::string> out;
    auto entries = boost::json::parse(listed.out);
    for (const auto& entry : entries.as_array())
      out.emplace_back(std::string(entry.at("partner").as_string()) + ":" +
                       std::string(entry.at("action").as_string()));
    return out;
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(objects("--partner acme"), (Names{"acme:user.delete", "acme:user.create"}));
  EXPECT_EQ(objects("--partner zen"), (Names{"zen:user.create"}));
  EXPECT_EQ(objects("--since 2026-12-03"), (Names{"acme:user.delete"}));
  EXPECT_EQ(objects("--until 2026-12-02T10:00:00Z"), (Names{"acme:user.create"}));
  EXPECT_EQ(
      objects("--since " + std::to_string(kAuditMorning + 2) + " --until 2026-12-02T10:00:03Z"),
      Names{});
  EXPECT_EQ(objects("--action user.create --partner acme"), (Names{"acme:user.create"}));
  EXPECT_EQ(objects("--object user/2"), (Names{"zen:user.create"}));
  EXPECT_EQ(objects("--limit 1"), (Names{"acme:user.delete"}));
}

TEST_F(AuditListTest, RefusesBadInputWithAMessage) {
  auto unknown = run("audit list --partner nobody");
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.out.find("no partner named nobody"), std::string::npos) << unknown.out;
  for (const char* since : {"yesterday", "2026-13-01", "2026-02-30", "2026-12-02T25:00:00Z",
                            "2026-12-02T10:00:00", "2026-12-02 10:00:00Z"}) {
    auto bad = run(std::string("audit list --since '") + since + "'");
    EXPECT_NE(bad.status, 0) << since;
    EXPECT_NE(bad.out.find("--since must be epoch seconds or an ISO 8601"), std::string::npos)
        << bad.out;
  }
  auto backwards = run("audit list --since 2026-12-03 --until 2026-12-02");
  EXPECT_NE(backwards.status, 0);
  EXPECT_NE(backwards.out.find("--since must not be after --until"), std::string::npos)
      << backwards.out;
  EXPECT_NE(run("audit list --limit 0").status, 0);
}

// Emails that differ only by case, left by a database of before migration 007, are named in
// serve's start-up log with their partner, so the operator can settle them.
TEST_F(CliTest, ServeReportsEmailsThatDifferOnlyByCase) {
  old_database(
      7,
      "INSERT INTO partners (partner_id, username, name, password_hash, created_at) VALUES "
      "(1, 'acme', 'Acme', '-', 0);"
      "INSERT INTO partner_counters (partner_id) VALUES (1);"
      "INSERT INTO plans VALUES (1, 1, 'Unlimited', 1000000001000000000);"
      "INSERT INTO groups VALUES (1, 1, 'Acme', 1, 1, 0, 1);"
      "INSERT INTO users (avatar_id, partner_id, username, name, email, group_id, plan_id, "
      "creation_time) VALUES (1, 1, 'ann', 'Ann', 'ann@example.com', 1, 1, 0), "
      "(2, 1, 'ann2', 'Ann', 'Ann@Example.com', 1, 1, 0), "
      "(3, 1, 'bob', 'Bob', 'bob@example.com', 1, 1, 0)");
  auto log = serve_and_stop();
  auto warning = log.find("partner acme: users ann <ann@example.com>, ann2 <Ann@Example.com>");
  EXPECT_NE(warning, std::string::npos) << log;
  EXPECT_EQ(log.find("bob@example.com"), std::string::npos) << log;
}

// --- issue 17: what a hostile client or partner found ---------------------------------------

// Finding 8: ALPHA and alpha are one brand (A.11).
TEST_F(CliTest, CreateRefusesAUsernameTakenInAnotherLetterCase) {
  ASSERT_EQ(run("partner create --username alpha --name A").status, 0);
  auto again = run("partner create --username ALPHA --name B");
  EXPECT_NE(again.status, 0);
  EXPECT_NE(again.out.find("a partner named alpha already exists; partner usernames are unique "
                           "regardless of letter case"),
            std::string::npos)
      << again.out;
  EXPECT_NE(run("partner create --username Alpha --name C").status, 0);
  EXPECT_NE(run("demo --users 1 --partner-username ALPHA").status, 0);
  auto list = boost::json::parse(run("partner list --json").out).as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("username"), "alpha");
  // Found by their exact username only, as logins are.
  EXPECT_NE(run("partner show ALPHA").status, 0);
}

TEST_F(CliTest, UsernamesStartWithALetterOrDigit) {
  for (const char* bad : {"-rf", "--", ".x", "_x", "@x"}) {
    auto created = run(std::string("partner create --username=") + bad + " --name A");
    EXPECT_NE(created.status, 0) << bad;
    EXPECT_NE(created.out.find("starting with a letter or digit"), std::string::npos)
        << created.out;
  }
  EXPECT_NE(run("demo --users 1 --partner-username=-rf").status, 0);
  EXPECT_EQ(run("partner create --username 9lives --name A").status, 0);
  EXPECT_EQ(boost::json::parse(run("partner list --json").out).as_array().size(), 1u);
}

// Finding 6: names typed by the operator are one line of text (A.1).
TEST_F(CliTest, NamesWithControlCharactersAreRefused) {
  const std::string evil = "\"$(printf 'Evil\\033[31m\\nfake line')\"";
  auto created = run("partner create --username acme --name " + evil);
  EXPECT_NE(created.status, 0);
  EXPECT_NE(created.out.find("--name must be one line of text"), std::string::npos) << created.out;
  EXPECT_NE(run("partner create --username acme --name \"$(printf 'A\\302\\233')\"").status, 0);
  EXPECT_NE(run("partner create --username acme --name A --group " + evil).status, 0);
  EXPECT_NE(run("partner create --username acme --name \"$(printf 'A\\377')\"").status, 0);
  ASSERT_EQ(run("partner create --username acme --name Acme").status, 0);
  EXPECT_NE(run("partner set acme --name " + evil).status, 0);
  EXPECT_NE(run("plan create --partner acme --storage-bytes 1 --name " + evil).status, 0);
  EXPECT_EQ(boost::json::parse(run("partner show acme --json").out).at("name"), "Acme");
}

// Finding 6: whatever a database holds, the operator's terminal sees escapes, never the codes.
TEST_F(CliTest, StoredControlCharactersArePrintedEscaped) {
  const std::string name =
      "Evil\x1b[31mRed\nacme2\tfake\xC2\x9B"
      "2J\x7f";
  {
    auto store = store::open_store(db_);
    domain::NewPartner partner;
    partner.username = "acme";
    partner.name = name;
    partner.password_hash = "-";
    partner.group = "Staff";
    auto acme = store->partners().create_partner(partner);
    domain::UserCreate user;
    user.username = "jo\x1b]0;x\x07";
    user.name = "Jo";
    user.email = "jo@example.com";
    auto jo = store->directory().create_user(acme, user);
    store->directory().queue_activation_email(acme, jo.avatar_id, "t\x1b[1mX\nY", "R\r-1");
  }
  auto expect_no_raw_controls = [](const std::string& out) {
    for (char c : out) {
      auto byte = static_cast<unsigned char>(c);
      EXPECT_TRUE(byte >= 0x20 || c == '\n' || c == '\t') << "raw control " << int(byte) << ":\n"
                                                          << out;
      EXPECT_NE(byte, 0x7F) << out;
    }
    EXPECT_EQ(out.find("\xC2\x9B"), std::string::npos) << out;
  };
  const std::string shown = "Evil\\x1b[31mRed\\nacme2\\tfake\\u009b2J\\x7f";
  auto list = run("partner list");
  ASSERT_EQ(list.status, 0) << list.out;
  expect_no_raw_controls(list.out);
  EXPECT_NE(list.out.find("acme\t" + shown + "\t"), std::string::npos) << list.out;
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 1) << "one row only";
  auto show = run("partner show acme");
  ASSERT_EQ(show.status, 0) << show.out;
  expect_no_raw_controls(show.out);
  EXPECT_NE(show.out.find("name:            " + shown + "\n"), std::string::npos) << show.out;
  auto outbox = run("outbox list");
  ASSERT_EQ(outbox.status, 0) << outbox.out;
  expect_no_raw_controls(outbox.out);
  EXPECT_NE(outbox.out.find("\tjo\\x1b]0;x\\x07\tjo@example.com\tt\\x1b[1mX\\nY\t"),
            std::string::npos)
      << outbox.out;
  EXPECT_NE(outbox.out.find("\tR\\r-1\n"), std::string::npos) << outbox.out;
  // --json escapes them as JSON does, DEL and C1 included, and keeps the values.
  for (const char* command :
       {"partner list --json", "partner show acme --json", "outbox list --json"}) {
    auto json = run(command);
    ASSERT_EQ(json.status, 0) << json.out;
    expect_no_raw_controls(json.out);
  }
  auto listed = boost::json::parse(run("partner list --json").out);
  EXPECT_EQ(listed.at(0).at("name"), boost::json::value(name));
  auto emails = boost::json::parse(run("outbox list --json").out);
  EXPECT_EQ(emails.at(0).at("template_name"), "t\x1b[1mX\nY");
}

// Finding 8: a database of before migration 010 may hold ALPHA and alpha; the migration keeps
// both, serve names them at start-up and still starts, and no third spelling can join them.
TEST_F(CliTest, ServeReportsPartnerUsernamesThatDifferOnlyByCase) {
  old_database(
      10,
      "INSERT INTO partners (partner_id, username, name, password_hash, created_at) VALUES "
      "(1, 'alpha', 'A', '-', 0), (2, 'ALPHA', 'B', '-', 0), (3, 'beta', 'C', '-', 0);"
      "INSERT INTO partner_counters (partner_id) VALUES (1), (2), (3);");
  auto log = serve_and_stop();
  EXPECT_NE(log.find("partners ALPHA, alpha have usernames that differ only by letter case"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("beta"), std::string::npos) << log;
  auto list = boost::json::parse(run("partner list --json").out).as_array();
  EXPECT_EQ(list.size(), 3u);
  auto third = run("partner create --username Alpha --name D");
  EXPECT_NE(third.status, 0);
  EXPECT_NE(third.out.find("already exists"), std::string::npos) << third.out;
  EXPECT_EQ(run("partner set ALPHA --name B2").status, 0);
}

// Finding 7: the database, its -wal and -shm, and the folders made for them are the server's
// user's alone whatever the umask (A.11).
TEST_F(CliTest, FilesAndFoldersArePrivateWhateverTheUmask) {
  auto mode = [](const std::filesystem::path& path) {
    struct stat st {};
    EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  };
  for (int mask : {0, 022}) {
    SCOPED_TRACE(mask);
    const auto top = dir_ / ("m" + std::to_string(mask));
    const auto db = top / "deeper" / "accounts.db";
    db_ = "sqlite:" + db.string();
    char mask_text[8];
    std::snprintf(mask_text, sizeof mask_text, "%03o", unsigned(mask));
    auto created = run("partner create --username acme --name A", "", mask_text);
    ASSERT_EQ(created.status, 0) << created.out;
    EXPECT_EQ(mode(top), 0700u);
    EXPECT_EQ(mode(top / "deeper"), 0700u);
    EXPECT_EQ(mode(db), 0600u);
    std::filesystem::remove_all(top);
    serve_and_stop(mask, [&] {
      EXPECT_EQ(mode(top), 0700u);
      EXPECT_EQ(mode(db), 0600u);
      EXPECT_EQ(mode(db.string() + "-wal"), 0600u);
      EXPECT_EQ(mode(db.string() + "-shm"), 0600u);
    });
  }
}

TEST_F(CliTest, AnExistingDatabaseReadableByOthersIsTightenedAtOpen) {
  ASSERT_EQ(run("partner create --username acme --name A").status, 0);
  const auto db = dir_ / "db.sqlite";
  std::filesystem::permissions(db, std::filesystem::perms(0644));
  // The folder existed before: it is the operator's, and stays as it is.
  std::filesystem::permissions(dir_, std::filesystem::perms(0755));
  auto out = dir_ / "out.txt";
  auto err = dir_ / "err.txt";
  ASSERT_EQ(run_split("partner list --json", out, err), 0) << read_file(err);
  EXPECT_EQ(boost::json::parse(read_file(out)).as_array().size(), 1u) << "stdout stays JSON";
  EXPECT_NE(read_file(err).find("was readable by other users (mode 0644); it is now 0600"),
            std::string::npos)
      << read_file(err);
  struct stat st {};
  ASSERT_EQ(stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

}  // namespace
}  // namespace accountsd::testing
