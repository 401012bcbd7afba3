// The API's words for the store's refusals (store/outcomes.hpp): the one place that gives each
// its error kind, reason and fields. App applies it to whatever a handler throws.
#pragma once

#include "error.hpp"
#include "store/outcomes.hpp"
#include "store/unavailable.hpp"

namespace accountsd::api {

Error to_error(const store::Refusal& refusal);
// 503 with Retry-After: the database is out of reach or its pool stayed busy past the deadline.
Error to_error(const store::Unavailable& unavailable);

}  // namespace accountsd::api
