#pragma once
// --progress: how far a batch is. On a terminal one line updated in place ("\r", erase to end
// of line); in a log (standard error not a terminal) plain lines, one per interval, so a
// Slurm or nohup log shows the run's pace without a wall of carriage returns.
// (Debian packages no C++ progress-bar library; this one is small on purpose.)

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>

namespace platen::batch {

/// Counts shown by the progress line.
struct ProgressCounts {
  std::size_t files_done = 0;   ///< input files finished (read, failed or skipped)
  std::size_t files_total = 0;  ///< input files in this run (this shard)
  std::size_t pages = 0;        ///< pages read so far in this run (skipped files not counted)
  std::size_t failed = 0;       ///< pages (or whole files) failed so far
  double elapsed_seconds = 0;
};

/// "12/40 files, 15 pages, 2.3 pages/s, elapsed 0:06, ETA 0:14, 1 failed": the ETA from the
/// files' pace ("ETA --:--" before the first file), "failed" only when some did.
std::string progress_line(const ProgressCounts& counts);

/// "h:mm:ss", or "m:ss" under an hour.
std::string format_duration(double seconds);

/// Writes progress lines to a stream. Not thread-safe: one caller (the batch's output stage).
class ProgressMeter {
 public:
  /// `terminal`: update one line in place; else a plain line at most every `log_interval`
  /// seconds (and at the end).
  ProgressMeter(std::ostream& out, bool terminal, double log_interval = 10.0);

  /// Shows `counts` if the last line is old enough (0.2 s on a terminal, log_interval else).
  void update(ProgressCounts counts);
  /// Shows the final counts and ends the line (on a terminal). Call once at the end.
  void finish(ProgressCounts counts);

  /// Seconds since the meter was made (the batch's elapsed time).
  double elapsed() const;

 private:
  void show(const ProgressCounts& counts);

  std::ostream& out_;
  bool terminal_;
  double interval_;
  std::chrono::steady_clock::time_point start_;
  double last_shown_ = -1e9;
  bool shown_ = false;
};

}  // namespace platen::batch
