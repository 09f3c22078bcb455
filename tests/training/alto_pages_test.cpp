#include "training/alto_pages.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "core/text.h"
#include "image/page_reader.h"
#include "test_paths.h"

namespace platen {
namespace {

constexpr std::uint8_t kPaper = 220, kInk = 30;

/// A 300×120 page of paper tone 220 with a band of ink tone 30 across rows 5–35, written as
/// `dir`/`stem`.png (with `dpi` when > 0). The band is about a quarter of the page, so the
/// median stays paper.
GreyImage write_page(const std::string& dir, const std::string& stem, int dpi = 0) {
  GreyImage page(300, 120, kPaper);
  for (int y = 5; y <= 35; ++y)
    for (int x = 0; x < page.width; ++x) page.at(x, y) = kInk;
  PixPtr pix = pix_from_grey_image(page);
  if (dpi > 0) pixSetResolution(pix.get(), dpi, dpi);
  pixWrite((dir + "/" + stem + ".png").c_str(), pix.get(), IFF_PNG);
  return page;
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

/// An ALTO file in namespace `ns` with the given MeasurementUnit and TextLines.
std::string alto(const std::string& ns, const std::string& unit, const std::string& page_size,
                 const std::string& lines) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<alto xmlns=\"" + ns +
         "\">\n<Description><MeasurementUnit>" + unit + "</MeasurementUnit></Description>\n<Layout><Page " +
         page_size + "><PrintSpace><TextBlock ID=\"b1\">\n" + lines +
         "</TextBlock></PrintSpace></Page></Layout>\n</alto>\n";
}

// Line 1: a triangle (20,10) (120,20) (20,30); its text has a decomposed Ž (Z + U+030C) and
// two Strings around an SP. Line 2: a box only, a hyphenated end. Line 3: no text.
const std::string kLinesV4 =
    "<TextLine ID=\"l1\" HPOS=\"20\" VPOS=\"10\" WIDTH=\"100\" HEIGHT=\"20\">"
    "<Shape><Polygon POINTS=\"20 10 120 20 20 30\"/></Shape>"
    "<String CONTENT=\"Z\xCC\x8Cluťoučký\" HPOS=\"20\" VPOS=\"10\" WIDTH=\"60\" HEIGHT=\"20\"/><SP/>"
    "<String CONTENT=\"kůň\" HPOS=\"85\" VPOS=\"10\" WIDTH=\"30\" HEIGHT=\"20\"/></TextLine>\n"
    "<TextLine ID=\"l2\" HPOS=\"30\" VPOS=\"50\" WIDTH=\"100\" HEIGHT=\"20\">"
    "<String CONTENT=\"Nr.\"/><SP WIDTH=\"5\"/><String CONTENT=\"12\"/><HYP CONTENT=\"-\"/></TextLine>\n"
    "<TextLine ID=\"l3\" HPOS=\"30\" VPOS=\"80\" WIDTH=\"100\" HEIGHT=\"20\"></TextLine>\n";

std::string data_error_of(const std::string& xml_path) {
  try {
    load_alto_page(xml_path);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(AltoPages, CutsPolygonAndBoxLinesWithTheirTextsInAltoV4) {
  const std::string dir = test::make_temp_dir();
  write_page(dir, "letter-7");
  write_file(dir + "/letter-7.xml",
             alto("http://www.loc.gov/standards/alto/ns-v4#", "pixel", "WIDTH=\"300\" HEIGHT=\"120\"", kLinesV4));
  int skipped = -1;
  std::vector<LineSample> lines = load_alto_page(dir + "/letter-7.xml", &skipped);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(skipped, 1);  // the line without text

  // Triangle: bounding box x 20–120, y 10–30, 4 px of margin around it.
  const GreyImage& tri = lines[0].image;
  EXPECT_EQ(tri.width, 101 + 8);
  EXPECT_EQ(tri.height, 21 + 8);
  EXPECT_EQ(utf32_to_utf8(lines[0].text), "Žluťoučký kůň");
  EXPECT_EQ(lines[0].text[0], U'Ž');  // composed (NFC)
  EXPECT_EQ(lines[0].document, "letter-7");
  EXPECT_EQ(lines[0].path, dir + "/letter-7.xml#l1");
  // The whole crop lies in the page's ink band: ink inside the triangle, paper outside.
  EXPECT_EQ(tri.at(0, 0), kPaper);                     // margin
  EXPECT_EQ(tri.at(20 - 16, 20 - 6), kInk);           // the vertex (20, 20)... on the left edge
  EXPECT_EQ(tri.at(50 - 16, 20 - 6), kInk);           // inside
  EXPECT_EQ(tri.at(120 - 16, 20 - 6), kInk);          // the right vertex itself
  EXPECT_EQ(tri.at(110 - 16, 12 - 6), kPaper);        // above the upper edge (y = 19 there)
  EXPECT_EQ(tri.at(110 - 16, 28 - 6), kPaper);        // below the lower edge (y = 21 there)
  int ink = 0;
  for (std::uint8_t v : tri.pixels) ink += v == kInk;
  // Area 100 × 20 / 2 = 1000 px, plus the outline's pixels on the border (about 1 px × 225).
  EXPECT_GT(ink, 1000);
  EXPECT_LT(ink, 1000 + 230);
  for (std::uint8_t v : tri.pixels) ASSERT_TRUE(v == kInk || v == kPaper);

  // Box: HPOS 30, VPOS 50, 100 × 20 px, on paper; margin 4 px.
  EXPECT_EQ(lines[1].image.width, 100 + 8);
  EXPECT_EQ(lines[1].image.height, 20 + 8);
  EXPECT_EQ(utf32_to_utf8(lines[1].text), "Nr. 12-");
  EXPECT_EQ(lines[1].path, dir + "/letter-7.xml#l2");
}

TEST(AltoPages, ReadsAltoV2BoxesAndScalesInch1200ByTheImageDpi) {
  const std::string dir = test::make_temp_dir();
  write_page(dir, "p", 300);  // 300 dpi: 1/1200 inch = 1/4 px
  // Page 300 × 120 px = 1200 × 480 inch1200; the line box 30,50 100×20 px ×4.
  write_file(dir + "/p.xml",
             alto("http://www.loc.gov/standards/alto/ns-v2#", "inch1200", "WIDTH=\"1200\" HEIGHT=\"480\"",
                  "<TextLine HPOS=\"120\" VPOS=\"200\" WIDTH=\"400\" HEIGHT=\"80\">"
                  "<String CONTENT=\"A\"/><SP/><String CONTENT=\"b\"/></TextLine>"));
  AltoPage page = read_alto(dir + "/p.xml");
  EXPECT_EQ(page.unit, "inch1200");
  EXPECT_DOUBLE_EQ(page.width, 1200);
  ASSERT_EQ(page.lines.size(), 1u);
  EXPECT_EQ(page.lines[0].text, "A b");
  ASSERT_EQ(page.lines[0].outline.size(), 4u);
  EXPECT_DOUBLE_EQ(page.lines[0].outline[2].x, 519);  // HPOS + WIDTH − 1, still in inch1200

  std::vector<LineSample> lines = load_alto_page(dir + "/p.xml");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(utf32_to_utf8(lines[0].text), "A b");
  EXPECT_EQ(lines[0].path, dir + "/p.xml#1");  // no ID: the line number
  // 30 … 129.75 px → 30 … 130, +4 px each side.
  EXPECT_EQ(lines[0].image.width, 101 + 8);
  EXPECT_EQ(lines[0].image.height, 21 + 8);
}

TEST(AltoPages, RefusesMm10WithoutDpiAndAPageSizedForAnotherImage) {
  const std::string dir = test::make_temp_dir();
  write_page(dir, "nodpi");
  write_file(dir + "/nodpi.xml", alto("http://www.loc.gov/standards/alto/ns-v3#", "mm10", "", kLinesV4));
  std::string msg = data_error_of(dir + "/nodpi.xml");
  EXPECT_NE(msg.find(dir + "/nodpi.xml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("resolution"), std::string::npos) << msg;

  write_page(dir, "big");
  write_file(dir + "/big.xml",
             alto("http://www.loc.gov/standards/alto/ns-v4#", "pixel", "WIDTH=\"600\" HEIGHT=\"240\"", kLinesV4));
  msg = data_error_of(dir + "/big.xml");
  EXPECT_NE(msg.find("600 x 240"), std::string::npos) << msg;
}

TEST(AltoPages, RefusesAPageSizeOutOfAnyPagesRange) {
  // Found by fuzz_alto in CI: a WIDTH of 1.6e92 passed as a page size.
  const std::string dir = test::make_temp_dir();
  write_page(dir, "huge");
  write_file(dir + "/huge.xml",
             alto("http://www.loc.gov/standards/alto/ns-v4#", "pixel", "WIDTH=\"1.6e92\" HEIGHT=\"240\"", kLinesV4));
  const std::string msg = data_error_of(dir + "/huge.xml");
  EXPECT_NE(msg.find(dir + "/huge.xml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("number out of range in WIDTH"), std::string::npos) << msg;
}

TEST(AltoPages, MalformedXmlIsADataErrorNamingTheFile) {
  const std::string dir = test::make_temp_dir();
  write_page(dir, "broken");
  write_file(dir + "/broken.xml", "<?xml version=\"1.0\"?>\n<alto><Layout><Page>\n</alto>\n");
  const std::string msg = data_error_of(dir + "/broken.xml");
  EXPECT_NE(msg.find(dir + "/broken.xml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("mismatch"), std::string::npos) << msg;  // the first error, not its aftermath
  EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;

  write_file(dir + "/broken.xml", "<PcGts xmlns=\"http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15\"/>");
  EXPECT_NE(data_error_of(dir + "/broken.xml").find("not an ALTO file"), std::string::npos);
}

TEST(AltoPages, FolderMixesLineImagesAndPagesAndNeverTakesAPageForALine) {
  const std::string dir = test::make_temp_dir();
  write_page(dir, "page");
  write_file(dir + "/page.xml",
             alto("http://www.loc.gov/standards/alto/ns-v4#", "pixel", "WIDTH=\"300\" HEIGHT=\"120\"", kLinesV4));
  write_file(dir + "/page.gt.txt", "whole page text\n");  // as in the dataset's dev/pages
  PixPtr line = pix_from_grey_image(GreyImage(80, 20, 200));
  pixWrite((dir + "/memo-003.png").c_str(), line.get(), IFF_PNG);
  write_file(dir + "/memo-003.gt.txt", "Memo\n");

  LineFolderCounts counts;
  std::vector<LineSample> lines = read_line_folder(dir, &counts);
  EXPECT_EQ(counts.line_images, 1);
  EXPECT_EQ(counts.alto_pages, 1);
  EXPECT_EQ(counts.skipped, 1);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(utf32_to_utf8(lines[0].text), "Memo");
  EXPECT_EQ(lines[0].document, "memo");
  EXPECT_EQ(lines[1].document, "page");
  EXPECT_EQ(lines[2].document, "page");
}

TEST(AltoPages, RealDevPageGivesTheDatasetsLineCropsAndTexts) {
  const std::string root = test::typewritten_dataset_dir();
  if (root.empty()) GTEST_SKIP() << "shared typewritten dataset not present";
  // An input format sample only: read, compared, never trained on.
  const std::string name = "ehri-EHRI-BF-19380509b_EN_01-ae0507";
  std::vector<LineSample> lines = load_alto_page(root + "/dev/pages/" + name + ".xml");
  ASSERT_EQ(lines.size(), 40u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, "-%03zu", i);
    const std::string stem = root + "/dev/lines/" + name + suffix;
    EXPECT_EQ(utf32_to_utf8(lines[i].text), read_ground_truth(stem + ".png")) << stem;
    GreyImage expected = read_grey_image(stem + ".png");
    ASSERT_EQ(lines[i].image.width, expected.width) << stem;
    ASSERT_EQ(lines[i].image.height, expected.height) << stem;
    double diff = 0;
    for (std::size_t k = 0; k < expected.pixels.size(); ++k)
      diff += std::abs(int(lines[i].image.pixels[k]) - int(expected.pixels[k]));
    EXPECT_LT(diff / expected.pixels.size(), 2.0) << stem;  // paper tone and boundary pixels may differ a little
  }
}

}  // namespace
}  // namespace platen
