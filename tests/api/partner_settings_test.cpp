// A.8 GET/POST /partner/settings, with the A.1 rules for request bodies that it exercises.
#include <algorithm>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

constexpr const char* kPath = "/partner/settings";

// The settings of a new partner, as the table in A.8 lists them, but for the purge intervals:
// off is 0 there, not null, since OpenManage's settings page cannot render with null (Part C).
boost::json::object default_settings() {
  return json(R"({"omva_url": null, "support_email": null, "share_link_ttl": 10080,
                  "autopurge_interval": 0, "purgehold_duration": 0, "ad_domain": null,
                  "signup_network_restriction": [], "versionpurge_interval": 0,
                  "admin_email": null, "sharing_enabled": true, "api_version": null})")
      .as_object();
}

std::vector<std::string> sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

// An email address of exactly `length` characters (length >= 71).
std::string email_of_length(std::size_t length) {
  std::string local(64, 'a');
  std::string domain = std::string(63, 'b') + "." + std::string(63, 'c') + ".";
  std::size_t rest = length - local.size() - 1 - domain.size() - 4;  // 4 = ".com"
  domain += std::string(rest, 'd') + ".com";
  return local + "@" + domain;
}

// `count` copies of a two-byte character: `count` code points, 2 * `count` bytes.
std::string accented(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += "\xC3\xA9";  // U+00E9
  return out;
}

// A JSON string value from a std::string.
boost::json::value text(const std::string& s) {
  return boost::json::string(s.data(), s.size());
}

class PartnerSettingsTest : public ApiTest {
 protected:
  boost::json::object settings() {
    auto reply = get(kPath);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_TRUE(reply.json.is_object()) << reply.body;
    return reply.json.is_object() ? reply.json.as_object() : boost::json::object{};
  }

  Reply post_settings(const boost::json::value& body) {
    return post(kPath, boost::json::serialize(body));
  }

  // Some non-default values, so that "nothing changed" is not just "still the defaults".
  boost::json::object seed_settings() {
    auto reply = post_settings(json(R"({"share_link_ttl": 77, "support_email": "help@alpha.example",
                                        "autopurge_interval": 30, "sharing_enabled": false})"));
    EXPECT_EQ(reply.status, 200) << reply.body;
    return settings();
  }

  // A 400 whose `invalid` lists exactly `fields` and whose `reason` mentions each of them.
  void expect_invalid(const Reply& reply, const std::vector<std::string>& fields) {
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    const auto& body = reply.json.as_object();
    ASSERT_TRUE(body.contains("reason") && body.at("reason").is_string()) << reply.body;
    std::string reason(body.at("reason").as_string());
    EXPECT_FALSE(reason.empty());
    ASSERT_TRUE(body.contains("invalid") && body.at("invalid").is_array()) << reply.body;
    std::vector<std::string> invalid;
    for (const auto& item : body.at("invalid").as_array()) {
      ASSERT_TRUE(item.is_string()) << reply.body;
      invalid.emplace_back(item.as_string());
    }
    EXPECT_EQ(sorted(invalid), sorted(fields)) << reply.body;
    for (const auto& field : fields)
      EXPECT_NE(reason.find(field), std::string::npos) << "reason does not mention " << field;
  }

  void enable_setting_features() {
    set_partner("alpha", [](domain::Partner& p) {
      p.features.ldap = true;
      p.features.signup_restrictions = true;
    });
  }
};

TEST_F(PartnerSettingsTest, GetReturnsEveryKeyWithItsDefaultAndType) {
  auto reply = get(kPath);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  ASSERT_TRUE(reply.json.is_object());
  const auto& s = reply.json.as_object();
  EXPECT_EQ(s, default_settings());
  EXPECT_EQ(s.size(), 11u);
  for (const char* key : {"omva_url", "support_email", "ad_domain", "admin_email", "api_version"}) {
    ASSERT_TRUE(s.contains(key)) << key;
    EXPECT_TRUE(s.at(key).is_null()) << key;
  }
  // Numbers, which OpenManage's settings page turns into time spans (Part C).
  EXPECT_TRUE(s.at("autopurge_interval").is_int64());
  EXPECT_TRUE(s.at("versionpurge_interval").is_int64());
  EXPECT_TRUE(s.at("share_link_ttl").is_int64());
  EXPECT_TRUE(s.at("purgehold_duration").is_int64());
  EXPECT_TRUE(s.at("sharing_enabled").is_bool());
  EXPECT_TRUE(s.at("signup_network_restriction").is_array());
}

TEST_F(PartnerSettingsTest, PostsEachKeyWithValidValuesAndLeavesOthersUntouched) {
  enable_setting_features();
  const std::string url_2048 = "https://omva.example.com/" + std::string(2048 - 25, 'p');
  ASSERT_EQ(url_2048.size(), 2048u);
  const std::string email_254 = email_of_length(254);
  ASSERT_EQ(email_254.size(), 254u);
  struct Case {
    Case(std::string k, boost::json::value v, boost::json::value e)
        : key(std::move(k)), value(std::move(v)), expected(std::move(e)) {}
    std::string key;
    boost::json::value value;
    boost::json::value expected;
  };
  const std::vector<Case> cases = {
      {"share_link_ttl", 1, 1},
      {"share_link_ttl", 5256000, 5256000},
      {"share_link_ttl", 10080, 10080},
      {"purgehold_duration", 315360000, 315360000},
      {"purgehold_duration", 0, 0},
      {"autopurge_interval", 0, 0},
      {"autopurge_interval", 365, 365},
      {"autopurge_interval", 999999999, 999999999},
      // Null is off too (A.8), and off reads back as 0 (Part C).
      {"autopurge_interval", nullptr, 0},
      {"versionpurge_interval", 0, 0},
      {"versionpurge_interval", 90, 90},
      {"versionpurge_interval", 999999999, 999999999},
      {"versionpurge_interval", nullptr, 0},
      {"api_version", text(std::string(64, 'v')), text(std::string(64, 'v'))},
      {"api_version", text(accented(64)), text(accented(64))},
      // Console forms (C.1): blank is null for the nullable string settings.
      {"api_version", "", nullptr},
      {"api_version", " \t", nullptr},
      {"omva_url", "", nullptr},
      {"support_email", "   ", nullptr},
      {"admin_email", "", nullptr},
      {"ad_domain", "", nullptr},
      {"api_version", nullptr, nullptr},
      {"omva_url", "http://omva.example.com", "http://omva.example.com"},
      {"omva_url", "https://omva.example.com:8443/console/",
       "https://omva.example.com:8443/console/"},
      {"omva_url", text(url_2048), text(url_2048)},
      {"omva_url", nullptr, nullptr},
      {"support_email", "support@example.com", "support@example.com"},
      {"support_email", text(email_254), text(email_254)},
      {"support_email", nullptr, nullptr},
      {"admin_email", "admin.person+tag@mail.example.org", "admin.person+tag@mail.example.org"},
      {"admin_email", nullptr, nullptr},
      {"sharing_enabled", false, false},
      {"sharing_enabled", true, true},
      {"ad_domain", "corp.example.com", "corp.example.com"},
      {"ad_domain", nullptr, nullptr},
      {"signup_network_restriction", json(R"(["10.0.0.0/8", "2001:db8::/32"])"),
       json(R"(["10.0.0.0/8", "2001:db8::/32"])")},
      {"signup_network_restriction", boost::json::array{}, boost::json::array{}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key + " = " + boost::json::serialize(c.value));
    auto before = settings();
    auto reply = post_settings(boost::json::object{{c.key, c.value}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    auto expected = before;
    expected[c.key] = c.expected;
    EXPECT_EQ(reply.json, boost::json::value(expected));
    EXPECT_EQ(settings(), expected);
  }
}

TEST_F(PartnerSettingsTest, PostsManyKeysAtOnce) {
  auto body = json(R"({"omva_url": "https://omva.example.com/", "support_email": "s@example.com",
                       "share_link_ttl": 60, "autopurge_interval": 7, "purgehold_duration": 3600,
                       "versionpurge_interval": 14, "admin_email": "a@example.com",
                       "sharing_enabled": false, "api_version": "console 2.1"})");
  auto reply = post_settings(body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto expected = default_settings();
  for (const auto& entry : body.as_object()) expected[entry.key()] = entry.value();
  EXPECT_EQ(reply.json, boost::json::value(expected));
  EXPECT_EQ(settings(), expected);
}

TEST_F(PartnerSettingsTest, EmptyObjectChangesNothing) {
  auto before = seed_settings();
  auto reply = post(kPath, "{}");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, boost::json::value(before));
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, EmptyBodyCountsAsEmptyObject) {
  auto before = seed_settings();
  auto reply = post(kPath, "");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, boost::json::value(before));
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, BodyIsJsonWhateverTheContentType) {
  int ttl = 100;
  for (const char* type : {"application/json", "text/javascript", "", "text/plain"}) {
    SCOPED_TRACE(std::string("Content-Type: ") + type);
    std::map<std::string, std::string> headers;
    if (*type != '\0') headers["Content-Type"] = type;
    ++ttl;
    auto reply =
        request("POST", kPath, "{\"share_link_ttl\": " + std::to_string(ttl) + "}", alpha, headers);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json.at("share_link_ttl"), boost::json::value(ttl));
    EXPECT_EQ(settings().at("share_link_ttl"), boost::json::value(ttl));
  }
}

TEST_F(PartnerSettingsTest, BodyThatIsNotAnObjectIsRefused) {
  auto before = seed_settings();
  for (const char* body : {"[]", "[{\"share_link_ttl\": 5}]", "\"share_link_ttl\"", "42", "true",
                           "{", "{\"share_link_ttl\": 5", "share_link_ttl=5"}) {
    SCOPED_TRACE(body);
    auto reply = post(kPath, body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_TRUE(reply.json.as_object().contains("reason") && reply.json.at("reason").is_string());
    EXPECT_TRUE(reply.json.as_object().contains("invalid") && reply.json.at("invalid").is_array());
  }
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, InvalidValuesAreRefusedNamingTheKey) {
  enable_setting_features();  // so that only the value itself can be wrong
  auto before = seed_settings();
  std::vector<std::string> many_netblocks;
  for (int i = 0; i < 1001; ++i)
    many_netblocks.push_back("10." + std::to_string(i / 256) + "." + std::to_string(i % 256) +
                             ".0/24");
  boost::json::array too_many(many_netblocks.begin(), many_netblocks.end());
  const std::string long_url = "https://omva.example.com/" + std::string(2049 - 25, 'p');
  ASSERT_EQ(long_url.size(), 2049u);
  const std::string email_255 = email_of_length(255);
  ASSERT_EQ(email_255.size(), 255u);
  struct Case {
    Case(std::string k, boost::json::value v) : key(std::move(k)), value(std::move(v)) {}
    std::string key;
    boost::json::value value;
  };
  const std::vector<Case> cases = {
      // Integers: range, and strict JSON types.
      {"share_link_ttl", 0},
      {"share_link_ttl", 5256001},
      {"share_link_ttl", -1},
      {"share_link_ttl", json("9223372036854775808")},
      {"share_link_ttl", "8"},
      {"share_link_ttl", json("8.5")},
      {"share_link_ttl", json("8.0")},
      {"share_link_ttl", json("1e2")},
      {"share_link_ttl", true},
      {"share_link_ttl", nullptr},
      {"share_link_ttl", boost::json::array{8}},
      {"purgehold_duration", -1},
      {"purgehold_duration", 315360001},
      {"purgehold_duration", "0"},
      {"purgehold_duration", json("0.0")},
      {"purgehold_duration", nullptr},
      {"purgehold_duration", false},
      {"autopurge_interval", -1},
      // Past what OpenManage's settings page can show as a time span (Part C).
      {"autopurge_interval", 1000000000},
      {"versionpurge_interval", 1000000000},
      {"autopurge_interval", "8"},
      {"autopurge_interval", json("8.5")},
      {"autopurge_interval", json("8.0")},
      {"autopurge_interval", json("1e2")},
      {"autopurge_interval", true},
      {"versionpurge_interval", -1},
      {"versionpurge_interval", json("2.0")},
      {"versionpurge_interval", "30"},
      {"versionpurge_interval", false},
      // Booleans.
      {"sharing_enabled", 1},
      {"sharing_enabled", 0},
      {"sharing_enabled", "true"},
      {"sharing_enabled", nullptr},
      // URLs.
      {"omva_url", "not a url"},
      {"omva_url", "omva.example.com"},
      {"omva_url", "/console"},
      {"omva_url", "ftp://omva.example.com/"},
      {"omva_url", "mailto:admin@example.com"},
      {"omva_url", "http://"},
      {"omva_url", text(long_url)},
      {"omva_url", 80},
      {"omva_url", boost::json::array{"http://omva.example.com"}},
      // Emails.
      {"support_email", "support"},
      {"support_email", "support@"},
      {"support_email", "@example.com"},
      {"support_email", "a@b@example.com"},
      {"support_email", "sup port@example.com"},
      {"support_email", text(email_255)},
      {"support_email", 5},
      {"admin_email", "admin.example.com"},
      {"admin_email", "admin@@example.com"},
      {"admin_email", text(email_255)},
      {"admin_email", true},
      // Free text.
      {"api_version", text(std::string(65, 'v'))},
      {"api_version", text(accented(65))},
      {"api_version", 2},
      // DNS names.
      {"ad_domain", "not a domain"},
      {"ad_domain", "-corp.example.com"},
      {"ad_domain", 1},
      // Netblocks.
      {"signup_network_restriction", "10.0.0.0/8"},
      {"signup_network_restriction", nullptr},
      {"signup_network_restriction", boost::json::object{{"10.0.0.0", 8}}},
      {"signup_network_restriction", json(R"(["10.0.0.0/33"])")},
      {"signup_network_restriction", json(R"(["10.0.0.0/8", "300.1.2.3"])")},
      {"signup_network_restriction", json(R"(["2001:db8::/129"])")},
      {"signup_network_restriction", json(R"(["10.0.0.0/8/8"])")},
      {"signup_network_restriction", json(R"(["example.com"])")},
      {"signup_network_restriction", json(R"([" 10.0.0.0/8"])")},
      {"signup_network_restriction", json(R"([""])")},
      {"signup_network_restriction", json(R"([10])")},
      {"signup_network_restriction", json(R"([null])")},
      {"signup_network_restriction", too_many},
  };
  for (const auto& c : cases) {
    std::string shown = boost::json::serialize(c.value);
    SCOPED_TRACE(c.key + " = " + shown.substr(0, 80));
    expect_invalid(post_settings(boost::json::object{{c.key, c.value}}), {c.key});
    // The same bad value next to a valid key: the valid key is not applied either.
    expect_invalid(
        post_settings(boost::json::object{{c.key, c.value}, {"api_version", "should not stick"}}),
        {c.key});
    EXPECT_EQ(settings(), before);
  }
}

TEST_F(PartnerSettingsTest, ThousandNetblocksAreAllowed) {
  enable_setting_features();
  boost::json::array blocks;
  for (int i = 0; i < 1000; ++i)
    blocks.emplace_back("10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24");
  auto reply = post_settings(boost::json::object{{"signup_network_restriction", blocks}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("signup_network_restriction"), boost::json::value(blocks));
  EXPECT_EQ(settings().at("signup_network_restriction"), boost::json::value(blocks));
}

TEST_F(PartnerSettingsTest, EveryBadKeyIsNamedAndNothingIsApplied) {
  auto before = seed_settings();
  auto reply = post_settings(json(R"({"share_link_ttl": 0, "purgehold_duration": -5,
                                      "admin_email": "nope", "omva_url": "ftp://x.example.com/",
                                      "sharing_enabled": "yes", "api_version": "fine",
                                      "support_email": "ok@example.com"})"));
  expect_invalid(reply, {"share_link_ttl", "purgehold_duration", "admin_email", "omva_url",
                         "sharing_enabled"});
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, UnknownKeyIsRefused) {
  auto before = seed_settings();
  expect_invalid(post_settings(json(R"({"share_link_ttl": 20, "share_link_tll": 30})")),
                 {"share_link_tll"});
  expect_invalid(post_settings(json(R"({"bogus": 1})")), {"bogus"});
  expect_invalid(post_settings(json(R"({"Share_Link_TTL": 20})")), {"Share_Link_TTL"});
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, UnknownKeyIsNamedNextToABadValue) {
  auto before = seed_settings();
  expect_invalid(post_settings(json(R"({"share_link_ttl": 0, "colour": "blue"})")),
                 {"share_link_ttl", "colour"});
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, DuplicateKeyIsRefused) {
  auto before = seed_settings();
  for (const char* body : {R"({"share_link_ttl": 20, "share_link_ttl": 30})",
                           R"({"share_link_ttl": 20, "api_version": "x", "share_link_ttl": 20})"}) {
    SCOPED_TRACE(body);
    auto reply = post(kPath, body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
    ASSERT_TRUE(reply.json.at("invalid").is_array());
    EXPECT_EQ(reply.json.at("invalid"), json(R"(["share_link_ttl"])"));
  }
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, AdDomainNeedsTheLdapFeature) {
  auto before = seed_settings();
  auto reply = post_settings(json(R"({"ad_domain": "corp.example.com"})"));
  expect_invalid(reply, {"ad_domain"});
  EXPECT_NE(std::string(reply.json.at("reason").as_string()).find("ldap"), std::string::npos)
      << reply.body;
  EXPECT_EQ(settings(), before);

  // Clearing is always allowed.
  reply = post_settings(json(R"({"ad_domain": null})"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, boost::json::value(before));

  set_partner("alpha", [](domain::Partner& p) { p.features.ldap = true; });
  reply = post_settings(json(R"({"ad_domain": "corp.example.com"})"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto expected = before;
  expected["ad_domain"] = "corp.example.com";
  EXPECT_EQ(reply.json, boost::json::value(expected));
  EXPECT_EQ(settings(), expected);

  // With the feature switched off again, the value can still be cleared but not set.
  set_partner("alpha", [](domain::Partner& p) { p.features.ldap = false; });
  expect_invalid(post_settings(json(R"({"ad_domain": "other.example.com"})")), {"ad_domain"});
  EXPECT_EQ(settings(), expected);
  reply = post_settings(json(R"({"ad_domain": null})"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, boost::json::value(before));
}

TEST_F(PartnerSettingsTest, MissingFeatureIsNamedNextToBadValues) {
  auto before = seed_settings();
  expect_invalid(post_settings(json(R"({"ad_domain": "corp.example.com", "share_link_ttl": 0})")),
                 {"ad_domain", "share_link_ttl"});
  expect_invalid(
      post_settings(json(R"({"signup_network_restriction": ["10.0.0.0/8"], "admin_email": "x"})")),
      {"signup_network_restriction", "admin_email"});
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, FeatureRefusalKeepsValidKeysUnapplied) {
  auto before = seed_settings();
  auto reply = post_settings(
      json(R"({"ad_domain": "corp.example.com", "share_link_ttl": 5, "api_version": "changed"})"));
  expect_invalid(reply, {"ad_domain"});
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, NetworkRestrictionNeedsTheSignupRestrictionsFeature) {
  auto before = seed_settings();
  auto reply = post_settings(json(R"({"signup_network_restriction": ["10.0.0.0/8"]})"));
  expect_invalid(reply, {"signup_network_restriction"});
  EXPECT_NE(std::string(reply.json.at("reason").as_string()).find("signup_restrictions"),
            std::string::npos)
      << reply.body;
  EXPECT_EQ(settings(), before);

  reply = post_settings(json(R"({"signup_network_restriction": []})"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, boost::json::value(before));

  set_partner("alpha", [](domain::Partner& p) { p.features.signup_restrictions = true; });
  reply = post_settings(json(R"({"signup_network_restriction": ["10.0.0.0/8"]})"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto expected = before;
  expected["signup_network_restriction"] = json(R"(["10.0.0.0/8"])");
  EXPECT_EQ(reply.json, boost::json::value(expected));

  set_partner("alpha", [](domain::Partner& p) { p.features.signup_restrictions = false; });
  expect_invalid(post_settings(json(R"({"signup_network_restriction": ["192.168.0.0/16"]})")),
                 {"signup_network_restriction"});
  EXPECT_EQ(settings(), expected);
  reply = post_settings(json(R"({"signup_network_restriction": []})"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, boost::json::value(before));
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, NetblocksAreStoredCanonicalWithoutDuplicatesInOrder) {
  set_partner("alpha", [](domain::Partner& p) { p.features.signup_restrictions = true; });
  auto reply = post_settings(json(R"({"signup_network_restriction": [
      "10.1.2.3/8", "192.168.1.1", "2001:DB8:0:0:0:0:0:1", "2001:0db8:0000:0000:0001::/64",
      "10.0.0.0/8", "192.168.1.1/32", "::1", "fe80::1/10", "2001:db8::1/128", "0.0.0.0/0",
      "172.16.5.4/12"]})"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto expected = json(R"(["10.0.0.0/8", "192.168.1.1/32", "2001:db8::1/128", "2001:db8::/64",
                           "::1/128", "fe80::/10", "0.0.0.0/0", "172.16.0.0/12"])");
  EXPECT_EQ(reply.json.at("signup_network_restriction"), expected);
  EXPECT_EQ(settings().at("signup_network_restriction"), expected);
}

TEST_F(PartnerSettingsTest, MalformedNumbersAndTextAreRefusedNotFatal) {
  auto before = seed_settings();
  for (const char* body :
       {R"({"share_link_ttl": 1e400})", R"({"share_link_ttl": -1e400})",
        R"({"share_link_ttl": 18446744073709551616})",
        R"({"purgehold_duration": -9223372036854775809})", R"({"share_link_ttl": 0x10})",
        R"({"share_link_ttl": 010})", R"({"share_link_ttl": NaN})",
        "{\"api_version\": \"\xff\xfe\"}", "{\"api_version\": \"\xc3\"}"}) {
    SCOPED_TRACE(body);
    auto reply = post(kPath, body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
  }
  EXPECT_EQ(settings(), before);
}

TEST_F(PartnerSettingsTest, TextWithEscapesRoundTrips) {
  // Whatever free text is accepted comes back exactly, escapes and all. (Control characters are
  // not accepted in a one-line field such as this: ControlCharactersTest.)
  constexpr char raw[] = "v\"quoted\"/\\ \xE2\x82\xAC\xC2\xA0";
  const std::string version(raw, sizeof(raw) - 1);
  auto reply = post_settings(boost::json::object{{"api_version", text(version)}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("api_version"), text(version));
  EXPECT_EQ(settings().at("api_version"), text(version));
}

TEST_F(PartnerSettingsTest, RequiresCredentials) {
  auto reply = request("GET", kPath, "", std::nullopt);
  EXPECT_EQ(reply.status, 401);
  reply = request("POST", kPath, R"({"share_link_ttl": 5})", Login{"alpha", "wrong-password"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.header("www-authenticate"), "Basic realm=\"accounts\"");
  EXPECT_EQ(settings(), default_settings());
}

}  // namespace
}  // namespace accountsd::testing
