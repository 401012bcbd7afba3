// A.2: the client a trusted proxy names, from every X-Forwarded-For line of a request.
#include "api/forwarded_for.hpp"

#include <gtest/gtest.h>

#include "error.hpp"

namespace accountsd::api {
namespace {

std::optional<std::string> client(const http::Headers& headers) {
  auto address = forwarded_client(headers);
  return address ? std::optional<std::string>(address->to_string()) : std::nullopt;
}

bool refused(const http::Headers& headers) {
  try {
    forwarded_client(headers);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::bad_request);
    EXPECT_EQ(error.fields(), std::vector<std::string>{"X-Forwarded-For"});
    return true;
  }
  return false;
}

TEST(ForwardedClient, NoHeaderNamesNoClient) {
  EXPECT_EQ(client({}), std::nullopt);
  EXPECT_EQ(client({{"Host", "x"}, {"Forwarded", "for=1.2.3.4"}}), std::nullopt);
}

TEST(ForwardedClient, TheLastHopOfAllLinesInOrder) {
  EXPECT_EQ(client({{"X-Forwarded-For", "1.2.3.4"}}), "1.2.3.4");
  EXPECT_EQ(client({{"X-Forwarded-For", "1.2.3.4, 5.6.7.8"}}), "5.6.7.8");
  EXPECT_EQ(client({{"X-Forwarded-For", "1.2.3.4"}, {"Host", "x"}, {"x-forwarded-for", "9.9.9.9"}}),
            "9.9.9.9");
  EXPECT_EQ(client({{"X-Forwarded-For", "9.9.9.9"}, {"X-Forwarded-For", "1.2.3.4,\t5.6.7.8 "}}),
            "5.6.7.8");
  // Empty list elements are skipped, in a line or as a whole line.
  EXPECT_EQ(client({{"X-Forwarded-For", "9.9.9.9, ,"}, {"X-Forwarded-For", ""}}), "9.9.9.9");
  EXPECT_EQ(client({{"X-Forwarded-For", "2001:db8::1"}}), "2001:db8::1");
  EXPECT_EQ(client({{"X-Forwarded-For", "::ffff:9.9.9.9"}}), "::ffff:9.9.9.9");
}

TEST(ForwardedClient, ALastHopThatIsNotABareAddressIsA400) {
  for (const char* hop : {"9.9.9.9:1234", "[2001:db8::1]:80", "[2001:db8::1]", "garbage", "9.9.9",
                          "09.9.9.9x", "1.2.3.4 5.6.7.8", "unknown", "_hidden"})
    EXPECT_TRUE(refused({{"X-Forwarded-For", hop}})) << hop;
  EXPECT_TRUE(refused({{"X-Forwarded-For", "9.9.9.9"}, {"X-Forwarded-For", "9.9.9.9:1"}}));
  EXPECT_TRUE(refused({{"X-Forwarded-For", ""}}));
  EXPECT_TRUE(refused({{"X-Forwarded-For", " , "}}));
  // Only the last hop is judged: what a client claims before it is its own business.
  EXPECT_FALSE(refused({{"X-Forwarded-For", "garbage, 1.2.3.4"}}));
}

}  // namespace
}  // namespace accountsd::api
