#include "domain/text.hpp"

#include <gtest/gtest.h>

namespace accountsd::domain {
namespace {

TEST(CodePoints, CountsAsciiBytes) {
  EXPECT_EQ(code_points(""), 0U);
  EXPECT_EQ(code_points("a"), 1U);
  EXPECT_EQ(code_points("hello world"), 11U);
}

TEST(CodePoints, CountsMultiByteSequencesOnce) {
  EXPECT_EQ(code_points("\xC3\xA9"), 1U);                  // é, 2 bytes
  EXPECT_EQ(code_points("\xE2\x82\xAC"), 1U);              // €, 3 bytes
  EXPECT_EQ(code_points("\xF0\x9F\x98\x80"), 1U);          // 😀, 4 bytes
  EXPECT_EQ(code_points("caf\xC3\xA9 \xE2\x82\xAC"), 6U);  // "café €"
  EXPECT_EQ(code_points("\xE6\x97\xA5\xE6\x9C\xAC"), 2U);  // 日本
}

TEST(CodePoints, CountsEmbeddedNul) {
  EXPECT_EQ(code_points(std::string_view("a\0b", 3)), 3U);
}

TEST(IsBlank, EmptyIsBlank) {
  EXPECT_TRUE(is_blank(""));
}

TEST(IsBlank, AsciiWhitespaceIsBlank) {
  EXPECT_TRUE(is_blank(" "));
  EXPECT_TRUE(is_blank(" \t\n\r\v\f "));
}

TEST(IsBlank, AnythingElseIsNotBlank) {
  EXPECT_FALSE(is_blank("a"));
  EXPECT_FALSE(is_blank("  x  "));
  EXPECT_FALSE(is_blank(std::string_view("\0", 1)));
  EXPECT_FALSE(is_blank("\xC2\xA0"));  // U+00A0 no-break space is not ASCII whitespace.
}

}  // namespace
}  // namespace accountsd::domain
