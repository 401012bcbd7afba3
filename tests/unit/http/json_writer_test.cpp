#include "http/json_writer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace accountsd::http {
namespace {

std::string as_json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(as_json_string(""), R"("")");
  EXPECT_EQ(as_json_string("plain text"), R"("plain text")");
  EXPECT_EQ(as_json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(as_json_string("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(as_json_string(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(as_json_string("t\x1b[1mX"), R"("t\u001b[1mX")");
  // Everything from 0x20 up is copied: DEL, '/', and UTF-8 as it is.
  EXPECT_EQ(as_json_string("\x7f/\xc3\xa9\xe2\x82\xac"), "\"\x7f/\xc3\xa9\xe2\x82\xac\"");
}

TEST(JsonWriter, EveryByteRoundTripsThroughAParser) {
  // Each byte below 0x80, alone and between others: the parsed string is the original text.
  std::string all;
  for (int c = 0; c < 0x80; ++c) all.push_back(char(c));
  for (int c = 0; c < 0x80; ++c) {
    std::string one = "x" + std::string(1, char(c)) + "y";
    EXPECT_EQ(boost::json::parse(as_json_string(one)).as_string(), one) << "byte " << c;
  }
  EXPECT_EQ(boost::json::parse(as_json_string(all)).as_string(), all);
}

TEST(JsonWriter, PlacesCommasInObjectsAndArrays) {
  std::string text;
  JsonWriter out(text);
  out.begin_object()
      .member("id", std::int64_t(-9223372036854775807 - 1))
      .member("name", "n")
      .member("on", true)
      .member("off", false)
      .member("none", std::optional<std::string>())
      .member("some", std::optional<std::int64_t>(7))
      .key("empty")
      .begin_array()
      .end_array()
      .key("list")
      .begin_array();
  out.value(1).value("two").null().begin_object().end_object().begin_array().value(3).end_array();
  out.end_array().key("nested").begin_object().member("x", 1).end_object().end_object();
  EXPECT_EQ(text, R"({"id":-9223372036854775808,"name":"n","on":true,"off":false,"none":null,)"
                  R"("some":7,"empty":[],"list":[1,"two",null,{},[3]],"nested":{"x":1}})");
  // The same text a document would serialize to.
  EXPECT_EQ(boost::json::serialize(boost::json::parse(text)), text);
}

TEST(JsonWriter, TopLevelArrayOfObjects) {
  std::string text;
  JsonWriter out(text);
  out.begin_array();
  for (int i = 0; i < 3; ++i) out.begin_object().member("i", i).end_object();
  out.end_array();
  EXPECT_EQ(text, R"([{"i":0},{"i":1},{"i":2}])");
}

TEST(JsonWriter, LongKeysAreWrittenWhole) {
  const std::string name(100, 'k');
  std::string text;
  JsonWriter out(text);
  out.begin_object().member("a", 1).member(name, 2).end_object();
  EXPECT_EQ(boost::json::parse(text).as_object().at(name).as_int64(), 2);
  EXPECT_EQ(boost::json::parse(text).as_object().at("a").as_int64(), 1);
}

TEST(JsonWriter, RefusesMisuse) {
  std::string text;
  JsonWriter out(text);
  EXPECT_THROW(out.end_array(), std::logic_error);
  for (int i = 0; i < JsonWriter::kMaxDepth; ++i) out.begin_array();
  EXPECT_THROW(out.begin_array(), std::logic_error);

  std::string other;
  JsonWriter keys(other);
  keys.begin_object().key("a");
  EXPECT_THROW(keys.key("b"), std::logic_error);
}

}  // namespace
}  // namespace accountsd::http
