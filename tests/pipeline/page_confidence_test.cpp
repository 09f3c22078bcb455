// Page confidence: the weighted mean of the lines' posteriors, and a garbage reading below a
// good one on the bundled real page.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "image/pix.h"
#include "pipeline/page_confidence.h"
#include "pipeline/page_pipeline.h"
#include "recognition/recognizer.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

TEST(PageConfidence, IsTheCharacterWeightedMeanOfTheLines) {
  std::vector<LineText> lines{{Box{}, "abcd", 0.9f}, {Box{}, "", 0.2f}, {Box{}, "\xd0\x96\xd0\x96", 0.3f}};
  // "ЖЖ" is two characters (four bytes); the empty line weighs one.
  EXPECT_NEAR(page_confidence(lines), (4 * 0.9 + 1 * 0.2 + 2 * 0.3) / 7.0, 1e-6);
  EXPECT_EQ(page_confidence({}), 0.0f);
}

TEST(PageConfidence, GarbageReadingOfARealPageScoresBelowItsGoodReading) {
  const fs::path sample = fs::path(test::source_dir()) / "datasets" / "samples" / "sample-page.jpg";
  PixPtr page = adopt(pixRead(sample.c_str()));
  ASSERT_TRUE(page);
  // Turned by 45°, no quarter turn or deskew reads it: its lines come out as garbage.
  PixPtr slanted = adopt(pixRotate(page.get(), 0.785f, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0));
  ASSERT_TRUE(slanted);
  const std::string path = test::make_temp_dir() + "/slanted.png";
  ASSERT_EQ(pixWrite(path.c_str(), slanted.get(), IFF_PNG), 0);

  Recognizer recognizer(default_model_path());
  PipelineOptions options;
  options.threads = 2;
  std::vector<float> confidence;
  std::vector<bool> low;
  std::vector<std::size_t> lines;
  run_page_pipeline({sample.string(), path}, recognizer, options, [&](const PageResult& r) {
    ASSERT_TRUE(r.ok) << r.error;
    confidence.push_back(r.confidence);
    low.push_back(r.low_confidence);
    lines.push_back(r.lines.size());
  });
  ASSERT_EQ(confidence.size(), 2u);
  EXPECT_GT(confidence[0], kLowPageConfidence);
  EXPECT_FALSE(low[0]);
  EXPECT_LT(confidence[1], confidence[0] - 0.1f);
  if (lines[1] > 0) EXPECT_TRUE(low[1]) << confidence[1];
}

}  // namespace
}  // namespace platen
