// Writes JSON text straight into a string, without building a document first: the user list
// spent ~15% of each request building a boost::json DOM only to serialize it (issue 11).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace accountsd::http {

// Appends to `out`. Commas are placed by the writer: call key() before each member's value and
// nothing between array elements. Nesting is limited to kMaxDepth levels, which our shapes never
// approach; deeper use is a programming error and throws std::logic_error.
class JsonWriter {
 public:
  static constexpr int kMaxDepth = 32;

  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The member's name, copied as it is: names are our own literals, which need no escape.
  // Its value follows.
  JsonWriter& key(std::string_view name) {
    // One append for the comma, the quoted name and the colon: a list page writes thousands.
    char buffer[64];
    std::size_t used = 0;
    if (after_key_ || name.size() > sizeof buffer - 4) return long_key(name);
    if (!first_[depth_]) buffer[used++] = ',';
    first_[depth_] = false;
    buffer[used++] = '"';
    std::memcpy(buffer + used, name.data(), name.size());
    used += name.size();
    buffer[used++] = '"';
    buffer[used++] = ':';
    out_.append(buffer, used);
    after_key_ = true;
    return *this;
  }

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(std::int64_t(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // A value that is already JSON text, copied as it is: the caller vouches that it is valid.
  JsonWriter& raw(std::string_view json);
  template <typename T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : null();
  }

  // key(name).value(v) in one call.
  template <typename T>
  JsonWriter& member(std::string_view name, const T& v) {
    return key(name).value(v);
  }

 private:
  JsonWriter& long_key(std::string_view name);
  // The comma before a value or key, when it is not the first.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_[depth_]) out_.push_back(',');
    first_[depth_] = false;
  }
  void open(char bracket);
  void close(char bracket);

  std::string& out_;
  int depth_ = 0;
  bool first_[kMaxDepth + 1] = {true};
  bool after_key_ = false;
};

// `text` as a JSON string literal (quotes included), appended to `out`: `"`, `\` and control
// characters escaped; other bytes, UTF-8 included, copied as they are.
void append_json_string(std::string& out, std::string_view text);

}  // namespace accountsd::http
