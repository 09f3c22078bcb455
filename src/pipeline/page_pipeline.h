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

#include <functional>
#include <string>
#include <vector>

#include "image/page_preparer.h"
#include "layout/line_finder.h"
#include "output/text_writer.h"
#include "recognition/recognizer.h"

namespace platen {

/// Wall-clock seconds spent in each stage of one page.
struct StageTimings {
  double decode = 0;       ///< reading and decoding the image file
  double binarise = 0;     ///< background normalisation and binarisation
  double deskew = 0;       ///< grey conversion, orientation (with its check by reading), deskew
  double segment = 0;      ///< finding and cutting text lines
  double recognise = 0;    ///< line normalisation and the network
  double decode_text = 0;  ///< CTC decoding, with the language model when used
  double write = 0;        ///< the sink; a file written once complete charges its last page
  /// Sum of the stages, seconds (thread time, not the wall time of a parallel run).
  double total() const { return decode + binarise + deskew + segment + recognise + decode_text + write; }
  /// Adds `other` stage by stage (totals over pages).
  StageTimings& operator+=(const StageTimings& other);
};

/// Settings of a pipeline run.
struct PipelineOptions {
  int threads = 0;           ///< worker threads, pages and lines together; 0 = all cores
  bool single_line = false;  ///< each page is one text line: no preparation or layout (--line)
  PrepareOptions prepare;
  LayoutOptions layout;
  DecodeOptions decode;
};

/// Outcome of one page (or of a whole file that could not be opened).
struct PageResult {
  std::size_t input_index = 0;  ///< position of the file in the input list
  std::string file;             ///< as given; "-" for standard input
  int page_index = 0;           ///< 0-based
  int page_count = 1;           ///< pages of `file` (1 when the file could not be opened)
  bool ok = false;
  /// Page text (assemble_page_text: each line ends with '\n', "" when there is none).
  /// In single-line mode: the line's text and '\n', always.
  std::string text;
  /// The page's lines in reading order, empty ones included, each with its box mapped back to
  /// the original page (see box_on_original_page). In single-line mode: one line, the whole
  /// image. Empty when !ok; left empty in PipelineReport.
  std::vector<LineText> lines;
  /// Page confidence from its lines' posteriors (page_confidence), 0–1; low_confidence when
  /// below kLowPageConfidence (pipeline/page_confidence.h). 0 and false when !ok.
  float confidence = 0;
  bool low_confidence = false;
  int width = 0;         ///< of the original page (as decoded, before any turn or deskew), px
  int height = 0;        ///< 0 when the page could not be decoded
  std::string error;     ///< when !ok: one line naming the file and page
  StageTimings timings;  ///< `write` is filled in after the sink returns
};

/// Receives each result in input order, on one thread at a time, failed pages included (a
/// writer needs them to know when a file is complete). May throw platen::Error or
/// std::exception: the message becomes the page's error (e.g. an output file that cannot be
/// written) and the run goes on.
using PageSink = std::function<void(const PageResult&)>;

/// Told about each page once it is final (after the sink, with `write` timed and any sink
/// error recorded), in input order, on one thread at a time. E.g. to report errors as they
/// happen. Must not throw.
using PageObserver = std::function<void(const PageResult&)>;

/// What a run did, page by page in input order (without the text, which went to the sink).
struct PipelineReport {
  std::vector<PageResult> pages;  ///< `text` left empty
  std::size_t failed = 0;         ///< pages (or unopenable files) with !ok
  double wall_seconds = 0;
};

/// Reads `inputs` (image paths; "-" = standard input, at most once) with `recognizer`,
/// calling `sink`, then `done` (when given), for every page in input order. A multi-page TIFF gives one job per page.
///
/// Notes:
///  1. Never throws for a bad input: a missing file, a non-image, a corrupt page or any
///     exception while processing one page becomes that page's error, and the batch goes on.
///     A file that cannot be opened at all gives one result with page_index 0, page_count 1.
///  2. Sets tbb::global_control(max_allowed_parallelism) to the thread count for the run, and
///     keeps OpenMP (oneDNN's runtime) at one thread in every worker, so oneDNN does not
///     multiply threads underneath oneTBB.
///  3. At most about twice the thread count of pages are decoded at once, bounding memory.
PipelineReport run_page_pipeline(const std::vector<std::string>& inputs,
                                 const Recognizer& recognizer, const PipelineOptions& options,
                                 const PageSink& sink, const PageObserver& done = {});

/// Maps a box on the prepared page back to the original page, whose size was
/// `original_width` × `original_height` before preparation turned it clockwise by
/// `orientation_degrees` and then rotated it clockwise by `skew_degrees` about its centre
/// (PreparedPage; both images keep the turned page's size). Returns the bounding box of the
/// box's four corners mapped back, clipped to the original page (px; may be empty when the
/// box maps wholly outside it).
Box box_on_original_page(const Box& box, int orientation_degrees, double skew_degrees,
                         int original_width, int original_height);

/// How an input is named in messages: the path as given, "standard input" for "-".
std::string input_display_name(const std::string& file);

/// The one-line message for a failed page: "FILE: page N: WHAT", or WHAT alone when it
/// already names the file in quotes (the image reader's messages do, with the page).
/// Line breaks in `what` become spaces, so each failure is one line.
std::string page_error_message(const std::string& file, int page_index, const std::string& what);

}  // namespace platen
