#pragma once
// Calibrated word confidences: a map from a word's raw score (from its characters' CTC
// posteriors) to the probability that the word is exactly right, fitted by isotonic regression
// (pool adjacent violators; Zadrozny & Elkan 2002, "Transforming classifier scores into
// accurate multiclass probability estimates") on lines the model was trained on or held out
// from, never on the lines it is measured on.
//
// File: `<model>.calibration` beside the model file (models/platen.calibration for the
// shipped one), text: a header line "platen-word-calibration 1 <feature>", then one
// "<raw> <probability>" knot per line, raw increasing; between knots the map is linear, below
// the first and above the last it is flat.

#include <string>
#include <utility>
#include <vector>

namespace platen {

/// The raw score of a word from its characters' confidences (CTC posteriors, 0–1): the lowest
/// of them, since one wrong character makes the word wrong. 1 for no characters.
float raw_word_score(const float* char_confidences, std::size_t count);

/// A monotone map from raw word score to P(word right). Plain data; thread-safe to read.
class WordCalibration {
 public:
  /// The identity map (raw scores used as they are).
  WordCalibration() = default;

  /// Fits the map on (raw score, right?) samples by isotonic regression, knots at the means of
  /// the pooled blocks' scores. Throws std::invalid_argument when `samples` is empty.
  static WordCalibration fit(std::vector<std::pair<float, bool>> samples);

  /// P(right) for a raw score, in [0,1].
  float operator()(float raw) const;

  bool identity() const { return knots_.empty(); }
  const std::vector<std::pair<float, float>>& knots() const { return knots_; }

  /// Writes the file (atomically). Throws platen::Error naming `path`.
  void save(const std::string& path) const;
  /// Reads a file written by save(). Throws ModelError naming `path` when it is unreadable or
  /// malformed.
  static WordCalibration load(const std::string& path);
  /// The calibration file of a model: `model_path` with its extension replaced by
  /// ".calibration".
  static std::string path_for_model(const std::string& model_path);

 private:
  std::vector<std::pair<float, float>> knots_;  ///< (raw, probability), raw increasing
};

}  // namespace platen
