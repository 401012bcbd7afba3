#include "domain/country.hpp"

#include <gtest/gtest.h>

#include <string>

namespace accountsd::domain {
namespace {

TEST(CanonicalCountry, AcceptsAssignedCodesInAnyCase) {
  EXPECT_EQ(canonical_country("US"), "US");
  EXPECT_EQ(canonical_country("us"), "US");
  EXPECT_EQ(canonical_country("gb"), "GB");
  EXPECT_EQ(canonical_country("Gb"), "GB");
  EXPECT_EQ(canonical_country("gB"), "GB");
  EXPECT_EQ(canonical_country("AD"), "AD");  // first in the list
  EXPECT_EQ(canonical_country("zw"), "ZW");  // last in the list
}

TEST(CanonicalCountry, AcceptsRecentlyAssignedCodes) {
  EXPECT_EQ(canonical_country("SS"), "SS");  // South Sudan, 2011
  EXPECT_EQ(canonical_country("BQ"), "BQ");  // Bonaire, Sint Eustatius and Saba, 2010
  EXPECT_EQ(canonical_country("CW"), "CW");
  EXPECT_EQ(canonical_country("SX"), "SX");
  EXPECT_EQ(canonical_country("AX"), "AX");
  EXPECT_EQ(canonical_country("TW"), "TW");
  EXPECT_EQ(canonical_country("PS"), "PS");
}

TEST(CanonicalCountry, RejectsUnassignedAndReservedCodes) {
  for (const char* code : {"XX", "UK", "EU", "EL", "XK", "AN", "CS", "YU", "SU", "ZZ", "AA", "QM",
                           "UN", "EZ", "AC", "TA"}) {
    EXPECT_EQ(canonical_country(code), std::nullopt) << code;
  }
}

TEST(CanonicalCountry, RejectsOtherShapes) {
  for (const char* code : {"", "U", "USA", "U S", " US", "US ", "U1", "12", "u.", "--"}) {
    EXPECT_EQ(canonical_country(code), std::nullopt) << '"' << code << '"';
  }
  EXPECT_EQ(canonical_country(std::string_view("U\0", 2)), std::nullopt);
  EXPECT_EQ(canonical_country("\xC3\x9C"), std::nullopt);  // "Ü" is two bytes
}

// ISO 3166-1 currently has 249 officially assigned alpha-2 codes. Trying every two-letter
// combination also catches a lookup table that is out of order.
TEST(CanonicalCountry, ExactlyTheOfficialCodesAreAccepted) {
  int accepted = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      const std::string code{a, b};
      const auto result = canonical_country(code);
      if (result) {
        ++accepted;
        EXPECT_EQ(*result, code);
        const std::string lower{static_cast<char>(a - 'A' + 'a'), static_cast<char>(b - 'A' + 'a')};
        EXPECT_EQ(canonical_country(lower), code);
      }
    }
  }
  EXPECT_EQ(accepted, 249);
}

}  // namespace
}  // namespace accountsd::domain
