// The operator's commands (A.11); main.cpp parses the command line and calls these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accountsd::cli {

struct ServeOptions {
  std::string db;
  std::string listen = "127.0.0.1:8080";
  std::string api_root = "/apis/accounts/v1";
  unsigned threads = 0;                      // 0 = number of cores
  std::string service_token_file;            // token for /internal/v1; empty disables it
  std::vector<std::string> trusted_proxies;  // CIDR blocks whose X-Forwarded-For is believed
  std::string synchronous = "group";         // "group", "full" or "normal" (docs/operations.md)
  std::string tls_cert;                      // PEM certificate chain; with tls_key, serves HTTPS
  std::string tls_key;                       // PEM private key of tls_cert
  std::size_t max_backup_bytes = 64 * 1024 * 1024;  // body limit of POST /partner/backup
  std::size_t max_large_bodies = 2;  // bodies over 1 MiB in flight at once; more get 503
  std::size_t max_large_bodies_per_partner = 1;  // of those, one partner's at once; more get 503
  std::size_t hash_threads = 0;      // Argon2id worker threads; 0 = half the cores, at least 1
  std::size_t hash_queue = 32;       // Argon2id tasks waiting for a worker; more get 503
  std::size_t answer_cache_mb = 64;  // whole answers of list reads kept in memory; 0 = none
  // PostgreSQL only: pooled connections per process, how long a request waits for one (ms)
  // before its 503, and the longest a statement may run (ms).
  std::size_t db_pool = 16;
  long db_pool_wait_ms = 5'000;
  long db_statement_timeout_ms = 30'000;
  // Where GET /metrics is served: "api" (the API listener), "off", or an ADDRESS:PORT of its own.
  std::string metrics_listen = "api";
  // Audit entries older than this many days are pruned in the background; 0 keeps them all.
  unsigned audit_retention_days = 400;
  // How long a web console session lasts from its sign-in.
  unsigned console_session_hours = 12;
  // Development: where the console's files are read from at each request (empty: built in).
  std::string console_dir;
};
int serve(const ServeOptions& options);

struct PartnerOptions {
  std::string db;
  std::string username;
  std::optional<std::string> name;
  std::optional<std::string> group;  // create only: a first group, for partners without a console
  std::optional<std::string> billing;
  std::optional<std::string> bytes_available;  // a number, or "none" (set only)
  std::vector<std::string> enable;
  std::vector<std::string> disable;
  bool password_stdin = false;
  bool json = false;
  bool previous = false;  // backup: the one the current backup replaced
};
int partner_create(const PartnerOptions& options);
int partner_set(const PartnerOptions& options);
int partner_passwd(const PartnerOptions& options);
int partner_list(const PartnerOptions& options);
int partner_show(const PartnerOptions& options);
// Writes the stored data of the partner's current (or previous) appliance backup to stdout.
int partner_backup(const PartnerOptions& options);

struct PlanOptions {
  std::string db;
  std::string partner;
  std::string name;
  std::int64_t storage_bytes = 0;
};
int plan_create(const PlanOptions& options);

struct OutboxOptions {
  std::string db;
  std::optional<std::string> partner;
  bool json = false;
};
int outbox_list(const OutboxOptions& options);

struct AuditOptions {
  std::string db;
  std::optional<std::string> partner;  // a username; none: every partner's entries
  std::optional<std::string> since;    // epoch seconds, or an ISO 8601 UTC date or date-time
  std::optional<std::string> until;
  std::optional<std::string> action;
  std::optional<std::string> object;
  std::int64_t limit = 100;
  bool json = false;
};
// Prints the newest audit log entries that the options select, newest first.
int audit_list(const AuditOptions& options);

struct DemoOptions {
  std::string db;
  std::string partner_username = "demo";
  std::int64_t users = 1000;
  std::uint64_t seed = 1;
};
int demo(const DemoOptions& options);

struct MigrateDbOptions {
  std::string from;  // sqlite:PATH or a plain path
  std::string to;    // postgres://... or postgresql://...
};
// Copies a SQLite database into an empty PostgreSQL one (docs/operations.md, "Moving from SQLite
// to PostgreSQL").
int migrate_db(const MigrateDbOptions& options);

}  // namespace accountsd::cli
