#pragma once
// Connectionist Temporal Classification: loss, gradient and decoding.
// Graves, Fernández, Gomez & Schmidhuber 2006, "Connectionist Temporal Classification".
// Label 0 is the CTC blank throughout Platen.

#include <vector>

namespace platen {

/// Index of the CTC blank in every score vector.
constexpr int kCtcBlank = 0;

/// CTC negative log-likelihood of `labels` given unnormalised scores, and its gradient.
/// `logits`: T×C row-major (frame-major), pre-softmax. `labels`: class indices in [1, C).
/// Returns -log p(labels | logits) (natural log); writes dLoss/dlogits (T×C) into `gradient`.
/// Forward-backward in log space. If no alignment exists (too many labels for T frames)
/// returns +infinity and a zero gradient.
double ctc_loss(const float* logits, int frames, int classes, const std::vector<int>& labels,
                std::vector<float>& gradient);

/// One decoded symbol with the frame it was emitted at and its posterior-based confidence.
struct DecodedSymbol {
  int label = 0;          ///< class index, never the blank
  int frame = 0;          ///< first frame of the symbol's run
  int last_frame = 0;     ///< last frame of the run (the argmax stays the symbol until then)
  float confidence = 0;   ///< max posterior over the run, in [0,1]
};

/// Best-path (greedy) CTC decoding: argmax per frame, merge repeats, drop blanks.
/// `logits`: T×C row-major, pre-softmax.
std::vector<DecodedSymbol> ctc_best_path(const float* logits, int frames, int classes);

/// Log-softmax of each row of a T×C matrix, in place.
void log_softmax_rows(float* scores, int frames, int classes);
/// The same from `scores` into `out` (T×C; may be `scores` itself), sparing a copy.
void log_softmax_rows(const float* scores, float* out, int frames, int classes);

}  // namespace platen
