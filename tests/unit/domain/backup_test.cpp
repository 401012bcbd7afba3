// The rules of an appliance backup's text (C.3): standard base64 with line breaks, SHA-256 hex.
#include "domain/backup.hpp"

#include <gtest/gtest.h>

namespace accountsd::domain {
namespace {

TEST(Base64Text, AcceptsStandardBase64WithLineBreaksAnywhere) {
  for (const char* text : {"", "QUJD", "QUI=", "QQ==", "QUJD\nREVG\n", "QUJD\r\nREVG\r\n", "QU\nJD",
                           "\n\nQUJD", "QQ=\n=", "ab+/09AZ"}) {
    EXPECT_TRUE(is_base64_text(text)) << text;
  }
}

TEST(Base64Text, RefusesAnythingElse) {
  for (const char* text : {"QUJ", "QUJDR", "Q===", "====", "QU=D", "QQ==QUJD", "QUJD RA==",
                           "QUJD\tREVG", "QU-_", "QUJD.", "QUJD\v", "\xc3\xa9\xc3\xa9QU"}) {
    EXPECT_FALSE(is_base64_text(text)) << text;
  }
}

TEST(Sha256Hex, IsTheLowercaseHexDigest) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace accountsd::domain
