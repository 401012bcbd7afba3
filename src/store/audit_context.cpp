#include "store/audit_context.hpp"

#include <boost/json.hpp>

#include "async/local.hpp"

namespace accountsd::store {
namespace {

struct Current {
  bool set = false;
  AuditContext context;
  std::string json;  // context as the triggers read it, made once per scope
};

async::Local<Current> current;

std::string to_json(const AuditContext& context) {
  boost::json::object out;
  out["actor"] = context.actor;
  if (!context.address.empty()) out["address"] = context.address;
  if (!context.request_id.empty()) out["request_id"] = context.request_id;
  if (context.at != 0) out["at"] = context.at;
  return boost::json::serialize(out);
}

}  // namespace

AuditScope::AuditScope(AuditContext context) {
  auto& now = current.get();
  had_ = now.set;
  if (had_) replaced_ = std::move(now.context);
  now.set = true;
  now.json = to_json(context);
  now.context = std::move(context);
}

AuditScope::~AuditScope() {
  auto& now = current.get();
  now.set = had_;
  if (had_) {
    now.json = to_json(replaced_);
    now.context = std::move(replaced_);
  } else {
    now.json.clear();
    now.context = {};
  }
}

const AuditContext* current_audit_context() {
  auto& now = current.get();
  return now.set ? &now.context : nullptr;
}

const std::string& audit_context_json() {
  return current.get().json;
}

}  // namespace accountsd::store
