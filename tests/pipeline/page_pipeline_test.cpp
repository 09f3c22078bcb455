#include "pipeline/page_pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/errors.h"
#include "image/pix.h"
#include "recognition/model.h"
#include "recognition/recognizer.h"
#include "test_pages.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

// These tests check the pipeline's behaviour (order, failures, pages, thread-count
// independence), not accuracy, so a model with random weights serves: its output is
// nonsense but deterministic.
std::shared_ptr<const Model> random_model() {
  static const std::shared_ptr<const Model> model = std::make_shared<const Model>(test::random_model(11));
  return model;
}

const Recognizer& recognizer() {
  static const Recognizer r(random_model());
  return r;
}

std::string write_png(const PixPtr& pix, const std::string& path) {
  if (pixWrite(path.c_str(), pix.get(), IFF_PNG) != 0) throw Error("cannot write test image " + path);
  return path;
}

/// Result fields that must not depend on the thread count.
std::vector<std::string> outcome(const std::vector<PageResult>& pages) {
  std::vector<std::string> rows;
  for (const PageResult& p : pages)
    rows.push_back(std::to_string(p.input_index) + "|" + p.source + "|" + std::to_string(p.page_index) + "/" +
                   std::to_string(p.page_count) + "|" + (p.ok ? "ok" : "failed: " + p.error) + "|" + p.text);
  return rows;
}

struct RunResult {
  std::vector<PageResult> seen;  ///< what the sink received, in order
  PipelineReport report;
};

RunResult run(const std::vector<std::string>& inputs, PipelineOptions options = {}) {
  RunResult r;
  r.report = run_page_pipeline(inputs, recognizer(), options, [&](const PageResult& p) { r.seen.push_back(p); });
  return r;
}

class PagePipeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test::make_temp_dir();
    for (int i = 0; i < 5; ++i)
      pages_.push_back(write_png(test::text_like_page(3 + i, 100 + i), dir_ + "/page" + std::to_string(i) + ".png"));
  }
  static std::string dir_;
  static std::vector<std::string> pages_;
};
std::string PagePipeline::dir_;
std::vector<std::string> PagePipeline::pages_;

TEST_F(PagePipeline, ResultsArriveInInputOrderAndAreTheSameForAnyThreadCount) {
  std::vector<std::string> inputs = pages_;
  inputs.insert(inputs.begin() + 2, dir_ + "/missing.png");
  PipelineOptions one, three;
  one.threads = 1;
  three.threads = 3;
  const RunResult a = run(inputs, one);
  const RunResult b = run(inputs, three);
  ASSERT_EQ(a.seen.size(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(a.seen[i].input_index, i);
    EXPECT_EQ(a.seen[i].source, inputs[i]);
  }
  EXPECT_EQ(outcome(a.seen), outcome(b.seen));
  EXPECT_FALSE(a.seen[0].text.empty()) << "a page with no text proves little about ordering";
  // The report mirrors the sink, minus the text.
  ASSERT_EQ(a.report.pages.size(), a.seen.size());
  EXPECT_TRUE(a.report.pages[0].text.empty());
}

TEST_F(PagePipeline, FailingFilesDoNotStopTheOthers) {
  const std::string missing = dir_ + "/missing.png";
  const std::string not_image = dir_ + "/notes.png";
  std::ofstream(not_image) << "not an image\n";
  const RunResult r = run({pages_[0], missing, not_image, pages_[1]});
  ASSERT_EQ(r.seen.size(), 4u);
  EXPECT_TRUE(r.seen[0].ok) << r.seen[0].error;
  EXPECT_TRUE(r.seen[3].ok) << r.seen[3].error;
  EXPECT_FALSE(r.seen[1].ok);
  EXPECT_FALSE(r.seen[2].ok);
  EXPECT_NE(r.seen[1].error.find(missing), std::string::npos) << r.seen[1].error;
  EXPECT_NE(r.seen[2].error.find(not_image), std::string::npos) << r.seen[2].error;
  EXPECT_EQ(r.seen[1].error.find('\n'), std::string::npos);
  EXPECT_EQ(r.report.failed, 2u);
}

TEST_F(PagePipeline, MultiPageTiffGivesOneJobPerPage) {
  const std::string tiff = dir_ + "/three.tif";
  for (int p = 0; p < 3; ++p) {
    PixPtr page = test::text_like_page(2 + p, 200 + p);
    ASSERT_EQ(pixWriteTiff(tiff.c_str(), page.get(), IFF_TIFF_LZW, p == 0 ? "w" : "a"), 0);
  }
  const RunResult r = run({pages_[0], tiff});
  ASSERT_EQ(r.seen.size(), 4u);
  for (int p = 0; p < 3; ++p) {
    const PageResult& page = r.seen[1 + p];
    EXPECT_TRUE(page.ok) << page.error;
    EXPECT_EQ(page.input_index, 1u);
    EXPECT_EQ(page.page_index, p);
    EXPECT_EQ(page.page_count, 3);
  }
}

TEST_F(PagePipeline, BlankPageIsReadAsEmptyText) {
  PixPtr white = adopt(pixCreate(800, 600, 8));
  pixSetAll(white.get());
  const RunResult r = run({write_png(white, dir_ + "/white.png")});
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_TRUE(r.seen[0].ok) << r.seen[0].error;
  EXPECT_EQ(r.seen[0].text, "");
  EXPECT_EQ(r.report.failed, 0u);
}

TEST_F(PagePipeline, PageTextEndsWithNewlineWhenNotEmpty) {
  const RunResult r = run({pages_[4]});
  ASSERT_EQ(r.seen.size(), 1u);
  ASSERT_TRUE(r.seen[0].ok) << r.seen[0].error;
  // Random weights may read nothing on a line, but the boxes make some text.
  ASSERT_FALSE(r.seen[0].text.empty());
  EXPECT_EQ(r.seen[0].text.back(), '\n');
  EXPECT_EQ(r.seen[0].text.find('\f'), std::string::npos);
}

TEST_F(PagePipeline, SingleLineModeGivesOneLineEndingInNewline) {
  PixPtr line = test::text_like_page(1, 7, 600);
  PixPtr crop = adopt(pixClipRectangle(line.get(), test::rect(0, 60, 600, 60).get(), nullptr));
  PipelineOptions options;
  options.single_line = true;
  const RunResult r = run({write_png(crop, dir_ + "/line.png")}, options);
  ASSERT_EQ(r.seen.size(), 1u);
  ASSERT_TRUE(r.seen[0].ok) << r.seen[0].error;
  const std::string& text = r.seen[0].text;
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);
}

TEST_F(PagePipeline, SinkFailureBecomesThatPagesErrorAndTheRunGoesOn) {
  std::vector<std::string> errors;
  int calls = 0;
  const PipelineReport report = run_page_pipeline(
      {pages_[0], pages_[1], pages_[2]}, recognizer(), {},
      [&](const PageResult&) {
        if (++calls == 2) throw Error("disk full");
      },
      [&](const PageResult& p) { errors.push_back(p.ok ? "" : p.error); });
  EXPECT_EQ(calls, 3);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], pages_[1] + ": page 1: disk full");
  EXPECT_EQ(errors[2], "");
  EXPECT_EQ(report.failed, 1u);
}

TEST_F(PagePipeline, RecordsEveryStageOfEveryPage) {
  const RunResult r = run({pages_[0], pages_[1]});
  ASSERT_EQ(r.report.pages.size(), 2u);
  for (const PageResult& p : r.report.pages) {
    EXPECT_GE(p.timings.decode, 0.0);
    EXPECT_GT(p.timings.binarise, 0.0);
    EXPECT_GE(p.timings.deskew, 0.0);
    EXPECT_GE(p.timings.segment, 0.0);
    EXPECT_GT(p.timings.recognise, 0.0);
    EXPECT_GT(p.timings.decode_text, 0.0);
    EXPECT_GE(p.timings.write, 0.0);
    EXPECT_GE(p.timings.total(), p.timings.recognise);
  }
}

/// A page of real (Leptonica bitmap font) prose, 8 bpp, 300 dpi: orientation detection needs
/// real ascenders and descenders.
PixPtr prose_page(int width, int height) {
  PixPtr mask = adopt(pixCreate(width, height, 1));
  L_BMF* bmf = bmfCreate(nullptr, 10);
  std::string text;
  for (int i = 0; i < 6; ++i)
    text += "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. "
            "Lieu et date de recolte, numero du document dans la collection, materiel. ";
  l_int32 overflow = 0;
  pixSetTextblock(mask.get(), bmf, text.c_str(), 1, 100, 100 + bmf->lineheight, width - 200, 0, &overflow);
  bmfDestroy(&bmf);
  PixPtr grey = adopt(pixConvert1To8(nullptr, mask.get(), 255, 0));
  pixSetResolution(grey.get(), 300, 300);
  return grey;
}

TEST_F(PagePipeline, LineBoxesAreInTheOriginalPageEvenWhenThePageWasTurned) {
  PixPtr upright = prose_page(1200, 900);
  PixPtr turned = adopt(pixRotateOrth(upright.get(), 1));  // 90° clockwise: 900 × 1200
  const RunResult r = run({write_png(upright, dir_ + "/prose.png"), write_png(turned, dir_ + "/prose90.png")});
  ASSERT_EQ(r.seen.size(), 2u);
  ASSERT_TRUE(r.seen[0].ok && r.seen[1].ok) << r.seen[0].error << r.seen[1].error;
  EXPECT_EQ(r.seen[0].width, 1200);
  EXPECT_EQ(r.seen[0].height, 900);
  EXPECT_EQ(r.seen[1].width, 900);
  EXPECT_EQ(r.seen[1].height, 1200);
  const std::vector<Line>& a = r.seen[0].lines;
  const std::vector<Line>& b = r.seen[1].lines;
  ASSERT_GE(a.size(), 5u);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_GE(a[i].box.x, 0);
    EXPECT_GE(a[i].box.y, 0);
    EXPECT_LE(a[i].box.right(), 1200);
    EXPECT_LE(a[i].box.bottom(), 900);
    EXPECT_GT(a[i].box.width, 4 * a[i].box.height) << "a text line lies along the page";
    // On the turned file, the line runs down the page: (x, y) upright is (900 - y, x) there.
    const Box& t = b[i].box;
    EXPECT_LE(t.right(), 900);
    EXPECT_LE(t.bottom(), 1200);
    EXPECT_NEAR(t.x, 900 - a[i].box.bottom(), 6);
    EXPECT_NEAR(t.y, a[i].box.x, 6);
    EXPECT_NEAR(t.width, a[i].box.height, 6);
    EXPECT_NEAR(t.height, a[i].box.width, 6);
  }
}

TEST(PageErrorMessage, NamesFileAndPageOnceOnOneLine) {
  EXPECT_EQ(page_error_message("a.tif", 2, "no text lines\nfound"), "a.tif: page 3: no text lines found");
  // The reader's messages already name the file and page: not repeated.
  EXPECT_EQ(page_error_message("a.tif", 0, "cannot read image 'a.tif' (page 1): truncated"),
            "cannot read image 'a.tif' (page 1): truncated");
  EXPECT_EQ(page_error_message("-", 0, "bad"), "standard input: page 1: bad");
}

}  // namespace
}  // namespace platen
