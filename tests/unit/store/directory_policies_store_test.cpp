// The directory's device policies (C.5) without a server, on the backend that store_fixture.hpp
// opens: rules that involve other rows are typed refusals, a refused or aborted write saves
// nothing, ids are never reused, and every read and write stays within its partner.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "error.hpp"
#include "support/store_fixture.hpp"

namespace accountsd::store {
namespace {

using domain::DevicePolicy;

class DevicePolicyStoreTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    // Each with a group (C.7: a new partner has none), which the tests move between policies.
    alpha_ = make_partner("alpha");
    beta_ = make_partner("beta");
  }

  DevicePolicy create(PartnerId partner, const std::string& name,
                      std::optional<std::int64_t> inherits_from = std::nullopt,
                      const std::string& policy = "{}") {
    DevicePolicy p;
    p.name = name;
    p.inherits_from = inherits_from;
    p.policy = boost::json::parse(policy).as_object();
    return directory().create_device_policy(partner, p);
  }

  PartnerId alpha_ = 0;
  PartnerId beta_ = 0;
};

TEST_F(DevicePolicyStoreTest, CreatesReadsAndListsByIdWithinThePartner) {
  auto laptops = create(alpha_, "Laptops", std::nullopt, R"({"Autorun": true})");
  auto desktops = create(alpha_, "Desktops", laptops.policy_id);
  EXPECT_GT(desktops.policy_id, laptops.policy_id);
  auto read = directory().device_policy(alpha_, laptops.policy_id);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->name, "Laptops");
  EXPECT_EQ(read->policy, laptops.policy);
  EXPECT_EQ(directory().device_policy(alpha_, desktops.policy_id)->inherits_from,
            laptops.policy_id);
  auto all = directory().device_policies(alpha_);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].policy_id, laptops.policy_id);
  EXPECT_EQ(all[1].policy_id, desktops.policy_id);
  EXPECT_TRUE(directory().device_policies(beta_).empty());
  EXPECT_FALSE(directory().device_policy(beta_, laptops.policy_id).has_value());
}

TEST_F(DevicePolicyStoreTest, NamesAreUniquePerPartnerInAnyLetterCase) {
  create(alpha_, "\xC3\x89t\xC3\xA9");                               // "Été"
  EXPECT_EQ(clash_of([&] { create(alpha_, "\xC3\xA9T\xC3\x89"); }),  // "éTÉ"
            Clash::taken);
  EXPECT_EQ(clash_of([&] { create(beta_, "\xC3\xA9T\xC3\x89"); }), std::nullopt);
  EXPECT_EQ(directory().device_policies(alpha_).size(), 1u);
}

TEST_F(DevicePolicyStoreTest, InheritanceIsOneLevelAndWithinThePartner) {
  auto root = create(alpha_, "Root");
  auto child = create(alpha_, "Child", root.policy_id);
  auto theirs = create(beta_, "Theirs");
  EXPECT_EQ(clash_of([&] { create(alpha_, "Grandchild", child.policy_id); }),
            Clash::parent_inherits);
  EXPECT_EQ(clash_of([&] { create(alpha_, "Stray", theirs.policy_id); }), Clash::unknown_parent);
  auto other = create(alpha_, "Other");
  auto inherit_from = [&](std::int64_t id, std::int64_t parent) {
    return clash_of([&] {
      directory().update_device_policy(alpha_, id,
                                       [&](DevicePolicy& p) { p.inherits_from = parent; });
    });
  };
  EXPECT_EQ(inherit_from(root.policy_id, other.policy_id), Clash::has_heirs);
  EXPECT_EQ(inherit_from(other.policy_id, other.policy_id), Clash::unknown_parent);
  EXPECT_FALSE(directory().device_policy(alpha_, root.policy_id)->inherits_from.has_value());
  EXPECT_FALSE(directory().device_policy(alpha_, other.policy_id)->inherits_from.has_value());
}

TEST_F(DevicePolicyStoreTest, AChangeThatThrowsSavesNothing) {
  auto p = create(alpha_, "Laptops", std::nullopt, R"({"Autorun": true})");
  EXPECT_THROW(directory().update_device_policy(alpha_, p.policy_id,
                                                [](DevicePolicy& changed) {
                                                  changed.name = "Renamed";
                                                  throw bad_request("refused");
                                                }),
               Error);
  EXPECT_EQ(directory().device_policy(alpha_, p.policy_id)->name, "Laptops");
  // Another partner's policy is not found, and its change never runs.
  bool ran = false;
  EXPECT_FALSE(directory()
                   .update_device_policy(beta_, p.policy_id, [&](DevicePolicy&) { ran = true; })
                   .has_value());
  EXPECT_FALSE(ran);
  auto saved = directory().update_device_policy(alpha_, p.policy_id, [](DevicePolicy& changed) {
    changed.policy = boost::json::parse(R"({"EnablePreviews": false})").as_object();
  });
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(directory().device_policy(alpha_, p.policy_id)->policy, saved->policy);
}

TEST_F(DevicePolicyStoreTest, DeleteRefusesPoliciesInUseAndIdsAreNeverReused) {
  auto root = create(alpha_, "Root");
  auto child = create(alpha_, "Child", root.policy_id);
  auto group = directory().groups(alpha_).at(0).group_id;
  domain::GroupPatch use;
  use.device_policy = std::optional<std::int64_t>(child.policy_id);
  directory().update_group(alpha_, group, use, false);
  EXPECT_EQ(clash_of([&] { directory().delete_device_policy(alpha_, root.policy_id); }),
            Clash::inherited_from);
  EXPECT_EQ(clash_of([&] { directory().delete_device_policy(alpha_, child.policy_id); }),
            Clash::used_by_group);
  EXPECT_FALSE(directory().delete_device_policy(beta_, child.policy_id));  // not beta's
  EXPECT_EQ(directory().device_policies(alpha_).size(), 2u);

  domain::GroupPatch clear;
  clear.device_policy = std::optional<std::int64_t>();
  directory().update_group(alpha_, group, clear, false);
  EXPECT_TRUE(directory().delete_device_policy(alpha_, child.policy_id));
  EXPECT_FALSE(directory().delete_device_policy(alpha_, child.policy_id));
  auto next = create(alpha_, "Child");
  EXPECT_GT(next.policy_id, child.policy_id);  // the deleted highest id is not given again
}

}  // namespace
}  // namespace accountsd::store
