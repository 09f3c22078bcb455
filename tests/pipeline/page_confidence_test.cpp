// Page confidence: the weighted mean of the lines' posteriors, and a garbage reading below a
// good one on the bundled real page.

#include <gtest/gtest.h>

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

TEST(PageConfidence, LowOnlyForAPageWithTextBelowTheThreshold) {
  PageResult page;
  page.confidence = 0.2f;
  EXPECT_FALSE(read_with_low_confidence(page));  // nothing read is not a doubtful reading
  page.lines.push_back(Line{});
  EXPECT_TRUE(read_with_low_confidence(page));
  page.confidence = kLowPageConfidence;
  EXPECT_FALSE(read_with_low_confidence(page));
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
  if (lines[1] > 0) {
    EXPECT_TRUE(low[1]) << confidence[1];
  }
}

}  // namespace
}  // namespace platen
