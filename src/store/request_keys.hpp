// Idempotency keys (Idempotency-Key on a partner's creating POSTs): the first answer to a request
// with a key, kept for a day, so that a retry gets it again instead of running again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "store/partners.hpp"

namespace accountsd::store {

class RequestKeys {
 public:
  virtual ~RequestKeys() = default;

  // What a request with a key answered: the status, the headers that matter and the body.
  struct Answer {
    int status = 0;
    std::string content_type;
    std::string location;  // empty: none
    std::string body;
  };
  // The key was free (never used, or used before `expired_before`): it is now this request's,
  // and stays "in flight" until finish() or release().
  struct Claimed {};
  // The key is taken by a request with another fingerprint (method, target or body).
  struct Mismatch {};
  // The key's first request has not finished: it began at `since` (seconds since the epoch).
  struct InFlight {
    std::int64_t since = 0;
  };
  using Claim = std::variant<Claimed, Answer, Mismatch, InFlight>;

  // Claims `key` of `partner` for a request whose fingerprint is `fingerprint`, or says what
  // holds it. A claim made before `expired_before` is forgotten first. Claims of one key are
  // made one at a time, across the servers of the database.
  virtual Claim claim(PartnerId partner, std::string_view key, std::string_view fingerprint,
                      std::int64_t now, std::int64_t expired_before) = 0;
  // Keeps `answer` for the key this request claimed. Inside the request's write (group commit on
  // SQLite), it is committed with the change it answers.
  virtual void finish(PartnerId partner, std::string_view key, const Answer& answer) = 0;
  // Frees a claimed key whose request failed without an answer worth keeping (a 5xx).
  virtual void release(PartnerId partner, std::string_view key) = 0;
  // Deletes at most `limit` keys claimed before `before`; returns how many.
  virtual std::int64_t prune(std::int64_t before, int limit) = 0;
};

}  // namespace accountsd::store
