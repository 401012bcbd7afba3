#include "billing/sandbox_card_processor.hpp"

#include <array>
#include <string_view>

#include <sodium.h>

#include "domain/card.hpp"

namespace accountsd::billing {
namespace {

constexpr std::size_t kMinNumberLength = 12;
constexpr std::size_t kMaxNumberLength = 19;
constexpr std::size_t kTokenBytes = 16;

struct TestNumber {
  std::string_view number;
  std::string_view code;
  std::string_view reason;
};

// Numbers that the sandbox declines on purpose, so clients can exercise each outcome.
constexpr std::array<TestNumber, 4> kTestNumbers{{
    {"4000000000000002", "05", "Do Not Honor"},
    {"4000000000000127", "04", "Pickup"},
    {"4000000000000069", "33", "Card is Expired"},
    {"4000000000000119", "06", "Other Error"},
}};

CardDecision decline(std::string_view code, std::string_view reason) {
  return CardDecision{false, std::string(code), std::string(reason), {}};
}

bool valid_number(const std::string& number) {
  return number.size() >= kMinNumberLength && number.size() <= kMaxNumberLength &&
         domain::luhn_valid(number) && domain::card_brand(number).has_value();
}

// A month outside 1–12 counts as expired: no such card can be charged.
bool expired(const CardDetails& card, std::chrono::system_clock::time_point now) {
  if (card.expiration_month < 1 || card.expiration_month > 12) return true;
  // system_clock counts Unix time, so its calendar date is the date in UTC.
  const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(now)};
  const long long current = static_cast<long long>(static_cast<int>(today.year())) * 12 +
                            static_cast<unsigned>(today.month());
  const long long expiry =
      static_cast<long long>(card.expiration_year) * 12 + card.expiration_month;
  return expiry < current;
}

std::string new_token() {
  std::array<unsigned char, kTokenBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, kTokenBytes * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  return "sbx_" + std::string(hex.data(), kTokenBytes * 2);
}

}  // namespace

CardDecision SandboxCardProcessor::authorize(const CardDetails& card,
                                             std::chrono::system_clock::time_point now) {
  if (!valid_number(card.number)) return decline("14", "Invalid Credit Card Number");
  if (expired(card, now)) return decline("33", "Card is Expired");
  for (const TestNumber& test : kTestNumbers) {
    if (card.number == test.number) return decline(test.code, test.reason);
  }
  return CardDecision{true, "00", "Approved", new_token()};
}

}  // namespace accountsd::billing
