#include "api/params.hpp"

#include <boost/beast/core/string.hpp>
#include <charconv>

#include "domain/text.hpp"
#include "error.hpp"

namespace accountsd::api {

void Problems::add(std::string field, std::string explanation) {
  if (has(field)) return;
  fields_.push_back(std::move(field));
  explanations_.push_back(std::move(explanation));
}

bool Problems::has(std::string_view field) const {
  for (const auto& f : fields_)
    if (f == field) return true;
  return false;
}

void Problems::throw_if_any() const {
  if (fields_.empty()) return;
  std::string reason;
  for (const auto& explanation : explanations_)
    reason += (reason.empty() ? "" : "; ") + explanation;
  throw bad_request(std::move(reason), fields_);
}

std::string describe(IntRange range) {
  constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
  constexpr auto highest = std::numeric_limits<std::int64_t>::max();
  if (range.min != lowest && range.max != highest)
    return "an integer from " + std::to_string(range.min) + " to " + std::to_string(range.max);
  if (range.min != lowest) return "an integer >= " + std::to_string(range.min);
  if (range.max != highest) return "an integer <= " + std::to_string(range.max);
  return "an integer";
}

namespace {

std::string describe(std::string_view what, Length length) {
  std::string text(what);
  if (length.max == std::numeric_limits<std::size_t>::max())
    return text + " of at least " + std::to_string(length.min) + " characters";
  return text + " of " + std::to_string(length.min) + " to " + std::to_string(length.max) +
         " characters";
}

bool fits(std::string_view text, Length length) {
  auto n = domain::code_points(text);
  return n >= length.min && n <= length.max;
}

// Why a string of the right length is still refused (A.1), for the 400's reason.
std::string describe_controls(std::string_view key, domain::TextKind kind) {
  return std::string(key) + (kind == domain::TextKind::one_line
                                 ? " must be one line of text, without control characters"
                                 : " must not hold control characters other than tab and newline");
}

// Console forms (C.1): browsers send numbers as strings and blank fields as "". These fields, and
// only these, accept those forms wherever they appear; every other field stays strict (A.1).
constexpr std::string_view kIdFields[] = {"group_id", "plan_id", "device_policy", "inherits_from"};
constexpr std::string_view kFormBooleanFields[] = {"enabled", "purgehold_active", "webapi_enable",
                                                   "check_domain", "force"};
constexpr std::string_view kBlankIsNullFields[] = {"omva_url",     "support_email", "ad_domain",
                                                   "admin_email",  "api_version",   "device_policy",
                                                   "inherits_from"};

template <std::size_t N>
bool listed(const std::string_view (&fields)[N], std::string_view key) {
  for (auto field : fields)
    if (field == key) return true;
  return false;
}

// A JSON integer; for an id field also a string of 1-18 ASCII digits ("6", never " 6" or "-1").
std::optional<std::int64_t> as_integer(std::string_view key, const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= std::uint64_t(std::numeric_limits<std::int64_t>::max()))
    return std::int64_t(v.get_uint64());
  if (v.is_string() && listed(kIdFields, key)) {
    std::string_view text = v.get_string();
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size() && text.front() != '-') return n;
  }
  return std::nullopt;
}

// true/false; for a console form boolean also "true"/"false" in any letter case.
std::optional<bool> as_boolean(std::string_view key, const boost::json::value& v) {
  if (v.is_bool()) return v.get_bool();
  if (v.is_string() && listed(kFormBooleanFields, key)) {
    std::string_view text = v.get_string();
    if (boost::beast::iequals(text, "true")) return true;
    if (boost::beast::iequals(text, "false")) return false;
  }
  return std::nullopt;
}

// JSON null; for a blank-is-null field also "" or a string of only whitespace.
bool is_null_form(std::string_view key, const boost::json::value& v) {
  return v.is_null() ||
         (v.is_string() && listed(kBlankIsNullFields, key) && domain::is_blank(v.get_string()));
}

}  // namespace

const boost::json::value* JsonParams::ask(std::string_view key) {
  auto found = body_.find(key);
  if (found == body_.end()) return nullptr;
  asked_[std::size_t(found - body_.begin())] = true;
  return &found->value();
}

const boost::json::value* JsonParams::take(std::string_view key, bool required) {
  const auto* v = ask(key);
  if (v == nullptr && required) problems_.add(std::string(key), std::string(key) + " is required");
  return v;
}

std::optional<std::string> JsonParams::string(std::string_view key, Length length, bool required,
                                              domain::TextKind kind) {
  const auto* v = take(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string() || !fits(v->get_string(), length)) {
    problems_.add(std::string(key), std::string(key) + " must be " + describe("a string", length));
    return std::nullopt;
  }
  if (!domain::fits_text_kind(v->get_string(), kind)) {
    problems_.add(std::string(key), describe_controls(key, kind));
    return std::nullopt;
  }
  return std::string(v->get_string());
}

Nullable<std::string> JsonParams::nullable_string(std::string_view key, Length length) {
  const auto* v = take(key, false);
  if (v == nullptr) return std::nullopt;
  if (is_null_form(key, *v)) return std::optional<std::string>();
  if (!v->is_string() || !fits(v->get_string(), length)) {
    problems_.add(std::string(key),
                  std::string(key) + " must be null or " + describe("a string", length));
    return std::nullopt;
  }
  if (!domain::fits_text_kind(v->get_string(), domain::TextKind::one_line)) {
    problems_.add(std::string(key), describe_controls(key, domain::TextKind::one_line));
    return std::nullopt;
  }
  return std::optional<std::string>(std::string(v->get_string()));
}

std::optional<std::int64_t> JsonParams::integer(std::string_view key, IntRange range,
                                                bool required) {
  const auto* v = take(key, required);
  if (v == nullptr) return std::nullopt;
  auto n = as_integer(key, *v);
  if (!n || *n < range.min || *n > range.max) {
    problems_.add(std::string(key), std::string(key) + " must be " + describe(range));
    return std::nullopt;
  }
  return n;
}

Nullable<std::int64_t> JsonParams::nullable_integer(std::string_view key, IntRange range) {
  const auto* v = take(key, false);
  if (v == nullptr) return std::nullopt;
  if (is_null_form(key, *v)) return std::optional<std::int64_t>();
  auto n = as_integer(key, *v);
  if (!n || *n < range.min || *n > range.max) {
    problems_.add(std::string(key), std::string(key) + " must be null or " + describe(range));
    return std::nullopt;
  }
  return std::optional<std::int64_t>(n);
}

std::optional<bool> JsonParams::boolean(std::string_view key, bool required) {
  const auto* v = take(key, required);
  if (v == nullptr) return std::nullopt;
  auto b = as_boolean(key, *v);
  if (!b) problems_.add(std::string(key), std::string(key) + " must be true or false");
  return b;
}

std::optional<std::vector<std::string>> JsonParams::string_list(std::string_view key, Length items,
                                                                Length item, bool required) {
  const auto* v = take(key, required);
  if (v == nullptr) return std::nullopt;
  auto complain = [&] {
    problems_.add(std::string(key),
                  std::string(key) + " must be a list of " + std::to_string(items.min) + " to " +
                      std::to_string(items.max) + " " + describe("strings", item));
    return std::nullopt;
  };
  if (!v->is_array()) return complain();
  const auto& array = v->get_array();
  if (array.size() < items.min || array.size() > items.max) return complain();
  std::vector<std::string> out;
  out.reserve(array.size());
  for (const auto& element : array) {
    if (!element.is_string() || !fits(element.get_string(), item)) return complain();
    if (!domain::fits_text_kind(element.get_string(), domain::TextKind::one_line)) {
      problems_.add(std::string(key), describe_controls(key, domain::TextKind::one_line));
      return std::nullopt;
    }
    out.emplace_back(element.get_string());
  }
  return out;
}

void JsonParams::refuse(std::string_view key, std::string explanation) {
  if (ask(key)) problems_.add(std::string(key), std::move(explanation));
}

void JsonParams::finish() {
  for (std::size_t i = 0; i < body_.size(); ++i) {
    if (asked_[i]) continue;
    std::string key(body_.begin()[i].key());
    problems_.add(key, "unknown field " + key);
  }
  problems_.throw_if_any();
}

std::optional<std::string> QueryParams::raw(std::string_view key) {
  auto count = params_.count(key);
  if (count == 0) return std::nullopt;
  if (count > 1) {
    problems_.add(std::string(key), std::string(key) + " must be given at most once");
    return std::nullopt;
  }
  auto param = *params_.find(key);
  if (!param.has_value || param.value.empty()) {
    problems_.add(std::string(key), std::string(key) + " must not be empty");
    return std::nullopt;
  }
  return std::string(param.value);
}

std::optional<std::int64_t> QueryParams::integer(std::string_view key, IntRange range) {
  auto text = raw(key);
  if (!text) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < range.min || n > range.max) {
    problems_.add(std::string(key), std::string(key) + " must be " + describe(range));
    return std::nullopt;
  }
  return n;
}

std::optional<std::string> QueryParams::string(std::string_view key) {
  return raw(key);
}

}  // namespace accountsd::api
