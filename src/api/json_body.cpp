#include "api/json_body.hpp"

#include <boost/container/small_vector.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <iterator>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "error.hpp"

namespace accountsd::api {
namespace {

constexpr std::size_t kMaxDepth = 64;

// A SAX handler that looks for what Boost.JSON accepts and the API does not: an object key given
// twice (Boost.JSON keeps the last silently) and a NUL character in a key or a string.
class BodyChecker : public IgnoreJsonEvents {
 public:
  std::string duplicate;
  // Set when a key or string holds U+0000; `nul_field` is then the key it belongs to, if any.
  bool nul = false;
  std::string nul_field;

  // Arrays get a scope too, so that pop() needs no bookkeeping of what it closes.
  bool on_array_begin(boost::json::error_code&) {
    scopes_.push_back({keys_.size(), nullptr});
    return true;
  }
  bool on_array_end(std::size_t, boost::json::error_code&) { return pop(); }
  bool on_object_begin(boost::json::error_code&) {
    scopes_.push_back({keys_.size(), nullptr});
    return true;
  }
  bool on_object_end(std::size_t, boost::json::error_code&) { return pop(); }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code& ec) {
    return no_nul(s, field_, ec);
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code& ec) {
    return no_nul(s, field_, ec);
  }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code& ec) {
    key_.append(s.data(), s.size());
    return no_nul(s, "", ec);
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code& ec) {
    key_.append(s.data(), s.size());
    if (!no_nul(s, "", ec)) return false;
    if (!add_key()) {
      duplicate = key_;
      ec = boost::json::error::syntax;
      return false;
    }
    field_ = std::move(key_);
    key_.clear();
    return true;
  }

 private:
  // An object's keys so far. A request body's objects have a few keys each, kept in one list
  // and compared one by one, which allocates nothing for short keys; an object with many keys
  // (a large body that a reader takes apart itself) gets a hash set, so that checking stays
  // linear in its size.
  struct Scope {
    std::size_t first;  // where its keys begin in keys_
    std::unique_ptr<std::unordered_set<std::string>> many;
  };
  static constexpr std::size_t kFewKeys = 16;

  // False when the innermost object has `key_` already.
  bool add_key() {
    auto& scope = scopes_.back();
    if (scope.many) return scope.many->insert(key_).second;
    for (std::size_t i = scope.first; i < keys_.size(); ++i)
      if (keys_[i] == key_) return false;
    keys_.push_back(key_);
    if (keys_.size() - scope.first > kFewKeys) {
      scope.many = std::make_unique<std::unordered_set<std::string>>(
          std::make_move_iterator(keys_.begin() + std::ptrdiff_t(scope.first)),
          std::make_move_iterator(keys_.end()));
      keys_.resize(scope.first);
    }
    return true;
  }
  bool no_nul(boost::json::string_view s, std::string_view field, boost::json::error_code& ec) {
    if (s.find('\0') == boost::json::string_view::npos) return true;
    nul = true;
    nul_field = field;
    ec = boost::json::error::syntax;
    return false;
  }
  bool pop() {
    keys_.resize(scopes_.back().first);
    scopes_.pop_back();
    return true;
  }
  boost::container::small_vector<Scope, 8> scopes_;
  boost::container::small_vector<std::string, 16> keys_;
  std::string key_;
  std::string field_;  // the last complete key: the one a string value belongs to
};

}  // namespace

boost::json::parse_options strict_json_options() {
  boost::json::parse_options options;
  options.max_depth = kMaxDepth;
  return options;
}

void check_json(std::string_view body) {
  boost::json::basic_parser<BodyChecker> checker(strict_json_options());
  boost::json::error_code ec;
  checker.write_some(false, body.data(), body.size(), ec);
  const auto& found = checker.handler();
  if (!found.duplicate.empty()) {
    throw bad_request("body repeats the key \"" + found.duplicate + "\"", {found.duplicate});
  }
  if (found.nul) {
    std::vector<std::string> fields;
    if (!found.nul_field.empty()) fields.push_back(found.nul_field);
    throw bad_request("text in the body must not contain NUL characters (\\u0000)",
                      std::move(fields));
  }
  if (ec == boost::json::error::too_deep) {
    throw bad_request("body nests deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  if (ec) throw bad_request("body is not valid JSON: " + ec.message());
}

boost::json::value parse_json(std::string_view body) {
  check_json(body);
  boost::json::error_code ec;
  boost::json::value value = boost::json::parse(body, ec, {}, strict_json_options());
  if (ec) throw bad_request("body is not valid JSON: " + ec.message());
  return value;
}

boost::json::object parse_json_object(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  boost::json::value value = parse_json(body);
  if (!value.is_object()) throw bad_request("body must be a JSON object");
  return std::move(value.as_object());
}

}  // namespace accountsd::api
