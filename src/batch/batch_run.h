#pragma once
// One batch from start to end: resume decisions, reading, writing whole output files in every
// chosen format, journal, report, progress, stop signals and the closing summary.
//
// The reading goes through platen::Batch (the public API): should_cancel polls the stop
// signals, on_result collects each input's pages and writes its files once the last page has
// arrived, on_page_done feeds the journal, the report and the progress line. This layer only
// decides what to read and what becomes of each result.

#include <iosfwd>
#include <string>
#include <vector>

#include "batch/batch_report.h"
#include "batch/input_list.h"
#include "output/document.h"
#include "output/document_writer.h"
#include "platen/batch.h"
#include "platen/engine.h"

namespace platen::batch {

/// Environment variable (test-only) that makes the batch wait this many milliseconds after each
/// page, so that tests and scripts/slurm/test-local can interrupt a run in its middle.
constexpr const char* kTestPageDelayVariable = "PLATEN_TEST_PAGE_DELAY_MS";

/// How a batch writes and records its work.
struct BatchOptions {
  std::string output_dir;  ///< "" = everything to `out` (standard output), no journal
  /// Formats written, in this order (output paths, journal records). Without an output folder
  /// exactly one (the caller checks the standard-output rules).
  std::vector<DocumentFormat> formats{DocumentFormat::txt};
  WriterOptions writer;     ///< e.g. --preserve-spacing
  bool single_line = false; ///< --line: each page one line (Document::single_line)
  /// One file per page of a multi-page input (NAME-0001.alto.xml …); PAGE XML is always
  /// written so (one Page per PcGts), whatever this says.
  bool split_pages = false;
  bool resume = false;      ///< skip inputs the journals record as done with these settings
  bool resume_hash_whole = false;  ///< identity hashes whole files (--resume-hash)
  std::string report_path;         ///< "" = no report
  bool progress = false;
  bool progress_terminal = false;  ///< update one line in place (standard error is a terminal)
  bool dry_run = false;            ///< list what would be read, skipped and written; read nothing
  /// Everything besides the input that shapes the outputs (see batch_settings): recorded in
  /// the journal; --resume reuses only equal settings.
  std::string settings;
  std::string model_label;      ///< for the report: model file name and checksum
  std::string precision_label;  ///< for the report: f32, bf16 or int8
  int page_delay_ms = 0;        ///< test-only pause after each page (kTestPageDelayVariable)
  /// Print the closing summary line (always printed when a signal stopped the batch).
  bool summary = true;
};

/// What a batch did.
struct BatchOutcome {
  BatchSummary summary;
  int stop_signal = 0;     ///< SIGINT/SIGTERM that stopped it, 0 when it ran to the end
  BatchReport pages;       ///< per page, for --timings
};

/// The settings string of a batch for the journal: Platen's version, the model checksum, the
/// text-changing options (resolved precision included) of `processing`, and the writer
/// options that change bytes (--split-pages, --preserve-spacing). The formats are not in it:
/// each journal record lists its outputs by format.
std::string batch_settings(const ProcessingInfo& processing, const BatchOptions& options);

/// Output file of an input in `format`: OUT/<output_stem><extension>, or with `page_number`
/// ≥ 1 (one file per page) OUT/<output_stem>-0001<extension>.
std::string output_file_for(const std::string& output_dir, const BatchInput& input, DocumentFormat format,
                            int page_number = 0);

/// Whether an input of `page_count` pages is written one file per page in `format`.
bool written_per_page(DocumentFormat format, int page_count, const BatchOptions& options);

/// Runs the batch over `inputs` (one shard, already checked for clashing outputs) with `engine`;
/// `processing` (processing_info(engine)) is what the structured formats record, its timestamp
/// set per input. `problems` are inputs the walk could not read, reported and counted as
/// failures. Messages, progress and the summary go to `err`; output without an output folder
/// to `out`. Throws UsageError for a report file that cannot be created; never throws for a bad
/// input or a failed write (the page fails, named with the reason).
BatchOutcome run_batch(const std::vector<BatchInput>& inputs, const std::vector<WalkProblem>& problems,
                       const Engine& engine, const ProcessingInfo& processing, const BatchOptions& options,
                       std::ostream& out, std::ostream& err);

/// The exit status of a batch: 128 + signal when stopped, 1 when any page failed, else 0.
int exit_status_of(const BatchOutcome& outcome);

}  // namespace platen::batch
