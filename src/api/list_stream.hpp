// Unpaged lists streamed a page of rows at a time (A.1): a body producer over a store::Cursor.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/json_writer.hpp"
#include "http/message.hpp"
#include "store/cursor.hpp"

namespace accountsd::api {

// Writes a cursor's rows as one JSON array, a page per piece: "[" and the first page, then ","
// and each further page, then "]". It holds one page of rows while writing a piece and none
// between pieces, and lets the cursor (with its snapshot) go as soon as the last page is read.
template <typename Row, typename Write>
class ListPieces {
 public:
  // `first` is the cursor's first page, read already; `page_rows` is at least 1.
  ListPieces(std::unique_ptr<store::Cursor<Row>> cursor, Write write, std::size_t page_rows,
             std::vector<Row> first)
      : cursor_(std::move(cursor)),
        write_(std::move(write)),
        page_rows_(page_rows),
        first_(std::move(first)) {}

  // The http::BodyProducer: appends the next piece to `piece`; false once it closed the array.
  bool operator()(std::string& piece) {
    std::vector<Row> page;
    if (first_) {
      page = std::move(*first_);
      first_.reset();
    } else {
      page = cursor_->next_page(page_rows_);
    }
    if (!begun_) piece.push_back('[');
    if (!page.empty()) {
      if (written_) piece.push_back(',');
      // A writer per page: each piece is its own text, the comma between pages is written above.
      http::JsonWriter out(piece);
      for (const auto& row : page) write_(out, row);
      written_ = true;
    }
    begun_ = true;
    if (page.size() < page_rows_) {
      piece.push_back(']');
      cursor_.reset();
      return false;
    }
    return true;
  }

 private:
  std::unique_ptr<store::Cursor<Row>> cursor_;
  Write write_;
  std::size_t page_rows_;
  std::optional<std::vector<Row>> first_;
  bool begun_ = false;
  bool written_ = false;
};

// 200 with a JSON array of `write(writer, row)` for every row of `cursor`, streamed a page of
// `page_rows` rows at a time. The first page is read here, in the handler: a store that fails
// at once still gets a whole error answer, not a cut one.
template <typename Row, typename Write>
http::Response streamed_list_response(std::unique_ptr<store::Cursor<Row>> cursor, Write write,
                                      std::size_t page_rows) {
  page_rows = std::max<std::size_t>(page_rows, 1);
  auto first = cursor->next_page(page_rows);
  auto response = http::raw_json_response(200, std::string());
  response.stream =
      ListPieces<Row, Write>(std::move(cursor), std::move(write), page_rows, std::move(first));
  return response;
}

}  // namespace accountsd::api
