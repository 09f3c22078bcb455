#pragma once
// What the writers record about how a document was read (ALTO OCRProcessing, hOCR meta, PAGE
// Metadata, PDF Info), taken from the engine that read it, so that every caller (the CLI, a
// batch, a library user) records the same things in the same words.

#include <string>

#include "output/document.h"
#include "platen/engine.h"

namespace platen {

/// The SHA-256 of the file at `path` as "sha256:" and 64 lower-case hex digits (qpdf's crypto
/// provider: no hashing of our own). Reads the whole file. Throws Error naming the file.
std::string file_sha256(const std::string& path);

/// The options of `options` that change the text read, in the CLI's words, in a fixed order:
/// lang (the languages joined by '+', "all" when every language model is used) or no-lm,
/// precision (as resolved: f32, bf16, int8), dpi when given, line, skip-text, and each
/// decoder setting that differs from the shipped defaults (beam, lm-weight, char-bonus,
/// word-bonus, mixed-script-penalty, candidate-log-prob, max-candidates, blank-log-prob,
/// score-margin). Threads, max-pixels and keeping the page image change no text and are left out.
std::vector<std::pair<std::string, std::string>> text_changing_options(const EngineOptions& options,
                                                                      Precision precision);

/// Version, model (file name and SHA-256 of options.model_path) and text-changing options of
/// an engine opened with `options` (model_path resolved, as Engine::options() gives it),
/// running in `precision`. The timestamp is left 0: set it per input with
/// document_timestamp(input). Hashes the model file (some tens of ms): call once per engine,
/// not per document. Throws Error when the model file cannot be read.
ProcessingInfo processing_info(const EngineOptions& options, Precision precision);

/// processing_info(engine.options(), engine.precision()).
ProcessingInfo processing_info(const Engine& engine);

}  // namespace platen
