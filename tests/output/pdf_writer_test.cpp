#include "output/pdf_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "image/pix.h"
#include "output/sample_document.h"

namespace platen {
namespace {

using namespace platen::test;
namespace fs = std::filesystem;

struct PdfWord {
  std::string text;
  double x0, y0, x1, y1;  // px of the page
};

bool have_pdftotext() { return std::system("command -v pdftotext > /dev/null 2>&1") == 0; }

std::string write_pdf(const Document& document, const std::string& name) {
  const std::string path = make_temp_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << PdfWriter().write(document).bytes;
  return path;
}

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

/// Words of page `page` (1-based) as pdftotext -bbox-layout finds them, in px at `ppi`.
std::vector<PdfWord> pdf_words(const std::string& pdf, int page, double ppi) {
  const std::string html = pdf + ".html";
  const std::string command = "pdftotext -q -bbox-layout -f " + std::to_string(page) + " -l " + std::to_string(page) +
                              " '" + pdf + "' '" + html + "'";
  EXPECT_EQ(std::system(command.c_str()), 0);
  XmlDocPtr doc = parse_xml(read_text_file(html));
  EXPECT_TRUE(doc);
  std::vector<PdfWord> words;
  if (!doc) return words;
  const double s = ppi / 72.0;
  for (xmlNode* w : nodes(doc.get(), "//h:word"))
    words.push_back(PdfWord{content(w), std::stod(attr(w, "xMin")) * s, std::stod(attr(w, "yMin")) * s,
                            std::stod(attr(w, "xMax")) * s, std::stod(attr(w, "yMax")) * s});
  return words;
}

TEST(PdfWriter, TextLayerReadsBackWithWordsOnTheirBoxes) {
  if (!have_pdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) is not installed: scripts/setup-deps installs it";
  const Document document = sample_document();
  const std::string pdf = write_pdf(document, "letter.pdf");
  // pdftotext: the page's text (line by line, single spaces), then the page end.
  const std::string text = run("pdftotext -q '" + pdf + "' -");
  EXPECT_EQ(text, document.pages[0].text + "\f\f");  // the failed page kept its image

  const auto words = all_words(document.pages[0]);
  const auto found = pdf_words(pdf, 1, 300);
  ASSERT_EQ(found.size(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    const Box& b = words[i].box;
    EXPECT_EQ(found[i].text, words[i].text);
    EXPECT_NEAR(found[i].x0, b.x, 2.0) << words[i].text;
    EXPECT_NEAR(found[i].x1, b.right(), 2.0) << words[i].text;
    const double overlap = std::min<double>(found[i].y1, b.bottom()) - std::max<double>(found[i].y0, b.y);
    EXPECT_GE(overlap, 0.5 * b.height) << words[i].text;
  }
}

TEST(PdfWriter, PageSizeFromResolutionAndDeterministicId) {
  if (!have_pdftotext()) GTEST_SKIP() << "pdfinfo (poppler-utils) is not installed: scripts/setup-deps installs it";
  Document document = sample_document(false);
  const std::string a = PdfWriter().write(document).bytes;
  EXPECT_EQ(a, PdfWriter().write(document).bytes);
  EXPECT_NE(a.find("/ID ["), std::string::npos);
  document.pages[0].lines[0].words[0].text = "Prilis";
  document.pages[0].lines[0].text.replace(0, std::string("Příliš").size(), "Prilis");
  const std::string b = PdfWriter().write(document).bytes;
  EXPECT_NE(a.substr(a.find("/ID ["), 80), b.substr(b.find("/ID ["), 80));
  const std::string pdf = write_pdf(sample_document(false), "size.pdf");
  const std::string info = run("pdfinfo '" + pdf + "'");
  EXPECT_NE(info.find("Page size:      297.6 x 216 pts"), std::string::npos) << info;  // 1240 × 900 px at 300 ppi
  EXPECT_NE(info.find("Producer:       Platen"), std::string::npos) << info;
}

TEST(PdfWriter, JpegPassesThroughAndBilevelStaysG4) {
  if (!have_pdftotext()) GTEST_SKIP() << "pdfimages (poppler-utils) is not installed: scripts/setup-deps installs it";
  Document document = sample_document(false);
  const PageImage& raw = *document.pages[0].image;
  PixPtr grey = adopt(pixCreate(raw.width, raw.height, 8));
  for (int y = 0; y < raw.height; ++y)
    for (int x = 0; x < raw.width; ++x) pixSetPixel(grey.get(), x, y, raw.data[static_cast<std::size_t>(y) * raw.width + x]);

  l_uint8* jpeg = nullptr;
  size_t jpeg_size = 0;
  ASSERT_EQ(pixWriteMemJpeg(&jpeg, &jpeg_size, grey.get(), 75, 0), 0);
  auto image = std::make_shared<PageImage>();
  image->encoding = PageImage::Encoding::jpeg;
  image->data.assign(jpeg, jpeg + jpeg_size);
  lept_free(jpeg);
  image->width = raw.width;
  image->height = raw.height;
  image->components = 1;
  document.pages[0].image = image;
  std::string bytes = PdfWriter().write(document).bytes;
  EXPECT_NE(bytes.find(std::string(image->data.begin(), image->data.end())), std::string::npos) << "JPEG re-encoded";
  std::string pdf = write_pdf(document, "jpeg.pdf");
  EXPECT_NE(run("pdfimages -list '" + pdf + "'").find("jpeg"), std::string::npos);

  PixPtr binary = adopt(pixThresholdToBinary(grey.get(), 128));
  L_COMP_DATA* cid = nullptr;
  ASSERT_EQ(pixGenerateCIData(binary.get(), L_G4_ENCODE, 0, 0, &cid), 0);
  auto g4 = std::make_shared<PageImage>();
  g4->encoding = PageImage::Encoding::ccitt_g4;
  g4->data.assign(cid->datacomp, cid->datacomp + cid->nbytescomp);
  l_CIDataDestroy(&cid);
  g4->width = raw.width;
  g4->height = raw.height;
  g4->bits_per_component = 1;
  document.pages[0].image = g4;
  bytes = PdfWriter().write(document).bytes;
  EXPECT_NE(bytes.find(std::string(g4->data.begin(), g4->data.end())), std::string::npos) << "G4 re-encoded";
  pdf = write_pdf(document, "g4.pdf");
  EXPECT_NE(run("pdfimages -list '" + pdf + "'").find("ccitt"), std::string::npos);
  // Rendered back, the page image is the bilevel page (a word's ink where it was).
  const std::string png = pdf + "-render";
  ASSERT_EQ(std::system(("pdftoppm -q -r 300 -gray -singlefile '" + pdf + "' '" + png + "'").c_str()), 0);
  PixPtr rendered = adopt(pixRead((png + ".pgm").c_str()));
  ASSERT_TRUE(rendered);
  EXPECT_EQ(pixGetWidth(rendered.get()), raw.width);
  const Box w = document.pages[0].lines[0].words[0].box;
  l_uint32 ink = 255, paper = 0;
  pixGetPixel(rendered.get(), w.x, w.y + w.height / 2, &ink);
  pixGetPixel(rendered.get(), w.x, w.y - 10, &paper);
  EXPECT_LT(ink, 64u);
  EXPECT_GT(paper, 192u);
}

TEST(PdfWriter, QuarterTurnedPageTextRunsInTheTextsDirection) {
  if (!have_pdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) is not installed: scripts/setup-deps installs it";
  // The sample page turned counter-clockwise on the displayed page: Platen turned it 90°
  // clockwise to read it. A box (x, y, w, h) upright is (y, W − x − w, h, w) displayed.
  Document document = sample_document(false);
  PageResult& page = document.pages[0];
  const int upright_width = page.width;
  auto turn = [&](Box b) { return Box{b.y, upright_width - b.x - b.width, b.height, b.width}; };
  for (Line& line : page.lines) {
    line.box = turn(line.box);
    for (Word& w : line.words) w.box = turn(w.box);
  }
  std::swap(page.width, page.height);
  page.orientation_degrees = 90;
  page.image.reset();
  const std::string pdf = write_pdf(document, "turned.pdf");
  const auto found = pdf_words(pdf, 1, 300);
  const auto words = all_words(page);
  ASSERT_EQ(found.size(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(found[i].text, words[i].text);
    EXPECT_NEAR(found[i].y0, words[i].box.y, 2.0) << words[i].text;
    EXPECT_NEAR(found[i].y1, words[i].box.bottom(), 2.0) << words[i].text;
  }
}

TEST(PdfWriter, OrientationTagMapsStoredPixelsToTheDisplayedPage) {
  double x, y;
  oriented_point(6, 0, 0, 300, 200, x, y);  // stored top-left → displayed top-right
  EXPECT_DOUBLE_EQ(x, 300);
  EXPECT_DOUBLE_EQ(y, 0);
  oriented_point(8, 0, 0, 300, 200, x, y);  // → bottom-left
  EXPECT_DOUBLE_EQ(x, 0);
  EXPECT_DOUBLE_EQ(y, 200);
  oriented_point(3, 1, 1, 300, 200, x, y);
  EXPECT_DOUBLE_EQ(x, 0);
  EXPECT_DOUBLE_EQ(y, 0);
}

}  // namespace
}  // namespace platen
