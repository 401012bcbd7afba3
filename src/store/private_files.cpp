#include "store/private_files.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace accountsd::store {
namespace {

constexpr mode_t kPrivateFile = 0600;
constexpr mode_t kPrivateFolder = 0700;

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

// Drops the group's and others' bits of an existing file; nothing when it is missing.
void tighten(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    fail("cannot read the mode of", path);
  }
  const mode_t mode = st.st_mode & 07777;
  if ((mode & 0077) == 0) return;
  if (::chmod(path.c_str(), mode & 0700) != 0) fail("cannot restrict the mode of", path);
  spdlog::warn("{} was readable by other users (mode {:04o}); it is now {:04o}", path.string(),
               mode, mode & 0700);
}

}  // namespace

void create_private_folders(const std::filesystem::path& folder) {
  std::filesystem::path partial;
  for (const auto& part : folder) {
    partial /= part;
    // mkdir applies the umask; chmod then gives exactly 0700, only to a folder made here.
    if (::mkdir(partial.c_str(), kPrivateFolder) == 0) {
      if (::chmod(partial.c_str(), kPrivateFolder) != 0) fail("cannot set the mode of", partial);
    } else if (errno != EEXIST) {
      fail("cannot create folder", partial);
    }
  }
}

void prepare_private_database(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFile);
  if (fd >= 0) {
    // open applies the umask, which may take the owner's own bits too.
    int rc = ::fchmod(fd, kPrivateFile);
    ::close(fd);
    if (rc != 0) fail("cannot set the mode of", path);
  } else if (errno != EEXIST) {
    fail("cannot create the database", path);
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) tighten(path.string() + suffix);
}

}  // namespace accountsd::store
