// An exception to the recording of replies for the OpenAPI check (support/http_client.hpp).
#pragma once

namespace accountsd::testing {

// While one lives, this thread's replies are not recorded for the OpenAPI check: for requests to
// a listener that is not the API's (serve --metrics-listen ADDR:PORT serves /metrics alone).
class UnrecordedReplies {
 public:
  UnrecordedReplies();
  ~UnrecordedReplies();
  UnrecordedReplies(const UnrecordedReplies&) = delete;
  UnrecordedReplies& operator=(const UnrecordedReplies&) = delete;
};

}  // namespace accountsd::testing
