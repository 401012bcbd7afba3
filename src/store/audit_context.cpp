#include "store/audit_context.hpp"

#include <boost/json.hpp>

#include "async/local.hpp"

namespace accountsd::store {
namespace {

struct Current {
  bool set = false;
  AuditContext context;
  // The context as PostgreSQL's triggers read it, made on first use in a scope (SQLite's read
  // the fields themselves, so a request there never pays for it).
  std::string json;
  bool json_made = false;
};

async::Local<Current> current;

std::string to_json(const AuditContext& context) {
  boost::json::object out;
  out["actor"] = context.actor;
  if (!context.address.empty()) out["address"] = context.address;
  if (!context.request_id.empty()) out["request_id"] = context.request_id;
  return boost::json::serialize(out);
}

}  // namespace

AuditScope::AuditScope(AuditContext context) {
  auto& now = current.get();
  had_ = now.set;
  if (had_) replaced_ = std::move(now.context);
  now.set = true;
  now.json_made = false;
  now.context = std::move(context);
}

AuditScope::~AuditScope() {
  auto& now = current.get();
  now.set = had_;
  now.json_made = false;
  now.context = had_ ? std::move(replaced_) : AuditContext{};
}

const AuditContext* current_audit_context() {
  auto& now = current.get();
  return now.set ? &now.context : nullptr;
}

const std::string& audit_context_json() {
  auto& now = current.get();
  if (!now.json_made) {
    now.json = now.set ? to_json(now.context) : std::string();
    now.json_made = true;
  }
  return now.json;
}

}  // namespace accountsd::store
