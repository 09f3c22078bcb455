#include "recognition/ctc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

namespace platen {
namespace {

std::vector<float> random_logits(int frames, int classes, unsigned seed, float scale = 2.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> z(static_cast<std::size_t>(frames) * classes);
  for (float& v : z) v = normal(rng);
  return z;
}

/// −log of the sum, over every frame labelling that collapses to `labels`, of its
/// probability: the definition of the CTC loss, by exhaustive enumeration.
double brute_force_loss(const std::vector<float>& logits, int frames, int classes,
                        const std::vector<int>& labels) {
  std::vector<double> log_probs(logits.begin(), logits.end());
  for (int t = 0; t < frames; ++t) {
    double* row = log_probs.data() + t * classes;
    double m = *std::max_element(row, row + classes), sum = 0;
    for (int c = 0; c < classes; ++c) sum += std::exp(row[c] - m);
    for (int c = 0; c < classes; ++c) row[c] -= m + std::log(sum);
  }
  // Summed in log space so that saturated logits (paths of probability e^−3000) still count.
  double total = -std::numeric_limits<double>::infinity();
  std::vector<int> path(frames, 0);
  std::function<void(int, double)> walk = [&](int t, double log_p) {
    if (t == frames) {
      std::vector<int> collapsed;
      int previous = kCtcBlank;
      for (int c : path) {
        if (c != kCtcBlank && c != previous) collapsed.push_back(c);
        previous = c;
      }
      if (collapsed == labels) {
        double m = std::max(total, log_p);
        total = m + std::log(std::exp(total - m) + std::exp(log_p - m));
      }
      return;
    }
    for (int c = 0; c < classes; ++c) {
      path[t] = c;
      walk(t + 1, log_p + log_probs[t * classes + c]);
    }
  };
  walk(0, 0.0);
  return -total;
}

TEST(Ctc, LossEqualsSumOverAllAlignments) {
  const int T = 6, C = 3;
  // Ordinary scores, then saturated ones (σ = 400) whose paths differ by thousands of nats,
  // which only an exact log-space recursion gets right.
  for (float scale : {2.0f, 400.0f}) {
    std::vector<float> logits = random_logits(T, C, 7, scale);
    std::vector<float> gradient;
    for (const std::vector<int>& labels :
         {std::vector<int>{}, {1}, {2, 1}, {1, 1}, {1, 2, 1}, {2, 2, 2}, {1, 2, 1, 2}}) {
      double expected = brute_force_loss(logits, T, C, labels);
      double loss = ctc_loss(logits.data(), T, C, labels, gradient);
      ASSERT_TRUE(std::isfinite(expected));
      EXPECT_NEAR(loss, expected, 1e-9 * std::max(1.0, expected))
          << "scale " << scale << ", labels of length " << labels.size();
    }
  }
}

TEST(Ctc, GradientMatchesFiniteDifferences) {
  struct Case {
    int frames, classes;
    std::vector<int> labels;
  };
  const std::vector<Case> cases = {
      {5, 3, {}},                              // blanks only
      {6, 4, {1, 2}},                          // plain
      {8, 5, {1, 1, 2}},                       // a repeat needs a blank between
      {5, 3, {2, 2, 2}},                       // exactly tight: 3 labels + 2 blanks
      {12, 6, {3, 1, 3, 3, 5}},                // mixed
      {40, 12, {4, 4, 7, 1, 2, 2, 9, 11, 3}},  // longer
  };
  const float eps = 1e-2f;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    std::vector<float> logits = random_logits(c.frames, c.classes, 100 + static_cast<unsigned>(k));
    std::vector<float> gradient, scratch;
    double loss = ctc_loss(logits.data(), c.frames, c.classes, c.labels, gradient);
    ASSERT_TRUE(std::isfinite(loss));
    ASSERT_EQ(gradient.size(), logits.size());
    double worst = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
      const float saved = logits[i];
      logits[i] = saved + eps;
      double up = ctc_loss(logits.data(), c.frames, c.classes, c.labels, scratch);
      logits[i] = saved - eps;
      double down = ctc_loss(logits.data(), c.frames, c.classes, c.labels, scratch);
      logits[i] = saved;
      double numeric = (up - down) / (2.0 * eps);
      worst = std::max(worst, std::abs(numeric - gradient[i]));
      ASSERT_NEAR(gradient[i], numeric, 2e-3) << "case " << k << ", entry " << i;
    }
    // Each frame's gradient is softmax − occupancy, two distributions, so it sums to zero.
    for (int t = 0; t < c.frames; ++t) {
      double sum = 0;
      for (int j = 0; j < c.classes; ++j) sum += gradient[t * c.classes + j];
      EXPECT_NEAR(sum, 0.0, 1e-5);
    }
  }
}

TEST(Ctc, ImpossibleAlignmentGivesInfinityAndZeroGradient) {
  const int C = 4;
  std::vector<float> logits = random_logits(4, C, 3);
  std::vector<float> gradient(3, 1.0f);
  // Three labels fit four frames, but "1 1 1" needs two blanks between them: five frames.
  EXPECT_TRUE(std::isfinite(ctc_loss(logits.data(), 4, C, {1, 2, 3}, gradient)));
  double loss = ctc_loss(logits.data(), 4, C, {1, 1, 1}, gradient);
  EXPECT_EQ(loss, std::numeric_limits<double>::infinity());
  ASSERT_EQ(gradient.size(), static_cast<std::size_t>(4 * C));
  for (float g : gradient) EXPECT_EQ(g, 0.0f);
  EXPECT_EQ(ctc_loss(logits.data(), 2, C, {1, 2, 3}, gradient), std::numeric_limits<double>::infinity());
}

TEST(Ctc, StaysFiniteOnExtremeLogits) {
  // Saturated scores (±60) make every linear-space probability underflow; log space copes.
  const int T = 30, C = 5;
  std::vector<float> logits(T * C, -60.0f);
  for (int t = 0; t < T; ++t) logits[t * C + (t % 3 == 0 ? 2 : 0)] = 60.0f;
  std::vector<float> gradient;
  double loss = ctc_loss(logits.data(), T, C, {1, 3}, gradient);  // labels the frames never favour
  EXPECT_TRUE(std::isfinite(loss));
  EXPECT_GT(loss, 100.0);
  for (float g : gradient) EXPECT_TRUE(std::isfinite(g));
}

TEST(Ctc, LongLineGradientRowsSumToZero) {
  // Training scale: 600 frames, 330 classes, 150 labels.
  const int T = 600, C = 330, L = 150;
  std::vector<float> logits = random_logits(T, C, 11, 1.0f);
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> label(1, C - 1);
  std::vector<int> labels(L);
  for (int& l : labels) l = label(rng);
  labels[10] = labels[11];  // at least one repeat
  std::vector<float> gradient;
  double loss = ctc_loss(logits.data(), T, C, labels, gradient);
  ASSERT_TRUE(std::isfinite(loss));
  EXPECT_GT(loss, 0.0);
  for (int t = 0; t < T; t += 37) {
    double sum = 0;
    for (int c = 0; c < C; ++c) sum += gradient[t * C + c];
    EXPECT_NEAR(sum, 0.0, 1e-4);
  }
}

/// Logits whose softmax gives `peak` to class `best` and spreads the rest evenly.
void set_frame(std::vector<float>& logits, int t, int classes, int best, double peak) {
  double rest = (1.0 - peak) / (classes - 1);
  for (int c = 0; c < classes; ++c)
    logits[t * classes + c] = static_cast<float>(std::log(c == best ? peak : rest));
}

TEST(Ctc, BestPathMergesRepeatsDropsBlanksAndKeepsRunMaximum) {
  const int C = 4;
  // Frame argmaxes: 1 1 _ 1 2 2 _ _ 3  →  labels 1 1 2 3 starting at frames 0 3 4 8.
  const int best[] = {1, 1, 0, 1, 2, 2, 0, 0, 3};
  const double peak[] = {0.6, 0.9, 0.8, 0.7, 0.5, 0.75, 0.9, 0.9, 0.99};
  const int T = 9;
  std::vector<float> logits(T * C);
  for (int t = 0; t < T; ++t) set_frame(logits, t, C, best[t], peak[t]);
  std::vector<DecodedSymbol> decoded = ctc_best_path(logits.data(), T, C);
  ASSERT_EQ(decoded.size(), 4u);
  const int labels[] = {1, 1, 2, 3}, frames[] = {0, 3, 4, 8};
  const double confidence[] = {0.9, 0.7, 0.75, 0.99};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(decoded[i].label, labels[i]);
    EXPECT_EQ(decoded[i].frame, frames[i]);
    EXPECT_NEAR(decoded[i].confidence, confidence[i], 1e-5);
  }
  EXPECT_TRUE(ctc_best_path(logits.data(), 0, C).empty());
}

TEST(Ctc, LogSoftmaxRowsNormalisesWithoutOverflow) {
  std::vector<float> scores = {1000.0f, 999.0f, 998.0f, -3.0f, 0.0f, 2.0f};
  log_softmax_rows(scores.data(), 2, 3);
  for (int t = 0; t < 2; ++t) {
    double sum = 0;
    for (int c = 0; c < 3; ++c) sum += std::exp(scores[t * 3 + c]);
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
  // Differences between scores survive: log p(0) − log p(1) = 1000 − 999.
  EXPECT_NEAR(scores[0] - scores[1], 1.0f, 1e-4);
  EXPECT_NEAR(scores[0], -std::log(1 + std::exp(-1.0) + std::exp(-2.0)), 1e-5);
}

}  // namespace
}  // namespace platen
