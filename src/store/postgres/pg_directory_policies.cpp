// PgDirectory: device policies (C.5) and the rules that tie them to one another and to groups,
// as SqliteDirectory keeps them (sqlite_directory_policies.cpp).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/case_fold.hpp"
#include "store/outcomes.hpp"
#include "store/postgres/pg_directory.hpp"

namespace accountsd::store::postgres {
namespace {

constexpr const char* kPolicyColumns = "policy_id, name, inherits_from, policy";

domain::DevicePolicy read_policy(const Result& r, int row) {
  domain::DevicePolicy p;
  p.policy_id = r.integer(row, 0);
  p.name = r.string(row, 1);
  p.inherits_from = r.optional_integer(row, 2);
  p.policy = boost::json::parse(r.text(row, 3)).as_object();
  return p;
}

const std::string kSelectPolicy = std::string("SELECT ") + kPolicyColumns +
                                  " FROM device_policies WHERE partner_id = $1 AND policy_id = $2";

std::optional<domain::DevicePolicy> policy_by_id(Connection& c, PartnerId partner,
                                                 std::int64_t policy_id) {
  auto r = c.exec(kSelectPolicy, Params().add(partner).add(policy_id));
  if (r.rows() == 0) return std::nullopt;
  return read_policy(r, 0);
}

// Whether `sql` ($1 partner, $2 policy id) finds a row.
bool any_row(Connection& c, const char* sql, PartnerId partner, std::int64_t policy_id) {
  return c.exec(sql, Params().add(partner).add(policy_id)).rows() > 0;
}

constexpr const char* kHeirSql =
    "SELECT 1 FROM device_policies WHERE partner_id = $1 AND inherits_from = $2 LIMIT 1";
constexpr const char* kGroupUsingSql =
    "SELECT 1 FROM groups WHERE partner_id = $1 AND device_policy = $2 LIMIT 1";

// Throws unless `policy` may inherit as it says: from another policy of the partner that itself
// inherits from nothing, and only while no policy inherits from it (one level only).
void check_inheritance(Connection& c, PartnerId partner, const domain::DevicePolicy& policy) {
  if (!policy.inherits_from) return;
  if (*policy.inherits_from == policy.policy_id) throw Conflict(Clash::unknown_parent);
  auto parent = policy_by_id(c, partner, *policy.inherits_from);
  if (!parent) throw Conflict(Clash::unknown_parent);
  if (parent->inherits_from) throw Conflict(Clash::parent_inherits);
  if (policy.policy_id != 0 && any_row(c, kHeirSql, partner, policy.policy_id))
    throw Conflict(Clash::has_heirs);
}

// Runs a write of the policy's row; the unique (partner, folded name) index refuses a taken name
// (SQLSTATE 23505, unique violation).
template <typename Write>
auto unique_name(Write&& write) {
  try {
    return write();
  } catch (const PgError& error) {
    if (error.sqlstate != "23505") throw;
    throw Conflict::taken(Object::device_policy, "name");
  }
}

}  // namespace

domain::DevicePolicy PgDirectory::create_device_policy(PartnerId partner,
                                                       const domain::DevicePolicy& policy) {
  return backend_.write(partner, [&](Connection& c) {
    domain::DevicePolicy created = policy;
    created.policy_id = 0;
    check_inheritance(c, partner, created);
    created.policy_id = unique_name([&] {
      return c
          .exec(
              "INSERT INTO device_policies (partner_id, name, name_key, inherits_from, policy) "
              "VALUES ($1, $2, $3, $4, $5) RETURNING policy_id",
              Params()
                  .add(partner)
                  .add(created.name)
                  .add(domain::fold_case(created.name))
                  .add(created.inherits_from)
                  .add(boost::json::serialize(created.policy)))
          .integer(0, 0);
    });
    return created;
  });
}

std::vector<domain::DevicePolicy> PgDirectory::device_policies(PartnerId partner) {
  static const std::string sql = std::string("SELECT ") + kPolicyColumns +
                                 " FROM device_policies WHERE partner_id = $1 ORDER BY policy_id";
  return backend_.read([&](Connection& c) {
    auto r = c.exec(sql, Params().add(partner));
    std::vector<domain::DevicePolicy> out;
    for (int row = 0; row < r.rows(); ++row) out.push_back(read_policy(r, row));
    return out;
  });
}

std::optional<domain::DevicePolicy> PgDirectory::device_policy(PartnerId partner,
                                                               std::int64_t policy_id) {
  return backend_.read([&](Connection& c) { return policy_by_id(c, partner, policy_id); });
}

std::optional<domain::DevicePolicy> PgDirectory::update_device_policy(
    PartnerId partner, std::int64_t policy_id,
    const std::function<void(domain::DevicePolicy&)>& change) {
  return backend_.write(partner, [&](Connection& c) -> std::optional<domain::DevicePolicy> {
    auto policy = policy_by_id(c, partner, policy_id);
    if (!policy) return std::nullopt;
    change(*policy);
    policy->policy_id = policy_id;
    check_inheritance(c, partner, *policy);
    unique_name([&] {
      c.exec(
          "UPDATE device_policies SET name = $3, name_key = $4, inherits_from = $5, policy = $6 "
          "WHERE partner_id = $1 AND policy_id = $2",
          Params()
              .add(partner)
              .add(policy_id)
              .add(policy->name)
              .add(domain::fold_case(policy->name))
              .add(policy->inherits_from)
              .add(boost::json::serialize(policy->policy)));
    });
    return policy;
  });
}

bool PgDirectory::delete_device_policy(PartnerId partner, std::int64_t policy_id) {
  return backend_.write(partner, [&](Connection& c) {
    if (!policy_by_id(c, partner, policy_id)) return false;
    if (any_row(c, kGroupUsingSql, partner, policy_id)) throw Conflict(Clash::used_by_group);
    if (any_row(c, kHeirSql, partner, policy_id)) throw Conflict(Clash::inherited_from);
    c.exec("DELETE FROM device_policies WHERE partner_id = $1 AND policy_id = $2",
           Params().add(partner).add(policy_id));
    return true;
  });
}

}  // namespace accountsd::store::postgres
