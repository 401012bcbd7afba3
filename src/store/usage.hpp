// The usage role of the store: users' devices and shares, the storage service's reports about
// them, and the partner-wide views over them (share listing, client-revision census).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "domain/partner.hpp"
#include "domain/share.hpp"
#include "domain/usage_report.hpp"
#include "domain/user.hpp"
#include "store/cursor.hpp"

namespace accountsd::store {

using domain::PartnerId;

// A report about a user the partner does not have throws NotFound(Object::user).
class Usage {
 public:
  virtual ~Usage() = default;

  // A user's devices and shares (B.4).
  virtual std::vector<domain::Device> devices(PartnerId partner, std::int64_t avatar_id) = 0;
  virtual std::vector<domain::Share> user_shares(PartnerId partner, std::int64_t avatar_id) = 0;
  virtual std::optional<domain::Share> user_share(PartnerId partner, std::int64_t avatar_id,
                                                  std::string_view room_key) = 0;
  // false when there is no such share.
  virtual bool set_share_enabled(PartnerId partner, std::int64_t avatar_id,
                                 std::string_view room_key, bool enabled) = 0;

  // Receives a user with shares and those shares, by room_key: the store's own values, valid
  // only during the call (it reuses them for the next user).
  using ShareVisitor =
      std::function<void(const domain::ShareOwner& user, std::span<const domain::Share> shares)>;
  // Users with at least one share, by avatar_id, from `offset`, at most `limit` of them (A.9),
  // handed to `visit` one at a time as they are read: a page is written out without being
  // copied into objects first.
  virtual void visit_shares(PartnerId partner, std::int64_t offset,
                            std::optional<std::int64_t> limit, const ShareVisitor& visit) = 0;
  // The same users, collected.
  std::vector<domain::UserShares> shares(PartnerId partner, std::int64_t offset,
                                         std::optional<std::int64_t> limit) {
    std::vector<domain::UserShares> out;
    visit_shares(partner, offset, limit,
                 [&](const domain::ShareOwner& user, std::span<const domain::Share> shares) {
                   out.push_back({user, {shares.begin(), shares.end()}});
                 });
    return out;
  }
  // The same users, from the `offset`-th on to the last, a page at a time (Cursor).
  virtual std::unique_ptr<Cursor<domain::UserShares>> share_cursor(PartnerId partner,
                                                                   std::int64_t offset) = 0;
  // Devices counted by client revision (A.10).
  virtual std::vector<domain::RevisionCount> client_revisions(
      PartnerId partner, const domain::CensusFilter& filter) = 0;

  // Usage reports from the storage service (B.5); each keeps the quota counters exact.
  virtual void put_device(PartnerId partner, std::int64_t avatar_id, std::string_view name,
                          const domain::DeviceReport& report) = 0;
  virtual bool delete_device(PartnerId partner, std::int64_t avatar_id, std::string_view name) = 0;
  virtual void put_share(PartnerId partner, std::int64_t avatar_id, std::string_view room_key,
                         const domain::ShareReport& report) = 0;
  virtual bool delete_share(PartnerId partner, std::int64_t avatar_id,
                            std::string_view room_key) = 0;
  virtual void set_bytes_stored(PartnerId partner, std::int64_t avatar_id,
                                std::int64_t bytes_stored) = 0;
};

}  // namespace accountsd::store
