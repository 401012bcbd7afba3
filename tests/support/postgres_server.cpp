#include "support/postgres_server.hpp"

#include <unistd.h>
#include <atomic>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <cstdlib>
#include <stdexcept>

#include "store/postgres/connection.hpp"

namespace accountsd::testing {

std::optional<std::string> test_postgres_url() {
  const char* url = std::getenv("ACCOUNTSD_TEST_POSTGRES");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

ScratchDatabase::ScratchDatabase(const std::string& server_url) : server_url_(server_url) {
  static std::atomic<int> counter{0};
  name_ = "accountsd_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  auto admin = store::postgres::Connection::open(server_url_, {});
  admin->script("CREATE DATABASE " + name_);
  auto parsed = boost::urls::parse_uri(server_url_);
  if (!parsed) throw std::invalid_argument("ACCOUNTSD_TEST_POSTGRES is not a URL");
  boost::urls::url url = *parsed;
  url.set_path("/" + name_);
  url_ = std::string(url.buffer());
}

ScratchDatabase::~ScratchDatabase() {
  try {
    auto admin = store::postgres::Connection::open(server_url_, {});
    admin->script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // The throwaway cluster goes away with the test run anyway.
  }
}

}  // namespace accountsd::testing
