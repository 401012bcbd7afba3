// The outcome "the database cannot serve this now; try again shortly": no pooled connection came
// free in time, or the database could not be reached. The API answers 503 with Retry-After.
#pragma once

#include <stdexcept>
#include <string>

namespace accountsd::store {

struct Unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace accountsd::store
