#include "recognition/model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>

#include "core/binary_io.h"
#include "core/errors.h"
#include "core/text.h"
#include "recognition/network.h"
#include "test_paths.h"

namespace platen {
namespace {

Model small_model() {
  return Model::initialise(Alphabet(U"abcабв"), NetworkSpec::parse("C3x3:4 M2x2 C3x3:6 M2x1 CHx3:8 O"), 8, 5);
}

std::string write_bytes(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  std::string path = test::make_temp_dir() + "/" + name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return path;
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ModelError& e) {
    return e.what();
  }
  return "";
}

TEST(NetworkSpec, ParsesAndPrintsTheSameLayout) {
  const std::string layout = "C3x3:16 M2x2 C3x3:32 M2x1 CHx3:64 C1x3:64 O";
  NetworkSpec spec = NetworkSpec::parse(layout);
  EXPECT_EQ(spec.to_string(), layout);
  EXPECT_EQ(spec.frame_stride(), 2);  // widths of M2x2 and M2x1
  EXPECT_EQ(spec.layers.size(), 7u);
  EXPECT_EQ(spec.layers[4].kernel_h, 0);  // H: the whole height
}

TEST(NetworkSpec, ContextWidthIsTheReceptiveFieldsHalfWidth) {
  // C3x3: 1 px; M2x2: 1; C3x3 at stride 2: 2; M2x1: 0; CHx3 at stride 2: 2; O (1×1): 0.
  EXPECT_EQ(NetworkSpec::parse("C3x3:4 M2x2 C3x3:6 M2x1 CHx3:8 O").context_width(), 6);
  EXPECT_EQ(NetworkSpec::parse("C1x5:4 O").context_width(), 2);
}

TEST(NetworkSpec, RejectsMalformedLayouts) {
  EXPECT_THROW(NetworkSpec::parse(""), ModelError);
  EXPECT_THROW(NetworkSpec::parse("C3x3:16"), ModelError);  // no output layer
  EXPECT_THROW(NetworkSpec::parse("C3x3 O"), ModelError);   // no channel count
  EXPECT_THROW(NetworkSpec::parse("Q3x3:4 O"), ModelError);
}

TEST(Model, SaveLoadRoundTripKeepsEverything) {
  Model m = small_model();
  std::string path = test::make_temp_dir() + "/m.platen";
  m.save(path);
  Model back = Model::load(path);
  EXPECT_EQ(back.alphabet.symbols(), m.alphabet.symbols());
  EXPECT_EQ(back.input_height, 8);
  EXPECT_EQ(back.spec.to_string(), m.spec.to_string());
  EXPECT_EQ(back.weights, m.weights);
  EXPECT_EQ(back.biases, m.biases);
  EXPECT_TRUE(back.activation_ranges.empty());
  m.activation_ranges = {1.0f, 2.5f, 7.25f, 30.0f};
  m.save(path);
  EXPECT_EQ(Model::load(path).activation_ranges, m.activation_ranges);
}

TEST(Model, FormatVersion1WithoutActivationRangesIsStillRead) {
  // A version 1 file, as Platen wrote them before activation ranges: no range block.
  const Model m = small_model();
  BinaryWriter w;
  w.raw("PLATENM\n", 8);
  w.u32(1);
  w.str(utf32_to_utf8(m.alphabet.symbols()));
  w.u32(static_cast<std::uint32_t>(m.input_height));
  w.str(m.spec.to_string());
  w.u32(static_cast<std::uint32_t>(m.weights.size()));
  for (std::size_t i = 0; i < m.weights.size(); ++i) {
    w.floats(m.weights[i]);
    w.floats(m.biases[i]);
  }
  w.finish_with_crc();
  const Model back = Model::deserialise(w.bytes, "v1.platen");
  EXPECT_EQ(back.weights, m.weights);
  EXPECT_EQ(back.biases, m.biases);
  EXPECT_TRUE(back.activation_ranges.empty());
}

TEST(Model, ActivationRangesOfTheWrongCountAreRefused) {
  Model m = small_model();
  m.activation_ranges = {1.0f, 2.0f};  // the model has four convolutions
  std::string msg = error_of([&] { Model::deserialise(m.serialise(), "r.platen"); });
  EXPECT_NE(msg.find("activation ranges"), std::string::npos) << msg;
}

TEST(Model, TruncatedFileIsRefusedWithItsName) {
  std::vector<std::uint8_t> bytes = small_model().serialise();
  for (std::size_t keep : {std::size_t(3), std::size_t(20), bytes.size() / 2, bytes.size() - 1}) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + keep);
    std::string path = write_bytes(cut, "cut.platen");
    std::string msg = error_of([&] { Model::load(path); });
    EXPECT_NE(msg.find(path), std::string::npos) << "kept " << keep << " bytes: " << msg;
  }
}

TEST(Model, FlippedByteFailsTheChecksum) {
  std::vector<std::uint8_t> bytes = small_model().serialise();
  bytes[bytes.size() / 2] ^= 0x40;
  std::string msg = error_of([&] { Model::deserialise(bytes, "x.platen"); });
  EXPECT_NE(msg.find("checksum"), std::string::npos) << msg;
}

TEST(Model, OtherFormatVersionIsRefused) {
  std::vector<std::uint8_t> bytes = small_model().serialise();
  bytes[8] = static_cast<std::uint8_t>(kModelFormatVersion + 1);
  std::string msg = error_of([&] { Model::deserialise(bytes, "v.platen"); });
  EXPECT_NE(msg.find("version"), std::string::npos) << msg;
}

TEST(Model, NonModelFileIsRefused) {
  std::string path = write_bytes({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "zip.platen");
  EXPECT_NE(error_of([&] { Model::load(path); }).find("not a Platen model"), std::string::npos);
  EXPECT_NE(error_of([&] { Model::load(test::make_temp_dir() + "/missing.platen"); }).find("cannot open"),
            std::string::npos);
}

/// Logits of `model` on a fixed pseudo-random 8 × 32 input, T × C.
std::vector<float> logits_on_fixed_input(const Model& model) {
  NetworkRunner net(model, 1, 32, false);
  float* in = net.input();
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> ink(0.0f, 1.0f);
  for (int i = 0; i < model.input_height * 32; ++i) in[i] = ink(rng);
  net.forward();
  return std::vector<float>(net.logits(), net.logits() + net.frames() * net.classes());
}

TEST(Model, ExtendAlphabetAddsOutputRowsAndKeepsTheOldScores) {
  Model m = small_model();  // blank + abcабв = 7 classes
  const std::vector<float> before = logits_on_fixed_input(m);
  const Model old = m;
  const int frames = static_cast<int>(before.size()) / 7;

  EXPECT_EQ(m.extend_alphabet(U"őaűő", 9), U"őű");  // 'a' is known, the repeat ignored
  EXPECT_EQ(m.alphabet.size(), 9);
  EXPECT_EQ(m.alphabet.symbols(), U"abcабвőű");
  EXPECT_EQ(m.alphabet.index_of(U'а'), 4);  // old indices unchanged
  EXPECT_EQ(m.alphabet.index_of(U'ű'), 8);
  // Output layer: 1×1 convolution over 8 channels, now 9 rows of 8 weights.
  EXPECT_EQ(m.weights.back().size(), 9u * 8u);
  EXPECT_EQ(m.biases.back().size(), 9u);
  for (std::size_t i = 0; i + 1 < m.weights.size(); ++i) {
    EXPECT_EQ(m.weights[i], old.weights[i]);
    EXPECT_EQ(m.biases[i], old.biases[i]);
  }
  EXPECT_TRUE(std::equal(old.weights.back().begin(), old.weights.back().end(), m.weights.back().begin()));

  const std::vector<float> after = logits_on_fixed_input(m);
  ASSERT_EQ(after.size(), static_cast<std::size_t>(frames) * 9);
  for (int t = 0; t < frames; ++t) {
    float old_max = -1e30f;
    for (int c = 0; c < 7; ++c) {
      EXPECT_NEAR(after[t * 9 + c], before[t * 7 + c], 1e-5f * (1 + std::abs(before[t * 7 + c])))
          << "frame " << t << " class " << c;
      old_max = std::max(old_max, before[t * 7 + c]);
    }
    // The new classes start unlikely: below every frame's best old class.
    EXPECT_LT(after[t * 9 + 7], old_max);
    EXPECT_LT(after[t * 9 + 8], old_max);
  }

  // The model file carries the larger alphabet.
  const std::string path = test::make_temp_dir() + "/extended.platen";
  m.save(path);
  Model back = Model::load(path);
  EXPECT_EQ(back.alphabet.symbols(), U"abcабвőű");
  EXPECT_EQ(back.weights, m.weights);
  EXPECT_EQ(back.biases, m.biases);
}

}  // namespace
}  // namespace platen
