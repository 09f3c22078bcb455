#include "recognition/model.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/binary_io.h"
#include "core/errors.h"
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

}  // namespace
}  // namespace platen
