// Argon2id password hashing (libsodium) and the A.5 rule for acceptable passwords.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace accountsd::auth {

// How expensive new hashes are: `interactive` in production, `minimal` only to keep tests quick.
enum class HashCost { interactive, minimal };
void set_hash_cost(HashCost cost);

// An Argon2id hash string (self-describing: algorithm, parameters, salt).
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
// Verifications made by this process so far (each costs an Argon2id computation).
std::uint64_t verifications_made();

// Why `password` is not acceptable (A.5: 8–1024 characters, not only whitespace), or nullopt.
std::optional<std::string> password_problem(std::string_view password);

// A strong random password for generated credentials.
std::string generate_password();

}  // namespace accountsd::auth
