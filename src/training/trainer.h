#pragma once
// Training the line network: CTC loss over oneDNN's forward and backward primitives, Adam,
// width-bucketed mini-batches, augmentation, held-out validation and resumable checkpoints.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "training/base_mix.h"

namespace platen {

/// A folder of line images with .gt.txt and/or ALTO pages with their images
/// (read_line_folder in line_dataset.h), and how often its lines are drawn relative to the
/// other folders.
struct TrainingSource {
  std::string folder;
  double weight = 1.0;
};

/// Settings of `ocr train`.
struct TrainOptions {
  std::vector<TrainingSource> sources;
  std::string output_model;     ///< best model so far (by validation CER) is written here
  std::string checkpoint;       ///< resumable state; default: output_model + ".checkpoint"
  /// Fine-tune from this model (empty = fresh weights). A fine-tune validates the start model
  /// first, on the same validation lines, and writes output_model only when a tuned model
  /// reads them better (TrainResult::output_written); it mixes in base-like lines (base_mix).
  std::string init_model;
  bool resume = false;          ///< continue from `checkpoint`
  /// Add the characters of the ground truth that the model's alphabet lacks (after
  /// fit_to_alphabet's replacements) instead of skipping the lines holding them: a fine-tuned
  /// or resumed model gets new output classes (Model::extend_alphabet), a fresh one a larger
  /// output layer. Logged as "alphabet extended by N characters: ...".
  bool extend_alphabet = false;
  /// Layer layout of a fresh model: that of the shipped models/platen.platen.
  std::string network = "C3x3:16 M2x2 C3x3:32 M2x2 C3x3:64 C3x3:64 M2x1 C3x3:128 CHx3:256 C1x5:256 O";
  double learning_rate = 1e-3;
  /// Stop after this many minutes of this call. 0 = no time limit; negative (the default) =
  /// kDefaultFineTuneMinutes for a fine-tune when max_iterations is not set either, else none.
  double max_minutes = -1;
  /// Stop after this many updates in total (counting those of a resumed checkpoint);
  /// negative (the default) = no limit. 0 is refused (it would train nothing).
  std::int64_t max_iterations = -1;
  int batch_columns = 8192;     ///< lines × padded width per batch, px
  int threads = 0;              ///< 0 = all cores
  std::uint32_t seed = 1;
  double validation_fraction = 0.05;  ///< share of documents held out
  int validate_every = 400;     ///< updates between validations
  double checkpoint_minutes = 4;
  int max_validation_lines = 400;
  bool augment = true;
  /// Lines like the base's, mixed into a fine-tune (ignored for a fresh model).
  BaseMixOptions base_mix;
};

/// The time limit of a fine-tune given no limit: long enough to learn a new face (twenty
/// minutes halved the error on one), short enough to run while one waits.
constexpr double kDefaultFineTuneMinutes = 30;

/// How a training call ended. CERs are fractions (edits / reference characters) on the
/// validation lines, by best path; negative when there were no validation lines.
struct TrainResult {
  bool fine_tune = false;       ///< started from init_model (now or in the resumed run)
  bool output_written = false;  ///< output_model holds this run's best model
  double start_cer = -1;        ///< the start model's, for a fine-tune
  double best_cer = -1;         ///< the best model's
  std::int64_t updates = 0;     ///< in total, resumed ones included
};

/// Trains until a limit in `options` is reached, printing progress to `log` (a progress line
/// with loss, train CER in percent, lines/s and the time left; validation CER in percent at
/// intervals, overall and per source folder). Writes the best model atomically to
/// options.output_model (each save logged) and a checkpoint every few minutes. A fine-tune
/// first renders options.base_mix.rendered_lines base-like lines into OUTPUT.base-lines/
/// (kept for --resume) and draws them, with the real base_mix folders, as base_mix.share of
/// its lines; the validation lines then come from each folder alike. It writes OUTPUT only
/// when a tuned model beats the start model on the validation lines; when none does, it
/// writes nothing, says so in the log, and returns output_written = false.
/// Throws UsageError (no data or output given; weights, --lr, --validate-every,
/// max_iterations 0, --batch-columns or the base share out of range), DataError (no data),
/// ModelError (bad init model or checkpoint), Error (I/O).
TrainResult train(const TrainOptions& options, const std::function<void(const std::string&)>& log);

}  // namespace platen
