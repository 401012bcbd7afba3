// Text measures and rules used by field validation and by the operator's output: code-point
// lengths, blank checks, UTF-8 well-formedness and control characters (A.1).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace accountsd::domain {

// Number of Unicode code points in `utf8`, which must already be valid UTF-8.
std::size_t code_points(std::string_view utf8);

// True if `text` is empty or holds only ASCII whitespace (space, \t, \n, \r, \v, \f).
bool is_blank(std::string_view text);

// The code point that starts at byte `i` of `text`, advancing `i` past it; nullopt (and `i` one
// byte on) for a malformed sequence: a stray or missing continuation byte, an overlong form, a
// surrogate or a value past U+10FFFF.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i);

// True when `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

// Which control characters a text field may hold (A.1): a one-line field (names, usernames,
// emails, codes) none, a multi-line one (share descriptions) only tab and newline.
enum class TextKind { one_line, multi_line };

// True for the control characters of A.1: U+0000-U+001F and U+007F-U+009F.
constexpr bool is_control(char32_t c) {
  return c <= 0x1F || (c >= 0x7F && c <= 0x9F);
}

// True when `text` is valid UTF-8 and holds no control character that `kind` refuses.
bool fits_text_kind(std::string_view text, TextKind kind);

// How escape_controls writes what it escapes: for a person (\n, \t, \r, \x1b, \u0085, and
// \xff for a byte of a malformed sequence), or as JSON string escapes (\u001b, \u0085, and
// \ufffd for a malformed byte), which leave serialized JSON the same value.
enum class EscapeStyle { terminal, json };

// `text` as the operator's terminal may show it: every control character, and every byte of a
// malformed sequence, written as a visible escape, so that stored data can neither move the
// cursor, recolour the screen nor fake a line of output.
std::string escape_controls(std::string_view text, EscapeStyle style = EscapeStyle::terminal);

}  // namespace accountsd::domain
