#include "billing/sandbox_card_processor.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <regex>
#include <string>

#include "domain/card.hpp"

namespace accountsd::billing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::year;

constexpr const char* kInvalidNumber = "Invalid Credit Card Number";
constexpr const char* kExpired = "Card is Expired";

// The last second of 31 March 2025, UTC.
const std::chrono::system_clock::time_point kNow =
    sys_days{year{2025} / month{3} / 31} + hours{23} + minutes{59} + seconds{59};

class SandboxCardProcessorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_GE(sodium_init(), 0); }

  CardDecision authorize(const std::string& number, int month, int year,
                         std::chrono::system_clock::time_point now = kNow) {
    return processor_.authorize(CardDetails{number, "123", month, year}, now);
  }

  SandboxCardProcessor processor_;
};

void expect_declined(const CardDecision& decision, const std::string& code,
                     const std::string& reason) {
  EXPECT_FALSE(decision.approved);
  EXPECT_EQ(decision.code, code);
  EXPECT_EQ(decision.reason, reason);
  EXPECT_TRUE(decision.token.empty());
}

void expect_approved(const CardDecision& decision) {
  EXPECT_TRUE(decision.approved);
  EXPECT_EQ(decision.code, "00");
  EXPECT_EQ(decision.reason, "Approved");
  EXPECT_TRUE(std::regex_match(decision.token, std::regex("sbx_[0-9a-f]{32}"))) << decision.token;
}

TEST_F(SandboxCardProcessorTest, ApprovesEveryBrandsTestCard) {
  for (const char* number :
       {"378282246310005", "4111111111111111", "5555555555554444", "6011111111111117",
        "3530111333300000", "30569309025904", "2223000048400011"}) {
    SCOPED_TRACE(number);
    expect_approved(authorize(number, 12, 2030));
  }
}

TEST_F(SandboxCardProcessorTest, TokensAreRandom) {
  const CardDecision first = authorize("4111111111111111", 12, 2030);
  const CardDecision second = authorize("4111111111111111", 12, 2030);
  expect_approved(first);
  expect_approved(second);
  EXPECT_NE(first.token, second.token);
}

TEST_F(SandboxCardProcessorTest, LuhnFailureIsInvalidNumber) {
  expect_declined(authorize("4111111111111112", 12, 2030), "14", kInvalidNumber);
  expect_declined(authorize("378282246310006", 12, 2030), "14", kInvalidNumber);
}

TEST_F(SandboxCardProcessorTest, UnknownBrandIsInvalidNumber) {
  // Luhn-valid numbers whose prefixes belong to no known brand.
  for (const char* number : {"1234567812345670", "9999999999999995", "2220000000000000",
                             "2721000000000004", "3060000000000001", "3590000000000000",
                             "5000000000000009", "6430000000000007", "7000000000000005"}) {
    SCOPED_TRACE(number);
    ASSERT_TRUE(domain::luhn_valid(number));
    ASSERT_FALSE(domain::card_brand(number).has_value());
    expect_declined(authorize(number, 12, 2030), "14", kInvalidNumber);
  }
}

TEST_F(SandboxCardProcessorTest, MalformedNumberIsInvalidNumber) {
  for (const char* number : {"", "abc", "4111 1111 1111 1111", "4111-1111-1111-1111",
                             "4111111111111111 ", "411111111111111a"}) {
    SCOPED_TRACE(number);
    expect_declined(authorize(number, 12, 2030), "14", kInvalidNumber);
  }
}

// Decision: the sandbox also insists on 12–19 digits, so that a short Luhn-valid string such
// as "42" is never approved even if a caller skipped normalize_card_number().
TEST_F(SandboxCardProcessorTest, NumberLengthIsTwelveToNineteenDigits) {
  for (const char* number : {"42", "40000000006", "40000000000000000002"}) {  // 2, 11, 20
    SCOPED_TRACE(number);
    ASSERT_TRUE(domain::luhn_valid(number));
    expect_declined(authorize(number, 12, 2030), "14", kInvalidNumber);
  }
  for (const char* number : {"400000000002", "4000000000006", "4000000000000000006"}) {
    SCOPED_TRACE(number);  // 12, 13, 19
    expect_approved(authorize(number, 12, 2030));
  }
}

TEST_F(SandboxCardProcessorTest, SameMonthIsNotExpired) {
  expect_approved(authorize("4111111111111111", 3, 2025));
  // Also at the very first second of the month.
  expect_approved(authorize("4111111111111111", 3, 2025, sys_days{year{2025} / month{3} / 1}));
}

TEST_F(SandboxCardProcessorTest, PreviousMonthIsExpired) {
  expect_declined(authorize("4111111111111111", 2, 2025), "33", kExpired);
  expect_declined(authorize("4111111111111111", 12, 2024), "33", kExpired);
  expect_declined(authorize("378282246310005", 8, 2016), "33", kExpired);  // the spec's example
}

TEST_F(SandboxCardProcessorTest, LaterMonthsAreNotExpired) {
  expect_approved(authorize("4111111111111111", 4, 2025));
  expect_approved(authorize("4111111111111111", 1, 2026));
  expect_approved(authorize("4111111111111111", 12, 2099));
}

TEST_F(SandboxCardProcessorTest, MonthTurnsOverAtMidnightUtc) {
  const auto last_second_of_march = sys_days{year{2025} / month{4} / 1} - seconds{1};
  const auto first_second_of_april = sys_days{year{2025} / month{4} / 1};
  expect_approved(authorize("4111111111111111", 3, 2025, last_second_of_march));
  expect_declined(authorize("4111111111111111", 3, 2025, first_second_of_april), "33", kExpired);
}

TEST_F(SandboxCardProcessorTest, YearTurnsOver) {
  const auto new_year = sys_days{year{2026} / month{1} / 1};
  expect_declined(authorize("4111111111111111", 12, 2025, new_year), "33", kExpired);
  expect_approved(authorize("4111111111111111", 1, 2026, new_year));
}

// Months outside 1–12 are rejected as 400 before the processor is asked; if one gets here
// anyway it is declined rather than read as some other month.
TEST_F(SandboxCardProcessorTest, ImpossibleMonthIsExpired) {
  expect_declined(authorize("4111111111111111", 0, 2030), "33", kExpired);
  expect_declined(authorize("4111111111111111", 13, 2030), "33", kExpired);
  expect_declined(authorize("4111111111111111", -1, 2030), "33", kExpired);
}

TEST_F(SandboxCardProcessorTest, SpecialTestNumbers) {
  expect_declined(authorize("4000000000000002", 12, 2030), "05", "Do Not Honor");
  expect_declined(authorize("4000000000000127", 12, 2030), "04", "Pickup");
  expect_declined(authorize("4000000000000069", 12, 2030), "33", kExpired);
  expect_declined(authorize("4000000000000119", 12, 2030), "06", "Other Error");
}

// The special numbers must pass the number row, or their own rows could never be reached.
TEST_F(SandboxCardProcessorTest, SpecialTestNumbersAreValidVisaNumbers) {
  for (const char* number :
       {"4000000000000002", "4000000000000127", "4000000000000069", "4000000000000119"}) {
    SCOPED_TRACE(number);
    EXPECT_TRUE(domain::luhn_valid(number));
    EXPECT_EQ(domain::card_brand(number), domain::CardBrand::visa);
  }
}

TEST_F(SandboxCardProcessorTest, NeighboursOfSpecialNumbersAreNotSpecial) {
  expect_approved(authorize("4000000000000010", 12, 2030));
  expect_declined(authorize("4000000000000003", 12, 2030), "14", kInvalidNumber);
}

TEST_F(SandboxCardProcessorTest, ExpiryIsCheckedBeforeSpecialNumbers) {
  expect_declined(authorize("4000000000000002", 2, 2025), "33", kExpired);
  expect_declined(authorize("4000000000000127", 2, 2025), "33", kExpired);
  expect_declined(authorize("4000000000000119", 2, 2025), "33", kExpired);
  expect_declined(authorize("4000000000000069", 2, 2025), "33", kExpired);
}

TEST_F(SandboxCardProcessorTest, NumberIsCheckedBeforeExpiry) {
  expect_declined(authorize("4111111111111112", 2, 2025), "14", kInvalidNumber);
  expect_declined(authorize("7000000000000005", 2, 2025), "14", kInvalidNumber);
  expect_declined(authorize("", 0, 0), "14", kInvalidNumber);
}

TEST_F(SandboxCardProcessorTest, SecurityCodeIsNotJudgedHere) {
  // Its length is validated (400) before the processor is asked.
  const CardDecision decision =
      processor_.authorize(CardDetails{"4111111111111111", "", 12, 2030}, kNow);
  expect_approved(decision);
}

TEST_F(SandboxCardProcessorTest, UsableThroughTheInterface) {
  SandboxCardProcessor sandbox;
  CardProcessor& processor = sandbox;
  expect_approved(processor.authorize(CardDetails{"4111111111111111", "123", 3, 2025}, kNow));
}

}  // namespace
}  // namespace accountsd::billing
