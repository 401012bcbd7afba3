// A.1 text fields (issue 17, finding 6): one-line fields refuse control characters
// (U+0000-U+001F, U+007F-U+009F) with a 400 that names the field; share descriptions allow only
// tab and newline. Nothing is stored from a refused request.
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

// JSON escapes of control characters, and DEL and C1 ones raw (JSON allows those unescaped).
const std::vector<std::string> kControls = {"\\u0000",
                                            "\\u0007",
                                            "\\n",
                                            "\\r",
                                            "\\t",
                                            "\\u001b[1mX",
                                            "\\u007f",
                                            "\\u0080",
                                            "\\u0085",
                                            "\\u009b",
                                            "\\u009f",
                                            "\x7f",
                                            "\xC2\x9B"
                                            "31m",
                                            "\xC2\x85"};

class ControlCharactersTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto reply =
        post("/users/", R"({"username": "jsmith", "name": "J", "email": "j@example.com"})");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  // `json` with every {} replaced by `text` (already a JSON string's content).
  static std::string fill(std::string json, const std::string& text) {
    for (auto at = json.find("{}"); at != std::string::npos; at = json.find("{}", at + text.size()))
      json.replace(at, 2, text);
    return json;
  }
};

TEST_F(ControlCharactersTest, OneLineFieldsRefuseEveryControlCharacter) {
  struct Case {
    const char* path;
    const char* body;  // {} marks where the text goes
    const char* field;
  };
  const Case cases[] = {
      {"/users/", R"({"username": "a{}b", "name": "N", "email": "n@example.com"})", "username"},
      {"/users/", R"({"username": "ab", "name": "N{}", "email": "n@example.com"})", "name"},
      {"/users/", R"({"username": "ab", "name": "N", "email": "n@example.com", "promo": "P{}"})",
       "promo"},
      {"/users/jsmith", R"({"name": "J{}"})", "name"},
      {"/users/jsmith", R"({"email": "j{}@example.com"})", "email"},
      {"/users/jsmith?action=sendactivationemail", R"({"template_name": "t{}X\nY"})",
       "template_name"},
      {"/users/jsmith?action=sendactivationemail", R"({"reg_code": "R{}"})", "reg_code"},
      {"/groups/", R"({"name": "G{}", "plan_id": 1, "webapi_enable": true, "check_domain": false})",
       "name"},
      {"/devicepolicies/", R"({"name": "P{}", "inherits_from": null})", "name"},
      {"/partner/settings", R"({"api_version": "v{}1"})", "api_version"},
      {"/partner/settings", R"({"support_email": "help{}@example.com"})", "support_email"},
  };
  for (const auto& c : cases) {
    for (const auto& control : kControls) {
      SCOPED_TRACE(std::string(c.path) + " " + fill(c.body, control));
      auto reply = post(c.path, fill(c.body, control));
      expect_invalid(reply, {c.field});
    }
  }
  EXPECT_EQ(json(get("/users/?action=user_count").body).at("user_count"), 1);
  EXPECT_EQ(get("/users/jsmith").json.at("name"), "J");
  EXPECT_EQ(get("/groups/").json.as_array().size(), 1u);
  EXPECT_TRUE(get("/partner/settings").json.at("api_version").is_null());
}

TEST_F(ControlCharactersTest, TextBeyondAsciiWithoutControlsIsStillAccepted) {
  auto reply = post("/users/jsmith", R"({"name": "Zoë \u00a0Ærø 日本 😀 tab-less"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("name"), "Zoë \u00a0Ærø 日本 😀 tab-less");
}

TEST_F(ControlCharactersTest, ShareDescriptionsAllowTabAndNewlineOnly) {
  auto put_share = [&](const std::string& room, const std::string& name,
                       const std::string& description) {
    return internal("PUT", "/partners/alpha/users/jsmith/shares/" + room,
                    R"({"name": ")" + name + R"(", "description": ")" + description + R"("})");
  };
  auto ok = put_share("r1", "Holiday", "line one\\n\\tline two");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json.at("description"), "line one\n\tline two");
  for (const char* control : {"\\r", "\\u0000", "\\u001b[2J", "\\u0085", "\\u007f"}) {
    SCOPED_TRACE(control);
    expect_invalid(put_share("r2", "S", std::string("a") + control), {"description"});
    expect_invalid(put_share("r2", std::string("S") + control, "d"), {"name"});
    expect_invalid(put_share("r2", std::string("S\\n"), "d"), {"name"});
  }
  EXPECT_EQ(get("/users/jsmith/shares/r2").status, 404);
}

TEST_F(ControlCharactersTest, DeviceNamesAndRoomKeysFromThePathRefuseThem) {
  for (const char* control : {"%00", "%0A", "%1B", "%7F", "%C2%85", "%C2%9B"}) {
    SCOPED_TRACE(control);
    expect_invalid(internal("PUT", std::string("/partners/alpha/users/jsmith/devices/pc") + control,
                            R"({"client_revision": 1})"),
                   {"name"});
    expect_invalid(internal("PUT", std::string("/partners/alpha/users/jsmith/shares/r") + control,
                            R"({"name": "n", "description": ""})"),
                   {"room_key"});
  }
  EXPECT_TRUE(get("/users/jsmith/devices").json.as_array().empty());
}

TEST_F(ControlCharactersTest, SelfSignupFieldsRefuseThemToo) {
  auto reply = request("POST", "/users/",
                       R"({"brand": "alpha", "username": "s\u001bu", "name": "S\n",
                           "email": "s@example.com"})",
                       std::nullopt);
  expect_invalid(reply, {"username", "name"});
  expect_invalid(request("POST", "/users/",
                         R"({"brand": "al\u0000pha", "username": "su", "name": "S",
                             "email": "s@example.com"})",
                         std::nullopt),
                 {"brand"});
}

}  // namespace
}  // namespace accountsd::testing
