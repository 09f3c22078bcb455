#pragma once
// Reading many inputs at once: pages run concurrently on the engine's threads, results come
// back one at a time in input order. What the `ocr` command itself uses.
//
//   platen::Batch batch(engine);
//   batch.on_result = [&](const platen::PageResult& page) { write(page); };
//   platen::BatchReport report = batch.run({"a.tif", "b.png"});

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "platen/engine.h"
#include "platen/export.h"
#include "platen/page_result.h"

namespace platen {

/// How far a run has got, as told to Batch::on_progress.
struct BatchProgress {
  std::size_t pages_done = 0;    ///< results delivered so far (failed ones included)
  std::size_t pages_failed = 0;  ///< of those, with !ok
  std::size_t inputs_done = 0;   ///< inputs all of whose pages have been delivered
  std::size_t inputs_total = 0;  ///< inputs given to run()
  double elapsed_seconds = 0;    ///< wall time since run() started
};

/// What a run did, page by page in input order.
struct BatchReport {
  /// Every page's result, in input order, without its content (`text`, `lines`, `blocks`,
  /// `non_text` and `image` emptied: those went to on_result) but with its status, error,
  /// size and timings.
  std::vector<PageResult> pages;
  std::size_t failed = 0;   ///< pages (or unopenable inputs) with !ok
  bool cancelled = false;   ///< should_cancel stopped the run before every page was read
  double wall_seconds = 0;
};

/// Reads a list of inputs with one engine. Callbacks are plain members: set those you need,
/// then call run() (as often as you like; a Batch keeps no state between runs).
///
/// Threads: the pages run on the engine's arena (EngineOptions::threads); every callback is
/// called on one thread at a time (not necessarily the caller's), never concurrently with
/// another callback of the same run, so callbacks need no locking of their own.
class PLATEN_API Batch {
 public:
  /// `engine` must outlive the Batch.
  explicit Batch(const Engine& engine);

  /// Receives each page's result in input order, failed pages included (a multi-page output
  /// needs them to know when a file is complete). A file that cannot be opened at all gives
  /// one failed result with page_index 0 and page_count 1. May throw: the exception's message
  /// becomes that page's error (e.g. an output that cannot be written) and the run goes on.
  std::function<void(const PageResult&)> on_result;

  /// Told about each page once it is final (after on_result, with timings.write set and any
  /// error of on_result recorded), in input order. Must not throw.
  std::function<void(const PageResult&)> on_page_done;

  /// Called after each page is final, with the run's counts. Must not throw.
  std::function<void(const BatchProgress&)> on_progress;

  /// Polled before each page is started; once it returns true no more pages start, those in
  /// flight finish and are delivered, and the report says `cancelled`. A multi-page input may
  /// then have delivered only its first pages. Must not throw.
  std::function<bool()> should_cancel;

  /// Reads `inputs` (image paths; "-" = standard input, at most once), every page of each.
  /// Never throws for a bad input: a missing file, a non-image, a damaged page or any error
  /// while reading a page becomes that page's error and the run goes on. At most about twice
  /// the thread count of pages are in memory at once. The results (text and all) are the same
  /// for any thread count. Throws Error only for "-" given twice.
  BatchReport run(const std::vector<std::string>& inputs) const;

 private:
  const Engine* engine_;
};

}  // namespace platen
