#include "cli/server_log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>

namespace accountsd::cli {
namespace {

// stdout through its stdio buffer, flushed only when asked (spdlog's stdout sinks flush every
// line: a write system call per request, under the sink's lock, on the I/O threads).
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

}  // namespace

void use_server_log(std::chrono::seconds lag) {
  if (isatty(STDOUT_FILENO)) return;  // someone is watching: the default logger, line by line
  // A block of lines per write: about 600 access-log lines.
  static char buffer[1 << 16];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  auto logger =
      std::make_shared<spdlog::logger>("accountsd", std::make_shared<BufferedStdoutSink>());
  logger->set_level(spdlog::default_logger()->level());
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(lag);
}

}  // namespace accountsd::cli
