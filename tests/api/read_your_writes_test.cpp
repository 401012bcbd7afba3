// Read snapshots kept between requests (StoreOptions::snapshot_reuse, as `accountsd serve` runs)
// never hide a write this server has acknowledged: a GET sent after a write's 2xx sees it, on
// whichever I/O thread it lands.
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class ReadYourWritesTest : public ApiTest {
 protected:
  store::StoreOptions store_options() override {
    auto options = ApiTest::store_options();
    options.snapshot_reuse = std::chrono::seconds(60);  // only a commit can end a snapshot
    return options;
  }
};

TEST_F(ReadYourWritesTest, EveryGetAfterAWriteSeesIt) {
  // Readers keep both I/O threads' snapshots warm meanwhile.
  std::atomic<bool> stop{false};
  std::vector<std::future<int>> readers;
  for (int r = 0; r < 2; ++r) {
    readers.push_back(std::async(std::launch::async, [this, &stop] {
      int failures = 0;
      while (!stop) failures += get("/partner/settings").status != 200;
      return failures;
    }));
  }
  for (int ttl = 1; ttl <= 60; ++ttl) {
    auto write = post("/partner/settings", R"({"share_link_ttl": )" + std::to_string(ttl) + "}");
    ASSERT_EQ(write.status, 200) << write.body;
    for (int check = 0; check < 3; ++check) {
      auto read = get("/partner/settings");
      ASSERT_EQ(read.status, 200) << read.body;
      EXPECT_EQ(json(read.body).at("share_link_ttl").as_int64(), ttl) << "after write " << ttl;
    }
  }
  stop = true;
  for (auto& reader : readers) EXPECT_EQ(reader.get(), 0);
}

}  // namespace
}  // namespace accountsd::testing
