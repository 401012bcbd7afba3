// The console_sessions role of the store (migration 018): the web console's sessions, kept in
// the database so that every server of it signs the same sessions in.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/console_session.hpp"

namespace accountsd::store {

// Sessions are found by the hash of their cookie's token (auth/console_token.hpp): the table
// never holds a token that would sign anyone in.
class ConsoleSessions {
 public:
  virtual ~ConsoleSessions() = default;

  virtual void create(std::string_view token_hash, const domain::ConsoleSession& session) = 0;
  // The session, expired or not: the caller decides (domain::ConsoleSession::expired).
  virtual std::optional<domain::ConsoleSession> find(std::string_view token_hash) = 0;
  // Ends one session; nothing when it is gone already.
  virtual void end(std::string_view token_hash) = 0;
  // Deletes at most `limit` sessions that expired before `now`; returns how many.
  virtual std::int64_t prune(std::int64_t now, int limit) = 0;
  // (A partner's password change ends all its sessions: PartnerStore::set_password_hash.)
};

}  // namespace accountsd::store
