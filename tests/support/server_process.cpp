#include "support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace accountsd::testing {

int run_accountsd(const std::string& args, const std::string& input,
                  const std::filesystem::path& input_file) {
  std::ofstream(input_file) << input;
  std::string command = std::string(ACCOUNTSD_BINARY) + " " + args + " < " + input_file.string() +
                        " > /dev/null 2>&1";
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

unsigned short ServerProcess::start(const std::string& db, const std::vector<std::string>& extra) {
  kill();
  std::vector<std::string> args{ACCOUNTSD_BINARY, "serve", "--listen",  "127.0.0.1:0",
                                "--db",           db,      "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  int log = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) return 0;
  child_ = fork();
  if (child_ == 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(ACCOUNTSD_BINARY, argv.data());
    _exit(127);
  }
  ::close(log);
  static const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+)/)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    auto text = this->log();
    if (std::regex_search(text, match, listening))
      return static_cast<unsigned short>(std::stoi(match[1]));
    int status = 0;
    if (child_ <= 0 || waitpid(child_, &status, WNOHANG) == child_) {
      child_ = -1;
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill();
  return 0;
}

int ServerProcess::stop() {
  if (child_ <= 0) return -1;
  ::kill(child_, SIGTERM);
  return wait_for_exit();
}

void ServerProcess::kill() {
  if (child_ <= 0) return;
  ::kill(child_, SIGKILL);
  wait_for_exit();
}

int ServerProcess::wait_for_exit() {
  int status = 0;
  waitpid(child_, &status, 0);
  child_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ServerProcess::log() const {
  std::ifstream in(log_file_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace accountsd::testing
