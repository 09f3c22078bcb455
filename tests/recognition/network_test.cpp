#include "recognition/network.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

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

}  // namespace
}  // namespace platen
