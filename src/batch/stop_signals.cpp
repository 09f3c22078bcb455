#include "batch/stop_signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace platen::batch {

namespace {

constexpr int kSlots = 8;
constexpr std::size_t kPathMax = 4096;

std::atomic<int> g_signal{0};
std::atomic<bool> g_installed{false};
/// Each slot: a NUL-terminated path, valid while its flag is set (written before the flag).
char g_temp_paths[kSlots][kPathMax];
std::atomic<bool> g_temp_used[kSlots];

void write_stderr(const char* text) {
  const ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

extern "C" void on_stop_signal(int signal) {
  int expected = 0;
  if (g_signal.compare_exchange_strong(expected, signal)) {
    write_stderr(signal == SIGINT ? "\nocr: interrupted: finishing the pages in flight (again to stop at once)\n"
                                  : "\nocr: terminated: finishing the pages in flight (again to stop at once)\n");
    return;
  }
  // Second signal: only async-signal-safe calls from here on.
  for (int i = 0; i < kSlots; ++i)
    if (g_temp_used[i].load()) ::unlink(g_temp_paths[i]);
  write_stderr("ocr: stopped at once; the journal holds every file finished so far\n");
  ::_exit(128 + signal);
}

}  // namespace

void install_stop_signals() {
  if (g_installed.exchange(true)) return;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() { return g_signal.load(std::memory_order_relaxed); }

int exit_status_for_signal(int signal) { return 128 + signal; }

int register_temp_file(const std::string& path) {
  if (path.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    if (g_temp_used[i].load()) continue;
    std::memcpy(g_temp_paths[i], path.c_str(), path.size() + 1);
    g_temp_used[i].store(true);
    return i;
  }
  return -1;
}

void unregister_temp_file(int slot) {
  if (slot >= 0 && slot < kSlots) g_temp_used[slot].store(false);
}

void reset_stop_signal_for_tests() { g_signal.store(0); }

}  // namespace platen::batch
