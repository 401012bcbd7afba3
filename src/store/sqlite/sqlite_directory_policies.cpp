// SqliteDirectory: device policies (C.5) and the rules that tie them to one another and to groups.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/case_fold.hpp"
#include "store/sqlite/sqlite_directory.hpp"
#include "store/sqlite/write_transaction.hpp"

namespace accountsd::store::sqlite {
namespace {

constexpr const char* kPolicyColumns = "policy_id, name, inherits_from, policy";

domain::DevicePolicy read_policy(const Statement& q) {
  domain::DevicePolicy p;
  p.policy_id = q.integer(0);
  p.name = q.text(1);
  p.inherits_from = q.optional_integer(2);
  p.policy = boost::json::parse(q.text(3)).as_object();
  return p;
}

const std::string kSelectPolicy = std::string("SELECT ") + kPolicyColumns +
                                  " FROM device_policies WHERE partner_id = ?1 AND policy_id = ?2";

std::optional<domain::DevicePolicy> policy_by_id(Connection& db, PartnerId partner,
                                                 std::int64_t policy_id) {
  auto& q = db.prepared(kSelectPolicy.c_str());
  q.bind(1, partner).bind(2, policy_id);
  if (!q.step()) return std::nullopt;
  auto policy = read_policy(q);
  q.reset();
  return policy;
}

// Whether `sql` (?1 partner, ?2 policy id) finds a row.
bool any_row(Connection& db, const char* sql, PartnerId partner, std::int64_t policy_id) {
  auto& q = db.prepared(sql);
  q.bind(1, partner).bind(2, policy_id);
  bool found = q.step();
  q.reset();
  return found;
}

constexpr const char* kHeirSql =
    "SELECT 1 FROM device_policies WHERE partner_id = ?1 AND inherits_from = ?2 LIMIT 1";
constexpr const char* kGroupUsingSql =
    "SELECT 1 FROM groups WHERE partner_id = ?1 AND device_policy = ?2 LIMIT 1";

// Throws unless `policy` may inherit as it says: from another policy of the partner that itself
// inherits from nothing, and only while no policy inherits from it (one level only).
void check_inheritance(Connection& db, PartnerId partner, const domain::DevicePolicy& policy) {
  if (!policy.inherits_from) return;
  if (*policy.inherits_from == policy.policy_id) throw Conflict(Clash::unknown_parent);
  auto parent = policy_by_id(db, partner, *policy.inherits_from);
  if (!parent) throw Conflict(Clash::unknown_parent);
  if (parent->inherits_from) throw Conflict(Clash::parent_inherits);
  if (policy.policy_id != 0 && any_row(db, kHeirSql, partner, policy.policy_id))
    throw Conflict(Clash::has_heirs);
}

// Runs a write of the policy's row; the unique (partner, folded name) index refuses a taken name.
template <typename F>
void unique_name(F&& write) {
  try {
    write();
  } catch (const UniqueViolation&) {
    throw Conflict::taken(Object::device_policy, "name");
  }
}

}  // namespace

domain::DevicePolicy SqliteDirectory::create_device_policy(PartnerId partner,
                                                           const domain::DevicePolicy& policy) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  domain::DevicePolicy created = policy;
  created.policy_id = 0;
  check_inheritance(db, partner, created);
  unique_name([&] {
    db.prepared(
          "INSERT INTO device_policies (partner_id, name, name_key, inherits_from, policy) "
          "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, partner)
        .bind(2, created.name)
        .bind(3, domain::fold_case(created.name))
        .bind(4, created.inherits_from)
        .bind(5, boost::json::serialize(created.policy))
        .run();
  });
  created.policy_id = db.last_insert_id();
  txn.commit();
  return created;
}

std::vector<domain::DevicePolicy> SqliteDirectory::device_policies(PartnerId partner) {
  static const std::string sql = std::string("SELECT ") + kPolicyColumns +
                                 " FROM device_policies WHERE partner_id = ?1 ORDER BY policy_id";
  auto& q = db().prepared(sql.c_str());
  q.bind(1, partner);
  std::vector<domain::DevicePolicy> out;
  while (q.step()) out.push_back(read_policy(q));
  return out;
}

std::optional<domain::DevicePolicy> SqliteDirectory::device_policy(PartnerId partner,
                                                                   std::int64_t policy_id) {
  return policy_by_id(db(), partner, policy_id);
}

std::optional<domain::DevicePolicy> SqliteDirectory::update_device_policy(
    PartnerId partner, std::int64_t policy_id,
    const std::function<void(domain::DevicePolicy&)>& change) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  auto policy = policy_by_id(db, partner, policy_id);
  if (!policy) return std::nullopt;
  change(*policy);
  policy->policy_id = policy_id;
  check_inheritance(db, partner, *policy);
  unique_name([&] {
    db.prepared(
          "UPDATE device_policies SET name = ?3, name_key = ?4, inherits_from = ?5, policy = ?6 "
          "WHERE partner_id = ?1 AND policy_id = ?2")
        .bind(1, partner)
        .bind(2, policy_id)
        .bind(3, policy->name)
        .bind(4, domain::fold_case(policy->name))
        .bind(5, policy->inherits_from)
        .bind(6, boost::json::serialize(policy->policy))
        .run();
  });
  txn.commit();
  return policy;
}

bool SqliteDirectory::delete_device_policy(PartnerId partner, std::int64_t policy_id) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  if (!policy_by_id(db, partner, policy_id)) return false;
  if (any_row(db, kGroupUsingSql, partner, policy_id)) throw Conflict(Clash::used_by_group);
  if (any_row(db, kHeirSql, partner, policy_id)) throw Conflict(Clash::inherited_from);
  db.prepared("DELETE FROM device_policies WHERE partner_id = ?1 AND policy_id = ?2")
      .bind(1, partner)
      .bind(2, policy_id)
      .run();
  txn.commit();
  return true;
}

}  // namespace accountsd::store::sqlite
