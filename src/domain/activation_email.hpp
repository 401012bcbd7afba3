// A queued activation email (B.3), as the operator lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace accountsd::domain {

struct ActivationEmail {
  std::int64_t email_id = 0;
  std::string partner_username;
  std::string username;
  std::string email;
  std::optional<std::string> template_name;
  std::int64_t queued_at = 0;
  std::optional<std::string> reg_code{};
};

}  // namespace accountsd::domain
