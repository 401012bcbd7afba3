// The one error type that carries an API outcome other than success, from any layer to the HTTP
// edge.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace accountsd {

// What went wrong, independent of HTTP; http/error_response.cpp maps each kind to a status.
enum class ErrorKind {
  bad_request,
  unauthorized,
  payment_required,
  forbidden,
  not_found,
  method_not_allowed,
  conflict,
  payload_too_large,
  // Well-formed, but cannot be done as sent (an Idempotency-Key reused for another request).
  unprocessable,
  header_too_large,
  too_many_requests,
  internal,
  // A change was committed but could not be confirmed durable: a 500 whose reason is told.
  unconfirmed,
  unavailable,
};

// Thrown to abort a request; the message is the human-readable `reason` of the error body.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string reason, std::vector<std::string> fields = {})
      : std::runtime_error(std::move(reason)), kind_(kind), fields_(std::move(fields)) {}

  ErrorKind kind() const { return kind_; }
  // Offending fields: `invalid` for bad_request, `conflicts` for conflict.
  const std::vector<std::string>& fields() const { return fields_; }

  // Card processor response code (409 card rejections carry `code` instead of `conflicts`).
  std::optional<std::string> code;
  // Seconds a throttled client should wait (429).
  std::optional<long long> retry_after;
  // Methods the path does accept (405).
  std::vector<std::string> allow;
  // A 401 names HTTP Basic as the way in (WWW-Authenticate). Not for the web console's calls: a
  // browser answers that header with a login dialog of its own.
  bool challenge = true;

 private:
  ErrorKind kind_;
  std::vector<std::string> fields_;
};

inline Error bad_request(std::string reason, std::vector<std::string> invalid = {}) {
  return Error(ErrorKind::bad_request, std::move(reason), std::move(invalid));
}
inline Error conflict(std::string reason, std::vector<std::string> conflicts = {}) {
  return Error(ErrorKind::conflict, std::move(reason), std::move(conflicts));
}
inline Error not_found(std::string reason = "not found") {
  return Error(ErrorKind::not_found, std::move(reason));
}

}  // namespace accountsd
