// platen::Batch (platen/batch.h): the engine's settings and arena handed to run_page_pipeline.

#include "platen/batch.h"

#include <algorithm>
#include <chrono>

#include "pipeline/engine_impl.h"
#include "pipeline/page_pipeline.h"

namespace platen {

Batch::Batch(const Engine& engine) : engine_(&engine) {}

BatchReport Batch::run(const std::vector<std::string>& inputs) const {
  if (std::count(inputs.begin(), inputs.end(), "-") > 1)
    throw Error("standard input ('-') can be read only once, and it is listed more than once");
  const Engine::Impl& impl = engine_->impl();
  PipelineOptions options = impl.pipeline;
  if (should_cancel) options.stop_requested = should_cancel;

  const auto start = std::chrono::steady_clock::now();
  BatchProgress progress;
  progress.inputs_total = inputs.size();
  PageObserver done = [&](const PageResult& page) {
    if (on_page_done) on_page_done(page);
    ++progress.pages_done;
    if (!page.ok) ++progress.pages_failed;
    if (page.page_index + 1 >= page.page_count) progress.inputs_done = page.input_index + 1;
    progress.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (on_progress) on_progress(progress);
  };
  PipelineReport run = run_page_pipeline(inputs, *impl.recognizer, options, on_result, done, &impl.arena);

  BatchReport report;
  report.pages = std::move(run.pages);
  report.failed = run.failed;
  report.cancelled = run.stopped;
  report.wall_seconds = run.wall_seconds;
  return report;
}

}  // namespace platen
