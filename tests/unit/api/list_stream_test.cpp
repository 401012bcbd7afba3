// ListPieces and streamed_list_response: an unpaged list as JSON pieces a page at a time, over a
// store::Cursor faked with a vector.
#include "api/list_stream.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace accountsd::api {
namespace {

// Hands out `rows` in pages; records the page sizes asked for; throws at page `fail_at` if set.
class VectorCursor final : public store::Cursor<std::int64_t> {
 public:
  VectorCursor(std::vector<std::int64_t> rows, std::vector<std::size_t>& asked, int fail_at = -1)
      : rows_(std::move(rows)), asked_(asked), fail_at_(fail_at) {}
  ~VectorCursor() override { ++closed; }

  std::vector<std::int64_t> next_page(std::size_t rows) override {
    asked_.push_back(rows);
    if (int(asked_.size()) - 1 == fail_at_) throw std::runtime_error("disk on fire");
    std::vector<std::int64_t> page;
    while (page.size() < rows && next_ < rows_.size()) page.push_back(rows_[next_++]);
    return page;
  }

  static inline int closed = 0;

 private:
  std::vector<std::int64_t> rows_;
  std::vector<std::size_t>& asked_;
  int fail_at_;
  std::size_t next_ = 0;
};

// A VectorCursor as the store hands cursors out.
std::unique_ptr<store::Cursor<std::int64_t>> cursor(std::vector<std::int64_t> rows,
                                                    std::vector<std::size_t>& asked,
                                                    int fail_at = -1) {
  return std::make_unique<VectorCursor>(std::move(rows), asked, fail_at);
}

void write_number(http::JsonWriter& out, const std::int64_t& n) {
  out.begin_object().member("n", n).end_object();
}

std::vector<std::int64_t> numbers(int count) {
  std::vector<std::int64_t> out;
  for (int i = 1; i <= count; ++i) out.push_back(i * 10);
  return out;
}

// Every piece the response's producer gives, in order.
std::vector<std::string> drain(http::Response& response) {
  std::vector<std::string> pieces;
  for (bool more = true; more;) {
    std::string piece;
    more = response.stream(piece);
    pieces.push_back(piece);
  }
  return pieces;
}

std::string joined(const std::vector<std::string>& pieces) {
  std::string out;
  for (const auto& piece : pieces) out += piece;
  return out;
}

std::string expected_json(int count) {
  std::string out = "[";
  for (int i = 1; i <= count; ++i) {
    if (i > 1) out += ',';
    out += R"({"n":)" + std::to_string(i * 10) + "}";
  }
  return out + "]";
}

TEST(ListStream, JoinsPagesIntoOneArrayForEveryLengthAroundPageBoundaries) {
  for (int count : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11}) {
    SCOPED_TRACE("rows: " + std::to_string(count));
    std::vector<std::size_t> asked;
    auto response = streamed_list_response(cursor(numbers(count), asked), write_number, 3);
    EXPECT_EQ(response.status, 200);
    EXPECT_TRUE(response.body.empty());
    ASSERT_TRUE(response.stream);
    // The first page is read in the handler, before anything is sent.
    EXPECT_EQ(asked.size(), 1u);
    auto pieces = drain(response);
    EXPECT_EQ(joined(pieces), expected_json(count));
    EXPECT_NO_THROW(boost::json::parse(joined(pieces)));
    // One piece per page read; a list of whole pages ends with a piece that only closes it.
    EXPECT_EQ(pieces.size(), std::size_t(count / 3 + 1));
    EXPECT_EQ(asked.size(), pieces.size());
    for (auto rows : asked) EXPECT_EQ(rows, 3u);
  }
}

TEST(ListStream, PiecesSplitAtPageBoundaries) {
  std::vector<std::size_t> asked;
  auto response = streamed_list_response(cursor(numbers(5), asked), write_number, 2);
  EXPECT_EQ(drain(response), (std::vector<std::string>{R"([{"n":10},{"n":20})",
                                                       R"(,{"n":30},{"n":40})", R"(,{"n":50}])"}));
}

TEST(ListStream, TheCursorGoesOnceTheLastPageIsRead) {
  std::vector<std::size_t> asked;
  VectorCursor::closed = 0;
  auto response = streamed_list_response(cursor(numbers(3), asked), write_number, 2);
  std::string piece;
  EXPECT_TRUE(response.stream(piece));
  EXPECT_EQ(VectorCursor::closed, 0);
  piece.clear();
  EXPECT_FALSE(response.stream(piece));
  // Its snapshot is not held while the last piece is written to a slow client.
  EXPECT_EQ(VectorCursor::closed, 1);
}

TEST(ListStream, AFailureOnTheFirstPageHappensInTheHandler) {
  std::vector<std::size_t> asked;
  EXPECT_THROW(streamed_list_response(cursor(numbers(5), asked, 0), write_number, 2),
               std::runtime_error);
}

TEST(ListStream, AFailureLaterThrowsFromTheProducer) {
  std::vector<std::size_t> asked;
  auto response = streamed_list_response(cursor(numbers(9), asked, 2), write_number, 2);
  std::string piece;
  EXPECT_TRUE(response.stream(piece));
  piece.clear();
  EXPECT_TRUE(response.stream(piece));
  piece.clear();
  EXPECT_THROW(response.stream(piece), std::runtime_error);
}

TEST(ListStream, AZeroPageSizeIsTakenAsOne) {
  std::vector<std::size_t> asked;
  auto response = streamed_list_response(cursor(numbers(2), asked), write_number, 0);
  EXPECT_EQ(joined(drain(response)), expected_json(2));
  for (auto rows : asked) EXPECT_EQ(rows, 1u);
}

}  // namespace
}  // namespace accountsd::api
