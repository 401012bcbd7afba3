#include "domain/card.hpp"

#include <algorithm>

namespace accountsd::domain {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), is_digit);
}

// The number formed by the first `n` digits, or -1 when `digits` is shorter than `n`.
int prefix_value(std::string_view digits, std::size_t n) {
  if (digits.size() < n) return -1;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) value = value * 10 + (digits[i] - '0');
  return value;
}

bool prefix_in(std::string_view digits, std::size_t n, int low, int high) {
  const int value = prefix_value(digits, n);
  return value >= low && value <= high;
}

}  // namespace

std::string_view brand_name(CardBrand brand) {
  switch (brand) {
    case CardBrand::visa:
      return "visa";
    case CardBrand::mastercard:
      return "mastercard";
    case CardBrand::amex:
      return "amex";
    case CardBrand::discover:
      return "discover";
    case CardBrand::jcb:
      return "jcb";
    case CardBrand::diners:
      return "diners";
  }
  return "unknown";
}

std::optional<std::string> normalize_card_number(std::string_view raw) {
  std::string digits;
  digits.reserve(raw.size());
  for (const char c : raw) {
    if (c == ' ' || c == '-') continue;
    if (!is_digit(c)) return std::nullopt;
    digits.push_back(c);
  }
  if (digits.size() < 12 || digits.size() > 19) return std::nullopt;
  return digits;
}

bool luhn_valid(std::string_view digits) {
  if (digits.empty() || !all_digits(digits)) return false;
  int sum = 0;
  bool double_it = false;  // Doubling starts with the second digit from the right.
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  return sum % 10 == 0;
}

std::optional<CardBrand> card_brand(std::string_view digits) {
  if (digits.empty() || !all_digits(digits)) return std::nullopt;
  if (prefix_in(digits, 1, 4, 4)) return CardBrand::visa;
  if (prefix_in(digits, 2, 51, 55) || prefix_in(digits, 4, 2221, 2720)) {
    return CardBrand::mastercard;
  }
  if (prefix_in(digits, 2, 34, 34) || prefix_in(digits, 2, 37, 37)) return CardBrand::amex;
  if (prefix_in(digits, 4, 6011, 6011) || prefix_in(digits, 2, 65, 65) ||
      prefix_in(digits, 3, 644, 649)) {
    return CardBrand::discover;
  }
  if (prefix_in(digits, 4, 3528, 3589)) return CardBrand::jcb;
  if (prefix_in(digits, 2, 36, 36) || prefix_in(digits, 2, 38, 38) ||
      prefix_in(digits, 3, 300, 305)) {
    return CardBrand::diners;
  }
  return std::nullopt;
}

bool valid_security_code(std::string_view code, std::optional<CardBrand> brand) {
  if (!all_digits(code)) return false;
  if (!brand) return code.size() == 3 || code.size() == 4;
  return code.size() == (*brand == CardBrand::amex ? 4U : 3U);
}

std::string last4(std::string_view digits) {
  return std::string(digits.substr(digits.size() > 4 ? digits.size() - 4 : 0));
}

}  // namespace accountsd::domain
