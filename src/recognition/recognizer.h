#pragma once
// Reading text lines with a trained model: normalise, batch by width, run the network,
// decode with CTC.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/grey_image.h"
#include "recognition/ctc_alignment.h"
#include "recognition/ctc_beam_search.h"
#include "recognition/network.h"
#include "recognition/word_calibration.h"

namespace platen {

class Model;

/// Text of one line with posterior-based confidences.
struct RecognisedLine {
  std::string text;                    ///< UTF-8, NFC
  std::vector<float> char_confidences; ///< one per code point of `text`, in [0,1]
  /// One per word of `text` (a run of non-space characters), in [0,1]: the mean of its
  /// characters' confidences.
  std::vector<float> word_confidences;
  float confidence = 0;                ///< mean of char_confidences (1 for empty text)

  /// The decoded code points before NFC (ends trimmed as in `text`), one per network symbol:
  /// to_nfc of their UTF-8 is `text`. Same length as char_confidences and `spans`.
  std::u32string symbols;
  /// Frames each code point of `symbols` owns in the CTC alignment of the result (best path:
  /// its argmax run; beam search: ctc_align of the result). Frame 0 is the normalised line's
  /// first column; frame f covers normalised columns [f·frame_stride, (f+1)·frame_stride).
  std::vector<SymbolSpan> spans;
  int frame_stride = 4;    ///< normalised px per frame (the model's)
  /// Normalised px per crop px (NormalisedLine::scale); 0 for a blank line (no text).
  double scale = 0;
  int frames = 0;          ///< frames of the line

  /// Crop column (px, fractional) at the left edge of normalised column `x`: the inverse of
  /// the normaliser's horizontal scaling, padding removed.
  double crop_x(double normalised_x) const;
  /// The crop columns [first, second) frame span `s` covers (its frames' normalised columns
  /// mapped back by crop_x). Requires scale > 0.
  std::pair<double, double> crop_columns(const SymbolSpan& s) const;
};

/// Decoding settings.
struct DecodeOptions {
  std::vector<std::string> languages;  ///< Tesseract codes (eng, deu…); empty = all known
  /// Beam search with the languages' character n-grams and word lists (lang-*.lm beside the
  /// model); false = CTC best path, the image alone.
  bool use_language_model = true;
  /// The beam search's tuned settings (with the language model only).
  LmDecodeOptions beam;
  /// The lines of one recognise call are one page's: a line whose own script evidence is a
  /// tie (every letter has a twin in the other script: a lone "а»", "НС", "Но") is decoded
  /// again with the page's script (the evidence of all its lines) taken to precede its first
  /// word, instead of none. With the language model and beam.line_script = −1 only. false:
  /// lines independent, as `ocr eval` reads lines of many documents.
  bool lines_share_script = false;
};

/// Settings fixed for a recognizer's lifetime.
struct RecognizerOptions {
  /// Arithmetic of the network. automatic = int8 for a calibrated model on a CPU with VNNI,
  /// else bf16 where the CPU has AMX, else f32 (see resolve_precision). bf16 reads the dev
  /// lines with the CER of f32 within ±0.01 points; int8 within ±0.02 points (1.82 against
  /// 1.83 % for the shipped model), its network 2–3× faster than f32.
  Precision precision = Precision::automatic;
};

/// Where a recognise call spent its time: seconds summed over the threads that did the work.
struct RecognitionTimings {
  double normalise = 0;  ///< line normalisation (normalise_line)
  double network = 0;    ///< the network's forward passes, batches and padding included
  double decode = 0;     ///< CTC best path, or beam search with the language model
};

/// Reads text lines. Thread-safe: each calling thread gets its own oneDNN primitives; the
/// weights, reordered for them once, are shared.
class Recognizer {
 public:
  /// Loads the model file at `model_path`. Throws ModelError; Error when `options` ask for
  /// bf16 on a CPU without AVX-512 BF16.
  explicit Recognizer(const std::string& model_path, const RecognizerOptions& options = {});
  explicit Recognizer(std::shared_ptr<const Model> model, const RecognizerOptions& options = {});
  ~Recognizer();

  /// Recognises lines (grey crops, any size). Lines are batched by width internally.
  /// Throws ModelError when a requested language has no lang-<code>.lm beside the model.
  /// `timings`, when given, receives where the time went.
  std::vector<RecognisedLine> recognise(const std::vector<GreyImage>& lines, const DecodeOptions& options = {},
                                        RecognitionTimings* timings = nullptr) const;

  /// Loads (and keeps) the language model that `options` ask for, so that a missing or
  /// corrupt lang-*.lm is found before any line is read. Throws ModelError.
  void load_language_model(const DecodeOptions& options) const;

  const Model& model() const { return *model_; }

  /// Map from raw word scores (raw_word_score) to calibrated word confidences: the model's
  /// `<model>.calibration` when it has one beside it (loaded with the model; a malformed one
  /// throws ModelError then), else the identity.
  const WordCalibration& word_calibration() const { return calibration_; }
  /// Replaces the word calibration (e.g. with one just fitted). Not thread-safe: call before
  /// sharing the recognizer.
  void set_word_calibration(WordCalibration calibration) { calibration_ = std::move(calibration); }

  /// Arithmetic the network runs in: f32, bf16 or int8 (options.precision resolved for this
  /// CPU and model by resolve_precision; with automatic, a width class oneDNN has only
  /// reference kernels for still runs in f32).
  Precision precision() const { return precision_; }

  /// Folder where the language files (lang-*.lm) are looked up: the model's own when it holds
  /// any, else the shipped models' (a fine-tuned model keeps the shipped language models);
  /// "" when the model was given in memory: no language model then.
  const std::string& model_dir() const { return model_dir_; }

 private:
  struct Impl;
  std::shared_ptr<const Model> model_;
  std::string model_dir_;
  Precision precision_ = Precision::f32;
  WordCalibration calibration_;
  std::unique_ptr<Impl> impl_;
};

/// Path of the shipped default model, platen.platen in share/platen/models found from the
/// binary's own location (see core/model_location.h). Throws ModelError naming where it looked.
std::string default_model_path();

}  // namespace platen
