#include "recognition/ctc_alignment.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "recognition/ctc.h"

namespace platen {

std::vector<SymbolSpan> ctc_align(const float* log_probs, int frames, int classes, const std::vector<int>& labels,
                                  AlignmentWorkspace& w) {
  std::vector<SymbolSpan> spans;
  if (labels.empty() || frames <= 0) return spans;
  constexpr double kNegInf = -std::numeric_limits<double>::infinity();
  const int S = 2 * static_cast<int>(labels.size()) + 1;
  w.ext.assign(S, kCtcBlank);
  for (std::size_t i = 0; i < labels.size(); ++i) w.ext[2 * i + 1] = labels[i];
  const int* ext = w.ext.data();
  // skip[s]: state s may be entered from s − 2, passing over a blank: only onto a label
  // that differs from the one before it ("aa" needs the blank between).
  w.skip.assign(S, 0);
  for (int s = 3; s < S; s += 2) w.skip[s] = ext[s] != ext[s - 2];
  auto y = [&](int t, int s) { return log_probs[static_cast<std::size_t>(t) * classes + ext[s]]; };
  // from[t·S + s]: how state s at frame t was entered (0 stay, 1 from s−1, 2 from s−2).
  w.from.assign(static_cast<std::size_t>(frames) * S, 0);
  // Two −inf states in front of state 0, so that every state may read s − 1 and s − 2.
  w.prev.assign(S + 2, kNegInf);
  w.cur.assign(S + 2, kNegInf);
  w.prev[2] = y(0, 0);
  if (S > 1) w.prev[3] = y(0, 1);
  for (int t = 1; t < frames; ++t) {
    // Only states reachable from the start (s ≤ 2t + 1) that can still reach one of the two
    // final states in the frames left (s ≥ S − 2(T − t)) can lie on the best alignment; the
    // ones below that band are never read again, those above it are still −inf.
    const int lo = std::max(0, S - 2 * (frames - t)), hi = std::min(S - 1, 2 * t + 1);
    std::uint8_t* how_entered = w.from.data() + static_cast<std::size_t>(t) * S;
    const float* row = log_probs + static_cast<std::size_t>(t) * classes;
    const double* in = w.prev.data() + 2;
    double* out = w.cur.data() + 2;
    const std::uint8_t* skip = w.skip.data();
    for (int s = lo; s <= hi; ++s) {
      // Selects rather than branches: which way wins is data, not pattern.
      const double stay = in[s], step = in[s - 1], jump = skip[s] ? in[s - 2] : kNegInf;
      const bool stepped = step > stay;
      double best = stepped ? step : stay;
      const bool jumped = jump > best;
      best = jumped ? jump : best;
      out[s] = best + row[ext[s]];
      how_entered[s] = jumped ? 2 : stepped ? 1 : 0;
    }
    std::swap(w.prev, w.cur);
  }
  const double end_label = w.prev[S], end_blank = w.prev[S + 1];
  if (end_label == kNegInf && end_blank == kNegInf) return spans;  // no alignment fits
  int s = end_label > end_blank ? S - 2 : S - 1;
  spans.assign(labels.size(), SymbolSpan{-1, -1, 0.0f});
  for (int t = frames - 1; t >= 0; --t) {
    if (s % 2) {
      SymbolSpan& span = spans[s / 2];
      if (span.last_frame < 0) span.last_frame = t;
      span.first_frame = t;
      span.confidence = std::max(span.confidence, static_cast<float>(std::exp(y(t, s))));
    }
    if (t > 0) s -= w.from[static_cast<std::size_t>(t) * S + s];
  }
  return spans;
}

std::vector<SymbolSpan> ctc_align(const float* log_probs, int frames, int classes, const std::vector<int>& labels) {
  AlignmentWorkspace workspace;
  return ctc_align(log_probs, frames, classes, labels, workspace);
}

}  // namespace platen
