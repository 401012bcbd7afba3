// Users of one partner whose emails differ only by letter case, left so by migration 007 (which
// reports such clashes instead of merging users); see docs/operations.md.
#pragma once

#include <string>
#include <vector>

namespace accountsd::domain {

struct EmailClash {
  std::string partner_username;
  struct Holder {
    std::string username;
    std::string email;
  };
  std::vector<Holder> users;  // oldest first
};

}  // namespace accountsd::domain
