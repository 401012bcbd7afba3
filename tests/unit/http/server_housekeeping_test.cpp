// Server::set_housekeeping: the task runs on the I/O threads while they are idle, and stopping
// the server still ends them.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "http/server.hpp"

namespace accountsd::http {
namespace {

TEST(ServerHousekeepingTest, RunsOnEveryIoThreadWhileIdleAndStopsWithTheServer) {
  std::mutex mutex;
  std::set<std::thread::id> threads;
  int runs = 0;
  auto server = std::make_unique<Server>([](const Request&) { return Response{}; });
  server->set_housekeeping(
      [&] {
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
        ++runs;
      },
      std::chrono::milliseconds(5));
  server->listen({boost::asio::ip::make_address("127.0.0.1"), 0});
  server->start(2);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    {
      std::lock_guard lock(mutex);
      if ((threads.size() == 2 && runs >= 20) || std::chrono::steady_clock::now() > deadline) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server->stop();
  server.reset();  // joins the I/O threads: they must leave their loop
  std::lock_guard lock(mutex);
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_FALSE(threads.contains(std::this_thread::get_id()));
  EXPECT_GE(runs, 20);
}

}  // namespace
}  // namespace accountsd::http
