#include "api/params.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "error.hpp"

namespace accountsd::api {
namespace {

using Fields = std::vector<std::string>;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

boost::json::object object(std::string_view text) {
  return boost::json::parse(text).as_object();
}

// Runs `read` over a JsonParams for `text`, then finish(); the Error it threw, or nullopt.
std::optional<Error> json_outcome(std::string_view text,
                                  const std::function<void(JsonParams&)>& read) {
  auto body = object(text);
  JsonParams params(body);
  read(params);
  try {
    params.finish();
  } catch (const Error& error) {
    return error;
  }
  return std::nullopt;
}

// Expects a single-field 400 for `field` explained by exactly `reason`.
void expect_bad_request(const std::optional<Error>& error, const std::string& field,
                        const std::string& reason) {
  ASSERT_TRUE(error.has_value()) << "expected a 400 for " << field;
  EXPECT_EQ(error->kind(), ErrorKind::bad_request);
  EXPECT_EQ(error->fields(), Fields{field});
  EXPECT_EQ(std::string(error->what()), reason);
}

// The value an integer field reads from `{"n": <json>}`, and the finish() outcome.
struct IntegerRead {
  std::optional<std::int64_t> value;
  std::optional<Error> error;
};

IntegerRead read_integer(const std::string& json, IntRange range, bool required = true) {
  IntegerRead out;
  out.error = json_outcome("{\"n\": " + json + "}",
                           [&](JsonParams& p) { out.value = p.integer("n", range, required); });
  return out;
}

TEST(JsonParamsInteger, AcceptsIntegersWithinRange) {
  for (auto [json, expected] : std::vector<std::pair<std::string, std::int64_t>>{
           {"1", 1}, {"12", 12}, {"7", 7}, {"-0", 0}}) {
    auto read = read_integer(json, {0, 12});
    EXPECT_EQ(read.value, expected) << json;
    EXPECT_FALSE(read.error.has_value()) << json;
  }
}

TEST(JsonParamsInteger, AcceptsBoundsOfTheRange) {
  EXPECT_EQ(read_integer("1", {1, 12}).value, 1);
  EXPECT_EQ(read_integer("12", {1, 12}).value, 12);
}

TEST(JsonParamsInteger, AcceptsExtremesOfInt64) {
  auto high = read_integer("9223372036854775807", {});
  EXPECT_EQ(high.value, kInt64Max);
  EXPECT_FALSE(high.error.has_value());
  auto low = read_integer("-9223372036854775808", {});
  EXPECT_EQ(low.value, kInt64Min);
  EXPECT_FALSE(low.error.has_value());
}

TEST(JsonParamsInteger, RejectsEveryNonIntegerJsonValue) {
  for (std::string json : {"\"8\"", "8.5", "8.0", "1e2", "1E2", "8e0", "true", "false", "null",
                           "[8]", "{}", "{\"n\": 8}", "\"\""}) {
    auto read = read_integer(json, {1, 12});
    EXPECT_FALSE(read.value.has_value()) << json;
    expect_bad_request(read.error, "n", "n must be an integer from 1 to 12");
  }
}

TEST(JsonParamsInteger, RejectsOutOfRangeWithTheRangeInTheReason) {
  for (std::string json : {"0", "13", "-1", "1000000"}) {
    auto read = read_integer(json, {1, 12});
    EXPECT_FALSE(read.value.has_value()) << json;
    expect_bad_request(read.error, "n", "n must be an integer from 1 to 12");
  }
}

TEST(JsonParamsInteger, DescribesOneSidedRanges) {
  expect_bad_request(read_integer("-1", {.min = 0}).error, "n", "n must be an integer >= 0");
  expect_bad_request(read_integer("11", {.max = 10}).error, "n", "n must be an integer <= 10");
  expect_bad_request(read_integer("1.5", {}).error, "n", "n must be an integer");
}

TEST(JsonParamsInteger, RejectsUnsignedValuesAboveInt64Max) {
  for (std::string json : {"9223372036854775808", "18446744073709551615"}) {
    auto read = read_integer(json, {});
    EXPECT_FALSE(read.value.has_value()) << json;
    expect_bad_request(read.error, "n", "n must be an integer");
  }
}

TEST(JsonParamsInteger, RejectsNumbersBeyondInt64AsIntegers) {
  for (std::string json : {"-9223372036854775809", "99999999999999999999999", "1e400", "-1e400"}) {
    auto read = read_integer(json, {});
    EXPECT_FALSE(read.value.has_value()) << json;
    expect_bad_request(read.error, "n", "n must be an integer");
  }
}

TEST(JsonParamsInteger, MissingRequiredFieldIsRequired) {
  std::optional<std::int64_t> value = 99;
  auto error = json_outcome("{}", [&](JsonParams& p) { value = p.integer("n", {1, 12}, true); });
  EXPECT_FALSE(value.has_value());
  expect_bad_request(error, "n", "n is required");
}

TEST(JsonParamsInteger, MissingOptionalFieldIsNoProblem) {
  std::optional<std::int64_t> value = 99;
  auto error = json_outcome("{}", [&](JsonParams& p) { value = p.integer("n", {1, 12}, false); });
  EXPECT_FALSE(value.has_value());
  EXPECT_FALSE(error.has_value());
}

TEST(JsonParamsInteger, NullIsRejectedForANonNullableOptionalField) {
  auto read = read_integer("null", {1, 12}, false);
  EXPECT_FALSE(read.value.has_value());
  expect_bad_request(read.error, "n", "n must be an integer from 1 to 12");
}

TEST(JsonParamsNullableInteger, DistinguishesAbsentNullAndValue) {
  Nullable<std::int64_t> absent = std::optional<std::int64_t>(1);
  EXPECT_FALSE(json_outcome("{}", [&](JsonParams& p) {
    absent = p.nullable_integer("n", {0, 10});
  }));
  EXPECT_FALSE(absent.has_value());

  Nullable<std::int64_t> null;
  EXPECT_FALSE(json_outcome("{\"n\": null}", [&](JsonParams& p) {
    null = p.nullable_integer("n", {0, 10});
  }));
  ASSERT_TRUE(null.has_value());
  EXPECT_FALSE(null->has_value());

  Nullable<std::int64_t> value;
  EXPECT_FALSE(json_outcome("{\"n\": 7}", [&](JsonParams& p) {
    value = p.nullable_integer("n", {0, 10});
  }));
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, std::optional<std::int64_t>(7));
}

TEST(JsonParamsNullableInteger, RejectsWrongTypesAndRange) {
  for (std::string json : {"\"7\"", "7.0", "11", "-1", "false", "[]"}) {
    Nullable<std::int64_t> value;
    auto error = json_outcome("{\"n\": " + json + "}", [&](JsonParams& p) {
      value = p.nullable_integer("n", {0, 10});
    });
    EXPECT_FALSE(value.has_value()) << json;
    expect_bad_request(error, "n", "n must be null or an integer from 0 to 10");
  }
}

TEST(JsonParamsBoolean, AcceptsTrueAndFalse) {
  for (bool expected : {true, false}) {
    std::optional<bool> value;
    auto error = json_outcome(expected ? "{\"b\": true}" : "{\"b\": false}",
                              [&](JsonParams& p) { value = p.boolean("b", true); });
    EXPECT_EQ(value, expected);
    EXPECT_FALSE(error.has_value());
  }
}

TEST(JsonParamsBoolean, RejectsEverythingElse) {
  for (std::string json : {"1", "0", "\"true\"", "\"false\"", "null", "[]", "{}", "1.0"}) {
    std::optional<bool> value;
    auto error = json_outcome("{\"b\": " + json + "}",
                              [&](JsonParams& p) { value = p.boolean("b", false); });
    EXPECT_FALSE(value.has_value()) << json;
    expect_bad_request(error, "b", "b must be true or false");
  }
}

TEST(JsonParamsBoolean, MissingRequiredFieldIsRequired) {
  auto error = json_outcome("{}", [](JsonParams& p) { p.boolean("b", true); });
  expect_bad_request(error, "b", "b is required");
}

std::optional<std::string> read_string(const std::string& json, Length length,
                                       std::optional<Error>& error) {
  std::optional<std::string> value;
  error = json_outcome("{\"s\": " + json + "}",
                       [&](JsonParams& p) { value = p.string("s", length, true); });
  return value;
}

TEST(JsonParamsString, CountsLengthInCodePoints) {
  std::optional<Error> error;
  // Three characters of three bytes each: 9 bytes but 3 code points.
  EXPECT_EQ(read_string("\"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\"", {1, 3}, error),
            "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
  EXPECT_FALSE(error.has_value());
  // Three 4-byte emoji.
  EXPECT_EQ(read_string("\"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\"", {3, 3}, error),
            "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80");
  EXPECT_FALSE(error.has_value());
  // An escaped character counts once too.
  EXPECT_EQ(read_string("\"\\u00e9ab\"", {3, 3}, error),
            "\xC3\xA9"
            "ab");
  EXPECT_FALSE(error.has_value());
}

TEST(JsonParamsString, RejectsTooLongInCodePoints) {
  std::optional<Error> error;
  EXPECT_FALSE(read_string("\"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9Ex\"", {1, 3}, error));
  expect_bad_request(error, "s", "s must be a string of 1 to 3 characters");
}

TEST(JsonParamsString, RejectsTooShort) {
  std::optional<Error> error;
  EXPECT_FALSE(read_string("\"\"", {1, 3}, error));
  expect_bad_request(error, "s", "s must be a string of 1 to 3 characters");
}

TEST(JsonParamsString, RejectsNonStrings) {
  for (std::string json : {"3", "true", "null", "[\"abc\"]", "{}"}) {
    std::optional<Error> error;
    EXPECT_FALSE(read_string(json, {1, 3}, error)) << json;
    expect_bad_request(error, "s", "s must be a string of 1 to 3 characters");
  }
}

TEST(JsonParamsString, DescribesUnboundedLength) {
  std::optional<Error> error;
  EXPECT_FALSE(read_string("\"\"", {.min = 1}, error));
  expect_bad_request(error, "s", "s must be a string of at least 1 characters");
}

// A.1: strings are one line unless the field says otherwise (finding 6 of issue 17).
TEST(JsonParamsString, RefusesControlCharactersInOneLineText) {
  for (std::string json : {"\"a\\u0000\"", "\"a\\n\"", "\"\\tb\"", "\"\\u001b[1m\"", "\"\\u007f\"",
                           "\"\\u0080\"", "\"\\u009f\"", "\"a\xC2\x85\""}) {
    std::optional<Error> error;
    EXPECT_FALSE(read_string(json, {0, 9}, error)) << json;
    expect_bad_request(error, "s", "s must be one line of text, without control characters");
  }
  std::optional<Error> error;
  EXPECT_EQ(read_string("\"\\u00a0\xC2\xA0 \\u00e9\"", {0, 9}, error), "\xC2\xA0\xC2\xA0 \xC3\xA9");
  EXPECT_FALSE(error.has_value());
}

TEST(JsonParamsString, MultiLineTextTakesTabAndNewlineOnly) {
  auto read = [](std::string_view json, std::optional<std::string>& value) {
    return json_outcome(json, [&](JsonParams& p) {
      value = p.string("d", {0, 99}, true, domain::TextKind::multi_line);
    });
  };
  std::optional<std::string> value;
  EXPECT_FALSE(read(R"({"d": "one\n\ttwo"})", value));
  EXPECT_EQ(value, "one\n\ttwo");
  for (const char* json : {R"({"d": "a\r\n"})", R"({"d": "\u001b"})", R"({"d": "\u0085"})"}) {
    expect_bad_request(read(json, value), "d",
                       "d must not hold control characters other than tab and newline");
    EXPECT_FALSE(value) << json;
  }
}

TEST(JsonParamsString, NullableStringsAndListItemsAreOneLine) {
  Nullable<std::string> nullable;
  expect_bad_request(json_outcome(R"({"s": "a\u001bb"})",
                                  [&](JsonParams& p) {
                                    nullable = p.nullable_string("s", {0, 9});
                                  }),
                     "s", "s must be one line of text, without control characters");
  std::optional<std::vector<std::string>> list;
  expect_bad_request(json_outcome(R"({"l": ["ok", "bad\n"]})",
                                  [&](JsonParams& p) {
                                    list = p.string_list("l", {0, 9}, {0, 9}, true);
                                  }),
                     "l", "l must be one line of text, without control characters");
  EXPECT_FALSE(list);
}

TEST(JsonParamsNullableString, DistinguishesAbsentNullAndValue) {
  Nullable<std::string> absent = std::optional<std::string>("x");
  EXPECT_FALSE(json_outcome("{}", [&](JsonParams& p) { absent = p.nullable_string("s", {1, 5}); }));
  EXPECT_FALSE(absent.has_value());

  Nullable<std::string> null;
  EXPECT_FALSE(json_outcome("{\"s\": null}", [&](JsonParams& p) {
    null = p.nullable_string("s", {1, 5});
  }));
  ASSERT_TRUE(null.has_value());
  EXPECT_FALSE(null->has_value());

  Nullable<std::string> value;
  EXPECT_FALSE(json_outcome("{\"s\": \"hello\"}", [&](JsonParams& p) {
    value = p.nullable_string("s", {1, 5});
  }));
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, std::optional<std::string>("hello"));
}

TEST(JsonParamsNullableString, RejectsWrongTypesAndLengths) {
  for (std::string json : {"\"\"", "\"toolong\"", "5", "false", "[]"}) {
    Nullable<std::string> value;
    auto error = json_outcome("{\"s\": " + json + "}", [&](JsonParams& p) {
      value = p.nullable_string("s", {1, 5});
    });
    EXPECT_FALSE(value.has_value()) << json;
    expect_bad_request(error, "s", "s must be null or a string of 1 to 5 characters");
  }
}

// C.1: console forms, by field name in the one reader.

TEST(JsonParamsConsoleForms, IdFieldsTakeAStringOfDigits) {
  for (const char* key : {"group_id", "plan_id", "device_policy", "inherits_from"}) {
    for (auto [json, expected] : std::vector<std::pair<std::string, std::int64_t>>{
             {"\"6\"", 6},
             {"6", 6},
             {"\"000123\"", 123},
             {"\"999999999999999999\"", 999999999999999999}}) {
      std::optional<std::int64_t> value;
      Nullable<std::int64_t> nullable;
      auto text = std::string("{\"") + key + "\": " + json + "}";
      EXPECT_FALSE(json_outcome(text, [&](JsonParams& p) { value = p.integer(key, {1}, true); }))
          << text;
      EXPECT_EQ(value, expected) << text;
      EXPECT_FALSE(json_outcome(text, [&](JsonParams& p) {
        nullable = p.nullable_integer(key, {1});
      })) << text;
      ASSERT_TRUE(nullable.has_value()) << text;
      EXPECT_EQ(*nullable, std::optional<std::int64_t>(expected)) << text;
    }
  }
}

TEST(JsonParamsConsoleForms, IdFieldsRefuseNearMisses) {
  for (std::string json : {"\" 6\"", "\"6 \"", "\"6.0\"", "\"-1\"", "\"+6\"", "\"0x6\"", "\"6e0\"",
                           "\"1234567890123456789\"", "\"0\"", "\"\"", "\"six\"", "\"\u0666\""}) {
    auto text = "{\"group_id\": " + json + "}";
    std::optional<std::int64_t> value;
    auto error =
        json_outcome(text, [&](JsonParams& p) { value = p.integer("group_id", {1}, true); });
    EXPECT_FALSE(value.has_value()) << json;
    expect_bad_request(error, "group_id", "group_id must be an integer >= 1");
  }
}

TEST(JsonParamsConsoleForms, OtherIntegerFieldsStayStrict) {
  for (const char* key : {"bonus_bytes", "share_link_ttl", "expiration_month", "n"}) {
    auto text = std::string("{\"") + key + "\": \"6\"}";
    std::optional<std::int64_t> value;
    auto error = json_outcome(text, [&](JsonParams& p) { value = p.integer(key, {1, 12}, true); });
    EXPECT_FALSE(value.has_value()) << key;
    expect_bad_request(error, key, std::string(key) + " must be an integer from 1 to 12");
  }
}

TEST(JsonParamsConsoleForms, FormBooleansTakeTrueAndFalseStringsInAnyCase) {
  for (const char* key :
       {"enabled", "purgehold_active", "webapi_enable", "check_domain", "force"}) {
    for (auto [json, expected] : std::vector<std::pair<std::string, bool>>{{"\"true\"", true},
                                                                           {"\"True\"", true},
                                                                           {"\"TRUE\"", true},
                                                                           {"\"false\"", false},
                                                                           {"\"False\"", false},
                                                                           {"true", true},
                                                                           {"false", false}}) {
      auto text = std::string("{\"") + key + "\": " + json + "}";
      std::optional<bool> value;
      EXPECT_FALSE(json_outcome(text, [&](JsonParams& p) { value = p.boolean(key, true); }))
          << text;
      EXPECT_EQ(value, expected) << text;
    }
  }
}

TEST(JsonParamsConsoleForms, FormBooleansRefuseNearMissesAndOtherBooleansStayStrict) {
  for (std::string json : {"\"yes\"", "\"1\"", "\" true\"", "\"truee\"", "\"\"", "1", "null"}) {
    std::optional<bool> value;
    auto error = json_outcome("{\"enabled\": " + json + "}",
                              [&](JsonParams& p) { value = p.boolean("enabled", true); });
    EXPECT_FALSE(value.has_value()) << json;
    expect_bad_request(error, "enabled", "enabled must be true or false");
  }
  for (const char* key : {"password_required", "sharing_enabled"}) {
    std::optional<bool> value;
    auto error = json_outcome(std::string("{\"") + key + "\": \"true\"}",
                              [&](JsonParams& p) { value = p.boolean(key, true); });
    EXPECT_FALSE(value.has_value()) << key;
    expect_bad_request(error, key, std::string(key) + " must be true or false");
  }
}

TEST(JsonParamsConsoleForms, BlankIsNullForTheListedFields) {
  for (const char* key : {"omva_url", "support_email", "ad_domain", "admin_email", "api_version"}) {
    for (std::string json : {"\"\"", "\"   \"", "\" \\t\\n \""}) {
      auto text = std::string("{\"") + key + "\": " + json + "}";
      Nullable<std::string> value;
      EXPECT_FALSE(json_outcome(text, [&](JsonParams& p) {
        value = p.nullable_string(key, {1, 64});
      })) << text;
      ASSERT_TRUE(value.has_value()) << text;
      EXPECT_FALSE(value->has_value()) << text;
    }
  }
  for (const char* key : {"device_policy", "inherits_from"}) {
    Nullable<std::int64_t> value;
    EXPECT_FALSE(json_outcome(std::string("{\"") + key + "\": \"\"}",
                              [&](JsonParams& p) { value = p.nullable_integer(key, {1}); }));
    ASSERT_TRUE(value.has_value()) << key;
    EXPECT_FALSE(value->has_value()) << key;
  }
}

TEST(JsonParamsConsoleForms, BlankStaysAnErrorElsewhere) {
  Nullable<std::string> text;
  auto error = json_outcome("{\"name\": \"\"}", [&](JsonParams& p) {
    text = p.nullable_string("name", {1, 5});
  });
  EXPECT_FALSE(text.has_value());
  expect_bad_request(error, "name", "name must be null or a string of 1 to 5 characters");
  // A non-nullable id field: blank is not a value.
  std::optional<std::int64_t> id;
  error = json_outcome("{\"group_id\": \"\"}",
                       [&](JsonParams& p) { id = p.integer("group_id", {1}, true); });
  EXPECT_FALSE(id.has_value());
  expect_bad_request(error, "group_id", "group_id must be an integer >= 1");
}

std::optional<std::vector<std::string>> read_list(const std::string& json,
                                                  std::optional<Error>& error) {
  std::optional<std::vector<std::string>> value;
  error = json_outcome("{\"l\": " + json + "}", [&](JsonParams& p) {
    value = p.string_list("l", {1, 2}, {1, 5}, true);
  });
  return value;
}

constexpr const char* kListReason = "l must be a list of 1 to 2 strings of 1 to 5 characters";

TEST(JsonParamsStringList, AcceptsItemsWithinBounds) {
  std::optional<Error> error;
  EXPECT_EQ(read_list("[\"a\"]", error), (Fields{"a"}));
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(read_list("[\"abcde\", \"b\"]", error), (Fields{"abcde", "b"}));
  EXPECT_FALSE(error.has_value());
  // Five code points in 15 bytes is within an item length of 5.
  EXPECT_EQ(read_list("[\"\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\"]", error),
            (Fields{"\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5"}));
  EXPECT_FALSE(error.has_value());
}

TEST(JsonParamsStringList, RejectsItemCountOutsideBounds) {
  for (std::string json : {"[]", "[\"a\", \"b\", \"c\"]"}) {
    std::optional<Error> error;
    EXPECT_FALSE(read_list(json, error)) << json;
    expect_bad_request(error, "l", kListReason);
  }
}

TEST(JsonParamsStringList, RejectsItemLengthOutsideBounds) {
  for (std::string json : {"[\"\"]", "[\"a\", \"abcdef\"]"}) {
    std::optional<Error> error;
    EXPECT_FALSE(read_list(json, error)) << json;
    expect_bad_request(error, "l", kListReason);
  }
}

TEST(JsonParamsStringList, RejectsNonStringItemsAndNonLists) {
  for (std::string json : {"[\"a\", 1]", "[null]", "[[\"a\"]]", "[true]", "\"a\"", "null", "{}"}) {
    std::optional<Error> error;
    EXPECT_FALSE(read_list(json, error)) << json;
    expect_bad_request(error, "l", kListReason);
  }
}

TEST(JsonParamsRefuse, PresentRefusedFieldIsAProblemWithItsExplanation) {
  auto error = json_outcome("{\"card_number\": \"4111\"}", [](JsonParams& p) {
    p.refuse("card_number", "card_number is not allowed in invoice mode");
  });
  expect_bad_request(error, "card_number", "card_number is not allowed in invoice mode");
}

TEST(JsonParamsRefuse, AbsentRefusedFieldIsFine) {
  auto error = json_outcome(
      "{}", [](JsonParams& p) { p.refuse("card_number", "card_number is not allowed here"); });
  EXPECT_FALSE(error.has_value());
}

TEST(JsonParamsFinish, ReportsUnknownFields) {
  auto error = json_outcome("{\"name\": \"x\", \"nmae\": \"y\"}", [](JsonParams& p) {
    p.string("name", {1, 10}, true);
  });
  expect_bad_request(error, "nmae", "unknown field nmae");
}

TEST(JsonParamsFinish, ReportsEveryUnknownFieldInBodyOrderAndNotTheKnownOnes) {
  auto error =
      json_outcome("{\"z\": 1, \"policy\": {}, \"a\": 2, \"name\": \"x\", \"m\": 3, \"card\": 4}",
                   [](JsonParams& p) {
                     p.string("name", {1, 10}, true);
                     p.known("policy");
                     p.refuse("absent", "absent is not allowed");
                     p.integer("missing", {}, false);
                   });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->fields(), (Fields{"z", "a", "m", "card"}));
}

TEST(JsonParamsFinish, AFieldAskedForTwiceIsKnown) {
  auto error = json_outcome("{\"n\": 1}", [](JsonParams& p) {
    EXPECT_EQ(p.integer("n", {}, true), 1);
    EXPECT_EQ(p.integer("n", {}, true), 1);
  });
  EXPECT_FALSE(error.has_value());
}

TEST(JsonParamsFinish, NoProblemsMeansNoThrow) {
  auto error = json_outcome("{\"a\": 1, \"b\": true}", [](JsonParams& p) {
    EXPECT_EQ(p.integer("a", {}, true), 1);
    EXPECT_EQ(p.boolean("b", true), true);
  });
  EXPECT_FALSE(error.has_value());
}

TEST(JsonParamsFinish, ReportsEveryProblemTogetherInOrder) {
  auto error = json_outcome("{\"a\": 0, \"b\": \"x\", \"c\": 5, \"extra\": 1, \"other\": null}",
                            [](JsonParams& p) {
                              p.integer("a", {1, 12}, true);
                              p.boolean("b", true);
                              p.string("c", {1, 3}, true);
                              p.integer("d", {}, true);
                            });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind(), ErrorKind::bad_request);
  EXPECT_EQ(error->fields(), (Fields{"a", "b", "c", "d", "extra", "other"}));
  EXPECT_EQ(std::string(error->what()),
            "a must be an integer from 1 to 12; b must be true or false; c must be a string of 1 "
            "to 3 characters; d is required; unknown field extra; unknown field other");
}

TEST(JsonParamsFinish, ListsAFieldOnceEvenWithSeveralProblems) {
  auto error = json_outcome("{\"a\": 0, \"b\": 1}", [](JsonParams& p) {
    p.integer("a", {1, 12}, true);
    p.problem("a", "a must also be something else");
    p.integer("b", {1, 12}, true);
    p.problem("b", "b clashes with a");
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->fields(), (Fields{"a", "b"}));
  std::string reason = error->what();
  EXPECT_NE(reason.find("a must be an integer from 1 to 12"), std::string::npos) << reason;
  EXPECT_NE(reason.find("b clashes with a"), std::string::npos) << reason;
}

TEST(JsonParamsFinish, FailedTellsWhichFieldsHadProblems) {
  auto body = object("{\"a\": \"x\", \"b\": 2}");
  JsonParams params(body);
  params.integer("a", {}, true);
  params.integer("b", {}, true);
  EXPECT_TRUE(params.failed("a"));
  EXPECT_FALSE(params.failed("b"));
  EXPECT_THROW(params.finish(), Error);
}

TEST(DescribeRange, NamesBothOneOrNoBounds) {
  EXPECT_EQ(describe(IntRange{1, 12}), "an integer from 1 to 12");
  EXPECT_EQ(describe(IntRange{.min = 0}), "an integer >= 0");
  EXPECT_EQ(describe(IntRange{.max = -1}), "an integer <= -1");
  EXPECT_EQ(describe(IntRange{}), "an integer");
}

// The outcome of reading integer `key` from the query of `target`.
struct QueryRead {
  std::optional<std::int64_t> value;
  std::optional<Error> error;
};

QueryRead read_query(std::string_view target, std::string_view key, IntRange range) {
  auto url = boost::urls::parse_origin_form(target).value();
  QueryParams params(url.params());
  QueryRead out;
  out.value = params.integer(key, range);
  try {
    params.finish();
  } catch (const Error& error) {
    out.error = error;
  }
  return out;
}

TEST(QueryParamsInteger, ReadsAnInteger) {
  auto read = read_query("/x?limit=5", "limit", {.min = 0});
  EXPECT_EQ(read.value, 5);
  EXPECT_FALSE(read.error.has_value());
}

TEST(QueryParamsInteger, AbsentIsNoValueAndNoProblem) {
  for (std::string_view target : {"/x", "/x?", "/x?offset=3"}) {
    auto read = read_query(target, "limit", {.min = 0});
    EXPECT_FALSE(read.value.has_value()) << target;
    EXPECT_FALSE(read.error.has_value()) << target;
  }
}

TEST(QueryParamsInteger, IgnoresUndefinedParameters) {
  auto read = read_query("/x?foo=bar&foo=baz&limit=7&empty=&junk", "limit", {.min = 0});
  EXPECT_EQ(read.value, 7);
  EXPECT_FALSE(read.error.has_value());
}

TEST(QueryParamsInteger, RepeatedIsBadRequest) {
  for (std::string_view target : {"/x?limit=5&limit=6", "/x?limit=5&limit=5"}) {
    auto read = read_query(target, "limit", {.min = 0});
    EXPECT_FALSE(read.value.has_value()) << target;
    ASSERT_TRUE(read.error.has_value()) << target;
    EXPECT_EQ(read.error->kind(), ErrorKind::bad_request);
    EXPECT_EQ(read.error->fields(), Fields{"limit"});
  }
}

TEST(QueryParamsInteger, EmptyIsBadRequest) {
  for (std::string_view target : {"/x?limit=", "/x?limit"}) {
    auto read = read_query(target, "limit", {.min = 0});
    EXPECT_FALSE(read.value.has_value()) << target;
    ASSERT_TRUE(read.error.has_value()) << target;
    EXPECT_EQ(read.error->kind(), ErrorKind::bad_request);
    EXPECT_EQ(read.error->fields(), Fields{"limit"});
  }
}

TEST(QueryParamsInteger, MalformedIsBadRequestNamingTheRange) {
  for (std::string_view target :
       {"/x?limit=abc", "/x?limit=1.5", "/x?limit=%2B1", "/x?limit=+1", "/x?limit=5abc",
        "/x?limit=0x10", "/x?limit=%205", "/x?limit=1e2", "/x?limit=99999999999999999999"}) {
    auto read = read_query(target, "limit", {.min = 0});
    EXPECT_FALSE(read.value.has_value()) << target;
    ASSERT_TRUE(read.error.has_value()) << target;
    EXPECT_EQ(read.error->kind(), ErrorKind::bad_request);
    EXPECT_EQ(read.error->fields(), Fields{"limit"});
    EXPECT_EQ(std::string(read.error->what()), "limit must be an integer >= 0") << target;
  }
}

TEST(QueryParamsInteger, NegativeDependsOnTheRange) {
  auto refused = read_query("/x?limit=-1", "limit", {.min = 0});
  EXPECT_FALSE(refused.value.has_value());
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->fields(), Fields{"limit"});
  EXPECT_EQ(std::string(refused.error->what()), "limit must be an integer >= 0");

  auto allowed = read_query("/x?max_revision=-1", "max_revision", {.min = -1});
  EXPECT_EQ(allowed.value, -1);
  EXPECT_FALSE(allowed.error.has_value());
}

TEST(QueryParamsInteger, DecodesPercentEncoding) {
  auto read = read_query("/x?limit=%31%32", "limit", {.min = 0});
  EXPECT_EQ(read.value, 12);
  EXPECT_FALSE(read.error.has_value());
}

TEST(QueryParams, ReportsEveryBadParameterTogether) {
  auto url = boost::urls::parse_origin_form("/x?limit=abc&offset=-1&min=3").value();
  QueryParams params(url.params());
  EXPECT_FALSE(params.integer("limit", {.min = 0}).has_value());
  EXPECT_FALSE(params.integer("offset", {.min = 0}).has_value());
  EXPECT_EQ(params.integer("min", {.min = 0}), 3);
  try {
    params.finish();
    FAIL() << "finish() should throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::bad_request);
    EXPECT_EQ(error.fields(), (Fields{"limit", "offset"}));
    EXPECT_EQ(std::string(error.what()),
              "limit must be an integer >= 0; offset must be an integer >= 0");
  }
}

TEST(QueryParamsString, ReadsDecodedValueAndRefusesRepeats) {
  auto url = boost::urls::parse_origin_form("/x?search=a%20b&tag=1&tag=2").value();
  QueryParams params(url.params());
  EXPECT_EQ(params.string("search"), "a b");
  EXPECT_FALSE(params.string("tag").has_value());
  EXPECT_FALSE(params.string("missing").has_value());
  try {
    params.finish();
    FAIL() << "finish() should throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::bad_request);
    EXPECT_EQ(error.fields(), Fields{"tag"});
  }
}

}  // namespace
}  // namespace accountsd::api
