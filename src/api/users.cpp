#include <charconv>

#include "api/body_readers.hpp"
#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "api/list_stream.hpp"
#include "api/params.hpp"
#include "api/password_hashing.hpp"
#include "api/path_ids.hpp"
#include "api/representations.hpp"
#include "api/store_outcomes.hpp"
#include "auth/password.hpp"
#include "domain/email.hpp"
#include "domain/netblock.hpp"
#include "domain/user_fields.hpp"
#include "metrics/events.hpp"

namespace accountsd::api {
namespace {

constexpr Length kUsername{1, 64};
constexpr Length kName{1, 200};
constexpr Length kCode{0, 200};  // promo and reg_code (C.6)

std::optional<std::string> read_email(JsonParams& params, bool required) {
  auto email = params.string("email", {1, 254}, required);
  if (email && !domain::is_valid_email(*email)) {
    params.problem("email", "email must be an email address of at most 254 characters");
    return std::nullopt;
  }
  return email;
}

// A bcrypt hash as produced by crypt(3): $2a$, $2b$ or $2y$, a two-digit cost, 53 characters.
bool looks_like_bcrypt(std::string_view hash) {
  if (hash.size() != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$')
    return false;
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (!std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5])))
    return false;
  for (char c : hash.substr(7))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '/') return false;
  return true;
}

// Self-signup from a restricted network is refused (B.3).
void check_signup_network(Call& call, const domain::Partner& partner) {
  if (!partner.features.signup_restrictions) return;
  auto settings = call.partners().settings(partner.id);
  auto address = client_address(call);
  for (const auto& text : settings.signup_network_restriction) {
    auto block = domain::parse_netblock(text);
    if (block && domain::contains(*block, address)) {
      throw Error(ErrorKind::forbidden,
                  "Signups from your network are restricted; please contact " +
                      settings.support_email.value_or("your service provider"));
    }
  }
}

// Refuses a self-signup beyond the limits of B.3 (429 with Retry-After).
void check_signup_limit(std::optional<long long> wait, const std::string& what) {
  if (!wait) return;
  metrics::count_throttled(metrics::Throttle::signup);
  Error error(ErrorKind::too_many_requests,
              "too many signups " + what + "; try again in " + std::to_string(*wait) + " seconds");
  error.retry_after = wait;
  throw error;
}

// What search_by takes, for its 400.
const std::string& search_by_help() {
  static const std::string help = [] {
    std::string fields;
    for (auto field : domain::search_by_fields()) fields += std::string(field) + ", ";
    return "search_by must be comma-separated conditions field=value, field>value or "
           "field<value over " +
           fields + "or recently_stopped_uploading=A|B";
  }();
  return help;
}

// Parses one `search_by` condition such as "bytes_stored>100" or "enabled=1".
std::optional<domain::UserCondition> parse_condition(std::string_view text) {
  const auto& fields = domain::search_by_fields();
  auto at = text.find_first_of("=<>");
  if (at == std::string_view::npos) return std::nullopt;
  domain::UserCondition condition;
  condition.column = std::string(text.substr(0, at));
  condition.op = text[at];
  if (std::find(fields.begin(), fields.end(), condition.column) == fields.end())
    return std::nullopt;
  auto value = text.substr(at + 1);
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), condition.value);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty()) return std::nullopt;
  return condition;
}

// Reads limit, offset, search, group_id, order_by and search_by of GET /users/.
domain::UserQuery read_user_query(QueryParams& query) {
  domain::UserQuery q;
  q.limit = query.integer("limit", {0});
  q.offset = query.integer("offset", {0}).value_or(0);
  q.search = query.string("search");
  q.group_id = query.integer("group_id", {1});
  if (auto order = query.string("order_by")) {
    std::string_view field = *order;
    q.descending = field.starts_with('-');
    if (q.descending) field.remove_prefix(1);
    if (!domain::is_user_field(field))
      query.problem("order_by", "order_by must be a user field, optionally prefixed with -");
    else
      q.order_by = std::string(field);
  }
  auto search_by = query.string("search_by");
  // Each condition is a term of the SQL WHERE clause: far more than consoles send would only
  // build a statement that SQLite refuses as too large (B.3).
  constexpr std::size_t kMaxConditions = 50;
  const bool too_many = search_by && std::size_t(std::count(search_by->begin(), search_by->end(),
                                                            ',')) >= kMaxConditions;
  if (too_many) {
    // Built in steps: GCC 12 at -O2 takes `"literal" + std::string&&` here for an overflow
    // (-Warray-bounds, a false positive of its string inlining).
    std::string reason = "search_by takes at most ";
    reason += std::to_string(kMaxConditions);
    reason += " comma-separated conditions";
    query.problem("search_by", std::move(reason));
  }
  if (search_by && !too_many) {
    // Every comma separates two conditions: an empty one ("a,", ",a", "a,,b") is malformed.
    std::string_view rest = *search_by;
    for (bool more = true; more;) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      more = comma != std::string_view::npos;
      rest = more ? rest.substr(comma + 1) : std::string_view();
      if (item.starts_with("recently_stopped_uploading=")) {
        auto range = item.substr(item.find('=') + 1);
        auto bar = range.find('|');
        std::int64_t a = -1, b = -1;
        bool ok = bar != std::string_view::npos;
        if (ok) {
          auto [e1, c1] = std::from_chars(range.data(), range.data() + bar, a);
          auto [e2, c2] = std::from_chars(range.data() + bar + 1, range.data() + range.size(), b);
          ok = c1 == std::errc() && c2 == std::errc() && e1 == range.data() + bar &&
               e2 == range.data() + range.size() && a >= 0 && b >= 0;
        }
        // Either order (C.7): consoles send the larger bound first ("2592000|1209600").
        if (ok)
          q.stopped_uploading = std::minmax(a, b);
        else
          query.problem("search_by",
                        "recently_stopped_uploading takes A|B, two numbers of seconds >= 0");
      } else if (auto condition = parse_condition(item)) {
        q.conditions.push_back(*condition);
      } else {
        query.problem("search_by", search_by_help());
        break;
      }
    }
  }
  return q;
}

}  // namespace

std::optional<std::string> read_signup_brand(JsonParams& params) {
  return params.string("brand", {1, 64}, true);
}

domain::UserCreate read_new_user(JsonParams& params, bool signup, bool username_required) {
  if (signup) {
    for (const char* field : {"group_id", "plan_id", "bonus_bytes"})
      params.refuse(field, std::string(field) + " cannot be set by a self-signup");
  } else {
    params.refuse("brand", "brand is only for self-signup, without credentials");
  }
  domain::UserCreate user;
  auto username = params.string("username", kUsername, username_required);
  auto name = params.string("name", kName, true);
  auto email = read_email(params, true);
  user.password_bcrypt = params.string("password_bcrypt", {0, 128}, false);
  if (user.password_bcrypt && !looks_like_bcrypt(*user.password_bcrypt))
    params.problem("password_bcrypt", "password_bcrypt must be a bcrypt hash ($2a$, $2b$ or $2y$)");
  user.promo = params.string("promo", kCode, false);
  if (!signup) {
    user.group_id = params.integer("group_id", {1}, false);
    user.plan_id = params.integer("plan_id", {1}, false);
    user.bonus_bytes = params.integer("bonus_bytes", {0}, false).value_or(0);
  }
  params.finish();
  user.username = username.value_or("");
  user.name = std::move(*name);
  user.email = std::move(*email);
  return user;
}

domain::UserPatch read_user_patch(JsonParams& params) {
  domain::UserPatch patch;
  patch.name = params.string("name", kName, false);
  patch.email = read_email(params, false);
  patch.group_id = params.integer("group_id", {1}, false);
  patch.plan_id = params.integer("plan_id", {1}, false);
  patch.enabled = params.boolean("enabled", false);
  patch.bonus_bytes = params.integer("bonus_bytes", {0}, false);
  patch.purgehold_active = params.boolean("purgehold_active", false);
  params.finish();
  return patch;
}

ActivationEmail read_activation_email(JsonParams& params) {
  ActivationEmail email;
  email.template_name = params.string("template_name", {1, 200}, false);
  email.reg_code = params.string("reg_code", kCode, false);
  params.finish();
  return email;
}

http::Response get_users(Call& call) {
  QueryParams query(call.query);
  auto action = query.string("action");
  auto q = read_user_query(query);
  if (action && *action != "user_count") query.problem("action", "action must be user_count");
  query.finish();
  if (action) {
    return http::json_response(
        200, boost::json::object{{"user_count", call.directory().count_users(call.partner, q)}});
  }
  if (!q.limit) {
    return streamed_list_response(call.directory().user_cursor(call.partner, q), write_user,
                                  call.services.config.list_page_rows);
  }
  // ~420 bytes per user as the demo data has them.
  return written_array_response(
      2 + std::size_t(std::min<std::int64_t>(*q.limit, 1000)) * 512, [&](http::JsonWriter& out) {
        call.directory().visit_users(call.partner, q,
                                     [&](const domain::User& user) { write_user(out, user); });
      });
}

http::Response post_users(Call& call) {
  auto& services = call.services;
  const bool signup = call.partner == 0;
  // Every self-signup counts, whatever its outcome; first, so that nothing costs more.
  if (signup)
    check_signup_limit(services.signups->admit_address(client_address_text(call)),
                       "from your address");
  auto body = parse_json_object(call.request.body);
  JsonParams params(body);
  std::optional<domain::Partner> partner;
  if (signup) {
    auto brand = read_signup_brand(params);
    if (brand) {
      partner = call.partners().find_partner(*brand);
      if (!partner) params.problem("brand", "brand names no partner");
    }
    if (partner)
      check_signup_limit(services.signups->admit_brand(std::to_string(partner->id)),
                         "for this brand");
  } else {
    partner = call.partners().find_partner(call.partner);
  }
  // A brand that names no partner is a problem already: no username is asked of it as well.
  auto user = read_new_user(params, signup, partner && !partner->features.email_as_username);
  if (signup) check_signup_network(call, *partner);

  // Cheap before costly: a taken username or email is refused before any password is hashed
  // (the unique constraints still decide a race between two creations).
  if (auto taken = call.directory().taken_user_field(partner->id, user.username, user.email))
    throw to_error(store::Conflict::taken(store::Object::user, *taken));
  auto create = [&directory = call.directory(), partner = partner->id](
                    domain::UserCreate& user, const std::optional<std::string>& temp_password) {
    auto created = directory.create_user(partner, user);
    return written_response([&](http::JsonWriter& out) {
      out.begin_object().member("username", created.username);
      if (temp_password) out.member("temp_password", *temp_password);
      write_user(out.key("user"), created);
      out.end_object();
    });
  };
  if (user.password_bcrypt) return create(user, std::nullopt);
  auto temp_password = auth::generate_password();
  return with_password_hash(
      temp_password, [create, user = std::move(user), temp_password](std::string hash) mutable {
        user.password_bcrypt = std::move(hash);
        return create(user, temp_password);
      });
}

http::Response get_user(Call& call) {
  return written_response(write_user, path_user(call, call.partner, call.path.get("u")));
}

http::Response post_user(Call& call) {
  auto user = path_user(call, call.partner, call.path.get("u"));
  QueryParams query(call.query);
  auto action = query.string("action");
  if (action && *action != "sendactivationemail")
    query.problem("action", "action must be sendactivationemail");
  query.finish();
  if (action) {
    auto email = read_body(call.request.body, read_activation_email);
    call.directory().queue_activation_email(call.partner, user.avatar_id, email.template_name,
                                            email.reg_code);
    return http::json_response(200, boost::json::object());
  }
  auto patch = read_body(call.request.body, read_user_patch);
  return written_response(write_user,
                          call.directory().update_user(call.partner, user.avatar_id, patch));
}

http::Response delete_user(Call& call) {
  auto user = path_user(call, call.partner, call.path.get("u"));
  call.directory().delete_user(call.partner, user.avatar_id);
  return no_content();
}

}  // namespace accountsd::api
