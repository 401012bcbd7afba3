// Every endpoint handler, one per method and path; each page of the spec has its own .cpp.
#pragma once

#include "api/app.hpp"
#include "error.hpp"

namespace accountsd::api {

http::Response get_ping(Call& call);                  // ping.cpp
http::Response get_billing(Call& call);               // partner_billing.cpp
http::Response post_billing(Call& call);              // partner_billing.cpp
http::Response post_password(Call& call);             // partner_password.cpp
http::Response get_quota(Call& call);                 // partner_quota.cpp
http::Response get_features(Call& call);              // partner_features.cpp
http::Response get_settings(Call& call);              // partner_settings.cpp
http::Response post_settings(Call& call);             // partner_settings.cpp
http::Response get_shares(Call& call);                // shares.cpp
http::Response get_client_revisions(Call& call);      // client_revisions.cpp

}  // namespace accountsd::api
