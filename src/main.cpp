// accountsd: parses the command line and hands over to src/cli.
#include <sodium.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "domain/digest.hpp"
#include "domain/partner.hpp"
#include "store/audit_context.hpp"

namespace {

// What an operator's command changes, the audit log records as the operator's, under an id of
// the command's own ("cli-" and 16 random hex digits) that ties its entries together.
accountsd::store::AuditContext operator_context() {
  unsigned char id[8];
  randombytes_buf(id, sizeof id);
  return {"operator", "", "cli-" + accountsd::domain::hex({id, sizeof id})};
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::cerr << "accountsd: libsodium failed to initialise\n";
    return 1;
  }
  using namespace accountsd::cli;
  CLI::App app{"accountsd: the Partner Accounts API server and its operator commands"};
  app.require_subcommand(1);
  std::string db = "sqlite:./data/accounts.db";
  auto add_db = [&](CLI::App* command) {
    command
        ->add_option("--db", db,
                     "database URL: sqlite:PATH or a plain path, or "
                     "postgres://user@host:port/dbname (also postgresql://)")
        ->envname("ACCOUNTSD_DB")
        ->capture_default_str();
  };

  ServeOptions serve_options;
  auto* serve_cmd = app.add_subcommand("serve", "run the API server");
  add_db(serve_cmd);
  serve_cmd->add_option("--listen", serve_options.listen, "address:port to listen on")
      ->capture_default_str();
  serve_cmd->add_option("--api-root", serve_options.api_root, "path prefix of the API")
      ->capture_default_str();
  serve_cmd->add_option("--threads", serve_options.threads, "I/O threads (0 = number of cores)")
      ->capture_default_str();

  serve_cmd
      ->add_option("--service-token-file", serve_options.service_token_file,
                   "file holding the storage service's bearer token for /internal/v1")
      ->check(CLI::ExistingFile);
  serve_cmd
      ->add_option("--synchronous", serve_options.synchronous,
                   "group: every write is on disk before its 2xx (survives power loss), one "
                   "fsync shared by the writes made meanwhile; full: the same with one fsync "
                   "per write, several times slower; normal: no fsync, survives a crash of the "
                   "process only")
      ->check(CLI::IsMember({"group", "full", "normal"}))
      ->capture_default_str();
  serve_cmd->add_option("--trusted-proxy", serve_options.trusted_proxies,
                        "CIDR of a proxy whose X-Forwarded-For is believed (repeatable)");
  serve_cmd
      ->add_option("--max-backup-bytes", serve_options.max_backup_bytes,
                   "largest body POST /partner/backup takes (every other route: 1 MiB)")
      // At most 512 MiB: SQLite refuses a value over 10^9 bytes (SQLITE_MAX_LENGTH), and the
      // stored data must stay well inside that.
      ->check(CLI::Range(std::size_t(1), std::size_t(1) << 29))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-large-bodies", serve_options.max_large_bodies,
                   "uploads over 1 MiB in flight at once; more get 503 with Retry-After "
                   "(bounds memory: docs/operations.md)")
      ->check(CLI::Range(std::size_t(1), std::size_t(1024)))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-large-bodies-per-partner", serve_options.max_large_bodies_per_partner,
                   "of those, uploads one partner may have in flight at once, so that one "
                   "partner (or a leaked password) cannot take them all; more get 503 with "
                   "Retry-After")
      ->check(CLI::Range(std::size_t(1), std::size_t(1024)))
      ->capture_default_str();
  serve_cmd
      ->add_option("--hash-threads", serve_options.hash_threads,
                   "threads that hash and verify passwords (Argon2id), apart from the I/O "
                   "threads (0 = half the cores, at least 1)")
      ->check(CLI::Range(std::size_t(0), std::size_t(256)))
      ->capture_default_str();
  serve_cmd
      ->add_option("--hash-queue", serve_options.hash_queue,
                   "password hashes and verifications that may wait for those threads; more get "
                   "503 with Retry-After")
      ->check(CLI::Range(std::size_t(1), std::size_t(100000)))
      ->capture_default_str();
  serve_cmd
      ->add_option("--answer-cache-mb", serve_options.answer_cache_mb,
                   "MiB of whole list answers kept while the data under them is unchanged "
                   "(0 = none; docs/operations.md)")
      ->check(CLI::Range(std::size_t(0), std::size_t(1) << 20))
      ->capture_default_str();
  serve_cmd
      ->add_option("--db-pool", serve_options.db_pool,
                   "PostgreSQL: connections this server opens at most; every server's together "
                   "must stay under the database's max_connections")
      ->check(CLI::Range(std::size_t(1), std::size_t(10000)))
      ->capture_default_str();
  serve_cmd
      ->add_option("--db-pool-wait", serve_options.db_pool_wait_ms,
                   "PostgreSQL: milliseconds a request waits for a free connection before it "
                   "gets 503 with Retry-After")
      ->check(CLI::Range(1L, 600'000L))
      ->capture_default_str();
  serve_cmd
      ->add_option("--db-statement-timeout", serve_options.db_statement_timeout_ms,
                   "PostgreSQL: milliseconds a statement may run (statement_timeout)")
      ->check(CLI::Range(1L, 3'600'000L))
      ->capture_default_str();
  serve_cmd
      ->add_option("--metrics-listen", serve_options.metrics_listen,
                   "where GET /metrics is served: api (the API listener), off, or ADDRESS:PORT "
                   "of its own")
      ->capture_default_str();
  serve_cmd
      ->add_option("--audit-retention-days", serve_options.audit_retention_days,
                   "audit entries older than this many days are pruned in the background (0 "
                   "keeps them all)")
      ->check(CLI::Range(0u, 100'000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--console-session-hours", serve_options.console_session_hours,
                   "how long a web console session lasts from its sign-in")
      ->check(CLI::Range(1u, 24u * 366))
      ->capture_default_str();
  serve_cmd
      ->add_option("--console-dir", serve_options.console_dir,
                   "development: serve the web console's files from this folder (console/app) "
                   "at each request instead of the copy built in")
      ->check(CLI::ExistingDirectory);
  auto* tls_cert = serve_cmd->add_option("--tls-cert", serve_options.tls_cert,
                                         "PEM certificate chain: serve HTTPS (needs --tls-key)");
  auto* tls_key = serve_cmd->add_option("--tls-key", serve_options.tls_key,
                                        "PEM private key of --tls-cert (unencrypted)");
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);

  PartnerOptions partner;
  auto* partner_cmd = app.add_subcommand("partner", "manage partners");
  partner_cmd->require_subcommand(1);
  auto* create = partner_cmd->add_subcommand("create", "create a partner");
  auto* set = partner_cmd->add_subcommand(
      "set", "change a partner's name, billing mode, quota or features");
  auto* passwd = partner_cmd->add_subcommand("passwd", "set a partner's password from stdin");
  auto* list = partner_cmd->add_subcommand("list", "list partners");
  auto* show = partner_cmd->add_subcommand("show", "show one partner");
  auto* backup = partner_cmd->add_subcommand(
      "backup", "write the data of a partner's appliance backup (C.3) to stdout, as stored");
  for (auto* command : {create, set, passwd, list, show, backup}) add_db(command);
  create->add_option("--username", partner.username, "the partner's API username")->required();
  create->add_option("--name", partner.name, "the company name")->required();
  create->add_option("--group", partner.group,
                     "also create a group of this name on the Unlimited plan (for partners "
                     "without a management console, which creates its own)");
  for (auto* command : {set, passwd, show, backup})
    command->add_option("username", partner.username, "the partner's API username")->required();
  backup->add_flag("--previous", partner.previous, "the backup that the current one replaced");
  set->add_option("--name", partner.name, "the company name");
  std::vector<std::string> features;
  for (const auto& feature : accountsd::domain::kFeatures) features.emplace_back(feature.name);
  for (auto* command : {create, set}) {
    command->add_option("--billing", partner.billing, "billing mode")
        ->check(CLI::IsMember({"invoice", "prepaid"}));
    command->add_option(
        "--bytes-available", partner.bytes_available,
        "space granted to the partner, in bytes" + std::string(command == set ? " (or none)" : ""));
    command->add_option("--enable", partner.enable, "enable a feature (repeatable)")
        ->check(CLI::IsMember(features));
  }
  set->add_option("--disable", partner.disable, "disable a feature (repeatable)")
      ->check(CLI::IsMember(features));
  create->add_flag("--password-stdin", partner.password_stdin,
                   "read the password from the first line of stdin");
  passwd
      ->add_flag("--password-stdin", partner.password_stdin,
                 "read the password from the first line of stdin")
      ->required();
  for (auto* command : {list, show}) command->add_flag("--json", partner.json, "print JSON");

  PlanOptions plan;
  auto* plan_cmd = app.add_subcommand("plan", "manage a partner's plans");
  plan_cmd->require_subcommand(1);
  auto* plan_create_cmd = plan_cmd->add_subcommand("create", "create a plan for a partner");
  add_db(plan_create_cmd);
  plan_create_cmd->add_option("--partner", plan.partner, "the partner's username")->required();
  plan_create_cmd->add_option("--name", plan.name, "the plan's name")->required();
  plan_create_cmd
      ->add_option("--storage-bytes", plan.storage_bytes,
                   "storage in bytes; 1000000001000000000 means unlimited")
      ->required()
      ->check(CLI::NonNegativeNumber);

  OutboxOptions outbox;
  auto* outbox_cmd = app.add_subcommand("outbox", "activation emails queued through the API");
  outbox_cmd->require_subcommand(1);
  auto* outbox_list_cmd = outbox_cmd->add_subcommand("list", "list queued activation emails");
  add_db(outbox_list_cmd);
  outbox_list_cmd->add_option("--partner", outbox.partner, "only this partner's");
  outbox_list_cmd->add_flag("--json", outbox.json, "print JSON");

  AuditOptions audit;
  auto* audit_cmd = app.add_subcommand("audit", "the audit log of every change");
  audit_cmd->require_subcommand(1);
  auto* audit_list_cmd = audit_cmd->add_subcommand("list", "list audit log entries, newest first");
  add_db(audit_list_cmd);
  audit_list_cmd->add_option("--partner", audit.partner, "only this partner's (a username)");
  const char* time_format =
      "epoch seconds, or an ISO 8601 UTC date or time: 2026-12-02 or 2026-12-02T10:00:00Z";
  audit_list_cmd->add_option("--since", audit.since,
                             std::string("only entries at or after this time: ") + time_format);
  audit_list_cmd->add_option("--until", audit.until,
                             std::string("only entries at or before this time: ") + time_format);
  audit_list_cmd->add_option("--action", audit.action, "only this action (user.create, ...)");
  audit_list_cmd->add_option("--object", audit.object, "only this object (user/42, ...)");
  audit_list_cmd->add_option("--limit", audit.limit, "the most entries to list")
      ->check(CLI::Range(std::int64_t(1), std::int64_t(100000)))
      ->capture_default_str();
  audit_list_cmd->add_flag("--json", audit.json, "print JSON");

  DemoOptions demo_options;
  auto* demo_cmd =
      app.add_subcommand("demo", "create or extend a demo partner with realistic data");
  add_db(demo_cmd);
  demo_cmd->add_option("--partner-username", demo_options.partner_username)->capture_default_str();
  demo_cmd->add_option("--users", demo_options.users, "users to add")
      ->check(CLI::Range(std::int64_t(0), std::int64_t(100000000)))
      ->capture_default_str();
  demo_cmd->add_option("--seed", demo_options.seed, "random seed")->capture_default_str();

  MigrateDbOptions migrate_options;
  auto* migrate_cmd = app.add_subcommand(
      "migrate-db", "copy a SQLite database into an empty PostgreSQL one, verified, in one step");
  migrate_cmd
      ->add_option("--from", migrate_options.from,
                   "the SQLite database: sqlite:PATH or a plain path (only read)")
      ->required();
  migrate_cmd
      ->add_option("--to", migrate_options.to,
                   "the empty PostgreSQL database: postgres://USER@HOST:PORT/DB (a password "
                   "is better in ~/.pgpass or PGPASSWORD than on the command line)")
      ->required();

  CLI11_PARSE(app, argc, argv);

  // An operator command's stdout is its answer (--json for scripts, a backup's bytes): what it
  // logs, such as a database file's mode tightened, goes to stderr with its errors.
  if (!*serve_cmd) spdlog::set_default_logger(spdlog::stderr_color_st("accountsd"));
  std::optional<accountsd::store::AuditScope> audited;
  if (!*serve_cmd) audited.emplace(operator_context());
  try {
    if (*serve_cmd) return serve_options.db = db, serve(serve_options);
    if (*demo_cmd) return demo_options.db = db, demo(demo_options);
    if (*plan_create_cmd) return plan.db = db, plan_create(plan);
    if (*outbox_list_cmd) return outbox.db = db, outbox_list(outbox);
    if (*audit_list_cmd) return audit.db = db, audit_list(audit);
    if (*migrate_cmd) return migrate_db(migrate_options);
    partner.db = db;
    if (*create) return partner_create(partner);
    if (*set) return partner_set(partner);
    if (*passwd) return partner_passwd(partner);
    if (*list) return partner_list(partner);
    if (*show) return partner_show(partner);
    if (*backup) return partner_backup(partner);
  } catch (const std::exception& e) {
    std::cerr << "accountsd: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
