// The process's open-file limit, which bounds how many connections the server can hold at once.
#pragma once

#include <cstdint>

namespace accountsd::http {

// Raises the soft RLIMIT_NOFILE to `wanted` (0: to the hard limit), and the hard limit too when
// the process may; returns the soft limit in force afterwards.
std::uint64_t raise_open_file_limit(std::uint64_t wanted = 0);

}  // namespace accountsd::http
