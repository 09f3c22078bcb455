#include "recognition/recognizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "image/page_reader.h"
#include "training/line_dataset.h"
#include "test_paths.h"

namespace platen {
namespace {

/// The bundled real lines (datasets/samples/lines), read as grey images.
std::vector<GreyImage> sample_lines() {
  std::vector<GreyImage> images;
  for (const std::string& p : list_line_images(test::source_dir() + "/datasets/samples/lines"))
    images.push_back(read_grey_image(p));
  return images;
}

std::vector<std::string> texts_of(const std::vector<RecognisedLine>& lines) {
  std::vector<std::string> texts;
  for (const RecognisedLine& l : lines) texts.push_back(l.text);
  return texts;
}

DecodeOptions best_path() {
  DecodeOptions o;
  o.use_language_model = false;
  return o;
}

TEST(Recognizer, Bf16ReadsTheSampleLinesAsF32Does) {
  if (!cpu_has_native_bf16()) GTEST_SKIP() << "no AVX-512 BF16 on this CPU";
  const std::vector<GreyImage> images = sample_lines();
  ASSERT_GE(images.size(), 5u);
  RecognizerOptions f32, bf16;
  f32.precision = Precision::f32;
  bf16.precision = Precision::bf16;
  Recognizer exact(default_model_path(), f32), fast(default_model_path(), bf16);
  EXPECT_EQ(exact.precision(), Precision::f32);
  EXPECT_EQ(fast.precision(), Precision::bf16);
  const std::vector<std::string> expected = texts_of(exact.recognise(images, best_path()));
  const std::vector<std::string> got = texts_of(fast.recognise(images, best_path()));
  for (std::size_t i = 0; i < images.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "line " << i;
}

TEST(Recognizer, ALineReadsAloneAsInABatch) {
  // Alone, a line runs in a one-line runner of its width class; with the others, in a larger
  // batch of that class. The batch must not change its text.
  const std::vector<GreyImage> images = sample_lines();
  ASSERT_GE(images.size(), 5u);
  Recognizer recognizer(default_model_path());
  const std::vector<std::string> together = texts_of(recognizer.recognise(images, best_path()));
  for (std::size_t i = 0; i < images.size(); ++i) {
    const std::vector<std::string> alone = texts_of(recognizer.recognise({images[i]}, best_path()));
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0], together[i]) << "line " << i;
    EXPECT_FALSE(alone[0].empty()) << "line " << i;
  }
}

}  // namespace
}  // namespace platen
