// Every endpoint handler, one per method and path; each page of the spec has its own .cpp.
#pragma once

#include "api/app.hpp"
#include "error.hpp"

namespace accountsd::api {

// Aligned by hand.
// clang-format off
http::Response get_ping(Call& call);                  // ping.cpp
http::Response get_billing(Call& call);               // partner_billing.cpp
http::Response post_billing(Call& call);              // partner_billing.cpp
http::Response post_password(Call& call);             // partner_password.cpp
http::Response get_quota(Call& call);                 // partner_quota.cpp
http::Response get_features(Call& call);              // partner_features.cpp
http::Response get_settings(Call& call);              // partner_settings.cpp
http::Response post_settings(Call& call);             // partner_settings.cpp
http::Response get_audit(Call& call);                 // partner_audit.cpp
http::Response get_shares(Call& call);                // shares.cpp
http::Response get_client_revisions(Call& call);      // client_revisions.cpp

http::Response get_partner_info(Call& call);          // partner_info.cpp
http::Response get_backup(Call& call);                // partner_backup.cpp
http::Response post_backup(Call& call);               // partner_backup.cpp

http::Response get_plans(Call& call);                 // plans.cpp
http::Response get_groups(Call& call);                // groups.cpp
http::Response post_groups(Call& call);               // groups.cpp
http::Response get_group(Call& call);                 // groups.cpp
http::Response post_group(Call& call);                // groups.cpp
http::Response delete_group(Call& call);              // groups.cpp
http::Response get_users(Call& call);                 // users.cpp
http::Response post_users(Call& call);                // users.cpp (also self-signup)
http::Response get_user(Call& call);                  // users.cpp
http::Response post_user(Call& call);                 // users.cpp
http::Response delete_user(Call& call);               // users.cpp
http::Response get_user_devices(Call& call);          // user_devices.cpp
http::Response get_user_shares(Call& call);           // user_devices.cpp
http::Response get_user_share(Call& call);            // user_devices.cpp
http::Response post_user_share(Call& call);           // user_devices.cpp

http::Response get_device_preferences(Call& call);    // device_preferences.cpp
http::Response get_device_policies(Call& call);       // device_policies.cpp
http::Response post_device_policies(Call& call);      // device_policies.cpp
http::Response get_device_policy(Call& call);         // device_policies.cpp
http::Response post_device_policy(Call& call);        // device_policies.cpp
http::Response delete_device_policy(Call& call);      // device_policies.cpp

http::Response put_device(Call& call);                // internal_usage.cpp
http::Response delete_device(Call& call);             // internal_usage.cpp
http::Response put_share(Call& call);                 // internal_usage.cpp
http::Response delete_share(Call& call);              // internal_usage.cpp
http::Response put_usage(Call& call);                 // internal_usage.cpp
http::Response get_user_policy(Call& call);           // device_policies.cpp

http::Response get_metrics(Call& call);               // metrics_page.cpp

http::Response get_console_index(Call& call);         // console_files.cpp
http::Response get_console_file(Call& call);          // console_files.cpp
http::Response post_console_session(Call& call);      // console_session.cpp
http::Response get_console_session(Call& call);       // console_session.cpp
http::Response delete_console_session(Call& call);    // console_session.cpp
// clang-format on

}  // namespace accountsd::api
