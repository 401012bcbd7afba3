// The places that requests with a large body hold while in flight: a bound on them all
// (ServerLimits::large_bodies) and on the share of any one holder
// (ServerLimits::large_bodies_per_holder). Thread-safe: every I/O thread takes from the same
// places.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace accountsd::http {

class LargeBodyPlaces {
 public:
  // At most `limit` places in all, and `per_holder` (at least one) for any one holder.
  LargeBodyPlaces(std::size_t limit, std::size_t per_holder);
  LargeBodyPlaces(const LargeBodyPlaces&) = delete;
  LargeBodyPlaces& operator=(const LargeBodyPlaces&) = delete;

  // Why a place was not taken.
  enum class Refusal {
    none,             // it was
    all_taken,        // `limit` places are taken
    holder_at_limit,  // its holder has `per_holder` of them already
  };
  class Place;

  std::size_t per_holder() const { return per_holder_; }

 private:
  Refusal take(const std::string& holder);
  void give_back(const std::string& holder);

  const std::size_t limit_;
  const std::size_t per_holder_;
  // One lock for both counts, so that a place is taken only when both allow it, with no window
  // in which a refused request counts; only large bodies take it, which are few.
  std::mutex mutex_;
  std::size_t taken_ = 0;
  // Only holders with a place have an entry: the map never outgrows `limit`.
  std::unordered_map<std::string, std::size_t> by_holder_;
};

// One place, taken for a holder on construction unless the limits refuse it, and given back when
// destroyed.
class LargeBodyPlaces::Place {
 public:
  // `holder` is an opaque key (Response::large_body_holder): empty means no one in particular,
  // and only the overall limit applies.
  Place(LargeBodyPlaces& places, std::string holder);
  Place(const Place&) = delete;
  Place& operator=(const Place&) = delete;
  ~Place();
  bool held() const { return places_ != nullptr; }
  Refusal refusal() const { return refusal_; }

 private:
  LargeBodyPlaces* places_;  // null unless held
  std::string holder_;
  Refusal refusal_;
};

}  // namespace accountsd::http
