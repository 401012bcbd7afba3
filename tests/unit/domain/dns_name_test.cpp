#include "domain/dns_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace accountsd::domain {
namespace {

TEST(IsValidDnsName, AcceptsHostNames) {
  for (const char* name :
       {"example.com", "corp.example.com", "EXAMPLE.COM", "a", "localhost", "ad-01.corp.example",
        "1.2.3.4", "123.example", "x--y.example", "xn--bcher-kva.example", "example.com."}) {
    EXPECT_TRUE(is_valid_dns_name(name)) << name;
  }
}

TEST(IsValidDnsName, RejectsEmptyAndEmptyLabels) {
  for (const char* name :
       {"", ".", "..", ".example.com", "example..com", "example.com..", "a.b.c.."}) {
    EXPECT_FALSE(is_valid_dns_name(name)) << name;
  }
}

TEST(IsValidDnsName, RejectsHyphensAtLabelEdges) {
  EXPECT_FALSE(is_valid_dns_name("-example.com"));
  EXPECT_FALSE(is_valid_dns_name("example-.com"));
  EXPECT_FALSE(is_valid_dns_name("example.-com"));
  EXPECT_FALSE(is_valid_dns_name("example.com-"));
  EXPECT_FALSE(is_valid_dns_name("-"));
}

TEST(IsValidDnsName, RejectsOtherCharacters) {
  for (const char* name : {"exa_mple.com", "exa mple.com", " example.com", "example.com ",
                           "example.com/", "user@example.com",
                           "b\xC3\xBC"
                           "cher.example",
                           "*.example.com", "example.com:80"}) {
    EXPECT_FALSE(is_valid_dns_name(name)) << name;
  }
  EXPECT_FALSE(is_valid_dns_name(std::string_view("exa\0mple.com", 12)));
}

TEST(IsValidDnsName, LabelsUpToSixtyThreeCharacters) {
  EXPECT_TRUE(is_valid_dns_name(std::string(63, 'a') + ".com"));
  EXPECT_FALSE(is_valid_dns_name(std::string(64, 'a') + ".com"));
  EXPECT_FALSE(is_valid_dns_name("example." + std::string(64, 'a')));
}

TEST(IsValidDnsName, NameUpTo253Characters) {
  // Four labels: 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253.
  const std::string at_limit = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                               std::string(63, 'c') + "." + std::string(61, 'd');
  ASSERT_EQ(at_limit.size(), 253U);
  EXPECT_TRUE(is_valid_dns_name(at_limit));
  EXPECT_TRUE(is_valid_dns_name(at_limit + "."));  // The trailing dot is not counted.
  EXPECT_FALSE(is_valid_dns_name(at_limit + "d"));
  EXPECT_FALSE(is_valid_dns_name(at_limit + "d."));
}

}  // namespace
}  // namespace accountsd::domain
