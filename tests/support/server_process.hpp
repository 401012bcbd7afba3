// The real `accountsd` binary (ACCOUNTSD_BINARY) as a child process: operator commands, and
// `serve` on 127.0.0.1:0, stopped gracefully or killed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace accountsd::testing {

// Runs `accountsd ARGS` through the shell with `input` on stdin (written to `input_file`) and its
// output discarded; the exit status, or -1 if it did not exit normally.
int run_accountsd(const std::string& args, const std::string& input,
                  const std::filesystem::path& input_file);

class ServerProcess {
 public:
  // The server's stdout and stderr go to `log_file` (a file, not a pipe, so that a busy server
  // never blocks on a full pipe nobody reads).
  explicit ServerProcess(std::filesystem::path log_file) : log_file_(std::move(log_file)) {}
  ~ServerProcess() { kill(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `accountsd serve --listen 127.0.0.1:0 --db DB --threads 2 EXTRA...` and waits for its
  // "listening" line; its port, or 0 if it did not start (log() says why).
  unsigned short start(const std::string& db, const std::vector<std::string>& extra = {});
  // SIGTERM, then the exit status (-1 if it did not exit normally).
  int stop();
  // SIGKILL, and waits until the process is gone. Nothing when it is not running.
  void kill();
  // Everything the current (or last) server wrote.
  std::string log() const;

 private:
  int wait_for_exit();
  std::filesystem::path log_file_;
  pid_t child_ = -1;
};

}  // namespace accountsd::testing
