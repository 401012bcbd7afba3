// A.6 / B.5 quota exactness under a long random sequence of changes made through the HTTP API
// (users, groups, devices, shares, usage), checked after every batch against a full recount
// computed directly from the SQLite database and against an in-test model of the partner.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "domain/quota.hpp"
#include "support/api_fixture.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

using domain::Int128;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kUnlimited = 1000000001000000000;
constexpr const char* kBcrypt = "$2b$12$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY01";
constexpr std::uint64_t kDefaultSeed = 20251127;
constexpr int kDefaultOps = 3000;
constexpr int kBatch = 100;

std::string to_string(Int128 value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  std::string out;
  while (value != 0) {
    int digit = int(value % 10);
    out.insert(out.begin(), char('0' + (digit < 0 ? -digit : digit)));
    value /= 10;
  }
  return negative ? "-" + out : out;
}

std::int64_t saturate(Int128 value) {
  if (value > kMax) return kMax;
  if (value < 0) return 0;
  return std::int64_t(value);
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  return std::strtoull(text, nullptr, 10);
}

// What the database says, recounted from the rows themselves.
struct Recount : QuotaRecount {
  std::vector<std::pair<std::int64_t, std::int64_t>> census;  // (revision, count), ascending
  std::int64_t orphans = 0;  // devices or shares whose user is gone
};

class QuotaRandomizedTest : public ApiTest {
 protected:
  struct ModelUser {
    std::string username;
    std::string email;
    std::int64_t group = 0;
    std::int64_t plan = 0;
    std::int64_t bonus = 0;
    std::int64_t stored = 0;
    std::map<std::string, std::int64_t> devices;  // name -> client_revision
    std::set<std::string> shares;
  };

  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    auto groups = directory().groups(alpha_id);
    ASSERT_EQ(groups.size(), 1u);
    default_group_ = groups.front().group_id;
    for (const auto& plan : directory().plans(alpha_id)) plans_[plan.plan_id] = plan.storage_bytes;
    ASSERT_EQ(plans_.size(), 1u);
    ASSERT_EQ(plans_.begin()->second, kUnlimited);
    huge_plans_.push_back(plans_.begin()->first);
    groups_[default_group_] = plans_.begin()->first;
    const std::pair<const char*, std::int64_t> bounded[] = {
        {"Zero", 0}, {"Small", 1000000000}, {"Medium", 500000000000}, {"Large", 2000000000000}};
    for (const auto& [name, bytes] : bounded) {
      auto id = directory().create_plan(alpha_id, name, bytes);
      plans_[id] = bytes;
      bounded_plans_.push_back(id);
    }
    const std::pair<const char*, std::int64_t> huge[] = {{"Big", 4000000000000000000},
                                                         {"Max", kMax}};
    for (const auto& [name, bytes] : huge) {
      auto id = directory().create_plan(alpha_id, name, bytes);
      plans_[id] = bytes;
      huge_plans_.push_back(id);
    }
  }

  // ---- randomness ---------------------------------------------------------------------------

  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool chance(int percent) { return below(100) < std::uint64_t(percent); }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

  std::int64_t random_plan() {
    if (!huge_phase_ || chance(60)) return pick(bounded_plans_);
    return pick(huge_plans_);
  }
  std::int64_t random_bonus() {
    auto r = below(100);
    if (r < 40) return 0;
    if (r < 75) return std::int64_t(below(1000000000000));
    if (!huge_phase_ || r < 90) return std::int64_t(below(10000000000000));
    return kMax - std::int64_t(below(1000000));
  }
  std::int64_t random_stored() {
    auto r = below(100);
    if (r < 10) return 0;
    if (!huge_phase_) return std::int64_t(below(1000000000000000));
    if (r < 60) return std::int64_t(below(1000000000000));
    if (r < 90) return std::int64_t(below(1000000000000000));
    return kMax - std::int64_t(below(1000000000));
  }
  std::optional<std::int64_t> random_time() {
    if (chance(30)) return std::nullopt;
    return 1700000000 + std::int64_t(below(100000000));
  }
  std::vector<std::string> usernames() const {
    std::vector<std::string> out;
    for (const auto& [name, user] : users_) out.push_back(name);
    return out;
  }
  std::vector<std::int64_t> group_ids() const {
    std::vector<std::int64_t> out;
    for (const auto& [id, plan] : groups_) out.push_back(id);
    return out;
  }
  // A user as the path names it: its username, or sometimes its email.
  std::string path_key(const ModelUser& user) { return chance(20) ? user.email : user.username; }

  // ---- the model ----------------------------------------------------------------------------

  Int128 allocation(const ModelUser& u) const { return Int128(plans_.at(u.plan)) + u.bonus; }
  Int128 model_allocated() const {
    Int128 sum = 0;
    for (const auto& [name, u] : users_) sum += allocation(u);
    return sum;
  }
  // The statuses the spec allows for a change of `delta` in bytes_allocated that would otherwise
  // succeed with `ok`: 402 when it raises the total over bytes_available. A change that lowers
  // (or keeps) the total but leaves it over bytes_available is not pinned down by the spec.
  std::set<int> with_allocation(Int128 delta, int ok) const {
    Int128 after = model_allocated() + delta;
    if (!available_ || after <= *available_) return {ok};
    if (delta > 0) return {402};
    return {ok, 402};
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  void log(std::string line) {
    recent_.push_back(std::move(line));
    if (recent_.size() > 25) recent_.pop_front();
  }
  std::string recent() const {
    std::string out;
    for (const auto& line : recent_) out += "\n    " + line;
    return out;
  }
  // Checks a reply's status against the allowed ones; records a failure with the context.
  bool expect_status(const Reply& reply, const std::set<int>& allowed, const std::string& what) {
    std::string allowed_text;
    for (int s : allowed) allowed_text += (allowed_text.empty() ? "" : "|") + std::to_string(s);
    log(what + " -> " + std::to_string(reply.status) + " (expected " + allowed_text + ")");
    if (allowed.contains(reply.status)) {
      if (reply.status >= 400) {
        EXPECT_TRUE(reply.json.is_object() && reply.json.as_object().contains("reason"))
            << what << ": error without reason: " << reply.body;
      }
      return true;
    }
    ADD_FAILURE() << what << ": status " << reply.status << ", expected " << allowed_text
                  << "\n  body: " << reply.body << "\n  model bytes_allocated "
                  << to_string(model_allocated()) << ", bytes_available "
                  << (available_ ? std::to_string(*available_) : "null");
    return false;
  }
  void expect_conflict(const Reply& reply, const std::set<std::string>& fields,
                       const std::string& what) {
    if (reply.status != 409) return;
    bool ok = reply.json.is_object() && reply.json.as_object().contains("conflicts") &&
              reply.json.at("conflicts").is_array() &&
              !reply.json.at("conflicts").as_array().empty();
    if (ok) {
      for (const auto& field : reply.json.at("conflicts").as_array())
        ok = ok && field.is_string() && fields.contains(std::string(field.as_string()));
    }
    EXPECT_TRUE(ok) << what << ": unexpected 409 body " << reply.body;
  }
  // The user object of a 200 reply matches the model's user.
  void expect_user_object(const boost::json::value& value, const ModelUser& u,
                          const std::string& what) {
    boost::json::object expected;
    expected["username"] = u.username;
    expected["group_id"] = u.group;
    expected["plan_id"] = u.plan;
    expected["storage_bytes"] = plans_.at(u.plan);
    expected["bonus_bytes"] = u.bonus;
    expected["bytes_stored"] = u.stored;
    expected["num_devices"] = std::int64_t(u.devices.size());
    expected["num_shares"] = std::int64_t(u.shares.size());
    if (!value.is_object()) {
      ADD_FAILURE() << what << ": user is not an object: " << value;
      return;
    }
    for (const auto& [key, field] : expected) {
      const auto* actual = value.as_object().if_contains(key);
      EXPECT_TRUE(actual && *actual == field)
          << what << ": user field " << key << " is "
          << (actual ? boost::json::serialize(*actual) : "absent") << ", expected " << field;
    }
  }

  // ---- operations ---------------------------------------------------------------------------

  void create_user() {
    const std::string fresh = "u" + std::to_string(next_user_++);
    ModelUser u;
    u.username = fresh;
    u.email = fresh + "@example.com";
    bool duplicate = false;
    auto r = below(100);
    if (r < 4 && !users_.empty()) {
      u.username = pick(usernames());
      duplicate = true;
    } else if (r < 8 && !users_.empty()) {
      u.email = users_.at(pick(usernames())).email;
      duplicate = true;
    }
    boost::json::object body{{"username", u.username},
                             {"name", "User " + fresh},
                             {"email", u.email},
                             {"password_bcrypt", kBcrypt}};
    bool unknown_group = false, unknown_plan = false;
    u.group = default_group_;
    auto g = below(100);
    if (g < 25) {
      u.group = pick(group_ids());
      body["group_id"] = u.group;
    } else if (g < 29) {
      unknown_group = true;
      body["group_id"] = 987654321;
    }
    u.plan = groups_.at(u.group);
    auto p = below(100);
    if (p < 45) {
      u.plan = random_plan();
      body["plan_id"] = u.plan;
    } else if (p < 49) {
      unknown_plan = true;
      body["plan_id"] = 987654321;
    }
    if (!huge_phase_ && !unknown_plan && plans_.at(u.plan) >= kUnlimited) {
      u.plan = random_plan();  // outside the huge phase, not even through the group's plan
      body["plan_id"] = u.plan;
    }
    if (chance(60)) {
      u.bonus = random_bonus();
      body["bonus_bytes"] = u.bonus;
    }
    const std::string what = "POST /users/ " + boost::json::serialize(body);
    std::set<int> allowed;
    if (unknown_group || unknown_plan) {
      allowed = {409};
    } else {
      allowed = with_allocation(allocation(u), 200);
      if (duplicate) {
        allowed.erase(200);
        allowed.insert(409);
      }
    }
    auto reply = post("/users/", boost::json::serialize(body));
    if (!expect_status(reply, allowed, what)) return;
    ++outcomes_[reply.status];
    expect_conflict(reply, {"username", "email", "group_id", "plan_id"}, what);
    if (reply.status != 200) return;
    if (allocation(u) >= kUnlimited) ++huge_users_created_;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_EQ(reply.json.at("username"), boost::json::value(u.username)) << what;
    expect_user_object(reply.json.at("user"), u, what);
    users_[u.username] = u;
  }

  // A random user; while winding down, mostly one of those with a huge allocation or usage, so
  // that the sums come back below int64 max.
  ModelUser* random_user() {
    if (users_.empty()) return nullptr;
    if (wind_down_ && chance(60)) {
      std::vector<std::string> heavy;
      for (const auto& [name, u] : users_)
        if (allocation(u) >= kUnlimited || u.stored >= kUnlimited) heavy.push_back(name);
      if (!heavy.empty()) return &users_.at(pick(heavy));
    }
    return &users_.at(pick(usernames()));
  }

  void edit_user() {
    auto* u = random_user();
    if (!u || chance(5)) {
      auto reply = post("/users/ghost" + std::to_string(below(1000)), R"({"bonus_bytes": 1})");
      expect_status(reply, {404}, "POST /users/ghost");
      return;
    }
    ModelUser after = *u;
    boost::json::object body;
    bool unknown = false;
    if (chance(40)) {
      std::vector<std::int64_t> others;
      for (auto id : group_ids())
        if (id != u->group) others.push_back(id);
      if (chance(5)) {
        unknown = true;
        body["group_id"] = 987654321;
      } else if (!others.empty()) {
        after.group = pick(others);
        after.plan = groups_.at(after.group);  // joining a group gives its plan...
        body["group_id"] = after.group;
      }
    }
    if (chance(40)) {
      if (chance(5)) {
        unknown = true;
        body["plan_id"] = 987654321;
      } else {
        after.plan = random_plan();  // ...unless plan_id is given in the same request
        body["plan_id"] = after.plan;
      }
    }
    if (wind_down_ && !body.contains("plan_id") && plans_.at(after.plan) >= kUnlimited) {
      after.plan = random_plan();
      body["plan_id"] = after.plan;
    }
    if (body.empty() || wind_down_ || chance(40)) {
      after.bonus = random_bonus();
      body["bonus_bytes"] = after.bonus;
    }
    const std::string key = path_key(*u);
    const std::string what = "POST /users/" + key + " " + boost::json::serialize(body);
    std::set<int> allowed =
        unknown ? std::set<int>{409} : with_allocation(allocation(after) - allocation(*u), 200);
    auto reply = post("/users/" + key, boost::json::serialize(body));
    if (!expect_status(reply, allowed, what)) return;
    ++outcomes_[reply.status];
    expect_conflict(reply, {"group_id", "plan_id"}, what);
    if (reply.status != 200) return;
    expect_user_object(reply.json, after, what);
    *u = after;
  }

  void delete_user() {
    auto* u = random_user();
    if (!u || chance(10)) {
      auto reply = request("DELETE", "/users/ghost" + std::to_string(below(1000)), "", alpha);
      expect_status(reply, {404}, "DELETE /users/ghost");
      return;
    }
    const std::string key = path_key(*u);
    auto reply = request("DELETE", "/users/" + key, "", alpha);
    if (!expect_status(reply, {204}, "DELETE /users/" + key)) return;
    users_.erase(u->username);
  }

  void create_group() {
    if (groups_.size() >= 8) return change_group_plan();
    const std::string name = "g" + std::to_string(next_group_++);
    std::int64_t plan = random_plan();
    boost::json::object body{
        {"name", name}, {"plan_id", plan}, {"webapi_enable", true}, {"check_domain", false}};
    auto reply = post("/groups/", boost::json::serialize(body));
    if (!expect_status(reply, {201}, "POST /groups/ " + boost::json::serialize(body))) return;
    ASSERT_TRUE(reply.json.is_object() && reply.json.at("group_id").is_int64()) << reply.body;
    groups_[reply.json.at("group_id").as_int64()] = plan;
  }

  void change_group_plan() {
    auto group = pick(group_ids());
    std::vector<std::int64_t> candidates;
    for (const auto& [id, bytes] : plans_) {
      bool allowed = huge_phase_ || std::find(bounded_plans_.begin(), bounded_plans_.end(), id) !=
                                        bounded_plans_.end();
      if (allowed && id != groups_.at(group)) candidates.push_back(id);
    }
    if (candidates.empty()) return;
    auto plan = pick(candidates);
    Int128 delta = 0;
    for (const auto& [name, u] : users_)
      if (u.group == group) delta += Int128(plans_.at(plan)) - plans_.at(u.plan);
    boost::json::object body{{"plan_id", plan}, {"force", true}};
    const std::string what =
        "POST /groups/" + std::to_string(group) + " " + boost::json::serialize(body);
    auto reply = post("/groups/" + std::to_string(group), boost::json::serialize(body));
    if (!expect_status(reply, with_allocation(delta, 200), what)) return;
    ++outcomes_[reply.status];
    if (reply.status != 200) return;
    EXPECT_EQ(reply.json.at("plan_id"), boost::json::value(plan)) << what;
    groups_[group] = plan;
    for (auto& [name, u] : users_)
      if (u.group == group) u.plan = plan;  // members follow the group's plan
    ++group_plan_changes_;
  }

  void delete_group() {
    std::vector<std::int64_t> deletable;
    for (auto id : group_ids())
      if (id != default_group_) deletable.push_back(id);
    if (deletable.empty()) return create_group();
    auto group = pick(deletable);
    std::int64_t members = 0;
    for (const auto& [name, u] : users_) members += u.group == group;
    if (chance(20)) {
      const std::string what = "DELETE /groups/" + std::to_string(group) + " (" +
                               std::to_string(members) + " members, no move_to)";
      auto reply = request("DELETE", "/groups/" + std::to_string(group), "", alpha);
      if (!expect_status(reply, members ? std::set<int>{409} : std::set<int>{204}, what)) return;
      expect_conflict(reply, {"group_id"}, what);
      if (reply.status == 204) groups_.erase(group);
      return;
    }
    std::vector<std::int64_t> targets;
    for (auto id : group_ids())
      if (id != group && (huge_phase_ || plans_.at(groups_.at(id)) < kUnlimited))
        targets.push_back(id);
    if (targets.empty()) {
      for (auto id : group_ids())
        if (id != group) targets.push_back(id);
    }
    auto target = pick(targets);
    const std::int64_t plan = groups_.at(target);
    Int128 delta = 0;
    for (const auto& [name, u] : users_)
      if (u.group == group) delta += Int128(plans_.at(plan)) - plans_.at(u.plan);
    const std::string what = "DELETE /groups/" + std::to_string(group) +
                             "?move_to=" + std::to_string(target) + " (" + std::to_string(members) +
                             " members)";
    auto reply =
        request("DELETE", "/groups/" + std::to_string(group) + "?move_to=" + std::to_string(target),
                "", alpha);
    if (!expect_status(reply, with_allocation(delta, 204), what)) return;
    ++outcomes_[reply.status];
    if (reply.status != 204) return;
    groups_.erase(group);
    for (auto& [name, u] : users_) {
      if (u.group == group) {
        u.group = target;
        u.plan = plan;
      }
    }
    ++group_moves_;
  }

  // Where an /internal/v1 report goes: a real user of alpha, or one that must come back 404
  // (an unknown user, or alpha's user named under another partner or an unknown one).
  struct ReportTarget {
    ModelUser* user = nullptr;  // null: expect 404
    std::string path;
  };
  ReportTarget report_target() {
    auto* u = random_user();
    auto r = below(100);
    if (!u || r < 4) return {nullptr, "/partners/alpha/users/ghost" + std::to_string(below(1000))};
    if (r < 7) return {nullptr, "/partners/beta/users/" + path_key(*u)};
    if (r < 8) return {nullptr, "/partners/nobody/users/" + path_key(*u)};
    return {u, "/partners/alpha/users/" + path_key(*u)};
  }

  void put_device() {
    auto target = report_target();
    const std::string name = "d" + std::to_string(below(5));
    const std::int64_t revision = 500 + std::int64_t(below(12));
    boost::json::object body{{"client_revision", revision}};
    auto login = random_time();
    auto backup = random_time();
    body["last_login"] = login ? boost::json::value(*login) : boost::json::value(nullptr);
    if (chance(70))
      body["last_backup_complete"] =
          backup ? boost::json::value(*backup) : boost::json::value(nullptr);
    const std::string path = target.path + "/devices/" + name;
    auto reply = internal("PUT", path, boost::json::serialize(body));
    if (!expect_status(reply, {target.user ? 200 : 404}, "PUT " + path)) return;
    if (target.user) target.user->devices[name] = revision;
  }

  void delete_device() {
    auto target = report_target();
    std::string name = "d" + std::to_string(below(5));
    if (target.user && !target.user->devices.empty() && chance(70))
      name = std::next(target.user->devices.begin(),
                       std::ptrdiff_t(below(target.user->devices.size())))
                 ->first;
    const bool exists = target.user && target.user->devices.contains(name);
    const std::string path = target.path + "/devices/" + name;
    auto reply = internal("DELETE", path, "");
    if (!expect_status(reply, {exists ? 204 : 404}, "DELETE " + path)) return;
    if (exists) target.user->devices.erase(name);
  }

  void put_share() {
    auto target = report_target();
    const std::string room_key = "r" + std::to_string(below(4));
    boost::json::object body{{"name", "Share " + room_key},
                             {"description", "About " + room_key},
                             {"enabled", chance(80)}};
    const std::string path = target.path + "/shares/" + room_key;
    auto reply = internal("PUT", path, boost::json::serialize(body));
    if (!expect_status(reply, {target.user ? 200 : 404}, "PUT " + path)) return;
    if (target.user) target.user->shares.insert(room_key);
  }

  void delete_share() {
    auto target = report_target();
    std::string room_key = "r" + std::to_string(below(4));
    if (target.user && !target.user->shares.empty() && chance(70))
      room_key = *std::next(target.user->shares.begin(),
                            std::ptrdiff_t(below(target.user->shares.size())));
    const bool exists = target.user && target.user->shares.contains(room_key);
    const std::string path = target.path + "/shares/" + room_key;
    auto reply = internal("DELETE", path, "");
    if (!expect_status(reply, {exists ? 204 : 404}, "DELETE " + path)) return;
    if (exists) target.user->shares.erase(room_key);
  }

  void put_usage() {
    auto target = report_target();
    const std::int64_t bytes = random_stored();
    const std::string path = target.path + "/usage";
    auto reply = internal("PUT", path, "{\"bytes_stored\": " + std::to_string(bytes) + "}");
    if (!expect_status(reply, {target.user ? 200 : 404},
                       "PUT " + path + " " + std::to_string(bytes)))
      return;
    if (target.user) target.user->stored = bytes;
  }

  // The operator sets or clears bytes_available (A.11), sometimes just above the current
  // allocation so that later increases run into it.
  void toggle_available() {
    if (available_ && chance(70)) {
      available_.reset();
    } else {
      Int128 now = model_allocated();
      static constexpr std::int64_t margins[] = {0, 1000000000, 3000000000000, 10000000000000000};
      Int128 wanted = now + margins[below(std::size(margins))];
      available_ = wanted <= kMax ? std::int64_t(wanted) : std::int64_t(below(kMax));
    }
    auto value = available_;
    set_partner("alpha", [&](domain::Partner& p) { p.bytes_available = value; });
    log("operator: bytes_available = " + (value ? std::to_string(*value) : std::string("null")));
  }

  void random_operation() {
    auto r = below(1000);
    if (r < 15) return toggle_available();
    if (r < 260) return create_user();
    if (r < 380) return edit_user();
    if (r < 430) return delete_user();
    if (r < 450) return create_group();
    if (r < 480) return change_group_plan();
    if (r < 500) return delete_group();
    if (r < 680) return put_device();
    if (r < 740) return delete_device();
    if (r < 840) return put_share();
    if (r < 880) return delete_share();
    return put_usage();
  }

  // ---- the recount ---------------------------------------------------------------------------

  // Runs `sql` with ?1 = partner, calling `row` for each result row.
  Recount recount(store::PartnerId partner) {
    Recount out;
    static_cast<QuotaRecount&>(out) = test_db().recount(partner);
    for (const auto& row : test_db().integers(
             "SELECT d.client_revision, count(*) FROM devices d JOIN users u "
             "ON u.avatar_id = d.avatar_id WHERE u.partner_id = $1 GROUP BY d.client_revision "
             "ORDER BY d.client_revision",
             partner))
      out.census.emplace_back(row[0], row[1]);
    out.orphans = test_db().integer(
        "SELECT (SELECT count(*) FROM devices WHERE avatar_id NOT IN (SELECT avatar_id FROM "
        "users)) + (SELECT count(*) FROM shares WHERE avatar_id NOT IN (SELECT avatar_id FROM "
        "users))");
    return out;
  }

  static boost::json::value census_json(
      const std::vector<std::pair<std::int64_t, std::int64_t>>& c) {
    boost::json::array out;
    for (const auto& [revision, count] : c)
      out.push_back(boost::json::object{{"revision", revision}, {"count", count}});
    return out;
  }

  // Compares the API's figures with the database recount, and both with the model.
  void check(const std::string& when) {
    SCOPED_TRACE(when);
    const auto db = recount(alpha_id);
    if (HasFatalFailure()) return;

    // 1. GET /partner/quota equals the recount, saturated.
    auto quota = get("/partner/quota");
    ASSERT_EQ(quota.status, 200) << quota.body;
    boost::json::object expected{{"bytes_available", available_ ? boost::json::value(*available_)
                                                                : boost::json::value(nullptr)},
                                 {"bytes_allocated", saturate(db.allocated)},
                                 {"bytes_used", saturate(db.used)},
                                 {"share_count", db.shares},
                                 {"device_count", db.devices}};
    EXPECT_EQ(quota.json, boost::json::value(expected))
        << "recount: allocated " << to_string(db.allocated) << ", used " << to_string(db.used);

    // 2. GET /clientrevisions/ equals the census recounted from the devices.
    auto census = get("/clientrevisions/");
    ASSERT_EQ(census.status, 200) << census.body;
    EXPECT_EQ(census.json, census_json(db.census));
    EXPECT_EQ(db.orphans, 0) << "devices or shares left without their user";
    saturated_allocated_ += db.allocated > kMax;
    saturated_used_ += db.used > kMax;
    if (db.used > kMax || db.allocated > kMax) {
      was_saturated_ = true;
    } else if (was_saturated_) {
      ++exact_after_saturation_;
    }

    // 3. The database holds what the model says the API accepted.
    std::map<std::int64_t, std::int64_t> model_census;
    Int128 model_used = 0;
    std::int64_t model_devices = 0, model_shares = 0;
    for (const auto& [name, u] : users_) {
      model_used += u.stored;
      model_devices += std::int64_t(u.devices.size());
      model_shares += std::int64_t(u.shares.size());
      for (const auto& [device, revision] : u.devices) ++model_census[revision];
    }
    EXPECT_EQ(db.users, std::int64_t(users_.size()));
    EXPECT_TRUE(db.allocated == model_allocated())
        << "db " << to_string(db.allocated) << " model " << to_string(model_allocated());
    EXPECT_TRUE(db.used == model_used)
        << "db " << to_string(db.used) << " model " << to_string(model_used);
    EXPECT_EQ(db.devices, model_devices);
    EXPECT_EQ(db.shares, model_shares);
    EXPECT_EQ(db.census, (std::vector<std::pair<std::int64_t, std::int64_t>>(model_census.begin(),
                                                                             model_census.end())));

    // 4. Every user object agrees with the model (plan, allocation, per-user counters).
    auto listed = get("/users/");
    ASSERT_EQ(listed.status, 200) << listed.body;
    ASSERT_TRUE(listed.json.is_array()) << listed.body;
    EXPECT_EQ(listed.json.as_array().size(), users_.size());
    for (const auto& item : listed.json.as_array()) {
      std::string name(item.at("username").as_string());
      auto it = users_.find(name);
      if (it == users_.end()) {
        ADD_FAILURE() << "API lists unknown user " << name;
        continue;
      }
      expect_user_object(item, it->second, "GET /users/ " + name);
    }

    // 5. Beta was never touched.
    auto beta_quota = get_as(beta, "/partner/quota");
    EXPECT_EQ(beta_quota.json, json(R"({"bytes_available": null, "bytes_allocated": 0,
        "bytes_used": 0, "share_count": 0, "device_count": 0})"));
    EXPECT_EQ(get_as(beta, "/clientrevisions/").json, json("[]"));
    const auto beta_db = recount(beta_id);
    EXPECT_EQ(beta_db.users, 0);
    EXPECT_EQ(beta_db.devices + beta_db.shares, 0);
  }

  std::mt19937_64 rng_;
  bool huge_phase_ = false;  // Unlimited and larger plans, huge bonuses and usage
  bool wind_down_ = false;   // bounded values again, mostly for the users holding huge ones

  std::map<std::int64_t, std::int64_t> plans_;   // plan_id -> storage_bytes
  std::vector<std::int64_t> bounded_plans_;      // plans small enough never to saturate
  std::vector<std::int64_t> huge_plans_;         // Unlimited and larger
  std::map<std::int64_t, std::int64_t> groups_;  // group_id -> plan_id
  std::int64_t default_group_ = 0;
  std::map<std::string, ModelUser> users_;  // by username
  std::optional<std::int64_t> available_;
  int next_user_ = 0;
  int next_group_ = 0;

  std::deque<std::string> recent_;
  std::map<int, int> outcomes_;  // status -> count, for allocation-changing operations
  int huge_users_created_ = 0;
  int group_plan_changes_ = 0;
  int group_moves_ = 0;
  int saturated_allocated_ = 0;
  int saturated_used_ = 0;
  bool was_saturated_ = false;
  int exact_after_saturation_ = 0;
};

TEST_F(QuotaRandomizedTest, QuotaAndCensusStayExactUnderRandomOperations) {
  const std::uint64_t seed = env_number("ACCOUNTSD_QUOTA_SEED", kDefaultSeed);
  const int operations = int(env_number("ACCOUNTSD_QUOTA_OPS", kDefaultOps));
  std::cout << "[ quota    ] seed " << seed << " (set ACCOUNTSD_QUOTA_SEED to replay another), "
            << operations << " operations" << std::endl;
  RecordProperty("seed", std::to_string(seed));
  rng_.seed(seed);

  // The first third stays within bounded plans, so bytes_available can sit just above the
  // allocation and 402s are exact; in the second, Unlimited and larger plans, huge bonuses and
  // huge usage make the sums saturate; the last third brings them back below int64 max.
  {
    auto reply = post("/groups/" + std::to_string(default_group_),
                      "{\"plan_id\": " + std::to_string(bounded_plans_[1]) + "}");
    ASSERT_EQ(reply.status, 200) << reply.body;
    groups_[default_group_] = bounded_plans_[1];
  }
  check("before any operation");
  ASSERT_FALSE(HasFailure());

  for (int i = 0; i < operations; ++i) {
    huge_phase_ = i >= operations / 3 && i < 2 * operations / 3;
    wind_down_ = i >= 2 * operations / 3;
    random_operation();
    const bool batch_end = (i + 1) % kBatch == 0 || i + 1 == operations;
    if (batch_end && !HasFailure()) check("after operation " + std::to_string(i + 1));
    if (HasFailure()) {
      FAIL() << "stopped at operation " << i + 1 << " of seed " << seed
             << "; the last operations:" << recent();
    }
  }

  // The run exercised what it is meant to: saturation, 402s, conflicts, group moves.
  std::cout << "[ quota    ] " << users_.size() << " users at the end; outcomes:";
  for (const auto& [status, count] : outcomes_) std::cout << " " << status << "x" << count;
  std::cout << "; huge users " << huge_users_created_ << "; checks with saturated allocation "
            << saturated_allocated_ << ", used " << saturated_used_ << ", exact again after "
            << exact_after_saturation_ << std::endl;
  if (operations >= kDefaultOps) {
    EXPECT_GT(outcomes_[402], 0);
    EXPECT_GT(outcomes_[409], 0);
    EXPECT_GE(huge_users_created_, 5);
    EXPECT_GT(group_plan_changes_, 0);
    EXPECT_GT(group_moves_, 0);
    EXPECT_GT(saturated_allocated_, 0) << "bytes_allocated never went past int64";
    EXPECT_GT(saturated_used_, 0) << "bytes_used never went past int64";
    EXPECT_GT(exact_after_saturation_, 0) << "the sums never came back below int64 max";
  }
}

}  // namespace
}  // namespace accountsd::testing
