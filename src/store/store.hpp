// The storage interface every handler and command uses; SQLite now, PostgreSQL later.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/activation_email.hpp"
#include "domain/backup.hpp"
#include "domain/billing.hpp"
#include "domain/credentials.hpp"
#include "domain/device_policy.hpp"
#include "domain/email_clash.hpp"
#include "domain/group.hpp"
#include "domain/new_partner.hpp"
#include "domain/new_user.hpp"
#include "domain/partner.hpp"
#include "domain/plan.hpp"
#include "domain/quota.hpp"
#include "domain/settings.hpp"
#include "domain/share.hpp"
#include "domain/usage_report.hpp"
#include "domain/user.hpp"
#include "domain/user_query.hpp"
#include "store/cursor.hpp"
#include "store/outcomes.hpp"
#include "unique_function.hpp"

namespace accountsd::store {

using domain::PartnerId;

class Store {
 public:
  virtual ~Store() = default;

  // Operator: partners. create_partner also makes the "Unlimited" plan, and a group only when
  // NewPartner::group names one.
  virtual PartnerId create_partner(const domain::NewPartner& partner) = 0;
  virtual std::optional<domain::Partner> find_partner(std::string_view username) = 0;
  virtual std::optional<domain::Partner> find_partner(PartnerId partner) = 0;
  virtual std::vector<domain::Partner> list_partners() = 0;
  // Saves name, billing mode, bytes_available and features of an existing partner.
  virtual void update_partner(const domain::Partner& partner) = 0;

  // Read snapshots: the reads of one request between these see one state of the database (and,
  // on SQLite, take the read lock once). Pairs nest: the outermost one begins and ends the
  // snapshot. A write begun meanwhile ends the snapshot first.
  virtual void begin_read() = 0;
  virtual void end_read() noexcept = 0;
  // Ends this thread's kept snapshot if it is out of date (StoreOptions::snapshot_reuse); call
  // it between requests, at least every few milliseconds, so that none holds the WAL back.
  virtual void release_stale_snapshot() noexcept = 0;

  // Group commit (StoreOptions::synchronous == group): a commit returns before it is on disk.
  // The ticket of this thread's latest commit since the last call, then 0 until the next one;
  // always 0 in the other modes, whose commits are durable (or never will be) when they return.
  virtual std::uint64_t take_commit_ticket() = 0;
  // Calls `done(true)` once commit `ticket` is on disk (at once for 0 or a commit already
  // synced, else from another thread), or `done(false)` if that could not be ensured.
  virtual void when_durable(std::uint64_t ticket, UniqueFunction<void(bool ok)> done) = 0;

  // Authentication.
  virtual std::optional<domain::Credentials> credentials(std::string_view username) = 0;
  virtual void set_password_hash(PartnerId partner, const std::string& hash) = 0;

  // Partner API, Part A.
  virtual domain::Billing billing(PartnerId partner) = 0;
  virtual void save_billing(PartnerId partner, const domain::Billing& billing) = 0;
  virtual domain::Features features(PartnerId partner) = 0;
  virtual domain::Settings settings(PartnerId partner) = 0;
  // Runs `change` on the current settings inside one transaction and saves the result;
  // if `change` throws, nothing is saved and the exception propagates.
  virtual domain::Settings update_settings(
      PartnerId partner,
      const std::function<void(domain::Settings&, const domain::Features&)>& change) = 0;
  virtual domain::Quota quota(PartnerId partner) = 0;
  // Users with at least one share, by avatar_id, from `offset`, at most `limit` of them.
  virtual std::vector<domain::UserShares> shares(PartnerId partner, std::int64_t offset,
                                                 std::optional<std::int64_t> limit) = 0;
  // The same users, from the `offset`-th on to the last, a page at a time (Cursor).
  virtual std::unique_ptr<Cursor<domain::UserShares>> share_cursor(PartnerId partner,
                                                                   std::int64_t offset) = 0;
  virtual std::vector<domain::RevisionCount> client_revisions(
      PartnerId partner, const domain::CensusFilter& filter) = 0;

  // The appliance's configuration backups (C.3). Saving makes `backup` the current one and the
  // current one the previous one, in one transaction; the older previous one is dropped.
  virtual void save_backup(PartnerId partner, const domain::Backup& backup) = 0;
  virtual std::optional<domain::Backup> backup(PartnerId partner,
                                               domain::BackupGeneration which) = 0;

  // Plans (B.1).
  virtual std::int64_t create_plan(PartnerId partner, const std::string& name,
                                   std::int64_t storage_bytes) = 0;
  virtual std::vector<domain::Plan> plans(PartnerId partner) = 0;

  // Groups (B.2). A write that a rule refuses throws a Refusal (store/outcomes.hpp).
  virtual std::int64_t create_group(PartnerId partner, const domain::Group& group) = 0;
  // Groups whose name contains `search` (case-insensitive), or all.
  virtual std::vector<domain::Group> groups(
      PartnerId partner, const std::optional<std::string>& search = std::nullopt) = 0;
  virtual std::optional<domain::Group> group(PartnerId partner, std::int64_t group_id) = 0;
  virtual domain::Group update_group(PartnerId partner, std::int64_t group_id,
                                     const domain::GroupPatch& patch, bool force) = 0;
  virtual void delete_group(PartnerId partner, std::int64_t group_id,
                            std::optional<std::int64_t> move_to) = 0;

  // Device policies (C.5), ordered by id. A write that a rule involving other policies or groups
  // refuses throws Conflict; the catalogue's value rules are the caller's.
  virtual domain::DevicePolicy create_device_policy(PartnerId partner,
                                                    const domain::DevicePolicy& policy) = 0;
  virtual std::vector<domain::DevicePolicy> device_policies(PartnerId partner) = 0;
  virtual std::optional<domain::DevicePolicy> device_policy(PartnerId partner,
                                                            std::int64_t policy_id) = 0;
  // Runs `change` on the stored policy inside one transaction and saves the result; nullopt when
  // there is no such policy. If `change` throws, nothing is saved and the exception propagates.
  virtual std::optional<domain::DevicePolicy> update_device_policy(
      PartnerId partner, std::int64_t policy_id,
      const std::function<void(domain::DevicePolicy&)>& change) = 0;
  // false when there is no such policy.
  virtual bool delete_device_policy(PartnerId partner, std::int64_t policy_id) = 0;

  // Users (B.3). A write that a rule refuses throws a Refusal (store/outcomes.hpp).
  virtual domain::User create_user(PartnerId partner, const domain::UserCreate& user) = 0;
  // Which unique field of a new user, "username" or "email", another user of the partner holds
  // already (an empty username is not checked), or nullopt: the cheap check that goes before
  // hashing a password; create_user still enforces both.
  virtual std::optional<std::string> taken_user_field(PartnerId partner, std::string_view username,
                                                      std::string_view email) = 0;
  // The user whose username, or else email, is `key`.
  virtual std::optional<domain::User> find_user(PartnerId partner, std::string_view key) = 0;
  virtual std::vector<domain::User> users(PartnerId partner, const domain::UserQuery& query) = 0;
  // The users `query` selects, in its order, from its offset on to the last (its limit is
  // ignored), a page at a time (Cursor).
  virtual std::unique_ptr<Cursor<domain::User>> user_cursor(PartnerId partner,
                                                            const domain::UserQuery& query) = 0;
  virtual std::int64_t count_users(PartnerId partner, const domain::UserQuery& query) = 0;
  virtual domain::User update_user(PartnerId partner, std::int64_t avatar_id,
                                   const domain::UserPatch& patch) = 0;
  // Deletes the user with its devices and shares.
  virtual void delete_user(PartnerId partner, std::int64_t avatar_id) = 0;
  virtual void queue_activation_email(PartnerId partner, std::int64_t avatar_id,
                                      const std::optional<std::string>& template_name,
                                      const std::optional<std::string>& reg_code) = 0;
  // The outbox, oldest first; every partner's when `partner` is empty.
  virtual std::vector<domain::ActivationEmail> activation_emails(
      std::optional<PartnerId> partner) = 0;
  // Emails that still clash by letter case (EmailClash), every partner's.
  virtual std::vector<domain::EmailClash> email_clashes() = 0;
  // Inserts users with their devices and shares in one transaction, keeping quota exact (demo).
  virtual void insert_users(PartnerId partner, std::span<const domain::NewUser> users) = 0;

  // A user's devices and shares (B.4).
  virtual std::vector<domain::Device> devices(PartnerId partner, std::int64_t avatar_id) = 0;
  virtual std::vector<domain::Share> user_shares(PartnerId partner, std::int64_t avatar_id) = 0;
  virtual std::optional<domain::Share> user_share(PartnerId partner, std::int64_t avatar_id,
                                                  std::string_view room_key) = 0;
  // false when there is no such share.
  virtual bool set_share_enabled(PartnerId partner, std::int64_t avatar_id,
                                 std::string_view room_key, bool enabled) = 0;

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

// Holds a read snapshot of `store` for a scope.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Store& store) : store_(store) { store_.begin_read(); }
  ~ReadSnapshot() { store_.end_read(); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Store& store_;
};

// Opens the store named by a --db URL: "sqlite:PATH" or a plain path; creates and migrates it.
// How an embedded database trades write speed for durability.
enum class Synchronous {
  // Every commit reaches the disk before it returns (SQLite synchronous=FULL): it survives a
  // power loss. One fsync per commit, inside the writer's turn.
  full,
  // Group commit: a commit returns once it is in the WAL file (synchronous=NORMAL) with a ticket
  // (take_commit_ticket); when_durable says when a background fsync, shared by every commit
  // made meanwhile, has put it on disk. Durable like `full` for whoever waits for that.
  group,
  // synchronous=NORMAL alone: a commit survives a crash of the process, not of the machine.
  normal,
};

struct StoreOptions {
  Synchronous synchronous = Synchronous::full;
  // Page cache per connection in MiB; 0 keeps SQLite's default (2 MiB). Bulk loading wants more.
  int cache_mb = 0;
  // How long a thread may keep reading in one snapshot across begin_read/end_read pairs while no
  // commit is made through this store; 0 begins a new one every time. Commits made by another
  // process meanwhile become visible once the window ends (docs/operations.md, "Storage").
  std::chrono::milliseconds snapshot_reuse{0};
};

std::unique_ptr<Store> open_store(const std::string& url, const StoreOptions& options = {});

}  // namespace accountsd::store
