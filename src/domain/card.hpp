// Payment card rules: number normalisation, Luhn check, brand by prefix, security code length.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace accountsd::domain {

// Card brands the service recognises (spec A.3).
enum class CardBrand { visa, mastercard, amex, discover, jcb, diners };

// The brand's name as GET /partner/billing shows it, e.g. "amex".
std::string_view brand_name(CardBrand brand);

// Removes ASCII spaces and dashes; returns the digits if 12–19 ASCII digits remain, else nullopt.
std::optional<std::string> normalize_card_number(std::string_view raw);

// True if `digits` is a non-empty string of ASCII digits that passes the Luhn (mod 10) check.
bool luhn_valid(std::string_view digits);

// The brand whose prefix `digits` starts with, or nullopt (also for any non-digit input).
std::optional<CardBrand> card_brand(std::string_view digits);

// All ASCII digits: exactly 4 for amex, 3 for other known brands, 3 or 4 for an unknown brand.
bool valid_security_code(std::string_view code, std::optional<CardBrand> brand);

// The last four characters of `digits` (all of them if there are fewer than four).
std::string last4(std::string_view digits);

}  // namespace accountsd::domain
