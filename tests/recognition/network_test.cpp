#include "recognition/network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/errors.h"

namespace platen {
namespace {

Model tiny_model(std::uint32_t seed) {
  return Model::initialise(Alphabet(U"abcde"), NetworkSpec::parse("C3x3:4 M2x2 C3x3:6 M2x1 CHx3:8 O"), 8, seed);
}

/// Loss = Σ logits ⊙ R, so dLoss/dlogits = R and every layer's gradient can be checked
/// against central finite differences.
double probe_loss(NetworkRunner& net, const Model& model, const std::vector<float>& input,
                  const std::vector<float>& r) {
  net.set_weights(model);
  std::copy(input.begin(), input.end(), net.input());
  net.forward();
  double loss = 0;
  for (std::size_t i = 0; i < r.size(); ++i) loss += static_cast<double>(net.logits()[i]) * r[i];
  return loss;
}

/// Logits of `net` (weights already set) for `input`.
std::vector<float> run_forward(NetworkRunner& net, const std::vector<float>& input) {
  std::copy(input.begin(), input.end(), net.input());
  net.forward();
  return std::vector<float>(net.logits(), net.logits() + static_cast<std::size_t>(net.batch()) * net.frames() * net.classes());
}

/// Line-like input: ink strokes (1) on paper (0), `batch` lines of 8 × `width` px.
std::vector<float> strokes(int batch, int width, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> input(static_cast<std::size_t>(batch) * 8 * width);
  for (float& v : input) v = u(rng) < 0.3f ? u(rng) * 0.2f + 0.8f : 0.0f;
  return input;
}

/// Largest |v| over `values`: the scale the scores' errors are measured against.
float largest_magnitude(const std::vector<float>& values) {
  float largest = 0;
  for (float v : values) largest = std::max(largest, std::abs(v));
  return largest;
}

/// Largest |a[i] − b[i]| (a and b of one size).
float largest_difference(const std::vector<float>& a, const std::vector<float>& b) {
  float largest = 0;
  for (std::size_t i = 0; i < a.size(); ++i) largest = std::max(largest, std::abs(a[i] - b[i]));
  return largest;
}

TEST(NetworkRunner, OutputHasOneFramePerStrideAndAClassPerSymbol) {
  Model model = tiny_model(1);
  NetworkRunner net(model, 2, 16, false);
  EXPECT_EQ(net.frames(), 8);
  EXPECT_EQ(net.classes(), 6);
}

TEST(NetworkRunner, GradientsOfEveryLayerMatchFiniteDifferences) {
  Model model = tiny_model(7);
  const int batch = 2, width = 16;
  NetworkRunner net(model, batch, width, true);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0.0f, 1.0f), s(-1.0f, 1.0f);
  std::vector<float> input(static_cast<std::size_t>(batch) * 8 * width);
  for (float& v : input) v = u(rng);
  std::vector<float> r(static_cast<std::size_t>(batch) * net.frames() * net.classes());
  for (float& v : r) v = s(rng);

  probe_loss(net, model, input, r);
  std::copy(r.begin(), r.end(), net.logits_gradient());
  net.backward();
  auto wg = net.weight_gradients();
  auto bg = net.bias_gradients();

  const float eps = 2e-3f;
  for (std::size_t layer = 0; layer < model.weights.size(); ++layer) {
    for (int trial = 0; trial < 12; ++trial) {
      bool bias = trial % 4 == 3;
      std::vector<float>& p = bias ? model.biases[layer] : model.weights[layer];
      std::size_t i = std::uniform_int_distribution<std::size_t>(0, p.size() - 1)(rng);
      float saved = p[i];
      p[i] = saved + eps;
      double up = probe_loss(net, model, input, r);
      p[i] = saved - eps;
      double down = probe_loss(net, model, input, r);
      p[i] = saved;
      double numeric = (up - down) / (2 * eps);
      double analytic = bias ? bg[layer][i] : wg[layer][i];
      EXPECT_NEAR(analytic, numeric, 0.02 * std::max(std::abs(numeric), std::abs(analytic)) + 2e-3)
          << "layer " << layer << (bias ? " bias " : " weight ") << i;
    }
  }
}

TEST(NetworkRunner, Bf16ScoresMatchF32WithinBf16Rounding) {
  if (!cpu_has_native_bf16()) GTEST_SKIP() << "no AVX-512 BF16 on this CPU";
  Model model = tiny_model(11);
  const int batch = 3, width = 64;
  NetworkRunner f32(model, batch, width, false, nullptr, Precision::f32);
  NetworkRunner bf16(model, batch, width, false, nullptr, Precision::bf16);
  ASSERT_EQ(f32.precision(), Precision::f32);
  ASSERT_EQ(bf16.precision(), Precision::bf16);
  const std::vector<float> input = strokes(batch, width, 4);
  const std::vector<float> exact = run_forward(f32, input), approx = run_forward(bf16, input);
  ASSERT_EQ(exact.size(), approx.size());
  // bf16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.2 %) of the weights and of every
  // activation; five layers of that move a score by about 1 % of the scores' range.
  const float range = largest_magnitude(exact), worst = largest_difference(exact, approx);
  ASSERT_GT(range, 0.1f);
  EXPECT_LE(worst, 0.03f * range) << "largest |score| " << range;
  EXPECT_GT(worst, 0.0f) << "bf16 runner gave bit-identical scores: is it really bf16?";
  // Same best class per frame, but for frames whose two best f32 scores are closer than the
  // error allows.
  const int C = f32.classes();
  for (std::size_t f = 0; f < exact.size() / C; ++f) {
    const float* e = &exact[f * C];
    const float* a = &approx[f * C];
    std::vector<float> sorted(e, e + C);
    std::partial_sort(sorted.begin(), sorted.begin() + 2, sorted.end(), std::greater<float>());
    if (sorted[0] - sorted[1] < 2 * worst) continue;
    EXPECT_EQ(std::max_element(e, e + C) - e, std::max_element(a, a + C) - a) << "frame " << f;
  }
}

TEST(NetworkRunner, Bf16WithArenaAndPackedWeightsMatchesItsOwnBuffers) {
  if (!cpu_has_native_bf16()) GTEST_SKIP() << "no AVX-512 BF16 on this CPU";
  Model model = tiny_model(12);
  ActivationArena arena;
  PackedWeights packed;
  NetworkRunner own(model, 2, 32, false, nullptr, Precision::bf16);
  NetworkRunner wide(model, 2, 48, false, &arena, Precision::bf16, &packed);  // grows the arena
  NetworkRunner shared(model, 2, 32, false, &arena, Precision::bf16, &packed);
  const std::vector<float> input = strokes(2, 32, 5);
  run_forward(wide, strokes(2, 48, 6));
  EXPECT_EQ(run_forward(shared, input), run_forward(own, input));
}

TEST(NetworkRunner, PackedWeightsGiveTheSameScoresAsTheRunnersOwn) {
  Model model = tiny_model(13);
  PackedWeights packed;
  NetworkRunner own(model, 2, 32, false);
  NetworkRunner first(model, 2, 32, false, nullptr, Precision::f32, &packed);
  NetworkRunner second(model, 4, 64, false, nullptr, Precision::f32, &packed);
  const std::vector<float> input = strokes(2, 32, 7);
  const std::vector<float> expected = run_forward(own, input);
  EXPECT_EQ(run_forward(first, input), expected);
  // The wider runner reads the same weights: its first frames of line 0 see the same pixels
  // (the rest of its input is paper) up to where the padding starts to matter.
  std::vector<float> wide_input(static_cast<std::size_t>(4) * 8 * 64, 0.0f);
  for (int n = 0; n < 2; ++n)
    for (int y = 0; y < 8; ++y)
      std::copy_n(&input[(n * 8 + y) * 32], 32, &wide_input[(n * 8 + y) * 64]);
  const std::vector<float> wide = run_forward(second, wide_input);
  const int C = own.classes();
  for (int c = 0; c < C; ++c) EXPECT_NEAR(wide[c], expected[c], 1e-4f) << "class " << c;  // frame 0 of line 0
  EXPECT_THROW(first.set_weights(model), Error);
}

TEST(NetworkRunner, TrainingRunsInF32Only) {
  Model model = tiny_model(14);
  EXPECT_THROW(NetworkRunner(model, 1, 16, true, nullptr, Precision::bf16), Error);
  NetworkRunner automatic(model, 1, 16, true, nullptr, Precision::automatic);
  EXPECT_EQ(automatic.precision(), Precision::f32);
}

TEST(Precision, ParsesTheCommandLineNamesAndRefusesOthers) {
  EXPECT_EQ(parse_precision("f32"), Precision::f32);
  EXPECT_EQ(parse_precision("bf16"), Precision::bf16);
  EXPECT_EQ(parse_precision("auto"), Precision::automatic);
  EXPECT_THROW(parse_precision("fp16"), UsageError);
  EXPECT_STREQ(precision_name(Precision::bf16), "bf16");
  EXPECT_EQ(parse_precision("int8"), Precision::int8);
  EXPECT_STREQ(precision_name(Precision::int8), "int8");
  Model model = tiny_model(15);
  EXPECT_NE(resolve_precision(Precision::automatic, model), Precision::automatic);
  // Without activation ranges there is no int8.
  EXPECT_NE(resolve_precision(Precision::automatic, model), Precision::int8);
  EXPECT_EQ(resolve_precision(Precision::f32, model), Precision::f32);
  model.activation_ranges.assign(model.weights.size(), 1.0f);
  EXPECT_EQ(resolve_precision(Precision::automatic, model) == Precision::int8, cpu_has_vnni());
}

/// `model` with activation ranges measured by an f32 runner on `input` (batch × 8 × width).
Model calibrated_on(Model model, int batch, int width, const std::vector<float>& input) {
  NetworkRunner f32(model, batch, width, false, nullptr, Precision::f32);
  run_forward(f32, input);
  model.activation_ranges = f32.convolution_input_maxima();
  return model;
}

TEST(NetworkRunner, Int8ScoresMatchF32WithinQuantisation) {
  const int batch = 3, width = 64;
  const std::vector<float> input = strokes(batch, width, 5);
  const Model model = calibrated_on(tiny_model(16), batch, width, input);
  ASSERT_EQ(model.activation_ranges.size(), model.weights.size());
  EXPECT_NEAR(model.activation_ranges[0], 1.0f, 0.01f);  // the strokes' darkest ink
  for (float r : model.activation_ranges) EXPECT_GT(r, 0.0f);
  ActivationArena arena;
  PackedWeights packed;
  NetworkRunner f32(model, batch, width, false, nullptr, Precision::f32);
  NetworkRunner int8(model, batch, width, false, &arena, Precision::int8, &packed);
  ASSERT_EQ(int8.precision(), Precision::int8);
  const std::vector<float> exact = run_forward(f32, input), approx = run_forward(int8, input);
  ASSERT_EQ(exact.size(), approx.size());
  // Each layer's input is rounded to 1/255 of its range and each weight to 1/127 of its
  // output channel's largest: about 0.3 % error per layer, a few % of the scores' range after
  // five layers.
  const float range = largest_magnitude(exact), worst = largest_difference(exact, approx);
  ASSERT_GT(range, 0.1f);
  EXPECT_LE(worst, 0.05f * range) << "largest |score| " << range;
  EXPECT_GT(worst, 0.0f) << "int8 runner gave bit-identical scores: is it really int8?";
}

TEST(NetworkRunner, Int8NeedsActivationRangesAndPackedWeights) {
  Model model = tiny_model(17);
  ActivationArena arena;
  PackedWeights packed;
  EXPECT_THROW(NetworkRunner(model, 1, 16, false, &arena, Precision::int8, &packed), ModelError);
  model.activation_ranges.assign(model.weights.size(), 1.0f);
  EXPECT_THROW(NetworkRunner(model, 1, 16, false, nullptr, Precision::int8), Error);
  EXPECT_THROW(NetworkRunner(model, 1, 16, true, nullptr, Precision::int8), Error);
}

}  // namespace
}  // namespace platen
