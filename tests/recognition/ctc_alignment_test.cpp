#include "recognition/ctc_alignment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "recognition/alphabet.h"
#include "recognition/ctc.h"
#include "recognition/ctc_beam_search.h"

namespace platen {
namespace {

/// T×C log posteriors built frame by frame: `peak` on one class, the rest shared evenly.
struct Frames {
  int classes;
  std::vector<float> log_probs;
  void add(int best, double peak = 0.9) {
    const double rest = (1 - peak) / (classes - 1);
    for (int c = 0; c < classes; ++c) log_probs.push_back(static_cast<float>(std::log(c == best ? peak : rest)));
  }
  void add_all(const std::vector<int>& bests, double peak = 0.9) {
    for (int b : bests) add(b, peak);
  }
  int count() const { return static_cast<int>(log_probs.size()) / classes; }
};

void expect_spans(const std::vector<SymbolSpan>& got, const std::vector<std::pair<int, int>>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].first_frame, want[i].first) << "symbol " << i;
    EXPECT_EQ(got[i].last_frame, want[i].second) << "symbol " << i;
  }
}

TEST(CtcAlignment, EachLabelOwnsItsRunOfFrames) {
  Frames f{4, {}};
  f.add_all({0, 1, 1, 0, 2, 0, 0, 3, 3, 3});
  expect_spans(ctc_align(f.log_probs.data(), f.count(), 4, {1, 2, 3}), {{1, 2}, {4, 4}, {7, 9}});
}

TEST(CtcAlignment, RepeatedLabelsAreSplitByTheBlankBetweenThem) {
  Frames f{3, {}};
  f.add_all({1, 1, 0, 1, 2});
  expect_spans(ctc_align(f.log_probs.data(), f.count(), 3, {1, 1, 2}), {{0, 1}, {3, 3}, {4, 4}});
}

TEST(CtcAlignment, ForcedLabelsTakeTheFramesThatSuitThemBest) {
  // The posteriors read "1 _ _ 2 2", the labels are 2 1: the 2 takes frame 3, where it is
  // likely, and the 1 (unlikely everywhere after it) the last frame; the first three frames
  // go to the blank, which frame 0 costs as much as a 1 would.
  Frames f{3, {}};
  f.add_all({1, 0, 0, 2, 2});
  expect_spans(ctc_align(f.log_probs.data(), f.count(), 3, {2, 1}), {{3, 3}, {4, 4}});
}

TEST(CtcAlignment, ConfidenceIsTheHighestPosteriorOverTheRun) {
  Frames f{3, {}};
  f.add(0);
  f.add(1, 0.6);
  f.add(1, 0.8);
  f.add(0);
  f.add(2, 0.7);
  const std::vector<SymbolSpan> spans = ctc_align(f.log_probs.data(), f.count(), 3, {1, 2});
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_NEAR(spans[0].confidence, 0.8, 1e-5);
  EXPECT_NEAR(spans[1].confidence, 0.7, 1e-5);
}

TEST(CtcAlignment, NoAlignmentWhenTheLabelsDoNotFit) {
  Frames f{3, {}};
  f.add_all({1, 1});
  EXPECT_TRUE(ctc_align(f.log_probs.data(), f.count(), 3, {1, 1}).empty());  // needs a blank between
  EXPECT_TRUE(ctc_align(f.log_probs.data(), f.count(), 3, {1, 2, 1}).empty());
  EXPECT_TRUE(ctc_align(f.log_probs.data(), f.count(), 3, {}).empty());
  expect_spans(ctc_align(f.log_probs.data(), f.count(), 3, {1, 2}), {{0, 0}, {1, 1}});
}

TEST(CtcAlignment, BeamSearchSpansAreTheBestPathRunsOnPeakedPosteriors) {
  Alphabet alphabet(U" abcdefghijklmnopqrstuvwxyz");
  const int C = alphabet.size();
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> pick(1, C - 1), run(1, 4);
  for (int trial = 0; trial < 10; ++trial) {
    Frames f{C, {}};
    int previous = 0;
    for (int k = 0; k < 15; ++k) {
      int label = pick(rng);
      if (label == previous) label = label % (C - 1) + 1;
      for (int r = run(rng); r > 0; --r) f.add(label, 0.95);
      if (trial % 2 == 0 || k % 3 == 0) f.add(kCtcBlank, 0.95);
      previous = label;
    }
    std::vector<float> confidences;
    std::vector<SymbolSpan> spans;
    beam_search(f.log_probs.data(), f.count(), C, alphabet, nullptr, LmDecodeOptions{}, &confidences, &spans);
    const std::vector<DecodedSymbol> greedy = ctc_best_path(f.log_probs.data(), f.count(), C);
    ASSERT_EQ(spans.size(), greedy.size()) << "trial " << trial;
    for (std::size_t i = 0; i < greedy.size(); ++i) {
      EXPECT_EQ(spans[i].first_frame, greedy[i].frame) << "trial " << trial << " symbol " << i;
      EXPECT_EQ(spans[i].last_frame, greedy[i].last_frame) << "trial " << trial << " symbol " << i;
      EXPECT_FLOAT_EQ(spans[i].confidence, confidences[i]);
    }
  }
}

}  // namespace
}  // namespace platen
