#include "output/pdf_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "image/pix.h"
#include "output/pdf_text.h"
#include "output/sample_document.h"

namespace platen {
namespace {

using namespace platen::test;
namespace fs = std::filesystem;

std::string write_pdf(const Document& document, const std::string& name) {
  const std::string path = make_temp_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << PdfWriter().write(document).bytes;
  return path;
}

/// The value of `key` in pdfinfo's output ("Key:   value"; pdfinfo pads keys to a column
/// whose width depends on its version), "" when absent.
std::string pdfinfo_field(const std::string& info, const std::string& key) {
  std::size_t at = 0;
  while (at < info.size()) {
    std::size_t end = info.find('\n', at);
    if (end == std::string::npos) end = info.size();
    const std::string line = info.substr(at, end - at);
    if (line.compare(0, key.size() + 1, key + ":") == 0) {
      const std::size_t value = line.find_first_not_of(' ', key.size() + 1);
      return value == std::string::npos ? "" : line.substr(value);
    }
    at = end + 1;
  }
  return "";
}

/// The found word of the same text whose centre is nearest to the box's (null when none).
const PdfWord* nearest_same_text(const std::vector<PdfWord>& found, const Word& word) {
  const PdfWord* best = nullptr;
  double best_distance = 1e30;
  const double cx = word.box.x + 0.5 * word.box.width, cy = word.box.y + 0.5 * word.box.height;
  for (const PdfWord& f : found) {
    if (f.text != word.text) continue;
    const double dx = 0.5 * (f.x0 + f.x1) - cx, dy = 0.5 * (f.y0 + f.y1) - cy;
    if (dx * dx + dy * dy < best_distance) best_distance = dx * dx + dy * dy, best = &f;
  }
  return best;
}

/// Checks that every word of `page` is in `found` on its box: the ends along the text within
/// 2 px of the box's, across the text an overlap of at least half the box.
void expect_words_on_boxes(const std::vector<PdfWord>& found, const PageResult& page, bool vertical_text) {
  const auto words = all_words(page);
  ASSERT_EQ(found.size(), words.size());
  for (const Word& word : words) {
    const PdfWord* f = nearest_same_text(found, word);
    ASSERT_NE(f, nullptr) << word.text << " is not in the text layer";
    const Box& b = word.box;
    if (vertical_text) {
      EXPECT_NEAR(f->y0, b.y, 2.0) << word.text;
      EXPECT_NEAR(f->y1, b.bottom(), 2.0) << word.text;
      EXPECT_GE(std::min<double>(f->x1, b.right()) - std::max<double>(f->x0, b.x), 0.5 * b.width) << word.text;
    } else {
      EXPECT_NEAR(f->x0, b.x, 2.0) << word.text;
      EXPECT_NEAR(f->x1, b.right(), 2.0) << word.text;
      EXPECT_GE(std::min<double>(f->y1, b.bottom()) - std::max<double>(f->y0, b.y), 0.5 * b.height) << word.text;
    }
  }
}

/// Checks that each line pdftotext found is a run of consecutive words of one of the page's
/// lines, in the page's order: the words read in the text's direction.
void expect_lines_in_reading_order(const std::vector<std::vector<PdfWord>>& found, const PageResult& page) {
  for (const auto& line : found) {
    std::string joined;
    for (const PdfWord& w : line) joined += (joined.empty() ? "" : " ") + w.text;
    bool inside = false;
    for (const Line& l : page.lines) {
      const std::string padded = " " + l.text + " ";
      inside = inside || padded.find(" " + joined + " ") != std::string::npos;
    }
    EXPECT_TRUE(inside) << "'" << joined << "' is not a run of words of one line";
  }
}

TEST(PdfWriter, TextLayerReadsBackWithWordsOnTheirBoxes) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftotext (poppler-utils)");
  Document document = sample_document();
  // The second page failed after it decoded: it keeps its place, the image without text.
  document.pages[1].width = 1240;
  document.pages[1].height = 900;
  document.pages[1].image = document.pages[0].image;
  const std::string pdf = write_pdf(document, "letter.pdf");
  // In content-stream order (-raw), exactly the page's text: lines in reading order, words
  // joined by single spaces, then the end of each page.
  EXPECT_EQ(pdf_raw_text(pdf), document.pages[0].text + "\f\f");
  // pdftotext's own layout puts the widely spaced columns of the table line into blocks of
  // their own, but keeps every word, in reading order.
  EXPECT_EQ(words_in(run_command("pdftotext -q '" + pdf + "' -")), words_in(document.pages[0].text));
  EXPECT_EQ(pdfinfo_field(run_command("pdfinfo '" + pdf + "'"), "Pages"), "2");

  const auto lines = pdf_word_lines(pdf, 1, 300);
  expect_words_on_boxes(flatten(lines), document.pages[0], false);
  expect_lines_in_reading_order(lines, document.pages[0]);
  EXPECT_TRUE(pdf_word_lines(pdf, 2, 300).empty()) << "the failed page has text";
}

TEST(PdfWriter, FailedPageWithoutImageIsLeftOutAndNamed) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdfinfo (poppler-utils)");
  const Document document = sample_document();  // page 2 failed before it decoded
  const WriteResult result = PdfWriter().write(document);
  ASSERT_EQ(result.remarks.size(), 1u);
  EXPECT_NE(result.remarks[0].find("page 2"), std::string::npos) << result.remarks[0];
  EXPECT_NE(result.remarks[0].find("truncated"), std::string::npos) << result.remarks[0];
  const std::string pdf = write_pdf(document, "one-page.pdf");
  EXPECT_EQ(pdfinfo_field(run_command("pdfinfo '" + pdf + "'"), "Pages"), "1");
  EXPECT_EQ(pdf_raw_text(pdf), document.pages[0].text + "\f");

  Document none = document;
  none.pages.erase(none.pages.begin());
  EXPECT_THROW(PdfWriter().write(none), Error);
}

TEST(PdfWriter, PageSizeFromResolutionAndDeterministicId) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdfinfo (poppler-utils)");
  Document document = sample_document(false);
  const std::string a = PdfWriter().write(document).bytes;
  EXPECT_EQ(a, PdfWriter().write(document).bytes);
  EXPECT_NE(a.find("/ID ["), std::string::npos);
  document.pages[0].lines[0].words[0].text = "Prilis";
  document.pages[0].lines[0].text.replace(0, std::string("Příliš").size(), "Prilis");
  const std::string b = PdfWriter().write(document).bytes;
  EXPECT_NE(a.substr(a.find("/ID ["), 80), b.substr(b.find("/ID ["), 80));
  const std::string pdf = write_pdf(sample_document(false), "size.pdf");
  const std::string info = run_command("pdfinfo '" + pdf + "'");
  EXPECT_EQ(pdfinfo_field(info, "Page size"), "297.6 x 216 pts") << info;  // 1240 × 900 px at 300 ppi
  EXPECT_EQ(pdfinfo_field(info, "Producer"), std::string("Platen ") + PLATEN_VERSION) << info;
  EXPECT_EQ(pdfinfo_field(info, "Pages"), "1") << info;
}

/// Page `page` of `pdf` rendered at 300 ppi in grey (null when pdftoppm fails).
PixPtr render_page(const std::string& pdf, int page = 1) {
  const std::string stem = pdf + "-render-" + std::to_string(page);
  const std::string command = "pdftoppm -q -r 300 -gray -f " + std::to_string(page) + " -l " + std::to_string(page) +
                              " -singlefile '" + pdf + "' '" + stem + "'";
  if (std::system(command.c_str()) != 0) return nullptr;
  return adopt(pixRead((stem + ".pgm").c_str()));
}

/// Mean grey of a rendered box (0 black … 255 white).
double mean_grey(Pix* pix, const Box& b) {
  double sum = 0;
  int n = 0;
  for (int y = std::max(0, b.y); y < std::min(b.bottom(), pixGetHeight(pix)); ++y)
    for (int x = std::max(0, b.x); x < std::min(b.right(), pixGetWidth(pix)); ++x) {
      l_uint32 v = 0;
      pixGetPixel(pix, x, y, &v);
      sum += v;
      ++n;
    }
  return n ? sum / n : -1;
}

/// The sample page's image as bilevel raw rows (0 = black, rows padded to bytes).
std::shared_ptr<PageImage> bilevel_raw(const PageImage& grey) {
  auto image = std::make_shared<PageImage>();
  image->encoding = PageImage::Encoding::raw;
  image->width = grey.width;
  image->height = grey.height;
  image->components = 1;
  image->bits_per_component = 1;
  const std::size_t row = (static_cast<std::size_t>(grey.width) + 7) / 8;
  image->data.assign(row * grey.height, 0xFF);
  for (int y = 0; y < grey.height; ++y)
    for (int x = 0; x < grey.width; ++x)
      if (grey.data[static_cast<std::size_t>(y) * grey.width + x] < 128)
        image->data[y * row + x / 8] &= static_cast<std::uint8_t>(~(0x80 >> (x % 8)));
  return image;
}

TEST(PdfWriter, TextLayerIsInvisible) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftoppm (poppler-utils)");
  Document document = sample_document(false);
  document.pages[0].image.reset();  // the text layer alone on a blank page
  const WriteResult result = PdfWriter().write(document);
  ASSERT_EQ(result.remarks.size(), 1u);  // says the page has no image
  const std::string pdf = write_pdf(document, "text-only.pdf");
  PixPtr rendered = render_page(pdf);
  ASSERT_TRUE(rendered);
  EXPECT_EQ(pixGetWidth(rendered.get()), 1240);
  EXPECT_EQ(pixGetHeight(rendered.get()), 900);
  for (const Word& w : all_words(document.pages[0])) EXPECT_EQ(mean_grey(rendered.get(), w.box), 255.0) << w.text;
  // and the text is there to select and search.
  EXPECT_EQ(pdf_raw_text(pdf), document.pages[0].text + "\f");
}

TEST(PdfWriter, RawBilevelPageIsEncodedAsG4) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdfimages (poppler-utils)");
  Document document = sample_document(false);
  document.pages[0].image = bilevel_raw(*document.pages[0].image);
  const std::string pdf = write_pdf(document, "bilevel.pdf");
  const std::string list = run_command("pdfimages -list '" + pdf + "'");
  EXPECT_NE(list.find("ccitt"), std::string::npos) << list;
  EXPECT_EQ(list.find("Bad"), std::string::npos) << list;
  // The image as the PDF holds it, decoded by poppler: pixel for pixel the bilevel page.
  const std::string stem = pdf + "-image";
  ASSERT_EQ(std::system(("pdfimages -q '" + pdf + "' '" + stem + "'").c_str()), 0);
  PixPtr extracted = adopt(pixRead((stem + "-000.pbm").c_str()));
  ASSERT_TRUE(extracted) << "no bilevel image in the PDF";
  const PageImage& image = *document.pages[0].image;
  ASSERT_EQ(pixGetWidth(extracted.get()), image.width);
  ASSERT_EQ(pixGetHeight(extracted.get()), image.height);
  const std::size_t row = (static_cast<std::size_t>(image.width) + 7) / 8;
  int differ = 0, black_pixels = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      const bool black = !(image.data[y * row + x / 8] & (0x80 >> (x % 8)));
      l_uint32 v = 0;
      pixGetPixel(extracted.get(), x, y, &v);  // 1 bpp: 1 = black
      differ += black != (v == 1);
      black_pixels += black;
    }
  EXPECT_GT(black_pixels, 10000);
  EXPECT_EQ(differ, 0);
}

TEST(PdfWriter, OrientationTagTurnsTheStoredImageToTheDisplayedPage) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftoppm (poppler-utils)");
  // Stored turned 90° counter-clockwise, with tag 6 ("turn 90° clockwise to display"): the
  // displayed page is the sample page, its words where the page result says.
  Document document = sample_document(false);
  const PageImage& upright = *document.pages[0].image;
  auto stored = std::make_shared<PageImage>(upright);
  stored->width = upright.height;
  stored->height = upright.width;
  stored->orientation_tag = 6;
  for (int y = 0; y < upright.height; ++y)
    for (int x = 0; x < upright.width; ++x)  // displayed (x, y) = stored (u, v) with x = W − 1 − v, y = u
      stored->data[static_cast<std::size_t>(upright.width - 1 - x) * stored->width + y] =
          upright.data[static_cast<std::size_t>(y) * upright.width + x];
  document.pages[0].image = stored;
  const std::string pdf = write_pdf(document, "tagged.pdf");
  EXPECT_EQ(pdfinfo_field(run_command("pdfinfo '" + pdf + "'"), "Page size"), "297.6 x 216 pts");
  PixPtr rendered = render_page(pdf);
  ASSERT_TRUE(rendered);
  ASSERT_EQ(pixGetWidth(rendered.get()), 1240);
  ASSERT_EQ(pixGetHeight(rendered.get()), 900);
  for (const Word& w : all_words(document.pages[0])) {
    const Box inked{w.box.x, w.box.y + 8, w.box.width, w.box.height - 16};  // as sample_image inks it
    EXPECT_LT(mean_grey(rendered.get(), inked), 160.0) << w.text;
    EXPECT_EQ(mean_grey(rendered.get(), Box{w.box.x, w.box.y - 20, w.box.width, 10}), 255.0) << w.text;
  }
}

TEST(PdfWriter, JpegPassesThroughAndBilevelStaysG4) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdfimages (poppler-utils)");
  Document document = sample_document(false);
  // A copy: the page's image is replaced below, which would free the original.
  const PageImage raw = *document.pages[0].image;
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
  EXPECT_NE(run_command("pdfimages -list '" + pdf + "'").find("jpeg"), std::string::npos);

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
  EXPECT_NE(run_command("pdfimages -list '" + pdf + "'").find("ccitt"), std::string::npos);
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

/// The sample page as displayed when Platen found it turned by `degrees` (clockwise, to read
/// it upright): every box moved from the upright page to the displayed one.
Document turned_sample(int degrees) {
  Document document = sample_document(false);
  PageResult& page = document.pages[0];
  const int W = page.width, H = page.height;
  auto turn = [&](const Box& b) {
    switch (degrees) {
      case 90: return Box{b.y, W - b.x - b.width, b.height, b.width};    // text runs up
      case 180: return Box{W - b.x - b.width, H - b.y - b.height, b.width, b.height};
      case 270: return Box{H - b.y - b.height, b.x, b.height, b.width};  // text runs down
      default: return b;
    }
  };
  auto turn_point = [&](const Point& p) {
    switch (degrees) {
      case 90: return Point{p.y, W - p.x};
      case 180: return Point{W - p.x, H - p.y};
      case 270: return Point{H - p.y, p.x};
      default: return p;
    }
  };
  for (Line& line : page.lines) {
    line.box = turn(line.box);
    for (Point& p : line.polygon) p = turn_point(p);
    for (Point& p : line.baseline) p = turn_point(p);
    for (Word& w : line.words) w.box = turn(w.box);
  }
  if (degrees % 180 != 0) std::swap(page.width, page.height);
  page.orientation_degrees = degrees;
  page.image.reset();
  return document;
}

TEST(PdfWriter, TurnedPageTextRunsInTheTextsDirectionOnItsBoxes) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftotext (poppler-utils)");
  for (int degrees : {90, 180, 270}) {
    SCOPED_TRACE("page turned " + std::to_string(degrees) + " degrees");
    const Document document = turned_sample(degrees);
    const std::string pdf = write_pdf(document, "turned-" + std::to_string(degrees) + ".pdf");
    EXPECT_EQ(pdfinfo_field(run_command("pdfinfo '" + pdf + "'"), "Page size"),
              degrees == 180 ? "297.6 x 216 pts" : "216 x 297.6 pts");
    const auto lines = pdf_word_lines(pdf, 1, 300);
    expect_words_on_boxes(flatten(lines), document.pages[0], degrees != 180);
    // Read in the text's direction, pdftotext's lines are runs of the page's lines (written the
    // wrong way, a line would come out with its words reversed), and the first line is whole.
    expect_lines_in_reading_order(lines, document.pages[0]);
    bool first_line = false;
    for (const auto& line : lines) {
      std::string joined;
      for (const PdfWord& w : line) joined += (joined.empty() ? "" : " ") + w.text;
      first_line = first_line || joined == document.pages[0].lines[0].text;
    }
    EXPECT_TRUE(first_line);
  }
}

TEST(PdfWriter, WordsWhoseBoxesNearlyTouchStayApart) {
  PLATEN_REQUIRE_TOOL(have_pdftotext(), "pdftotext (poppler-utils)");
  // The Cyrillic line's words moved together: 2 px between the first two, 1 px between the
  // next two, the fourth touching the third, the rest a space apart. Written word by word without spaces, pdftotext
  // read "Съешьже" and "ещёэтихмягких": it joins glyphs closer than a tenth of the font size.
  Document document = sample_document(false);
  Line& line = document.pages[0].lines[1];
  const int gaps[] = {2, 1, 0};
  for (std::size_t i = 1; i < 4; ++i) line.words[i].box.x = line.words[i - 1].box.right() + gaps[i - 1];
  for (std::size_t i = 4; i < line.words.size(); ++i)  // the rest of the line follows at the same pitch
    line.words[i].box.x = line.words[i - 1].box.right() + 2 + kPitch;
  document.pages[0].image.reset();
  const std::string pdf = write_pdf(document, "close-words.pdf");
  // Read in pdftotext's own layout (as viewers copy text), every word is apart: the spaces
  // between words are in the text layer, each over its gap.
  const std::string text = run_command("pdftotext -q '" + pdf + "' -");
  EXPECT_NE(text.find(line.text), std::string::npos) << text;
  EXPECT_EQ(words_in(text), words_in(document.pages[0].text));
  // In content-stream order (-raw) too, though there pdftotext ignores the space glyphs and
  // puts a space only where the gap exceeds 15 % of the font size (the gaps are widened by
  // trimming the words' ends, and the font of a word before a gap too small for that is made
  // smaller; the layer written with one font size read "Съешьже ещёэтих").
  EXPECT_EQ(pdf_raw_text(pdf), document.pages[0].text + "\f");
  // and the word boxes stay where the words are.
  expect_words_on_boxes(flatten(pdf_word_lines(pdf, 1, 300)), document.pages[0], false);
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
