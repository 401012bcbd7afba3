// A JSON text writer with no document in between; see json_writer.hpp.
#include "http/json_writer.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

namespace accountsd::http {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// The escape for each byte, or 0 when it is copied as it is; 'u' means \u00XX.
constexpr std::array<char, 256> kEscapes = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['"'] = '"';
  table['\\'] = '\\';
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  return table;
}();

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  // Most text needs no escape: find the first byte that does before copying anything.
  const char* p = text.data();
  const char* const end = p + text.size();
  out.push_back('"');
  while (true) {
    const char* run = p;
    while (p != end && kEscapes[static_cast<unsigned char>(*p)] == 0) ++p;
    out.append(run, p);
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p++);
    const char escape = kEscapes[c];
    if (escape == 'u') {
      const char code[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      out.append(code, sizeof code);
    } else {
      const char code[] = {'\\', escape};
      out.append(code, sizeof code);
    }
  }
  out.push_back('"');
}

void JsonWriter::open(char bracket) {
  separate();
  if (depth_ == kMaxDepth) throw std::logic_error("JsonWriter: nested too deeply");
  out_.push_back(bracket);
  first_[++depth_] = true;
}

void JsonWriter::close(char bracket) {
  if (depth_ == 0) throw std::logic_error("JsonWriter: nothing to close");
  --depth_;
  out_.push_back(bracket);
}

JsonWriter& JsonWriter::begin_object() {
  open('{');
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  close('}');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  open('[');
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  close(']');
  return *this;
}

JsonWriter& JsonWriter::long_key(std::string_view name) {
  if (after_key_) throw std::logic_error("JsonWriter: a key where a value belongs");
  separate();
  out_.push_back('"');
  out_.append(name);
  out_.append("\":", 2);
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  separate();
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  out_.append(digits, end);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  out_.append(flag ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
  return *this;
}

}  // namespace accountsd::http
