// The web console's static files under /console/ (api/console_assets.hpp), and the headers that
// every answer under /console carries.
#pragma once

#include <string_view>

#include "http/message.hpp"

namespace accountsd::api {

// The Content-Type of a console file, from its extension; application/octet-stream for others.
std::string_view console_content_type(std::string_view path);
// Whether a raw request target is under /console (the path /console, or below it).
bool is_console_target(std::string_view target);
// Adds what every /console answer carries: a Content-Security-Policy that lets the page load and
// call nothing but this server and be framed by no one, no MIME sniffing, and no Referer (the
// console's URLs name users).
void add_console_headers(http::Response& response);

}  // namespace accountsd::api
