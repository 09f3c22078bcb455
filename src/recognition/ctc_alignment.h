#pragma once
// Where each decoded symbol sits in the network's frames: the most probable (Viterbi) CTC
// alignment of a label sequence to a line's posteriors (Graves et al. 2006, §3; the forced
// alignment of speech recognisers). The beam search sums over alignments and keeps none, so
// the frames of its result are found afterwards; best-path decoding gives them directly.

#include <cstdint>
#include <vector>

namespace platen {

/// The frames one decoded symbol owns in an alignment.
struct SymbolSpan {
  int first_frame = 0;   ///< first frame of the symbol's run (its label is emitted there)
  int last_frame = 0;    ///< last frame of the run, ≥ first_frame
  float confidence = 0;  ///< highest posterior of the symbol over its run, in [0,1]
};

/// Scratch buffers of ctc_align, to reuse between calls on one thread (the decoder keeps one
/// per thread). Any contents; a default-constructed one is fine.
struct AlignmentWorkspace {
  std::vector<int> ext;
  std::vector<std::uint8_t> skip, from;
  std::vector<double> prev, cur;
};

/// The Viterbi alignment of `labels` (class indices ≥ 1, never the blank) to `log_probs`
/// (T×C row-major log posteriors, class 0 = blank): one span per label, in order, disjoint and
/// increasing; frames outside every span are blank in the alignment. Ties go to the earliest
/// way into a state (staying before stepping). Returns an empty vector when `labels` is empty
/// or has no alignment in `frames` frames (more labels, with the blanks repeats need, than
/// frames). Cost: O(T·L) time, T·(2L+1) bytes of `workspace`.
std::vector<SymbolSpan> ctc_align(const float* log_probs, int frames, int classes, const std::vector<int>& labels,
                                  AlignmentWorkspace& workspace);

/// The same, with a workspace of its own.
std::vector<SymbolSpan> ctc_align(const float* log_probs, int frames, int classes, const std::vector<int>& labels);

}  // namespace platen
