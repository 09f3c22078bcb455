#pragma once
// Training the line network: CTC loss over oneDNN's forward and backward primitives, Adam,
// width-bucketed mini-batches, augmentation, held-out validation and resumable checkpoints.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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
  std::string init_model;       ///< fine-tune from this model (empty = fresh weights)
  bool resume = false;          ///< continue from `checkpoint`
  /// Add the characters of the ground truth that the model's alphabet lacks (after
  /// fit_to_alphabet's replacements) instead of skipping the lines holding them: a fine-tuned
  /// or resumed model gets new output classes (Model::extend_alphabet), a fresh one a larger
  /// output layer. Logged as "alphabet extended by N characters: ...".
  bool extend_alphabet = false;
  /// Layer layout of a fresh model: that of the shipped models/platen.platen.
  std::string network = "C3x3:16 M2x2 C3x3:32 M2x2 C3x3:64 C3x3:64 M2x1 C3x3:128 CHx3:256 C1x5:256 O";
  double learning_rate = 1e-3;
  double max_minutes = 0;       ///< stop after this long (0 = no limit)
  std::int64_t max_iterations = 0;  ///< stop after this many updates in total (0 = no limit)
  int batch_columns = 8192;     ///< lines × padded width per batch, px
  int threads = 0;              ///< 0 = all cores
  std::uint32_t seed = 1;
  double validation_fraction = 0.05;  ///< share of documents held out
  int validate_every = 400;     ///< updates between validations
  double checkpoint_minutes = 4;
  int max_validation_lines = 400;
  bool augment = true;
};

/// Trains until a limit in `options` is reached, printing progress to `log` (a progress line
/// with loss, CER, lines/s and ETA, and validation CER at intervals). Writes the best model
/// atomically to options.output_model and a checkpoint every few minutes.
/// Throws UsageError (no data or output given; weights, --lr, --validate-every,
/// --max-minutes or --batch-columns out of range), DataError (no data), ModelError (bad init
/// model or checkpoint), Error (I/O).
void train(const TrainOptions& options, const std::function<void(const std::string&)>& log);

}  // namespace platen
