// Typed readers for JSON body fields and query parameters, collecting every problem into one 400.
#pragma once

#include <boost/container/small_vector.hpp>
#include <boost/json/object.hpp>
#include <boost/url/params_view.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/text.hpp"

namespace accountsd::api {

// Inclusive bounds for an integer field.
struct IntRange {
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

// Inclusive bounds on a string's length in Unicode code points.
struct Length {
  std::size_t min = 0;
  std::size_t max = std::numeric_limits<std::size_t>::max();
};

// Field present with a value, present as null, or absent: for "X or null" fields in a patch.
template <typename T>
using Nullable = std::optional<std::optional<T>>;

// Gathers problems as (field, explanation) and throws one bad_request naming them all.
class Problems {
 public:
  void add(std::string field, std::string explanation);
  bool empty() const { return fields_.empty(); }
  bool has(std::string_view field) const;
  // Throws accountsd::Error(bad_request) when any problem was recorded.
  void throw_if_any() const;

 private:
  std::vector<std::string> fields_;
  std::vector<std::string> explanations_;
};

// Reads fields of a JSON request object; unknown fields are problems too (see finish()).
class JsonParams {
 public:
  explicit JsonParams(const boost::json::object& body) : body_(body), asked_(body.size(), false) {}

  bool has(std::string_view key) const { return body_.contains(key); }

  // Every string is text of `kind` (A.1): one line by default, as nearly every field is, so
  // that no control character reaches the database or an operator's terminal unasked.
  std::optional<std::string> string(std::string_view key, Length length, bool required,
                                    domain::TextKind kind = domain::TextKind::one_line);
  Nullable<std::string> nullable_string(std::string_view key, Length length);
  std::optional<std::int64_t> integer(std::string_view key, IntRange range, bool required);
  Nullable<std::int64_t> nullable_integer(std::string_view key, IntRange range);
  std::optional<bool> boolean(std::string_view key, bool required);
  // A list of one-line strings, each within `item`, with `items` entries.
  std::optional<std::vector<std::string>> string_list(std::string_view key, Length items,
                                                      Length item, bool required);
  // Marks `key` as known, so finish() does not report it; the caller checks its value itself.
  void known(std::string_view key) { ask(key); }
  // Marks `key` as known but not allowed here, with a reason.
  void refuse(std::string_view key, std::string explanation);
  // Records a problem found by a rule outside this reader.
  void problem(std::string field, std::string explanation) {
    problems_.add(std::move(field), std::move(explanation));
  }
  bool failed(std::string_view key) const { return problems_.has(key); }

  // Reports unknown fields and throws one 400 for everything found; call after reading all fields.
  void finish();

 private:
  const boost::json::value* take(std::string_view key, bool required);
  // The body's member named `key`, if any, marked as asked for.
  const boost::json::value* ask(std::string_view key);
  const boost::json::object& body_;
  // Which of the body's members a reader asked for, by position: finish() reports the others.
  // Kept by position rather than by name so that asking costs no allocation (a write's budget,
  // issue 13), whatever number of fields a reader knows.
  boost::container::small_vector<bool, 16> asked_;
  Problems problems_;
};

// Reads query parameters; undefined ones are ignored, a defined one repeated, empty or malformed is
// 400.
class QueryParams {
 public:
  explicit QueryParams(boost::urls::params_view params) : params_(params) {}

  std::optional<std::int64_t> integer(std::string_view key, IntRange range);
  std::optional<std::string> string(std::string_view key);
  // Records a problem found by a rule outside this reader.
  void problem(std::string field, std::string explanation) {
    problems_.add(std::move(field), std::move(explanation));
  }
  void finish() const { problems_.throw_if_any(); }

 private:
  std::optional<std::string> raw(std::string_view key);
  boost::urls::params_view params_;
  Problems problems_;
};

// Describes a range for messages: "an integer from 1 to 12", "an integer >= 0".
std::string describe(IntRange range);

}  // namespace accountsd::api
