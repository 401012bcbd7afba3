#include "http/large_body_places.hpp"

#include <algorithm>
#include <utility>

namespace accountsd::http {

LargeBodyPlaces::LargeBodyPlaces(std::size_t limit, std::size_t per_holder)
    : limit_(limit), per_holder_(std::max<std::size_t>(1, per_holder)) {}

LargeBodyPlaces::Refusal LargeBodyPlaces::take(const std::string& holder) {
  std::lock_guard lock(mutex_);
  // The holder's own share first: when both are at their limit, that is the one to tell, since
  // other holders' uploads ending would not let this one in.
  if (!holder.empty()) {
    auto found = by_holder_.find(holder);
    if (found != by_holder_.end() && found->second >= per_holder_) return Refusal::holder_at_limit;
  }
  if (taken_ >= limit_) return Refusal::all_taken;
  ++taken_;
  if (!holder.empty()) ++by_holder_[holder];
  return Refusal::none;
}

void LargeBodyPlaces::give_back(const std::string& holder) {
  std::lock_guard lock(mutex_);
  --taken_;
  if (holder.empty()) return;
  auto found = by_holder_.find(holder);
  if (--found->second == 0) by_holder_.erase(found);
}

LargeBodyPlaces::Place::Place(LargeBodyPlaces& places, std::string holder)
    : places_(&places), holder_(std::move(holder)), refusal_(places.take(holder_)) {
  if (refusal_ != Refusal::none) places_ = nullptr;
}

LargeBodyPlaces::Place::~Place() {
  if (places_) places_->give_back(holder_);
}

}  // namespace accountsd::http
