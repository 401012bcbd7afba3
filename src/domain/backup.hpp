// The management appliance's own configuration backup (C.3): base64 text kept exactly as sent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace accountsd::domain {

// One stored backup. The server never decodes `data`: it checks it and keeps it byte for byte.
struct Backup {
  std::string sha256;  // lowercase hex SHA-256 of `data`
  std::string data;    // standard base64, line breaks included, as the appliance sent it
  std::int64_t update_time = 0;
};

// Which of a partner's two backups: the latest, or the one it replaced (kept for the operator).
enum class BackupGeneration { current, previous };

// Whether `text` is standard base64 (RFC 4648 alphabet, '=' padding to a multiple of four)
// with line breaks (CR, LF) allowed anywhere, as encoders that wrap lines write it.
bool is_base64_text(std::string_view text);

// The lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace accountsd::domain
