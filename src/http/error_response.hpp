// The single place that turns an accountsd::Error into an HTTP status and JSON error body.
#pragma once

#include "error.hpp"
#include "http/message.hpp"

namespace accountsd::http {

int status_of(ErrorKind kind);

// The response for `error`; `request_id` is included for internal errors.
Response error_response(const Error& error, std::string_view request_id);

}  // namespace accountsd::http
