#pragma once
// Reading many pages at once on oneTBB: a tbb::parallel_pipeline whose tokens are pages.
//
//   input (serial, in order)   lists (file, page) jobs: counts each file's pages; reads
//                              standard input ("-") whole and decodes it
//   page (parallel)            decode → prepare → find lines → recognise all lines of the page
//   output (serial, in order)  hands each result to the caller's sink, in input order
//
// Pages run concurrently and the recognizer's own parallel_for over line batches nests
// inside, so one large page still uses every worker. Output is in input order whatever the
// thread count, and byte-identical for any thread count.

#include <tbb/task_arena.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "image/page_preparer.h"
#include "layout/line_finder.h"
#include "platen/page_result.h"
#include "recognition/recognizer.h"

namespace platen {

/// Settings of a pipeline run.
struct PipelineOptions {
  int threads = 0;           ///< worker threads, pages and lines together; 0 = all cores
  bool single_line = false;  ///< each page is one text line: no preparation or layout (--line)
  PrepareOptions prepare;
  LayoutOptions layout;
  DecodeOptions decode;
  /// Polled before each new page is taken (any thread, one at a time); once it returns true no
  /// more pages start, those in flight finish and reach the sink. Empty = never stop.
  std::function<bool()> stop_requested;
  ReadOptions read;          ///< pixel limit (--max-pixels), keeping the page as stored
  /// A PDF page with a text layer keeps that text instead of being read (--skip-text).
  bool skip_text = false;
};

// The outcome of one page is platen::PageResult (platen/page_result.h): `source` is the input
// as given ("-" for standard input), `lines` the page's lines in reading order (empty ones
// included) with their boxes mapped back to the original page (PageFrame in
// pipeline/page_frame.h); in single-line mode one line, the whole image; `timings.write` is filled in after the sink.

/// Receives each result in input order, on one thread at a time, failed pages included (a
/// writer needs them to know when a file is complete). May throw platen::Error or
/// std::exception: the message becomes the page's error (e.g. an output file that cannot be
/// written) and the run goes on.
using PageSink = std::function<void(const PageResult&)>;

/// Told about each page once it is final (after the sink, with `write` timed and any sink
/// error recorded; its content still there), in input order, on one thread at a time. E.g. to
/// report errors as they happen. Must not throw.
using PageObserver = std::function<void(const PageResult&)>;

/// What a run did, page by page in input order (without the content, which went to the sink).
struct PipelineReport {
  std::vector<PageResult> pages;  ///< `text`, `lines`, `blocks`, `non_text`, `image` left empty
  std::size_t failed = 0;         ///< pages (or unopenable files) with !ok
  bool stopped = false;           ///< stop_requested ended the run before every page was taken
  double wall_seconds = 0;
};

/// Reads `inputs` (image paths; "-" = standard input, at most once) with `recognizer`,
/// calling `sink`, then `done` (when given), for every page in input order. A multi-page TIFF gives one job per page.
///
/// Notes:
///  1. Never throws for a bad input: a missing file, a non-image, a corrupt page or any
///     exception while processing one page becomes that page's error, and the batch goes on.
///     A file that cannot be opened at all gives one result with page_index 0, page_count 1.
///  2. Runs in `arena` when given (its concurrency is then the thread count), else in an arena
///     of options.threads made for the run; no process-wide setting (tbb::global_control) is
///     touched. OpenMP (oneDNN's runtime) stays at one thread in every task that reaches
///     oneDNN (SingleThreadOpenMp), so oneDNN does not multiply threads underneath oneTBB.
///  3. At most about twice the thread count of pages are decoded at once, bounding memory.
PipelineReport run_page_pipeline(const std::vector<std::string>& inputs,
                                 const Recognizer& recognizer, const PipelineOptions& options,
                                 const PageSink& sink, const PageObserver& done = {},
                                 tbb::task_arena* arena = nullptr);

/// One page to read: page `page_index` of `file`, or `decoded` when it was decoded already.
struct PageJob {
  std::size_t input_index = 0;
  std::string file;                     ///< as given; "-" for standard input
  int page_index = 0;
  int page_count = 1;
  std::optional<DecodedPage> decoded;   ///< the page decoded before (pixels or bytes in memory)
  /// A stream's bytes (standard input, a FIFO, a device), read once in the input stage and
  /// shared by its pages, which are decoded from memory in the page stage.
  std::shared_ptr<const std::vector<std::uint8_t>> bytes;
  double decode_seconds = 0;            ///< time already spent on this page's decoding
  std::string error;                    ///< set: the file failed before any page could start
};

/// Reads one page on the calling thread (its lines in parallel on the current arena): decode
/// → prepare → find lines → recognise. Returns the page, `ok`. Throws whatever the page's
/// reading throws (ImageError for an unreadable page; job.error as Error when set).
PageResult read_page_job(PageJob& job, const Recognizer& recognizer, const PipelineOptions& options);

/// The text of one page from its recognised lines, top to bottom: each non-empty line followed
/// by '\n'. Empty lines (nothing recognised in a line's box) are dropped, so a blank page
/// gives "". Lines must not contain '\n' themselves.
std::string assemble_page_text(const std::vector<std::string>& lines);

/// How an input is named in messages: the path as given, "standard input" for "-".
std::string input_display_name(const std::string& file);

/// The one-line message for a failed page: "FILE: page N: WHAT", or WHAT alone when it
/// already names the file in quotes (the image reader's messages do, with the page).
/// Line breaks in `what` become spaces, so each failure is one line.
std::string page_error_message(const std::string& file, int page_index, const std::string& what);

}  // namespace platen
