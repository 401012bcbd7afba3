#include "domain/text.hpp"

#include <algorithm>
#include <cstdio>

namespace accountsd::domain {

std::size_t code_points(std::string_view utf8) {
  // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  });
}

std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i) {
  static constexpr char32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
  const std::size_t start = i++;
  auto lead = static_cast<unsigned char>(text[start]);
  std::size_t extra = 0;
  char32_t code = 0;
  if (lead < 0x80) return lead;
  if ((lead & 0xE0U) == 0xC0U) {
    extra = 1, code = lead & 0x1FU;
  } else if ((lead & 0xF0U) == 0xE0U) {
    extra = 2, code = lead & 0x0FU;
  } else if ((lead & 0xF8U) == 0xF0U) {
    extra = 3, code = lead & 0x07U;
  } else {
    return std::nullopt;
  }
  if (start + extra >= text.size()) return std::nullopt;
  for (std::size_t k = 1; k <= extra; ++k) {
    auto next = static_cast<unsigned char>(text[start + k]);
    if ((next & 0xC0U) != 0x80U) return std::nullopt;
    code = (code << 6) | (next & 0x3FU);
  }
  if (code < kSmallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
    return std::nullopt;
  i = start + extra + 1;
  return code;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();)
    if (!next_code_point(text, i)) return false;
  return true;
}

bool fits_text_kind(std::string_view text, TextKind kind) {
  for (std::size_t i = 0; i < text.size();) {
    auto c = next_code_point(text, i);
    if (!c) return false;
    if (!is_control(*c)) continue;
    if (kind == TextKind::multi_line && (*c == '\t' || *c == '\n')) continue;
    return false;
  }
  return true;
}

std::string escape_controls(std::string_view text, EscapeStyle style) {
  const bool json = style == EscapeStyle::json;
  std::string out;
  out.reserve(text.size());
  char escape[8];
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    auto c = next_code_point(text, i);
    if (!c) {
      if (json) {
        out += "\\ufffd";
        continue;
      }
      std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(text[start]));
      out += escape;
    } else if (!is_control(*c)) {
      out.append(text.substr(start, i - start));
    } else if (json || (*c > 0x7F)) {
      std::snprintf(escape, sizeof escape, "\\u%04x", unsigned(*c));
      out += escape;
    } else if (*c == '\n' || *c == '\t' || *c == '\r') {
      out += *c == '\n' ? "\\n" : *c == '\t' ? "\\t" : "\\r";
    } else {
      std::snprintf(escape, sizeof escape, "\\x%02x", unsigned(*c));
      out += escape;
    }
  }
  return out;
}

}  // namespace accountsd::domain
