// The large-body places: the overall limit, each holder's share of it, and places given back.
#include "http/large_body_places.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace accountsd::http {
namespace {

using Place = LargeBodyPlaces::Place;
using Refusal = LargeBodyPlaces::Refusal;

TEST(LargeBodyPlaces, AHolderGetsNoMoreThanItsShare) {
  LargeBodyPlaces places(3, 1);
  Place a(places, "a");
  ASSERT_TRUE(a.held());
  EXPECT_EQ(a.refusal(), Refusal::none);
  Place again(places, "a");
  EXPECT_FALSE(again.held());
  EXPECT_EQ(again.refusal(), Refusal::holder_at_limit);
  // The refused one took nothing: the two places left are for others.
  Place b(places, "b");
  Place c(places, "c");
  EXPECT_TRUE(b.held());
  EXPECT_TRUE(c.held());
  Place d(places, "d");
  EXPECT_EQ(d.refusal(), Refusal::all_taken);
}

TEST(LargeBodyPlaces, TheOverallLimitDecidesWhenItIsTheTighter) {
  LargeBodyPlaces places(2, 3);
  Place first(places, "a");
  Place second(places, "a");
  EXPECT_TRUE(first.held());
  EXPECT_TRUE(second.held());
  Place third(places, "a");
  EXPECT_EQ(third.refusal(), Refusal::all_taken);
  Place other(places, "b");
  EXPECT_EQ(other.refusal(), Refusal::all_taken);
}

TEST(LargeBodyPlaces, AHolderAtItsShareIsToldSoEvenWhenAllAreTaken) {
  LargeBodyPlaces places(2, 1);
  Place a(places, "a");
  Place b(places, "b");
  EXPECT_EQ(Place(places, "a").refusal(), Refusal::holder_at_limit);
  EXPECT_EQ(Place(places, "c").refusal(), Refusal::all_taken);
}

TEST(LargeBodyPlaces, PlacesComeBackWhenTheirHoldersAreDone) {
  LargeBodyPlaces places(2, 1);
  std::optional<Place> a(std::in_place, places, "a");
  Place b(places, "b");
  EXPECT_FALSE(Place(places, "a").held());
  EXPECT_FALSE(Place(places, "c").held());
  a.reset();
  // Both the overall place and a's share: a may take one again, or anyone else.
  EXPECT_TRUE(Place(places, "a").held());
  EXPECT_TRUE(Place(places, "c").held());
  // Refused places give back nothing they did not take.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Place(places, "b").held());
  Place c(places, "c");
  EXPECT_TRUE(c.held());
  EXPECT_FALSE(Place(places, "d").held());
}

TEST(LargeBodyPlaces, NoHolderMeansTheOverallLimitAlone) {
  LargeBodyPlaces places(2, 1);
  Place first(places, "");
  Place second(places, "");
  EXPECT_TRUE(first.held());
  EXPECT_TRUE(second.held());
  EXPECT_EQ(Place(places, "").refusal(), Refusal::all_taken);
}

TEST(LargeBodyPlaces, AShareIsAtLeastOne) {
  LargeBodyPlaces places(2, 0);
  EXPECT_EQ(places.per_holder(), 1u);
  Place a(places, "a");
  EXPECT_TRUE(a.held());
  EXPECT_EQ(Place(places, "a").refusal(), Refusal::holder_at_limit);
}

}  // namespace
}  // namespace accountsd::http
