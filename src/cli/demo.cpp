#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>

#include "auth/appliance_key.hpp"
#include "auth/password.hpp"
#include "cli/commands.hpp"
#include "cli/operator_input.hpp"
#include "domain/clock.hpp"
#include "store/database.hpp"

namespace accountsd::cli {
namespace {

constexpr std::int64_t kGB = 1000000000;
constexpr std::int64_t kDay = 86400;
constexpr std::size_t kBatch = 20000;

const char* const kFirstNames[] = {"Ada",    "Alan",      "Grace",  "Linus",    "Barbara", "Ken",
                                   "Dennis", "Frances",   "Edsger", "Margaret", "John",    "Radia",
                                   "Donald", "Katherine", "Tim",    "Hedy"};
const char* const kLastNames[] = {
    "Lovelace", "Turing",   "Hopper",   "Torvalds", "Liskov", "Thompson", "Ritchie",     "Allen",
    "Dijkstra", "Hamilton", "McCarthy", "Perlman",  "Knuth",  "Johnson",  "Berners-Lee", "Lamarr"};
const char* const kDeviceNames[] = {"laptop", "desktop", "phone", "tablet", "server", "nas"};
const char* const kShareNames[] = {"holiday", "projects", "family",  "invoices",
                                   "music",   "photos",   "reports", "backup"};

// Finds a plan or group by name, creating it when missing, so that demo can be re-run.
std::int64_t ensure_plan(store::Directory& directory, store::PartnerId partner,
                         const std::string& name, std::int64_t bytes) {
  for (const auto& plan : directory.plans(partner))
    if (plan.name == name) return plan.plan_id;
  return directory.create_plan(partner, name, bytes);
}

std::int64_t ensure_group(store::Directory& directory, store::PartnerId partner,
                          const std::string& name, std::int64_t plan) {
  for (const auto& group : directory.groups(partner))
    if (group.name == name) return group.group_id;
  return directory.create_group(partner, domain::Group{0, name, plan, true, false, std::nullopt});
}

void show_progress(std::int64_t done, std::int64_t total,
                   std::chrono::steady_clock::time_point start) {
  constexpr int width = 40;
  double fraction = total ? double(done) / double(total) : 1.0;
  int filled = int(fraction * width);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\r[%s%s] %3d%% %lld/%lld users %.0fs", std::string(filled, '#').c_str(),
               std::string(width - filled, ' ').c_str(), int(fraction * 100),
               static_cast<long long>(done), static_cast<long long>(total), seconds);
  std::fflush(stderr);
}

}  // namespace

int demo(const DemoOptions& o) {
  // Bulk loading: a page cache that holds the indexes being filled, and no fsync per batch (a
  // crash mid-way loses batches, never consistency; rerunning adds the rest).
  auto database =
      store::open_store(o.db, {.synchronous = store::Synchronous::normal, .cache_mb = 512});
  auto partner = database->partners().find_partner(o.partner_username);
  if (!partner) {
    check_partner_username(o.partner_username);
    domain::NewPartner fresh;
    fresh.username = o.partner_username;
    fresh.name = "Demo Partner";
    std::string password = auth::generate_password();
    auto hashes = auth::hash_partner_password(password);
    fresh.password_hash = std::move(hashes.password);
    fresh.appliance_key_hash = std::move(hashes.appliance_key);
    create_new_partner(database->partners(), fresh);
    partner = database->partners().find_partner(o.partner_username);
    std::cout << "created partner " << o.partner_username << "\npassword: " << password << "\n";
  } else {
    std::cout << "adding to existing partner " << o.partner_username
              << " (its password is unchanged)\n";
  }
  const auto id = partner->id;

  struct Tier {
    std::int64_t group_id;
    std::int64_t plan_id;
    std::int64_t plan_bytes;
  };
  std::vector<Tier> tiers;
  const std::pair<const char*, std::int64_t> plans[] = {
      {"Basic 100 GB", 100 * kGB}, {"Pro 1 TB", 1000 * kGB}, {"Team 5 TB", 5000 * kGB}};
  const std::pair<const char*, int> groups[] = {
      {"Sales", 0}, {"Engineering", 1}, {"Support", 0}, {"Design", 2}};
  for (const auto& [group, plan_index] : groups) {
    const auto& [plan_name, bytes] = plans[plan_index];
    auto plan = ensure_plan(database->directory(), id, plan_name, bytes);
    tiers.push_back({ensure_group(database->directory(), id, group, plan), plan, bytes});
  }

  std::mt19937_64 rng(o.seed);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::int64_t now = domain::now_seconds();
  const std::int64_t first = database->directory().count_users(id, {}) + 1;
  const bool tty = isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();

  std::vector<domain::NewUser> batch;
  batch.reserve(kBatch);
  for (std::int64_t done = 0; done < o.users;) {
    batch.clear();
    for (std::size_t i = 0; i < kBatch && done < o.users; ++i, ++done) {
      const std::int64_t n = first + done;
      domain::NewUser u;
      const auto& tier = tiers[std::size_t(pick(0, std::int64_t(tiers.size()) - 1))];
      char username[32];
      std::snprintf(username, sizeof username, "user%07lld", static_cast<long long>(n));
      u.username = username;
      u.name = std::string(kFirstNames[pick(0, 15)]) + " " + kLastNames[pick(0, 15)];
      u.email = u.username + "@example.com";
      u.group_id = tier.group_id;
      u.plan_id = tier.plan_id;
      u.bonus_bytes = pick(0, 9) == 0 ? 10 * kGB : 0;
      u.bytes_stored = pick(0, tier.plan_bytes / 2);
      u.enabled = pick(0, 49) != 0;
      u.creation_time = now - pick(30, 3 * 365) * kDay;
      const int devices = int(pick(0, 6));
      for (int d = 0; d < devices; ++d) {
        domain::NewDevice device;
        device.name = std::string(kDeviceNames[d % 6]) + (d >= 6 ? std::to_string(d) : "");
        device.client_revision = 500 + 4 * pick(0, 19);
        device.creation_time = u.creation_time + pick(0, 29) * kDay;
        if (pick(0, 9) != 0) {
          device.last_login = now - pick(0, 2 * 365 * kDay);
          device.last_backup_complete = *device.last_login - pick(0, kDay);
          u.last_login = std::max(u.last_login.value_or(0), *device.last_login);
        }
        u.devices.push_back(std::move(device));
      }
      if (pick(0, 2) == 0) {
        const int roll = int(pick(0, 9));
        const int shares = roll < 6 ? 1 : roll < 9 ? 2 : 3;
        const auto offset = pick(0, 7);
        for (int s = 0; s < shares; ++s) {
          domain::Share share;
          share.room_key = kShareNames[(offset + s) % 8];
          share.name = share.room_key + " of " + u.name;
          share.description = "Demo share";
          share.creation_time = u.creation_time + pick(0, 30) * kDay;
          share.update_time = std::min(now, share.creation_time + pick(0, 300) * kDay);
          share.enabled = pick(0, 9) != 0;
          u.shares.push_back(std::move(share));
        }
        u.share_id = u.username;
      }
      batch.push_back(std::move(u));
    }
    database->directory().insert_users(id, batch);
    if (tty) show_progress(done, o.users, start);
  }
  if (tty) std::fputc('\n', stderr);
  std::cout << "added " << o.users << " users to " << o.partner_username << "\n";
  return 0;
}

}  // namespace accountsd::cli
