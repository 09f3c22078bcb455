// Every valid kind of archive file of issue 13 read by the engine with the shipped model to
// the same text as the plain PNG of the same page: CMYK and YCCK JPEG, tiled, 16-bit and
// palette TIFF, JPEG 2000, WebP, GIF, BMP, EXIF and TIFF orientations (read upright, with no
// turn left for the orientation check to find), and a scanned-image PDF; a PDF's text layer
// kept with skip_text and read again without it.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "platen/engine.h"
#include "training/evaluation.h"
#include "test_images.h"
#include "test_paths.h"

namespace platen {
namespace {

using test::JpegInk;

/// Lossy codings (JPEG, and JPEG turned on its blocks) move a few grey levels, which may change
/// a few characters of the reading: their text is held to within this CER of the PNG's. The
/// shipped model of stop 18 reads the sample's grey JPEG at 2.95 % from its PNG and the CMYK and
/// YCCK JPEGs at 2.95–3.35 % (stop 17's model: 1.97 % and 2.36 %; the model before it:
/// 1.36–1.56 %). A wrong colour conversion reads far worse (tens of percent).
constexpr double kLossyCer = 0.04;
/// How much further from the PNG's text a CMYK or YCCK JPEG may read than the grey JPEG of the
/// same page and quality: their inks differ only by the colour conversion.
constexpr double kInkCerMargin = 0.01;

double cer(const std::string& reference, const std::string& text) { return score_text(reference, text).cer(); }

class InputFormats : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    page_ = test::sample_text_page().release();
    dir_ = test::make_temp_dir();
    EngineOptions options;
    options.threads = 2;
    engine_ = new Engine(Engine::open(options));
    const std::string png = dir_ + "/page.png";
    ASSERT_EQ(pixWrite(png.c_str(), page_, IFF_PNG), 0);
    png_text_ = new std::string(engine_->read_page(png).text);
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete png_text_;
    pixDestroy(&page_);
  }
  static std::string path(const std::string& name) { return dir_ + "/" + name; }
  static PageResult read(const std::string& file, int page = 0) { return engine_->read_page(file, page); }

  static Pix* page_;
  static std::string dir_;
  static Engine* engine_;
  static std::string* png_text_;
};
Pix* InputFormats::page_ = nullptr;
std::string InputFormats::dir_;
Engine* InputFormats::engine_ = nullptr;
std::string* InputFormats::png_text_ = nullptr;

TEST_F(InputFormats, ThePngItselfReadsAsTheSamplePageSays) {
  // The reference must be real text, or equal texts below would prove nothing.
  EXPECT_NE(png_text_->find("Lordship Park"), std::string::npos) << *png_text_;
  EXPECT_NE(png_text_->find("LONDON"), std::string::npos) << *png_text_;
  EXPECT_GT(png_text_->size(), 150u) << *png_text_;
}

TEST_F(InputFormats, EveryLosslessKindReadsToThePngsText) {
  std::vector<std::string> files;
  auto tiff = [&](const std::string& name, test::TiffLayout layout) {
    files.push_back(test::write_file(path(name), test::tiff_bytes(page_, layout)));
  };
  tiff("tiled-lzw.tif", {5, 128});
  tiff("tiled-deflate-rgb.tif", {8, 256, 64, false, false, true});
  tiff("grey16.tif", {5, 0, 64, true});
  tiff("palette.tif", {8, 0, 64, false, true});
  PixPtr sixteen = adopt(pixConvert8To16(page_, 8));
  PixPtr mapped = adopt(pixConvertGrayToColormap8(page_, 8));
  ASSERT_EQ(pixWrite(path("grey16.png").c_str(), sixteen.get(), IFF_PNG), 0);
  ASSERT_EQ(pixWrite(path("palette.png").c_str(), mapped.get(), IFF_PNG), 0);
  ASSERT_EQ(pixWrite(path("page.gif").c_str(), mapped.get(), IFF_GIF), 0);
  ASSERT_EQ(pixWrite(path("page.bmp").c_str(), page_, IFF_BMP), 0);
  ASSERT_EQ(pixWriteWebP(path("page.webp").c_str(), page_, 100, 1), 0);
  ASSERT_EQ(pixWriteJp2k(path("page.jp2").c_str(), page_, 100, 5, 0, 0), 0);
  FILE* f = std::fopen(path("page.j2k").c_str(), "wb");
  ASSERT_TRUE(f);
  ASSERT_EQ(pixWriteStreamJp2k(f, page_, 100, 5, L_J2K_CODEC, 0, 0), 0);
  std::fclose(f);
  for (const char* name : {"grey16.png", "palette.png", "page.gif", "page.bmp", "page.webp", "page.jp2", "page.j2k"})
    files.push_back(path(name));
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const PageResult result = read(file);
    EXPECT_TRUE(result.ok) << result.error;
    EXPECT_EQ(result.text, *png_text_);
  }
}

TEST_F(InputFormats, CmykYcckAndJpegCompressedTiffReadToTheGreyJpegsText) {
  // Lossy codings: within kLossyCer of the PNG's text, as the grey JPEG of the same quality is.
  const std::string grey = test::write_file(path("grey.jpg"), test::jpeg_bytes(page_, JpegInk::grey));
  const std::string grey_text = read(grey).text;
  EXPECT_LE(cer(*png_text_, grey_text), kLossyCer) << grey_text;
  struct Case {
    const char* name;
    std::vector<std::uint8_t> bytes;
  };
  const Case cases[] = {
      {"cmyk-adobe.jpg", test::jpeg_bytes(page_, JpegInk::cmyk_adobe)},
      {"cmyk-plain.jpg", test::jpeg_bytes(page_, JpegInk::cmyk_plain)},
      {"ycck-adobe.jpg", test::jpeg_bytes(page_, JpegInk::ycck_adobe)},
      {"tiled-jpeg.tif", test::tiff_bytes(page_, {7, 256, 64, false, false, true})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const PageResult result = read(test::write_file(path(c.name), c.bytes));
    EXPECT_TRUE(result.ok) << result.error;
    EXPECT_LE(cer(*png_text_, result.text), kLossyCer) << result.text;
    EXPECT_LE(cer(*png_text_, result.text), cer(*png_text_, grey_text) + kInkCerMargin) << result.text;
    std::printf("[ figures  ] %s: CER %.4f against the PNG's text (grey JPEG %.4f)\n", c.name,
                cer(*png_text_, result.text), cer(*png_text_, grey_text));
  }
}

TEST_F(InputFormats, OrientationTagsReadLikeTheUprightPage) {
  const std::string upright = test::write_file(path("upright.jpg"), test::jpeg_bytes(page_, JpegInk::grey, 95));
  const PageResult reference = read(upright);
  EXPECT_LE(cer(*png_text_, reference.text), kLossyCer) << reference.text;
  for (int tag : {3, 6, 8}) {
    SCOPED_TRACE(tag);
    PixPtr stored = test::stored_for_orientation(page_, tag);
    const std::string jpeg = test::write_file(
        path("exif" + std::to_string(tag) + ".jpg"),
        test::with_exif_orientation(test::jpeg_bytes(stored.get(), JpegInk::grey, 95), tag));
    test::TiffLayout layout{5};
    layout.orientation = tag;
    const std::string tiff = test::write_file(path("tag" + std::to_string(tag) + ".tif"), test::tiff_bytes(stored.get(), layout));
    for (const std::string& file : {jpeg, tiff}) {
      const PageResult result = read(file);
      if (file == tiff) EXPECT_EQ(result.text, *png_text_) << file;
      else EXPECT_LE(cer(*png_text_, result.text), kLossyCer) << file << "\n" << result.text;
      // The tag made the page upright: the orientation check found nothing left to turn.
      EXPECT_EQ(result.orientation_degrees, 0) << file;
      ASSERT_TRUE(result.image == nullptr || result.image->orientation_tag == tag);
    }
  }
}

TEST_F(InputFormats, ScannedPdfPageReadsLikeItsImageAndTextLayerIsKeptOnlyWithSkipText) {
  const std::vector<std::uint8_t> jpeg = test::jpeg_bytes(page_, JpegInk::grey);
  const std::string jpeg_file = test::write_file(path("scan.jpg"), jpeg);
  test::PdfPage scanned;
  scanned.jpeg = jpeg;
  scanned.width = pixGetWidth(page_);
  scanned.height = pixGetHeight(page_);
  scanned.dpi = 200;
  test::PdfPage layered = scanned;
  layered.hidden_text = "An earlier reading of this page";
  const std::string pdf = test::write_file(path("scan.pdf"), test::pdf_bytes({scanned, layered}));
  ASSERT_EQ(engine_->page_count(pdf), 2);
  const PageResult jpeg_result = read(jpeg_file);
  const PageResult first = read(pdf, 0);
  const PageResult second = read(pdf, 1);
  EXPECT_TRUE(first.ok) << first.error;
  // The JPEG as stored, at its own resolution: exactly what the JPEG file itself reads to.
  EXPECT_EQ(first.text, jpeg_result.text);
  EXPECT_LE(cer(*png_text_, first.text), kLossyCer) << first.text;
  // A text layer does not stop reading by default.
  EXPECT_EQ(second.text, jpeg_result.text);
  EXPECT_FALSE(second.lines.empty());

  EngineOptions skip;
  skip.threads = 2;
  skip.skip_text = true;
  const Engine skipping = Engine::open(skip);
  const PageResult kept = skipping.read_page(pdf, 1);
  EXPECT_TRUE(kept.ok) << kept.error;
  EXPECT_NE(kept.text.find("An earlier reading of this page"), std::string::npos) << kept.text;
  EXPECT_EQ(kept.text.find("Lordship"), std::string::npos) << kept.text;
  // A page without a layer is still read under skip_text.
  EXPECT_EQ(skipping.read_page(pdf, 0).text, jpeg_result.text);
}

}  // namespace
}  // namespace platen
