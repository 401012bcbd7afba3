// Rows for migration 025's trigger, the same on both backends: three partners with a password
// hash and a key hash; then alpha's password changes without its key (as a server from before
// 025 does), beta's with a new key, and gamma's name alone. Afterwards alpha has no key, beta
// k2 and gamma k1 (appliance_key_migration_test.cpp and postgres/migrate_test.cpp).
#pragma once

namespace accountsd::testing {

inline constexpr const char* kApplianceKeyRows =
    "INSERT INTO partners (partner_id, username, name, password_hash, created_at, "
    "appliance_key_hash) VALUES (1, 'alpha', 'Alpha', 'h1', 0, 'k1'), "
    "(2, 'beta', 'Beta', 'h1', 0, 'k1'), (3, 'gamma', 'Gamma', 'h1', 0, 'k1');"
    "UPDATE partners SET password_hash = 'h2' WHERE partner_id = 1;"
    "UPDATE partners SET password_hash = 'h2', appliance_key_hash = 'k2' WHERE partner_id = 2;"
    "UPDATE partners SET name = 'Gamma Co' WHERE partner_id = 3";

}  // namespace accountsd::testing
