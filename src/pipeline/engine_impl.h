#pragma once
// What an Engine holds (the pimpl of platen/engine.h), for the library's own Engine and Batch.

#include <tbb/task_arena.h>

#include <memory>

#include "pipeline/page_pipeline.h"
#include "platen/engine.h"
#include "recognition/recognizer.h"

namespace platen {

struct Engine::Impl {
  EngineOptions options;          ///< as opened: model_path and threads resolved
  std::unique_ptr<Recognizer> recognizer;
  PipelineOptions pipeline;       ///< from `options`; stop_requested empty
  /// The engine's threads: every page it reads runs in here, so EngineOptions::threads holds
  /// without a process-wide tbb::global_control. execute() may be called from any thread.
  mutable tbb::task_arena arena;
};

}  // namespace platen
