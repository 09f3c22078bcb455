#include "batch/progress.h"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace platen::batch {

std::string format_duration(double seconds) {
  const long total = seconds < 0 ? 0 : static_cast<long>(std::lround(seconds));
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  return text;
}

std::string progress_line(const ProgressCounts& c) {
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f", c.elapsed_seconds > 0 ? c.pages / c.elapsed_seconds : 0.0);
  std::string line = std::to_string(c.files_done) + "/" + std::to_string(c.files_total) + " files, " +
                     std::to_string(c.pages) + (c.pages == 1 ? " page, " : " pages, ") + rate + " pages/s, elapsed " +
                     format_duration(c.elapsed_seconds) + ", ETA ";
  if (c.files_done == 0 || c.files_done > c.files_total)
    line += "--:--";
  else
    line += format_duration(c.elapsed_seconds / c.files_done * (c.files_total - c.files_done));
  if (c.failed > 0) line += ", " + std::to_string(c.failed) + " failed";
  return line;
}

ProgressMeter::ProgressMeter(std::ostream& out, bool terminal, double log_interval)
    : out_(out), terminal_(terminal), interval_(log_interval), start_(std::chrono::steady_clock::now()) {}

double ProgressMeter::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressMeter::update(ProgressCounts counts) {
  counts.elapsed_seconds = elapsed();
  if (counts.elapsed_seconds - last_shown_ < (terminal_ ? 0.2 : interval_)) return;
  show(counts);
}

void ProgressMeter::finish(ProgressCounts counts) {
  counts.elapsed_seconds = elapsed();
  show(counts);
  if (terminal_) out_ << "\n";
  out_.flush();
}

void ProgressMeter::show(const ProgressCounts& counts) {
  last_shown_ = counts.elapsed_seconds;
  if (terminal_)
    out_ << "\rocr: " << progress_line(counts) << "\x1b[K";
  else
    out_ << "ocr: progress: " << progress_line(counts) << "\n";
  out_.flush();
  shown_ = true;
}

}  // namespace platen::batch
