#include "domain/card.hpp"

#include <gtest/gtest.h>

#include <string>

namespace accountsd::domain {
namespace {

// A 16-digit string starting with `prefix`, padded with zeros; only the prefix matters here.
std::string with_prefix(const std::string& prefix) {
  return prefix + std::string(16 - prefix.size(), '0');
}

TEST(BrandName, NamesEveryBrand) {
  EXPECT_EQ(brand_name(CardBrand::visa), "visa");
  EXPECT_EQ(brand_name(CardBrand::mastercard), "mastercard");
  EXPECT_EQ(brand_name(CardBrand::amex), "amex");
  EXPECT_EQ(brand_name(CardBrand::discover), "discover");
  EXPECT_EQ(brand_name(CardBrand::jcb), "jcb");
  EXPECT_EQ(brand_name(CardBrand::diners), "diners");
}

TEST(NormalizeCardNumber, KeepsPlainDigits) {
  EXPECT_EQ(normalize_card_number("4111111111111111"), "4111111111111111");
}

TEST(NormalizeCardNumber, RemovesSpacesAndDashes) {
  EXPECT_EQ(normalize_card_number("4111 1111 1111 1111"), "4111111111111111");
  EXPECT_EQ(normalize_card_number("4111-1111-1111-1111"), "4111111111111111");
  EXPECT_EQ(normalize_card_number(" 3782-822463 10005 "), "378282246310005");
  EXPECT_EQ(normalize_card_number("4111--1111  1111-1111"), "4111111111111111");
}

TEST(NormalizeCardNumber, AcceptsTwelveToNineteenDigits) {
  EXPECT_EQ(normalize_card_number("123456789012"), "123456789012");
  EXPECT_EQ(normalize_card_number("1234567890123456789"), "1234567890123456789");
  EXPECT_EQ(normalize_card_number("1234 5678 9012"), "123456789012");
}

TEST(NormalizeCardNumber, RejectsWrongDigitCounts) {
  EXPECT_EQ(normalize_card_number("12345678901"), std::nullopt);           // 11
  EXPECT_EQ(normalize_card_number("12345678901234567890"), std::nullopt);  // 20
  EXPECT_EQ(normalize_card_number("1234 5678 901"), std::nullopt);         // 11 once spaces go
  EXPECT_EQ(normalize_card_number(""), std::nullopt);
  EXPECT_EQ(normalize_card_number("    "), std::nullopt);
  EXPECT_EQ(normalize_card_number("------------"), std::nullopt);
}

TEST(NormalizeCardNumber, RejectsOtherCharacters) {
  EXPECT_EQ(normalize_card_number("4111111111111a11"), std::nullopt);
  EXPECT_EQ(normalize_card_number("4111.1111.1111.1111"), std::nullopt);
  EXPECT_EQ(normalize_card_number("4111\t1111\t1111\t1111"), std::nullopt);
  EXPECT_EQ(normalize_card_number("+4111111111111111"), std::nullopt);
  EXPECT_EQ(normalize_card_number("\xEF\xBC\x94"
                                  "111111111111111"),
            std::nullopt);  // fullwidth 4
  EXPECT_EQ(normalize_card_number(std::string_view("4111111111111111\0", 17)), std::nullopt);
}

TEST(Luhn, AcceptsKnownTestNumbers) {
  EXPECT_TRUE(luhn_valid("378282246310005"));   // amex
  EXPECT_TRUE(luhn_valid("4111111111111111"));  // visa
  EXPECT_TRUE(luhn_valid("5555555555554444"));  // mastercard
  EXPECT_TRUE(luhn_valid("6011111111111117"));  // discover
  EXPECT_TRUE(luhn_valid("3530111333300000"));  // jcb
  EXPECT_TRUE(luhn_valid("30569309025904"));    // diners
}

// The sandbox's special numbers are only reachable past the Luhn row if they pass Luhn.
TEST(Luhn, AcceptsSandboxTestNumbers) {
  EXPECT_TRUE(luhn_valid("4000000000000002"));
  EXPECT_TRUE(luhn_valid("4000000000000127"));
  EXPECT_TRUE(luhn_valid("4000000000000069"));
  EXPECT_TRUE(luhn_valid("4000000000000119"));
}

TEST(Luhn, RejectsWrongCheckDigit) {
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_FALSE(luhn_valid("378282246310006"));
  EXPECT_FALSE(luhn_valid("4000000000000001"));
}

TEST(Luhn, DoublesEverySecondDigitFromTheRight) {
  EXPECT_TRUE(luhn_valid("18"));   // 1*2 + 8 = 10
  EXPECT_FALSE(luhn_valid("81"));  // 8*2-9 + 1 = 8
  EXPECT_TRUE(luhn_valid("59"));   // 5*2-9 + 9 = 10
  EXPECT_TRUE(luhn_valid("0"));
}

TEST(Luhn, RejectsEmptyAndNonDigits) {
  EXPECT_FALSE(luhn_valid(""));
  EXPECT_FALSE(luhn_valid("4111 1111 1111 1111"));
  EXPECT_FALSE(luhn_valid("4111-1111-1111-1111"));
  EXPECT_FALSE(luhn_valid("a"));
}

TEST(CardBrand, RecognisesKnownTestNumbers) {
  EXPECT_EQ(card_brand("378282246310005"), CardBrand::amex);
  EXPECT_EQ(card_brand("4111111111111111"), CardBrand::visa);
  EXPECT_EQ(card_brand("5555555555554444"), CardBrand::mastercard);
  EXPECT_EQ(card_brand("6011111111111117"), CardBrand::discover);
  EXPECT_EQ(card_brand("3530111333300000"), CardBrand::jcb);
  EXPECT_EQ(card_brand("30569309025904"), CardBrand::diners);
}

TEST(CardBrand, Visa) {
  EXPECT_EQ(card_brand(with_prefix("4")), CardBrand::visa);
  EXPECT_EQ(card_brand(with_prefix("49")), CardBrand::visa);
}

TEST(CardBrand, MastercardFiftyOneToFiftyFive) {
  EXPECT_EQ(card_brand(with_prefix("50")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("51")), CardBrand::mastercard);
  EXPECT_EQ(card_brand(with_prefix("53")), CardBrand::mastercard);
  EXPECT_EQ(card_brand(with_prefix("55")), CardBrand::mastercard);
  EXPECT_EQ(card_brand(with_prefix("56")), std::nullopt);
}

TEST(CardBrand, MastercardTwoSeriesBoundaries) {
  EXPECT_EQ(card_brand(with_prefix("2220")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("2221")), CardBrand::mastercard);
  EXPECT_EQ(card_brand(with_prefix("2500")), CardBrand::mastercard);
  EXPECT_EQ(card_brand(with_prefix("2720")), CardBrand::mastercard);
  EXPECT_EQ(card_brand(with_prefix("2721")), std::nullopt);
  EXPECT_EQ(card_brand("2223000048400011"), CardBrand::mastercard);  // a published test card
}

TEST(CardBrand, Amex) {
  EXPECT_EQ(card_brand(with_prefix("34")), CardBrand::amex);
  EXPECT_EQ(card_brand(with_prefix("37")), CardBrand::amex);
  EXPECT_EQ(card_brand(with_prefix("33")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("39")), std::nullopt);
}

TEST(CardBrand, Discover) {
  EXPECT_EQ(card_brand(with_prefix("6011")), CardBrand::discover);
  EXPECT_EQ(card_brand(with_prefix("6010")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("6012")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("65")), CardBrand::discover);
  EXPECT_EQ(card_brand(with_prefix("643")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("644")), CardBrand::discover);
  EXPECT_EQ(card_brand(with_prefix("647")), CardBrand::discover);
  EXPECT_EQ(card_brand(with_prefix("649")), CardBrand::discover);
  EXPECT_EQ(card_brand(with_prefix("66")), std::nullopt);
}

TEST(CardBrand, JcbBoundaries) {
  EXPECT_EQ(card_brand(with_prefix("3527")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("3528")), CardBrand::jcb);
  EXPECT_EQ(card_brand(with_prefix("3589")), CardBrand::jcb);
  EXPECT_EQ(card_brand(with_prefix("3590")), std::nullopt);
}

TEST(CardBrand, DinersBoundaries) {
  EXPECT_EQ(card_brand(with_prefix("36")), CardBrand::diners);
  EXPECT_EQ(card_brand(with_prefix("38")), CardBrand::diners);
  EXPECT_EQ(card_brand(with_prefix("300")), CardBrand::diners);
  EXPECT_EQ(card_brand(with_prefix("305")), CardBrand::diners);
  EXPECT_EQ(card_brand(with_prefix("306")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("309")), std::nullopt);
}

TEST(CardBrand, UnknownPrefixes) {
  EXPECT_EQ(card_brand(with_prefix("0")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("1")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("7")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("8")), std::nullopt);
  EXPECT_EQ(card_brand(with_prefix("9")), std::nullopt);
}

TEST(CardBrand, ShortOrNonDigitInput) {
  EXPECT_EQ(card_brand(""), std::nullopt);
  EXPECT_EQ(card_brand("4"), CardBrand::visa);
  EXPECT_EQ(card_brand("3"), std::nullopt);    // too short to tell
  EXPECT_EQ(card_brand("601"), std::nullopt);  // too short for 6011
  EXPECT_EQ(card_brand("4111 1111 1111 1111"), std::nullopt);
  EXPECT_EQ(card_brand("x4111111111111111"), std::nullopt);
}

TEST(SecurityCode, AmexNeedsFourDigits) {
  EXPECT_TRUE(valid_security_code("1234", CardBrand::amex));
  EXPECT_FALSE(valid_security_code("123", CardBrand::amex));
  EXPECT_FALSE(valid_security_code("12345", CardBrand::amex));
}

TEST(SecurityCode, OtherBrandsNeedThreeDigits) {
  for (const CardBrand brand : {CardBrand::visa, CardBrand::mastercard, CardBrand::discover,
                                CardBrand::jcb, CardBrand::diners}) {
    SCOPED_TRACE(brand_name(brand));
    EXPECT_TRUE(valid_security_code("123", brand));
    EXPECT_TRUE(valid_security_code("000", brand));
    EXPECT_FALSE(valid_security_code("12", brand));
    EXPECT_FALSE(valid_security_code("1234", brand));
  }
}

TEST(SecurityCode, UnknownBrandTakesThreeOrFour) {
  EXPECT_TRUE(valid_security_code("123", std::nullopt));
  EXPECT_TRUE(valid_security_code("1234", std::nullopt));
  EXPECT_FALSE(valid_security_code("12", std::nullopt));
  EXPECT_FALSE(valid_security_code("12345", std::nullopt));
}

TEST(SecurityCode, RejectsNonDigits) {
  EXPECT_FALSE(valid_security_code("", CardBrand::visa));
  EXPECT_FALSE(valid_security_code("", std::nullopt));
  EXPECT_FALSE(valid_security_code("12a", CardBrand::visa));
  EXPECT_FALSE(valid_security_code("12 3", CardBrand::amex));
  EXPECT_FALSE(valid_security_code(" 123", CardBrand::visa));
  EXPECT_FALSE(valid_security_code("-123", std::nullopt));
}

TEST(Last4, TakesTheLastFourDigits) {
  EXPECT_EQ(last4("378282246310005"), "0005");
  EXPECT_EQ(last4("4111111111111111"), "1111");
  EXPECT_EQ(last4("1234"), "1234");
}

TEST(Last4, ShortInputIsReturnedWhole) {
  EXPECT_EQ(last4("123"), "123");
  EXPECT_EQ(last4(""), "");
}

}  // namespace
}  // namespace accountsd::domain
