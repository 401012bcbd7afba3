// The web console's files (console/app/), compiled into the server (cmake/embed_console.cmake),
// so that it serves the console with nothing installed beside it.
#pragma once

#include <span>
#include <string_view>

namespace accountsd::api {

struct ConsoleAsset {
  std::string_view path;     // under console/app/, '/'-separated: "index.html", "js/app.js"
  std::string_view content;  // the file's bytes
  std::string_view etag;     // a quoted hash of the content, as an ETag header carries it
};

// Every file, sorted by path; defined in the generated console_assets.cpp.
std::span<const ConsoleAsset> console_assets();

}  // namespace accountsd::api
