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

namespace accountsd::domain {
namespace {

TEST(IsValidUtf8, AcceptsWellFormedText) {
  for (std::string_view text :
       {"", "abc", "caf\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"})
    EXPECT_TRUE(is_valid_utf8(text)) << text;
}

TEST(IsValidUtf8, RefusesMalformedSequences) {
  // Stray continuation, missing continuation, overlong '/', surrogate, past U+10FFFF, bad lead.
  for (std::string_view text :
       {"\x80", "a\xC3", "\xC3(", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF"})
    EXPECT_FALSE(is_valid_utf8(text)) << text;
}

TEST(FitsTextKind, OneLineRefusesC0DeleteAndC1) {
  for (char32_t c : {0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9B, 0x9F})
    EXPECT_TRUE(is_control(c)) << unsigned(c);
  for (char32_t c : {0x20, 0x7E, 0xA0, 0x2028}) EXPECT_FALSE(is_control(c)) << unsigned(c);
  for (std::string_view text :
       {std::string_view("a\0b", 3), std::string_view("a\nb"), std::string_view("\t"),
        std::string_view("\x1b[31m"), std::string_view("\x7f"), std::string_view("\xC2\x80"),
        std::string_view("x\xC2\x9F")})
    EXPECT_FALSE(fits_text_kind(text, TextKind::one_line)) << text;
  EXPECT_TRUE(fits_text_kind("Zo\xC3\xAB \xC2\xA0 \xE6\x97\xA5", TextKind::one_line));
  EXPECT_FALSE(fits_text_kind("\xFF", TextKind::one_line));
}

TEST(FitsTextKind, MultiLineAllowsTabAndNewlineOnly) {
  EXPECT_TRUE(fits_text_kind("one\n\ttwo\n", TextKind::multi_line));
  for (std::string_view text : {"a\r\nb", "\x1b", "\xC2\x85", "\x0b", "\x0c"})
    EXPECT_FALSE(fits_text_kind(text, TextKind::multi_line)) << text;
}

TEST(EscapeControls, ShowsEveryControlCharacterAsAVisibleEscape) {
  EXPECT_EQ(escape_controls("Evil\x1b[31mRed\nfake line\tx\r"),
            "Evil\\x1b[31mRed\\nfake line\\tx\\r");
  EXPECT_EQ(escape_controls(std::string_view("a\0b\x7f", 4)), "a\\x00b\\x7f");
  EXPECT_EQ(escape_controls("\xC2\x9B"
                            "2J \xC2\x85"),
            "\\u009b2J \\u0085");
  // Bytes of a malformed sequence: a lone 0x9B is CSI on an 8-bit terminal.
  EXPECT_EQ(escape_controls("x\x9B"
                            "2J\xFF"),
            "x\\x9b2J\\xff");
  // Everything else is left as it is, backslashes included.
  EXPECT_EQ(escape_controls("Zo\xC3\xAB \\n \xF0\x9F\x98\x80"), "Zo\xC3\xAB \\n \xF0\x9F\x98\x80");
}

TEST(EscapeControls, JsonStyleWritesStringEscapesThatKeepTheValue) {
  EXPECT_EQ(escape_controls("{\"n\":\"a\x7f\xC2\x9B"
                            "b\"}",
                            EscapeStyle::json),
            "{\"n\":\"a\\u007f\\u009bb\"}");
  EXPECT_EQ(escape_controls("\"\xFF\"", EscapeStyle::json), "\"\\ufffd\"");
  EXPECT_EQ(escape_controls("[\"Zo\xC3\xAB\"]", EscapeStyle::json), "[\"Zo\xC3\xAB\"]");
}

}  // namespace
}  // namespace accountsd::domain
