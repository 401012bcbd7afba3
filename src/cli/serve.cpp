#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "api/app.hpp"
#include "api/app_metrics.hpp"
#include "auth/authenticator.hpp"
#include "billing/sandbox_card_processor.hpp"
#include "cli/audit_retention.hpp"
#include "cli/commands.hpp"
#include "cli/server_log.hpp"
#include "domain/netblock.hpp"
#include "domain/partner.hpp"
#include "domain/text.hpp"
#include "http/open_files.hpp"
#include "http/server.hpp"
#include "http/tls.hpp"
#include "metrics/scrape.hpp"
#include "store/database.hpp"

namespace accountsd::cli {
namespace {

// "127.0.0.1:8080", "[::1]:8080" or ":8080" (all IPv4 interfaces), given as `flag`.
boost::asio::ip::tcp::endpoint parse_listen(const std::string& text,
                                            const std::string& flag = "--listen") {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument(flag + " must be ADDRESS:PORT");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned long port = 0;
  try {
    port = std::stoul(text.substr(colon + 1));
  } catch (const std::exception&) {
    throw std::invalid_argument(flag + " has no valid port: " + text);
  }
  if (port > 65535) throw std::invalid_argument(flag + " port out of range: " + text);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) throw std::invalid_argument(flag + " has no valid IP address: " + text);
  return {address, static_cast<unsigned short>(port)};
}

// The service token from its file (surrounding whitespace ignored); empty when no file is given.
std::string read_token(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot read --service-token-file " + path);
  std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto first = token.find_first_not_of(" \t\r\n");
  auto last = token.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? "" : token.substr(first, last - first + 1);
  if (token.size() < 16)
    throw std::invalid_argument("--service-token-file must hold a token of at least 16 characters");
  return token;
}

// --synchronous: group (the default) and full are both durable; see docs/operations.md.
store::Synchronous parse_synchronous(const std::string& text) {
  if (text == "group") return store::Synchronous::group;
  if (text == "full") return store::Synchronous::full;
  if (text == "normal") return store::Synchronous::normal;
  throw std::invalid_argument("--synchronous must be group, full or normal");
}

// Where GET /metrics is served (--metrics-listen): on the API listener, on an address of its own,
// or nowhere.
struct MetricsPlace {
  bool on_api = false;
  std::optional<boost::asio::ip::tcp::endpoint> own;
};

MetricsPlace parse_metrics_listen(const std::string& text) {
  if (text == "api") return {.on_api = true, .own = std::nullopt};
  if (text == "off") return {};
  return {.on_api = false,
          .own = parse_listen(text, "--metrics-listen (api, off or ADDRESS:PORT)")};
}

// Whether only this machine can reach `address`; 0.0.0.0 and :: reach every interface.
bool is_loopback(const boost::asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .is_loopback();
  return address.is_loopback();
}

// Emails that differ only by letter case, which migration 007 left for the operator to settle
// (docs/operations.md, "Emails that differ only by case"): one warning per address.
// Stored text is escaped in the log as on the terminal (A.1): a log line is one line.
void report_email_clashes(store::Directory& directory) {
  using domain::escape_controls;
  for (const auto& clash : directory.email_clashes()) {
    std::string holders;
    for (const auto& user : clash.users)
      holders += (holders.empty() ? "" : ", ") + escape_controls(user.username) + " <" +
                 escape_controls(user.email) + ">";
    spdlog::warn(
        "partner {}: users {} have emails that differ only by letter case; give all but one of "
        "them another email (POST /users/<username>)",
        escape_controls(clash.partner_username), holders);
  }
}

// Partner usernames that differ only by letter case, which migration 010 left for the operator
// to settle (docs/operations.md, "Partner usernames that differ only by case"): one warning per
// name. Partners are few, so they are grouped here rather than by a query of their own.
void report_partner_clashes(store::PartnerStore& partners) {
  std::map<std::string, std::vector<std::string>> by_key;
  for (const auto& partner : partners.list_partners())
    by_key[domain::partner_username_key(partner.username)].push_back(partner.username);
  for (const auto& [key, usernames] : by_key) {
    if (usernames.size() < 2) continue;
    std::string names;
    for (const auto& username : usernames)
      names += (names.empty() ? "" : ", ") + domain::escape_controls(username);
    spdlog::warn(
        "partners {} have usernames that differ only by letter case; each still logs in with "
        "its own exact username, and no new partner can take this name in any case",
        names);
  }
}

}  // namespace

int serve(const ServeOptions& options) {
  use_server_log();
  if (options.api_root.empty() || options.api_root.front() != '/' || options.api_root.back() == '/')
    throw std::invalid_argument("--api-root must start with / and not end with /");
  auto endpoint = parse_listen(options.listen);
  auto metrics_place = parse_metrics_listen(options.metrics_listen);
  if (options.tls_cert.empty() != options.tls_key.empty())
    throw std::invalid_argument("--tls-cert and --tls-key go together: give both or neither");
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (!options.tls_cert.empty()) tls = http::make_tls_context(options.tls_cert, options.tls_key);
  // A GET reuses its thread's read snapshot of the last few milliseconds while no write was
  // committed meanwhile, which saves the WAL read lock's syscalls (docs/operations.md).
  constexpr std::chrono::milliseconds kSnapshotReuse{10};
  const bool postgres = store::is_postgres_url(options.db);
  auto database = store::open_store(
      options.db,
      {.synchronous = parse_synchronous(options.synchronous),
       .snapshot_reuse = kSnapshotReuse,
       .pool_size = options.db_pool,
       .pool_wait = std::chrono::milliseconds(options.db_pool_wait_ms),
       .statement_timeout = std::chrono::milliseconds(options.db_statement_timeout_ms)});
  report_email_clashes(database->directory());
  report_partner_clashes(database->partners());
  billing::SandboxCardProcessor cards;
  auth::Authenticator authenticator(database->partners());
  authenticator.share_failures(database->login_failures());
  api::AppConfig config;
  config.api_root = options.api_root;
  config.service_token = read_token(options.service_token_file);
  for (const auto& text : options.trusted_proxies) {
    auto block = domain::parse_netblock(text);
    if (!block) throw std::invalid_argument("--trusted-proxy is not a CIDR netblock: " + text);
    config.trusted_proxies.push_back(*block);
  }
  config.max_backup_bytes = options.max_backup_bytes;
  config.answer_cache_bytes = options.answer_cache_mb << 20;
  config.console_session_lifetime = std::chrono::hours(options.console_session_hours);
  config.secure_cookies = tls != nullptr;
  config.console_dir = options.console_dir;
  metrics::Scrape scrape;
  api::Services services{*database, cards, authenticator, config};
  if (metrics_place.on_api) services.metrics = &scrape;
  api::App app(services);
  http::ServerLimits limits;
  limits.large_bodies = options.max_large_bodies;
  limits.large_bodies_per_holder = options.max_large_bodies_per_partner;
  limits.worker_threads = options.hash_threads;
  limits.worker_queue = options.hash_queue;
  // PostgreSQL is driven without blocking: each handler runs in a fiber that suspends while
  // it waits for the database, so that the I/O threads serve others meanwhile.
  limits.fibers = postgres;
  http::Server server([&app](http::Request& request) { return app.handle(request); }, limits);
  // Each request is routed once, as its headers arrive; the route also says how much body it
  // may carry.
  server.set_route_resolver([&app](std::string_view method, std::string_view target) {
    return app.resolve(method, target);
  });
  // A large body (a backup upload) is read only from a caller that authenticates first.
  server.set_body_gate([&app](http::Request& head) { return app.handle(head); });
  // Without metrics to show, nothing is counted either.
  std::optional<api::AppMetrics> app_metrics;
  if (metrics_place.on_api || metrics_place.own) app_metrics.emplace(app, server, scrape);
  server.set_durability_waiter([&transactions = database->transactions()](
                                   std::uint64_t ticket, UniqueFunction<void(bool)> done) {
    transactions.when_durable(ticket, std::move(done));
  });
  if (!postgres) server.set_handler_turn(api::write_turn(database->transactions()));
  server.set_housekeeping(
      [&transactions = database->transactions()] { transactions.release_stale_snapshot(); },
      kSnapshotReuse);
  // Every connection holds a file descriptor; the usual soft limit of 1024 would cap the server
  // far below what it can serve.
  auto open_files = http::raise_open_file_limit();
  if (open_files < 4096)
    spdlog::warn("open-file limit is {}: at most about that many connections at once", open_files);
  if (tls) server.set_tls(tls);
  auto bound = server.listen(endpoint);
  server.stop_on_signals();
  // GET /metrics on an address of its own: the same server code on one thread, with a route
  // table of that one route.
  std::optional<api::App> metrics_app;
  std::optional<http::Server> metrics_server;
  if (metrics_place.own) {
    api::Services metrics_services = services;
    metrics_services.metrics = &scrape;
    metrics_app.emplace(metrics_services, api::make_metrics_routes());
    // Its worker pool stays idle: nothing here hashes a password.
    http::ServerLimits metrics_limits;
    metrics_limits.worker_threads = 1;
    metrics_server.emplace(
        [&metrics_app](http::Request& request) { return metrics_app->handle(request); },
        metrics_limits);
    metrics_server->set_route_resolver(
        [&metrics_app](std::string_view method, std::string_view target) {
          return metrics_app->resolve(method, target);
        });
    auto metrics_bound = metrics_server->listen(*metrics_place.own);
    metrics_server->start(1);
    spdlog::info("metrics on http://{}:{}/metrics", metrics_bound.address().to_string(),
                 metrics_bound.port());
  }
  unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  if (!tls && !is_loopback(bound.address())) {
    spdlog::warn(
        "serving plain HTTP on {}, which other machines can reach: partners' HTTP Basic "
        "credentials will cross the network in clear text. Use --tls-cert and --tls-key, or a "
        "TLS-terminating proxy in front of a loopback address",
        bound.address().to_string());
  }
  spdlog::info(
      "accountsd listening on {}://{}:{}{} ({} threads, database {}, {})", tls ? "https" : "http",
      bound.address().to_string(), bound.port(), options.api_root, threads,
      store::redacted_url(options.db),
      postgres ? "pool " + std::to_string(options.db_pool) : "synchronous=" + options.synchronous);
  // What a supervisor or a script waits for, out at once.
  spdlog::default_logger()->flush();
  // Stopped (its batch finished) before the database closes.
  AuditRetention retention(database->audit_log(), options.audit_retention_days);
  server.run(threads);
  if (metrics_server) metrics_server->stop();
  spdlog::info("accountsd stopped");
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace accountsd::cli
