// The server's log on stdout: one line per request, written in blocks rather than a system call
// per line, and never more than a second behind.
#pragma once

#include <chrono>

namespace accountsd::cli {

// Makes the default logger write to stdout through stdio's buffer: a line waits until the buffer
// fills or at most `lag` (spdlog flushes in whole seconds) before it reaches the file, and
// warnings and errors go out at once, with everything logged before them. On a terminal, every
// line goes out at once, as before. The buffer is stdout's own, so a normal exit writes what is
// left.
void use_server_log(std::chrono::seconds lag = std::chrono::seconds(1));

}  // namespace accountsd::cli
