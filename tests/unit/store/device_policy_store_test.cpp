// The SQLite store's device policies (C.5) without a server: rules that involve other rows are
// typed refusals, a refused or aborted write saves nothing, ids are never reused, and every read
// and write stays within its partner.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "error.hpp"
#include "store/store.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store {
namespace {

using domain::DevicePolicy;

class DevicePolicyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store("sqlite:" + db_.path);
    alpha_ = make_partner("alpha");
    beta_ = make_partner("beta");
  }

  PartnerId make_partner(const std::string& username) {
    domain::NewPartner partner;
    partner.username = username;
    partner.name = username + " Corp";
    partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    partner.group = "Default";  // a new partner has none (C.7); the tests move it between policies
    return store_->create_partner(partner);
  }

  DevicePolicy create(PartnerId partner, const std::string& name,
                      std::optional<std::int64_t> inherits_from = std::nullopt,
                      const std::string& policy = "{}") {
    DevicePolicy p;
    p.name = name;
    p.inherits_from = inherits_from;
    p.policy = boost::json::parse(policy).as_object();
    return store_->create_device_policy(partner, p);
  }

  // The conflict that `write` raises, or nullopt when it raises none.
  template <typename Write>
  static std::optional<Clash> conflict_of(Write&& write) {
    try {
      write();
    } catch (const Conflict& e) {
      return e.clash;
    }
    return std::nullopt;
  }

  accountsd::testing::TempDatabase db_;  // outlives the store
  std::unique_ptr<Store> store_;
  PartnerId alpha_ = 0;
  PartnerId beta_ = 0;
};

TEST_F(DevicePolicyStoreTest, CreatesReadsAndListsByIdWithinThePartner) {
  auto laptops = create(alpha_, "Laptops", std::nullopt, R"({"Autorun": true})");
  auto desktops = create(alpha_, "Desktops", laptops.policy_id);
  EXPECT_GT(desktops.policy_id, laptops.policy_id);
  auto read = store_->device_policy(alpha_, laptops.policy_id);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->name, "Laptops");
  EXPECT_EQ(read->policy, laptops.policy);
  EXPECT_EQ(store_->device_policy(alpha_, desktops.policy_id)->inherits_from, laptops.policy_id);
  auto all = store_->device_policies(alpha_);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].policy_id, laptops.policy_id);
  EXPECT_EQ(all[1].policy_id, desktops.policy_id);
  EXPECT_TRUE(store_->device_policies(beta_).empty());
  EXPECT_FALSE(store_->device_policy(beta_, laptops.policy_id).has_value());
}

TEST_F(DevicePolicyStoreTest, NamesAreUniquePerPartnerInAnyLetterCase) {
  create(alpha_, "\xC3\x89t\xC3\xA9");                                  // "Été"
  EXPECT_EQ(conflict_of([&] { create(alpha_, "\xC3\xA9T\xC3\x89"); }),  // "éTÉ"
            Clash::taken);
  EXPECT_EQ(conflict_of([&] { create(beta_, "\xC3\xA9T\xC3\x89"); }), std::nullopt);
  EXPECT_EQ(store_->device_policies(alpha_).size(), 1u);
}

TEST_F(DevicePolicyStoreTest, InheritanceIsOneLevelAndWithinThePartner) {
  auto root = create(alpha_, "Root");
  auto child = create(alpha_, "Child", root.policy_id);
  auto theirs = create(beta_, "Theirs");
  EXPECT_EQ(conflict_of([&] { create(alpha_, "Grandchild", child.policy_id); }),
            Clash::parent_inherits);
  EXPECT_EQ(conflict_of([&] { create(alpha_, "Stray", theirs.policy_id); }), Clash::unknown_parent);
  auto other = create(alpha_, "Other");
  auto inherit_from = [&](std::int64_t id, std::int64_t parent) {
    return conflict_of([&] {
      store_->update_device_policy(alpha_, id, [&](DevicePolicy& p) { p.inherits_from = parent; });
    });
  };
  EXPECT_EQ(inherit_from(root.policy_id, other.policy_id), Clash::has_heirs);
  EXPECT_EQ(inherit_from(other.policy_id, other.policy_id), Clash::unknown_parent);
  EXPECT_FALSE(store_->device_policy(alpha_, root.policy_id)->inherits_from.has_value());
  EXPECT_FALSE(store_->device_policy(alpha_, other.policy_id)->inherits_from.has_value());
}

TEST_F(DevicePolicyStoreTest, AChangeThatThrowsSavesNothing) {
  auto p = create(alpha_, "Laptops", std::nullopt, R"({"Autorun": true})");
  EXPECT_THROW(store_->update_device_policy(alpha_, p.policy_id,
                                            [](DevicePolicy& changed) {
                                              changed.name = "Renamed";
                                              throw bad_request("refused");
                                            }),
               Error);
  EXPECT_EQ(store_->device_policy(alpha_, p.policy_id)->name, "Laptops");
  // Another partner's policy is not found, and its change never runs.
  bool ran = false;
  EXPECT_FALSE(store_->update_device_policy(beta_, p.policy_id, [&](DevicePolicy&) { ran = true; })
                   .has_value());
  EXPECT_FALSE(ran);
  auto saved = store_->update_device_policy(alpha_, p.policy_id, [](DevicePolicy& changed) {
    changed.policy = boost::json::parse(R"({"EnablePreviews": false})").as_object();
  });
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(store_->device_policy(alpha_, p.policy_id)->policy, saved->policy);
}

TEST_F(DevicePolicyStoreTest, DeleteRefusesPoliciesInUseAndIdsAreNeverReused) {
  auto root = create(alpha_, "Root");
  auto child = create(alpha_, "Child", root.policy_id);
  auto group = store_->groups(alpha_).at(0).group_id;
  domain::GroupPatch use;
  use.device_policy = std::optional<std::int64_t>(child.policy_id);
  store_->update_group(alpha_, group, use, false);
  EXPECT_EQ(conflict_of([&] { store_->delete_device_policy(alpha_, root.policy_id); }),
            Clash::inherited_from);
  EXPECT_EQ(conflict_of([&] { store_->delete_device_policy(alpha_, child.policy_id); }),
            Clash::used_by_group);
  EXPECT_FALSE(store_->delete_device_policy(beta_, child.policy_id));  // not beta's
  EXPECT_EQ(store_->device_policies(alpha_).size(), 2u);

  domain::GroupPatch clear;
  clear.device_policy = std::optional<std::int64_t>();
  store_->update_group(alpha_, group, clear, false);
  EXPECT_TRUE(store_->delete_device_policy(alpha_, child.policy_id));
  EXPECT_FALSE(store_->delete_device_policy(alpha_, child.policy_id));
  auto next = create(alpha_, "Child");
  EXPECT_GT(next.policy_id, child.policy_id);  // the deleted highest id is not given again
}

}  // namespace
}  // namespace accountsd::store
