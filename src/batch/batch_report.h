#pragma once
// --report FILE: one JSON object a line (JSON Lines) per page read, failed or skipped, for
// fixity, quality control and merging the reports of many shards (scripts/slurm/merge-reports);
// and the one-line summary every batch prints on standard error.

#include <cstddef>
#include <fstream>
#include <optional>
#include <string>

namespace platen::batch {

/// One page of the report (fields in the order written).
struct PageReport {
  std::string input;       ///< the input path as given
  std::string sha256;      ///< of the whole input file, hex ("" when it could not be read)
  int page = 0;            ///< 1-based; 0 for a skipped file (all of its pages)
  std::string output;      ///< first output file ("" on standard output or when none)
  std::string status;      ///< "ok", "failed" or "skipped"
  std::string error;       ///< when failed: the one-line message
  std::optional<double> confidence;  ///< page confidence, 0–1
  bool low_confidence = false;
  std::optional<int> orientation;    ///< degrees the page was turned clockwise to read it
  std::optional<double> skew;        ///< degrees it was then rotated
  int lines = 0;
  int words = 0;
  double seconds = 0;      ///< time spent on the page (all stages, thread time)
  std::string model;       ///< model file name and checksum
  std::string precision;   ///< resolved: f32, bf16 or int8
};

/// One JSON line for `page` (with its '\n'); absent optionals are null.
std::string report_line(const PageReport& page);

/// Writes a report file, line by line (flushed per line, so a killed run keeps what it did).
class ReportWriter {
 public:
  /// Creates (truncates) `path`. Throws UsageError naming it and the reason.
  explicit ReportWriter(const std::string& path);
  /// Appends one page. Throws Error when the write fails.
  void add(const PageReport& page);

 private:
  std::string path_;
  std::ofstream out_;
};

/// Totals of a batch for the closing summary.
struct BatchSummary {
  std::size_t pages_read = 0;      ///< pages recognised (ok)
  std::size_t files_skipped = 0;   ///< input files skipped by --resume
  std::size_t failed = 0;          ///< pages (or whole files) that failed
  std::size_t low_confidence = 0;  ///< pages read with low confidence
  double seconds = 0;              ///< wall time of the batch
};

/// "ocr: 38 pages read, 2 files skipped (done before), 1 failed, 3 low confidence, 4.1 pages/s
/// in 0:09".
std::string summary_line(const BatchSummary& summary);

}  // namespace platen::batch
