#include "recognition/ctc.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace platen {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// log(exp(a) + exp(b)) without overflow; exact when either side is -inf.
inline double log_add(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == kNegInf) return a;
  return a + std::log1p(std::exp(b - a));
}

/// log(exp(a) + exp(b) + exp(c)), same guarantees as log_add.
inline double log_add3(double a, double b, double c) {
  double m = std::max(a, std::max(b, c));
  if (m == kNegInf) return kNegInf;
  return m + std::log(std::exp(a - m) + std::exp(b - m) + std::exp(c - m));
}

/// Scratch buffers reused across calls on the same thread: training calls ctc_loss once per
/// line, and reallocating ~T·(C + 4L) doubles each time showed up as allocator churn.
struct CtcWorkspace {
  std::vector<double> log_probs;  // T×C log-softmax of the logits
  std::vector<double> probs;      // T×C softmax of the logits
  std::vector<double> alpha;      // T×S forward variables (log)
  std::vector<double> beta;       // T×S backward variables (log)
  std::vector<int> extended;      // S = 2L+1 labels with blanks interleaved
  std::vector<double> occupancy;  // C: per-frame posterior occupancy of each class
  std::vector<double> terms;      // S: one frame's log terms of the recursion
  std::vector<double> scaled;     // S: exp(term − row maximum)
};

/// Below this many nats under its row's maximum, exp() of a term could underflow (the
/// smallest normal double is e^−708); such rows take the exact per-cell log-sum-exp.
constexpr double kUnderflowMargin = 700.0;

/// One frame of the forward or backward recursion, for states s in [lo, hi]:
///   forward  (step = −1): out[s] = LSE(in[s], in[s−1], [skip(s)]   in[s−2]) + emit(s)
///   backward (step = +1): out[s] = LSE(in[s], in[s+1], [skip(s+2)] in[s+2]) + emit(s)
/// where LSE is log-sum-exp and `in` is -inf outside the states it holds. Each input is
/// exponentiated once, relative to the row maximum, and shared by the (up to) three outputs
/// that read it: two transcendental calls per state instead of four, same result as pairwise
/// log-sum-exp. A row whose terms lie more than kUnderflowMargin apart falls back to exact
/// per-state log-sum-exp so that nothing is lost to underflow.
template <int step, typename Emit, typename Skip>
void recursion_step(const double* in, double* out, int lo, int hi, int states, Emit emit,
                    Skip skip, std::vector<double>& scaled) {
  static_assert(step == 1 || step == -1, "step is the neighbour direction");
  const int from = step < 0 ? std::max(0, lo - 2) : lo;
  const int to = step < 0 ? hi : std::min(states - 1, hi + 2);
  double m = kNegInf;
  for (int s = from; s <= to; ++s) m = std::max(m, in[s]);
  if (m == kNegInf) {
    for (int s = lo; s <= hi; ++s) out[s] = kNegInf;
    return;
  }
  bool underflow = false;
  for (int s = from; s <= to; ++s) {
    const double d = in[s] - m;
    underflow |= d < -kUnderflowMargin && in[s] != kNegInf;
    scaled[s] = std::exp(d);
  }
  // Whether state s reads its neighbour one / two steps away (inside [0, states)).
  auto has1 = [&](int s) { return step < 0 ? s >= 1 : s + 1 < states; };
  auto has2 = [&](int s) { return step < 0 ? skip(s) : s + 2 < states && skip(s + 2); };
  if (!underflow) {
    for (int s = lo; s <= hi; ++s) {
      const double sum = scaled[s] + (has1(s) ? scaled[s + step] : 0.0) +
                         (has2(s) ? scaled[s + 2 * step] : 0.0);
      out[s] = sum > 0 ? m + std::log(sum) + emit(s) : kNegInf;
    }
    return;
  }
  for (int s = lo; s <= hi; ++s) {  // rare: terms hundreds of nats apart within one frame
    const double sum = log_add3(in[s], has1(s) ? in[s + step] : kNegInf,
                                has2(s) ? in[s + 2 * step] : kNegInf);
    out[s] = sum == kNegInf ? kNegInf : sum + emit(s);
  }
}

CtcWorkspace& workspace() {
  thread_local CtcWorkspace w;
  return w;
}

/// e^x for x ≤ 0 in single precision, branch-free so that a loop over a row vectorises:
/// x = n·ln 2 + r with |r| ≤ ln 2 / 2 (Cody & Waite 1980: ln 2 split in two so n·ln2_hi is
/// exact), e^r by its Taylor polynomial of degree 7 (truncation < 5e−9 relative), 2^n put into
/// the exponent bits. Within 1.3 ulp of std::exp over [−87, 0] (checked at every float);
/// arguments below −87 give e^−87 (≈ 1.6e−38), which is 0 for every sum it enters here.
inline float exp_nonpositive(float x) {
  // The clamp compares bit patterns as unsigned integers (for x ≤ 0 the larger pattern is
  // the larger magnitude): a float comparison may trap on NaN, and GCC then keeps the loop
  // scalar. 0xC2AE0000 is −87.0f.
  x = __builtin_bit_cast(float, std::min(__builtin_bit_cast(std::uint32_t, x), 0xC2AE0000u));
  // Round to nearest by the 1.5·2^23 trick (SSE2 has no vector round); exact for |t| < 2^22.
  const float t = x * 1.44269504f;
  const float n = (t + 12582912.0f) - 12582912.0f;
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  return p * __builtin_bit_cast(float, bits);
}

}  // namespace

// x86-64 builds target the baseline instruction set (SSE2, four floats a vector); GCC also
// compiles an AVX2 version (eight) and picks it at load time on CPUs that have it: 30 %
// less time on the benchmark pages' rows. Same lanes, same order, same results either way.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void log_softmax_rows(const float* scores, float* out, int frames, int classes) {
  // Eight running maxima and sums in a fixed order: independent chains the compiler can put
  // in vector lanes, and the same result whatever the vector width. With one chain and the
  // double-precision std::exp this was 6 % of decoding time on the benchmark pages.
  constexpr int kLanes = 8;
  for (int t = 0; t < frames; ++t) {
    const float* row = scores + static_cast<std::size_t>(t) * classes;
    float* result = out + static_cast<std::size_t>(t) * classes;
    const int whole = classes - classes % kLanes;
    float lane_max[kLanes], lane_sum[kLanes] = {};
    std::fill(lane_max, lane_max + kLanes, -std::numeric_limits<float>::infinity());
    for (int c = 0; c < whole; c += kLanes)
      for (int k = 0; k < kLanes; ++k) lane_max[k] = std::max(lane_max[k], row[c + k]);
    for (int c = whole; c < classes; ++c) lane_max[0] = std::max(lane_max[0], row[c]);
    const float m = *std::max_element(lane_max, lane_max + kLanes);
    // Subtracting the row maximum keeps every exp() argument ≤ 0, so nothing overflows; and
    // subtracting it before log(sum), rather than log Z = m + log(sum) at once, keeps full
    // float precision for large scores (row[c] − m is exact for nearby floats).
    for (int c = 0; c < whole; c += kLanes)
      for (int k = 0; k < kLanes; ++k) lane_sum[k] += exp_nonpositive(row[c + k] - m);
    for (int c = whole; c < classes; ++c) lane_sum[0] += exp_nonpositive(row[c] - m);
    // A float sum: the largest term is 1, so rounding (≤ C·2^−24 relative) moves log_sum by
    // under 2e−5 for C = 282, and equally for every class of the row, which no comparison
    // between labellings of the line can see.
    const float sum = ((lane_sum[0] + lane_sum[4]) + (lane_sum[1] + lane_sum[5])) +
                      ((lane_sum[2] + lane_sum[6]) + (lane_sum[3] + lane_sum[7]));
    const float log_sum = std::log(sum);
    for (int c = 0; c < classes; ++c) result[c] = (row[c] - m) - log_sum;
  }
}

void log_softmax_rows(float* scores, int frames, int classes) {
  log_softmax_rows(scores, scores, frames, classes);
}

double ctc_loss(const float* logits, int frames, int classes, const std::vector<int>& labels,
                std::vector<float>& gradient) {
  if (frames < 0 || classes < 1) throw std::invalid_argument("ctc_loss: bad matrix shape");
  const int T = frames, C = classes;
  const int L = static_cast<int>(labels.size());
  for (int l : labels) {
    if (l <= kCtcBlank || l >= C)
      throw std::invalid_argument("ctc_loss: label " + std::to_string(l) + " outside [1, " +
                                  std::to_string(C) + ")");
  }
  gradient.assign(static_cast<std::size_t>(T) * C, 0.0f);

  // Every label takes one frame, and a repeated label needs a blank frame in between.
  int required = L;
  for (int i = 1; i < L; ++i) required += labels[i] == labels[i - 1];
  if (T < required) return std::numeric_limits<double>::infinity();
  if (T == 0) return 0.0;  // no frames and no labels: the empty alignment, probability 1

  CtcWorkspace& w = workspace();
  const int S = 2 * L + 1;
  w.extended.assign(S, kCtcBlank);
  for (int i = 0; i < L; ++i) w.extended[2 * i + 1] = labels[i];
  const int* ext = w.extended.data();

  // Log-softmax in double: the gradient is softmax − occupancy, and both are needed to more
  // digits than float gives when the loss is small.
  w.log_probs.resize(static_cast<std::size_t>(T) * C);
  w.probs.resize(static_cast<std::size_t>(T) * C);
  for (int t = 0; t < T; ++t) {
    const float* z = logits + static_cast<std::size_t>(t) * C;
    double* lp = w.log_probs.data() + static_cast<std::size_t>(t) * C;
    double* p = w.probs.data() + static_cast<std::size_t>(t) * C;
    double m = *std::max_element(z, z + C);
    double sum = 0;
    for (int c = 0; c < C; ++c) sum += (p[c] = std::exp(z[c] - m));
    const double log_sum = std::log(sum), inverse = 1.0 / sum;
    for (int c = 0; c < C; ++c) {
      lp[c] = (z[c] - m) - log_sum;
      p[c] *= inverse;
    }
  }
  auto lp = [&](int t, int s) { return w.log_probs[static_cast<std::size_t>(t) * C + ext[s]]; };
  // The transition s−2 → s (skipping a blank) is allowed only onto a label that differs from
  // the one two states back; otherwise "aa" would collapse to "a".
  auto can_skip = [&](int s) { return s >= 2 && ext[s] != kCtcBlank && ext[s] != ext[s - 2]; };

  // Only states from which the end is still reachable, and which are reachable from the
  // start, can carry probability: at frame t these are s ∈ [S − 2(T−t), 2t+1]. Restricting
  // the loops to this band halves the work for tight alignments and keeps the rest at -inf.
  auto first_state = [&](int t) { return std::max(0, S - 2 * (T - t)); };
  auto last_state = [&](int t) { return std::min(S - 1, 2 * t + 1); };
  w.scaled.resize(S);
  w.terms.resize(S);

  // Forward: alpha[t][s] = log P(first t+1 frames emit the first s+1 extended labels),
  // including frame t's emission.
  w.alpha.assign(static_cast<std::size_t>(T) * S, kNegInf);
  double* alpha = w.alpha.data();
  alpha[0] = lp(0, 0);
  if (S > 1) alpha[1] = lp(0, 1);
  for (int t = 1; t < T; ++t) {
    recursion_step<-1>(alpha + static_cast<std::size_t>(t - 1) * S,
                       alpha + static_cast<std::size_t>(t) * S, first_state(t), last_state(t), S,
                       [&](int s) { return lp(t, s); }, can_skip, w.scaled);
  }
  const double* last = alpha + static_cast<std::size_t>(T - 1) * S;
  const double log_p = S > 1 ? log_add(last[S - 1], last[S - 2]) : last[S - 1];
  if (log_p == kNegInf) return std::numeric_limits<double>::infinity();

  // Backward: beta[t][s] = log P(frames t+1..T−1 emit the rest | in state s at frame t),
  // excluding frame t's emission, so alpha·beta is the probability of passing through s at t.
  w.beta.assign(static_cast<std::size_t>(T) * S, kNegInf);
  double* beta = w.beta.data();
  beta[static_cast<std::size_t>(T - 1) * S + S - 1] = 0.0;
  if (S > 1) beta[static_cast<std::size_t>(T - 1) * S + S - 2] = 0.0;
  double* terms = w.terms.data();
  for (int t = T - 2; t >= 0; --t) {
    // terms[s] = beta[t+1][s] + log y[t+1](s): leaving frame t for state s at frame t+1.
    const double* next = beta + static_cast<std::size_t>(t + 1) * S;
    const int lo = first_state(t), hi = last_state(t), to = std::min(S - 1, hi + 2);
    for (int s = lo; s <= to; ++s) terms[s] = next[s] == kNegInf ? kNegInf : next[s] + lp(t + 1, s);
    recursion_step<+1>(terms, beta + static_cast<std::size_t>(t) * S, lo, hi, S,
                       [](int) { return 0.0; }, can_skip, w.scaled);
  }

  // dLoss/dz[t][k] = softmax[t][k] − (1/p) Σ_{s: ext[s]=k} alpha[t][s]·beta[t][s]
  // (Graves et al. 2006, eq. 16, with the softmax folded in).
  w.occupancy.assign(C, 0.0);
  const double* probs = w.probs.data();
  for (int t = 0; t < T; ++t) {
    const double* a = alpha + static_cast<std::size_t>(t) * S;
    const double* b = beta + static_cast<std::size_t>(t) * S;
    for (int s = first_state(t), e = last_state(t); s <= e; ++s) {
      double v = a[s] + b[s];
      if (v != kNegInf) w.occupancy[ext[s]] += std::exp(v - log_p);
    }
    const double* pt = probs + static_cast<std::size_t>(t) * C;
    float* g = gradient.data() + static_cast<std::size_t>(t) * C;
    for (int c = 0; c < C; ++c) g[c] = static_cast<float>(pt[c] - w.occupancy[c]);
    // Reset only the classes this frame touched, keeping the per-frame cost O(S) + O(C).
    for (int s = first_state(t), e = last_state(t); s <= e; ++s) w.occupancy[ext[s]] = 0.0;
  }
  return -log_p;
}

std::vector<DecodedSymbol> ctc_best_path(const float* logits, int frames, int classes) {
  std::vector<DecodedSymbol> out;
  int previous = kCtcBlank;
  for (int t = 0; t < frames; ++t) {
    const float* z = logits + static_cast<std::size_t>(t) * classes;
    int best = static_cast<int>(std::max_element(z, z + classes) - z);
    // Posterior of the argmax: 1 / Σ exp(z_c − z_max), computed without forming the softmax.
    double sum = 0;
    for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(z[c] - z[best]));
    float posterior = static_cast<float>(1.0 / sum);
    if (best != kCtcBlank) {
      if (best == previous) {
        out.back().confidence = std::max(out.back().confidence, posterior);
        out.back().last_frame = t;
      } else {
        out.push_back(DecodedSymbol{best, t, t, posterior});
      }
    }
    previous = best;
  }
  return out;
}

}  // namespace platen
