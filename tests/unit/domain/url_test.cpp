#include "domain/url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace accountsd::domain {
namespace {

TEST(IsValidHttpUrl, AcceptsHttpAndHttps) {
  for (const char* url :
       {"http://example.com", "https://example.com", "http://example.com/",
        "https://omva.example.com:8443/root/", "http://192.0.2.1", "http://[2001:db8::1]:8080/",
        "https://example.com/path?query=1&x=y", "https://user:pw@example.com/", "http://localhost",
        "https://example.com/a%20b", "http://example.com:/", "http://example.com:65535/",
        "http://example.com:0/"}) {
    EXPECT_TRUE(is_valid_http_url(url)) << url;
  }
}

TEST(IsValidHttpUrl, SchemeIsCaseInsensitive) {
  EXPECT_TRUE(is_valid_http_url("HTTP://example.com/"));
  EXPECT_TRUE(is_valid_http_url("HtTpS://example.com/"));
}

TEST(IsValidHttpUrl, RejectsOtherSchemes) {
  for (const char* url :
       {"ftp://example.com/", "file:///etc/passwd", "mailto:a@example.com", "javascript:alert(1)",
        "ws://example.com/", "httpx://example.com/", "http+unix://example.com/"}) {
    EXPECT_FALSE(is_valid_http_url(url)) << url;
  }
}

TEST(IsValidHttpUrl, RejectsRelativeAndHostless) {
  for (const char* url :
       {"", "example.com", "/root", "//example.com/", "http://", "https://", "http:///path",
        "http:example.com", "http:/example.com", "http://:80/", "http://user@/"}) {
    EXPECT_FALSE(is_valid_http_url(url)) << url;
  }
}

TEST(IsValidHttpUrl, RejectsWhitespace) {
  for (const char* url :
       {" http://example.com", "http://example.com ", "http://exa mple.com",
        "http://example.com/a b", "http://example.com/\t", "http://example.com/\n"}) {
    EXPECT_FALSE(is_valid_http_url(url)) << url;
  }
}

TEST(IsValidHttpUrl, RejectsMalformed) {
  for (const char* url :
       {"http://example.com/%zz", "http://[::1/", "http://exa<mple.com/",
        "http://example.com:99999/", "http://example.com:65536/", "http://example.com:8o/",
        "http://example.com/#fragment", "http://ex\xC3\xA9mple.com/"}) {
    EXPECT_FALSE(is_valid_http_url(url)) << url;
  }
  EXPECT_FALSE(is_valid_http_url(std::string_view("http://example.com/\0", 20)));
}

TEST(IsValidHttpUrl, AtMost2048Characters) {
  const std::string base = "https://example.com/";
  const std::string at_limit = base + std::string(2048 - base.size(), 'a');
  EXPECT_TRUE(is_valid_http_url(at_limit));
  EXPECT_FALSE(is_valid_http_url(at_limit + "a"));
}

}  // namespace
}  // namespace accountsd::domain
