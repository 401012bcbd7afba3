// The API's words for the store's refusals (store/outcomes.hpp): the one place that gives each
// its error kind, reason and fields. App applies it to whatever a handler throws.
#pragma once

#include "error.hpp"
#include "store/outcomes.hpp"

namespace accountsd::api {

Error to_error(const store::Refusal& refusal);

}  // namespace accountsd::api
