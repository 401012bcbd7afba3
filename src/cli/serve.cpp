#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <thread>

#include "api/app.hpp"
#include "auth/authenticator.hpp"
#include "billing/sandbox_card_processor.hpp"
#include "cli/commands.hpp"
#include "http/server.hpp"
#include "store/store.hpp"

namespace accountsd::cli {
namespace {

// "127.0.0.1:8080", "[::1]:8080" or ":8080" (all IPv4 interfaces).
boost::asio::ip::tcp::endpoint parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen must be ADDRESS:PORT");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned long port = 0;
  try {
    port = std::stoul(text.substr(colon + 1));
  } catch (const std::exception&) {
    throw std::invalid_argument("--listen has no valid port: " + text);
  }
  if (port > 65535) throw std::invalid_argument("--listen port out of range: " + text);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) throw std::invalid_argument("--listen has no valid IP address: " + text);
  return {address, static_cast<unsigned short>(port)};
}

}  // namespace

int serve(const ServeOptions& options) {
  if (options.api_root.empty() || options.api_root.front() != '/' || options.api_root.back() == '/')
    throw std::invalid_argument("--api-root must start with / and not end with /");
  auto endpoint = parse_listen(options.listen);
  auto store = store::open_store(options.db);
  billing::SandboxCardProcessor cards;
  auth::Authenticator authenticator(*store);
  api::App app(api::Services{*store, cards, authenticator, api::AppConfig{options.api_root}});
  http::Server server([&app](const http::Request& request) { return app.handle(request); });
  auto bound = server.listen(endpoint);
  server.stop_on_signals();
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  spdlog::info("accountsd listening on http://{}:{}{} ({} threads, database {})",
               bound.address().to_string(), bound.port(), options.api_root, threads, options.db);
  server.run(threads);
  spdlog::info("accountsd stopped");
  return 0;
}

}  // namespace accountsd::cli
