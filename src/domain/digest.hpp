// BLAKE2b digests of several parts at once, and bytes as hex: what the credential cache, the
// idempotency keys and the backups' checksums share.
#pragma once

#include <array>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace accountsd::domain {

// BLAKE2b-256 of `parts`, each prefixed by its length (8 bytes, little-endian), so that no two
// different lists digest the same bytes; keyed with `key` unless it is empty.
std::array<unsigned char, 32> parts_digest(std::initializer_list<std::string_view> parts,
                                           std::span<const unsigned char> key = {});

// `bytes` as lowercase hex.
std::string hex(std::span<const unsigned char> bytes);

}  // namespace accountsd::domain
