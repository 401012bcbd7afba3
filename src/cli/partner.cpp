#include <boost/json.hpp>
#include <charconv>
#include <iostream>

#include "auth/appliance_key.hpp"
#include "auth/password.hpp"
#include "cli/commands.hpp"
#include "cli/operator_input.hpp"
#include "cli/operator_output.hpp"
#include "domain/text.hpp"
#include "store/database.hpp"

namespace accountsd::cli {
namespace {

std::int64_t parse_bytes(const std::string& text) {
  std::int64_t n = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0)
    throw std::invalid_argument("--bytes-available must be a non-negative integer" +
                                std::string(" (or none), not ") + text);
  return n;
}

// The first line of stdin, checked by the A.5 password rules.
std::string read_password() {
  std::string password;
  if (!std::getline(std::cin, password)) throw std::invalid_argument("no password on stdin");
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (auto problem = auth::password_problem(password)) throw std::invalid_argument(*problem);
  return password;
}

void set_features(domain::Features& features, const std::vector<std::string>& names, bool on) {
  for (const auto& name : names) {
    const auto* feature = domain::find_feature(name);
    if (!feature) throw std::invalid_argument("unknown feature " + name);
    features.*feature->flag = on;
  }
}

boost::json::object partner_json(const domain::Partner& p) {
  boost::json::object features;
  for (const auto& feature : domain::kFeatures) features[feature.name] = p.features.*feature.flag;
  return {{"username", p.username},
          {"name", p.name},
          {"billing_mode", domain::to_string(p.billing_mode)},
          {"bytes_available", p.bytes_available ? boost::json::value(*p.bytes_available)
                                                : boost::json::value(nullptr)},
          {"features", std::move(features)},
          {"created_at", p.created_at}};
}

std::string enabled_features(const domain::Partner& p) {
  std::string out;
  for (const auto& feature : domain::kFeatures)
    if (p.features.*feature.flag) out.append(out.empty() ? "" : ",").append(feature.name);
  return out.empty() ? "-" : out;
}

}  // namespace

int partner_create(const PartnerOptions& o) {
  check_partner_username(o.username);
  domain::NewPartner partner;
  partner.username = o.username;
  partner.name = *o.name;
  check_one_line("--name", partner.name, 200);
  if (o.group) check_one_line("--group", *o.group, 200);
  partner.group = o.group;
  if (o.billing) partner.billing_mode = *domain::parse_billing_mode(*o.billing);
  if (o.bytes_available) partner.bytes_available = parse_bytes(*o.bytes_available);
  set_features(partner.features, o.enable, true);
  std::string password = o.password_stdin ? read_password() : auth::generate_password();
  auto hashes = auth::hash_partner_password(password);
  partner.password_hash = std::move(hashes.password);
  partner.appliance_key_hash = std::move(hashes.appliance_key);
  auto database = store::open_store(o.db);
  create_new_partner(database->partners(), partner);
  std::cout << "created partner " << o.username << "\n";
  if (o.group) std::cout << "created group " << *o.group << "\n";
  if (!o.password_stdin) std::cout << "password: " << password << "\n";
  return 0;
}

int partner_set(const PartnerOptions& o) {
  auto database = store::open_store(o.db);
  auto partner = require_partner(database->partners(), o.username);
  if (o.name) {
    check_one_line("--name", *o.name, 200);
    partner.name = *o.name;
  }
  if (o.billing) partner.billing_mode = *domain::parse_billing_mode(*o.billing);
  if (o.bytes_available) {
    partner.bytes_available = *o.bytes_available == "none"
                                  ? std::nullopt
                                  : std::optional<std::int64_t>(parse_bytes(*o.bytes_available));
  }
  for (const auto& name : o.enable)
    for (const auto& other : o.disable)
      if (name == other) throw std::invalid_argument("--enable and --disable both name " + name);
  set_features(partner.features, o.enable, true);
  set_features(partner.features, o.disable, false);
  database->partners().update_partner(partner);
  std::cout << "updated partner " << o.username << "\n";
  return 0;
}

int partner_passwd(const PartnerOptions& o) {
  std::string password = read_password();
  auto database = store::open_store(o.db);
  auto partner = require_partner(database->partners(), o.username);
  database->partners().set_password_hashes(partner.id, auth::hash_partner_password(password));
  std::cout << "password changed for " << o.username << "\n";
  return 0;
}

int partner_list(const PartnerOptions& o) {
  auto database = store::open_store(o.db);
  auto partners = database->partners().list_partners();
  if (o.json) {
    boost::json::array out;
    for (const auto& p : partners) out.push_back(partner_json(p));
    print_json(out);
    return 0;
  }
  // Stored text is escaped (A.1): a name must not be able to drive the operator's terminal or
  // fake a row. Usernames too: `demo --partner-username` once took any text.
  using domain::escape_controls;
  for (const auto& p : partners) {
    std::cout << escape_controls(p.username) << "\t" << escape_controls(p.name) << "\t"
              << domain::to_string(p.billing_mode) << "\t"
              << (p.bytes_available ? std::to_string(*p.bytes_available) : "unlimited") << "\t"
              << enabled_features(p) << "\n";
  }
  return 0;
}

int partner_show(const PartnerOptions& o) {
  auto database = store::open_store(o.db);
  auto p = require_partner(database->partners(), o.username);
  if (o.json) {
    print_json(partner_json(p));
    return 0;
  }
  std::cout << "username:        " << domain::escape_controls(p.username) << "\n"
            << "name:            " << domain::escape_controls(p.name) << "\n"
            << "billing mode:    " << domain::to_string(p.billing_mode) << "\n"
            << "bytes available: "
            << (p.bytes_available ? std::to_string(*p.bytes_available) : "no limit") << "\n"
            << "features:        " << enabled_features(p) << "\n";
  return 0;
}

int partner_backup(const PartnerOptions& o) {
  auto database = store::open_store(o.db);
  auto partner = require_partner(database->partners(), o.username);
  auto which = o.previous ? domain::BackupGeneration::previous : domain::BackupGeneration::current;
  auto backup = database->partners().backup(partner.id, which);
  if (!backup) {
    throw std::invalid_argument("partner " + domain::escape_controls(o.username) + " has no " +
                                (o.previous ? "previous " : "") + "backup");
  }
  // Byte for byte, no newline added: `> file` gives the appliance's upload back.
  std::cout.write(backup->data.data(), std::streamsize(backup->data.size()));
  std::cout.flush();
  if (!std::cout) throw std::runtime_error("could not write the backup to stdout");
  return 0;
}

int outbox_list(const OutboxOptions& o) {
  auto database = store::open_store(o.db);
  std::optional<store::PartnerId> partner;
  if (o.partner) partner = require_partner(database->partners(), *o.partner).id;
  auto emails = database->directory().activation_emails(partner);
  if (o.json) {
    boost::json::array out;
    for (const auto& e : emails) {
      out.push_back({{"email_id", e.email_id},
                     {"partner", e.partner_username},
                     {"username", e.username},
                     {"email", e.email},
                     {"template_name", e.template_name ? boost::json::value(*e.template_name)
                                                       : boost::json::value(nullptr)},
                     {"queued_at", e.queued_at},
                     {"reg_code",
                      e.reg_code ? boost::json::value(*e.reg_code) : boost::json::value(nullptr)}});
    }
    print_json(out);
    return 0;
  }
  using domain::escape_controls;
  for (const auto& e : emails) {
    std::cout << e.email_id << "\t" << escape_controls(e.partner_username) << "\t"
              << escape_controls(e.username) << "\t" << escape_controls(e.email) << "\t"
              << escape_controls(e.template_name.value_or("-")) << "\t" << e.queued_at << "\t"
              << escape_controls(e.reg_code.value_or("-")) << "\n";
  }
  return 0;
}

int plan_create(const PlanOptions& o) {
  check_one_line("--name", o.name, 200);
  if (o.storage_bytes < 0) throw std::invalid_argument("--storage-bytes must be >= 0");
  auto database = store::open_store(o.db);
  auto partner = require_partner(database->partners(), o.partner);
  for (const auto& plan : database->directory().plans(partner.id))
    if (plan.name == o.name)
      throw std::invalid_argument("partner " + o.partner + " already has a plan named " + o.name);
  auto id = database->directory().create_plan(partner.id, o.name, o.storage_bytes);
  std::cout << "created plan " << id << " (" << o.name << ") for " << o.partner << "\n";
  return 0;
}

}  // namespace accountsd::cli
