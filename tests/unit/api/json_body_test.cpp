#include "api/json_body.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/params.hpp"
#include "error.hpp"

namespace accountsd::api {
namespace {

using Fields = std::vector<std::string>;

// The Error that parse_json_object(body) throws; fails the test if it throws nothing.
Error parse_error(std::string_view body) {
  try {
    parse_json_object(body);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "no error for body: " << body.substr(0, 80);
  return Error(ErrorKind::internal, "no error");
}

void expect_bad_body(std::string_view body) {
  auto error = parse_error(body);
  EXPECT_EQ(error.kind(), ErrorKind::bad_request) << body.substr(0, 80);
  EXPECT_FALSE(std::string(error.what()).empty());
}

TEST(ParseJsonObject, EmptyOrWhitespaceBodyIsAnEmptyObject) {
  for (std::string_view body : {"", " ", "\r\n", "\t \n "}) {
    auto object = parse_json_object(body);
    EXPECT_TRUE(object.empty()) << "[" << body << "]";
  }
}

TEST(ParseJsonObject, ParsesAnObject) {
  auto object = parse_json_object(" {\"a\": 1, \"b\": [\"x\"], \"c\": {\"d\": null}} \n");
  EXPECT_EQ(object.size(), 3U);
  EXPECT_EQ(object.at("a"), boost::json::value(1));
  EXPECT_TRUE(object.at("b").is_array());
  EXPECT_TRUE(object.at("c").at("d").is_null());
}

TEST(ParseJsonObject, RefusesNonObjects) {
  for (std::string_view body : {"[]", "[{}]", "\"x\"", "1", "null", "true", "1.5"}) {
    auto error = parse_error(body);
    EXPECT_EQ(error.kind(), ErrorKind::bad_request) << body;
    EXPECT_EQ(std::string(error.what()), "body must be a JSON object") << body;
  }
}

TEST(ParseJsonObject, RefusesATopLevelDuplicateKey) {
  auto error = parse_error("{\"name\": \"a\", \"name\": \"b\"}");
  EXPECT_EQ(error.kind(), ErrorKind::bad_request);
  EXPECT_EQ(error.fields(), Fields{"name"});
  EXPECT_NE(std::string(error.what()).find("\"name\""), std::string::npos) << error.what();
}

TEST(ParseJsonObject, RefusesADuplicateKeyGivenWithAnEscape) {
  auto error = parse_error("{\"ab\": 1, \"\\u0061b\": 2}");
  EXPECT_EQ(error.kind(), ErrorKind::bad_request);
  EXPECT_EQ(error.fields(), Fields{"ab"});
}

TEST(ParseJsonObject, RefusesANestedDuplicateKey) {
  auto error = parse_error("{\"outer\": {\"k\": 1, \"other\": 2, \"k\": 3}}");
  EXPECT_EQ(error.kind(), ErrorKind::bad_request);
  EXPECT_EQ(error.fields(), Fields{"k"});
  EXPECT_NE(std::string(error.what()).find("\"k\""), std::string::npos) << error.what();
}

TEST(ParseJsonObject, RefusesADuplicateKeyInsideAnArrayOfObjects) {
  auto error = parse_error("{\"list\": [{\"k\": 1}, {\"k\": 1, \"k\": 2}]}");
  EXPECT_EQ(error.kind(), ErrorKind::bad_request);
  EXPECT_EQ(error.fields(), Fields{"k"});
}

TEST(ParseJsonObject, AcceptsTheSameKeyInSiblingObjects) {
  auto object = parse_json_object(
      "{\"a\": {\"k\": 1}, \"b\": {\"k\": 2}, \"list\": [{\"k\": 3}, {\"k\": 4}], \"k\": 5}");
  EXPECT_EQ(object.at("a").at("k"), boost::json::value(1));
  EXPECT_EQ(object.at("b").at("k"), boost::json::value(2));
  EXPECT_EQ(object.at("list").at(1).at("k"), boost::json::value(4));
  EXPECT_EQ(object.at("k"), boost::json::value(5));
}

TEST(ParseJsonObject, AcceptsAKeyReusedAfterItsObjectClosed) {
  // "k" inside the nested object and "k" at the top level are different scopes.
  auto object = parse_json_object("{\"n\": {\"k\": 1}, \"k\": 2}");
  EXPECT_EQ(object.at("k"), boost::json::value(2));
}

// An object of `count` keys k0, k1, ...; then `extra` as one more member when given.
std::string object_of_keys(int count, const std::string& extra = "") {
  std::string body = "{";
  for (int i = 0; i < count; ++i)
    body += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  body += extra.empty() ? "\"last\": 0}" : extra + "}";
  return body;
}

TEST(ParseJsonObject, FindsADuplicateAmongManyKeysWhereverItFalls) {
  // Few keys are compared one by one and many go to a hash set: a repeat is found either way,
  // and whether the first of the pair was seen before the switch or after.
  for (int count : {1, 15, 16, 17, 40, 2000}) {
    auto error = parse_error(object_of_keys(count, "\"k0\": 1"));
    EXPECT_EQ(error.fields(), Fields{"k0"}) << count;
    error = parse_error(object_of_keys(count, "\"k" + std::to_string(count - 1) + "\": 1"));
    EXPECT_EQ(error.fields(), Fields{"k" + std::to_string(count - 1)}) << count;
    EXPECT_EQ(parse_json_object(object_of_keys(count)).size(), std::size_t(count) + 1) << count;
  }
}

TEST(ParseJsonObject, ScopesStayApartAroundAnObjectWithManyKeys) {
  // The inner object switches to a hash set; its keys are not the outer object's, and the outer
  // object's keys before it still count after it.
  auto inner = object_of_keys(30);
  auto object = parse_json_object("{\"k1\": 1, \"inner\": " + inner + ", \"k2\": 2}");
  EXPECT_EQ(object.at("inner").as_object().size(), 31U);
  auto error = parse_error("{\"k1\": 1, \"inner\": " + inner + ", \"k1\": 2}");
  EXPECT_EQ(error.fields(), Fields{"k1"});
  error = parse_error("{\"a\": " + object_of_keys(30, "\"z\": {\"q\": 1, \"q\": 2}") + "}");
  EXPECT_EQ(error.fields(), Fields{"q"});
}

TEST(ParseJsonObject, RefusesInvalidUtf8) {
  for (std::string_view body :
       {"{\"a\": \"\xFF\"}", "{\"\xC3\": 1}", "{\"a\": \"\xC0\xAF\"}", "{\"a\": \"\xED\xA0\x80\"}",
        "{\"a\": \"\xF4\x90\x80\x80\"}", "{\"a\": \"caf\xC3\"}"}) {
    expect_bad_body(body);
  }
}

TEST(ParseJsonObject, AcceptsValidMultibyteUtf8) {
  auto object = parse_json_object("{\"\xC3\xA9\": \"\xF0\x9F\x98\x80\xE6\x97\xA5\"}");
  EXPECT_EQ(object.at("\xC3\xA9").as_string(), "\xF0\x9F\x98\x80\xE6\x97\xA5");
}

TEST(ParseJsonObject, RefusesDeepNestingWithoutCrashing) {
  expect_bad_body(std::string(10000, '['));
  expect_bad_body(std::string(10000, '[') + std::string(10000, ']'));
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  expect_bad_body(objects);
  expect_bad_body("{\"a\": " + std::string(100000, '[') + "}");
}

TEST(ParseJsonObject, AcceptsReasonableNesting) {
  std::string body = "{\"a\": " + std::string(30, '[') + std::string(30, ']') + "}";
  auto object = parse_json_object(body);
  EXPECT_TRUE(object.at("a").is_array());
}

TEST(ParseJsonObject, RefusesTrailingGarbage) {
  for (std::string_view body : {"{} x", "{}{}", "{\"a\": 1}}", "{} []", "{\"a\": 1} 2"}) {
    expect_bad_body(body);
  }
  expect_bad_body(std::string_view("{}\0", 3));
}

TEST(ParseJsonObject, RefusesMalformedJson) {
  for (std::string_view body :
       {"{", "{\"a\"}", "{\"a\": }", "{a: 1}", "{'a': 1}", "{\"a\": 1,}", "{\"a\": NaN}",
        "{\"a\": Infinity}", "/* c */ {}", "{} // c", "{\"a\": 01}", "{\"a\": \"\t\"}", "x"}) {
    expect_bad_body(body);
  }
}

TEST(ParseJsonObject, HugeNumbersAreNeverIntegers) {
  // Whether the parser refuses them or reads them as doubles, an integer field must end in 400.
  for (std::string_view number : {"1e400", "-1e400", "99999999999999999999999",
                                  "-99999999999999999999999", "1e-400", "18446744073709551616"}) {
    std::string body = std::string("{\"n\": ") + std::string(number) + "}";
    try {
      auto object = parse_json_object(body);
      JsonParams params(object);
      EXPECT_FALSE(params.integer("n", {}, true).has_value()) << number;
      params.finish();
      ADD_FAILURE() << "no error for " << number;
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::bad_request) << number;
    }
  }
}

TEST(ParseJson, AcceptsAnyJsonValue) {
  EXPECT_EQ(parse_json("\"s3cret-and-long\""), boost::json::value("s3cret-and-long"));
  EXPECT_EQ(parse_json(" 42 "), boost::json::value(42));
  EXPECT_TRUE(parse_json("[1, 2]").is_array());
}

TEST(ParseJson, RefusesDuplicateKeysInsideArrays) {
  try {
    parse_json("[{\"x\": 1, \"x\": 1}]");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::bad_request);
    EXPECT_EQ(error.fields(), Fields{"x"});
  }
}

TEST(ParseJson, RefusesAnEmptyBody) {
  try {
    parse_json("");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::bad_request);
  }
}

}  // namespace
}  // namespace accountsd::api
