#include "support/migrate_db_fixture.hpp"

#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <regex>

#include "domain/backup.hpp"
#include "support/server_process.hpp"

namespace accountsd::testing {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

MigrateDbFixture::MigrateDbFixture() {
  std::ofstream(temp_.dir / "service-token") << kServiceToken;
}

Outcome MigrateDbFixture::accountsd(const std::string& args, const std::string& input) {
  std::ofstream(temp_.dir / "stdin") << input;
  auto out = temp_.dir / "stdout";
  auto err = temp_.dir / "stderr";
  std::string command = std::string(ACCOUNTSD_BINARY) + " " + args + " < " +
                        (temp_.dir / "stdin").string() + " > " + out.string() + " 2> " +
                        err.string();
  int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
}

Outcome MigrateDbFixture::migrate_db(const std::string& target) {
  return accountsd("migrate-db --from sqlite:" + temp_.path + " --to " + target);
}

std::vector<std::string> MigrateDbFixture::serve_arguments() const {
  return {"--service-token-file", (temp_.dir / "service-token").string()};
}

void MigrateDbFixture::create_acme() {
  auto created = accountsd(
      "partner create --username acme --name 'Acmé Société 日本' --group 'Équipe' --billing "
      "prepaid --bytes-available 9000000000000000000 --enable ldap --enable netkes "
      "--password-stdin --db " +
          db_,
      kAcme.password + "\n");
  ASSERT_EQ(created.status, 0) << created.err;
}

std::string MigrateDbFixture::create_demo(int users) {
  auto demo = accountsd("demo --users " + std::to_string(users) + " --seed 3 --db " + db_);
  EXPECT_EQ(demo.status, 0) << demo.err;
  std::smatch password;
  EXPECT_TRUE(std::regex_search(demo.out, password, std::regex("password: (\\S+)")));
  return password.size() > 1 ? password[1].str() : "";
}

// What one row of each kind the API writes looks like in a server's life: billing with a card,
// settings, a policy inheriting from another, groups, users with non-ASCII names (one in a group
// with a policy), outbox rows (one for a user since deleted), two backups, a console session,
// devices and shares the storage service reports; and ids deleted from the top of their tables (a
// policy, a group, a user, the last devices) so that SQLite's sequences run past the largest ids
// left.
void MigrateDbFixture::fill_through_the_api(const std::string& demo_password) {
  ServerProcess server(temp_.dir / "serve.log");
  auto port = server.start(db_, serve_arguments());
  ASSERT_NE(port, 0) << server.log();
  auto call = [&](const std::string& method, const std::string& path, const std::string& body,
                  const Login& login = kAcme,
                  const std::map<std::string, std::string>& headers = {}) {
    auto reply = http_request(port, method, kRoot + path, body, login, headers);
    EXPECT_LT(reply.status, 300) << method << " " << path << ": " << reply.body;
    return reply.json;
  };
  // What the storage service reports about zoe (B.5).
  auto report = [&](const std::string& method, const std::string& path, const std::string& body) {
    auto reply =
        http_request(port, method, "/internal/v1/partners/acme/users/zoe" + path, body,
                     std::nullopt, {{"Authorization", std::string("Bearer ") + kServiceToken}});
    EXPECT_LT(reply.status, 300) << method << " " << path << ": " << reply.body;
  };
  using boost::json::serialize;
  const std::time_t now = std::time(nullptr);
  const int year = std::gmtime(&now)->tm_year + 1900 + 2;
  call("POST", "/partner/billing",
       serialize(boost::json::object{{"name", "Acmé Ltd."},
                                     {"address", boost::json::array{"1 Rue d'Été", "Bâtiment 3"}},
                                     {"city", "Zürich"},
                                     {"state", "ZH"},
                                     {"postal_code", "8001"},
                                     {"country", "CH"},
                                     {"card_number", "4111111111111111"},
                                     {"security_code", "123"},
                                     {"expiration_month", 8},
                                     {"expiration_year", year}}));
  call("POST", "/partner/settings",
       R"({"omva_url": "https://omva.example.com/console", "support_email": "aide@example.com",
           "share_link_ttl": 60, "autopurge_interval": 30, "purgehold_duration": 3600,
           "ad_domain": "corp.example.com", "sharing_enabled": false, "api_version": "v1 ☕"})");
  auto base = call("POST", "/devicepolicies/",
                   R"({"name": "Base", "policy": {"Autorun": true, "EnablePreviews": false}})");
  auto laptops = call("POST", "/devicepolicies/",
                      R"({"name": "Portables ☕", "inherits_from": )" + serialize(base.at("id")) +
                          R"(, "policy": {"Autorun": "--inherit--", "EnableAutomaticScan":
                          "--unset--", "FullScheduleEnable": true,
                          "FullScheduleIntervalMinutes": 90}})");
  auto gone = call("POST", "/devicepolicies/", R"({"name": "Gone"})");
  call("DELETE", "/devicepolicies/" + serialize(gone.at("id")), "");
  auto plans = call("GET", "/plans", "");
  auto plan = serialize(plans.at(0).at("plan_id"));
  auto sales = call("POST", "/groups/",
                    R"({"name": "Ventes", "plan_id": )" + plan +
                        R"(, "webapi_enable": true, "check_domain": true, "device_policy": )" +
                        serialize(laptops.at("id")) + "}",
                    kAcme, {{"Idempotency-Key", "ventes-1"}});
  auto temp_group = call("POST", "/groups/",
                         R"({"name": "Temp", "plan_id": )" + plan +
                             R"(, "webapi_enable": false, "check_domain": false})");
  call("DELETE", "/groups/" + serialize(temp_group.at("group_id")), "");
  call("POST", "/users/",
       R"({"username": "zoe", "name": "Zoë Ångström 日本", "email": "zoe@example.com",
             "promo": "ÉTÉ"})");
  call("POST", "/users/zoe?action=sendactivationemail", "{}");
  report(
      "PUT", "/devices/Portable%20%C3%A9t%C3%A9",
      R"({"client_revision": 512, "last_login": 1764201600, "last_backup_complete": 1764200000})");
  report("PUT", "/devices/phone", R"({"client_revision": 9999})");
  report("PUT", "/devices/tablet", R"({"client_revision": 7, "last_login": 1})");
  report("DELETE", "/devices/tablet", "");
  report("PUT", "/shares/vacances",
         R"({"name": "Vacances d'été", "description": "Plage\n\tet montagne", "enabled": true,
             "password_required": true, "last_login": 1764201600})");
  report("PUT", "/shares/brouillon", R"({"name": "Brouillon", "enabled": false})");
  report("DELETE", "/shares/brouillon", "");
  report("PUT", "/usage", R"({"bytes_stored": 123456789})");
  call("POST", "/users/", R"({"username": "temp", "name": "Temp", "email": "t@example.com"})");
  call("POST", "/users/temp?action=sendactivationemail",
       R"({"template_name": "welcome", "reg_code": "R-1"})");
  call("DELETE", "/users/temp", "");
  call("POST", "/users/",
       R"({"username": "last", "name": "Last", "email": "l@example.com", "group_id": )" +
           serialize(sales.at("group_id")) + "}");
  for (const char* data : {"Zmlyc3Q=", "c2Vjb25kIGJhY2t1cA=="}) {
    call("POST", "/partner/backup",
         serialize(boost::json::object{{"sha256", domain::sha256_hex(data)}, {"data", data}}));
  }
  // A console session (issue 15): its row is copied like any other.
  auto signed_in = http_request(
      port, "POST", "/console/session",
      serialize(boost::json::object{{"username", kAcme.username}, {"password", kAcme.password}}),
      std::nullopt);
  EXPECT_EQ(signed_in.status, 200) << signed_in.body;
  // The demo user with the newest device goes, and its devices and shares with it.
  ReadOnlyDatabase db(temp_.path);
  std::string newest;
  for_each_row(db.get(),
               "SELECT u.username FROM devices d JOIN users u ON u.avatar_id = d.avatar_id "
               "JOIN partners p ON p.partner_id = u.partner_id WHERE p.username = 'demo' "
               "ORDER BY d.device_id DESC LIMIT 1",
               0, [&](sqlite3_stmt* s) {
                 newest = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
               });
  call("DELETE", "/users/" + newest, "", Login{"demo", demo_password});
  EXPECT_EQ(server.stop(), 0) << server.log();
}

// The store keeps a backup's data as opaque bytes: the replaced one becomes binary, every byte
// value and NULs included.
void MigrateDbFixture::make_a_backup_binary() {
  store::sqlite::Connection(temp_.path)
      .exec(
          "UPDATE partner_backups SET data = x'00ff00fe7f80' || randomblob(70000) || x'00' "
          "WHERE backup_id = (SELECT min(backup_id) FROM partner_backups)");
}

}  // namespace accountsd::testing
