// Tests for src/image (issue 13): every kind of valid archive file decodes to the pixels of the
// page it was made from, and every kind of damaged file is refused with the file, the page
// and the codec's reason. Each file is made inside the test (test_images.h), each damage
// done on its bytes (cut, markers appended or inserted, header fields patched).

#include "image/page_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "core/errors.h"
#include "image/decoders.h"
#include "output/pdf_writer.h"
#include "test_images.h"
#include "test_paths.h"
#include "test_shell.h"

namespace platen {
namespace {

using test::JpegInk;
using test::TiffLayout;
using test::contains;
using test::image_error_of;

/// Mean |grey difference| over the rows [y0, y1) of two pages of the same size.
double mean_abs_diff(Pix* a, Pix* b, int y0 = 0, int y1 = -1) {
  PixPtr ga = to_grey(a), gb = to_grey(b);
  const GreyImage ia = grey_image_from_pix(ga.get()), ib = grey_image_from_pix(gb.get());
  if (ia.width != ib.width || ia.height != ib.height) return 1e9;
  if (y1 < 0) y1 = ia.height;
  double sum = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = 0; x < ia.width; ++x) sum += std::abs(int(ia.at(x, y)) - int(ib.at(x, y)));
  return sum / (double(y1 - y0) * ia.width);
}

test::PdfPage scanned_page(std::vector<std::uint8_t> jpeg, int width, int height, double dpi) {
  test::PdfPage page;
  page.jpeg = std::move(jpeg);
  page.width = width;
  page.height = height;
  page.dpi = dpi;
  return page;
}

bool same_grey(Pix* a, Pix* b) { return mean_abs_diff(a, b) == 0.0; }

class InputKinds : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { page_ = test::sample_text_page().release(); }
  static void TearDownTestSuite() { pixDestroy(&page_); }
  void SetUp() override { dir_ = test::make_temp_dir(); }
  DecodedPage read(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    return read_image_page(test::write_file(dir_ + "/" + name, bytes), 0);
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  static Pix* page_;
  std::string dir_;
};
Pix* InputKinds::page_ = nullptr;

TEST_F(InputKinds, CmykAndYcckJpegReadAsTheirGreyInBothInkHalves) {
  const int h = pixGetHeight(page_);
  const std::vector<std::uint8_t> grey_jpeg = test::jpeg_bytes(page_, JpegInk::grey);
  const DecodedPage grey = read("grey.jpg", grey_jpeg);
  for (JpegInk ink : {JpegInk::cmyk_adobe, JpegInk::cmyk_plain, JpegInk::ycck_adobe}) {
    SCOPED_TRACE(static_cast<int>(ink));
    const DecodedPage page = read("cmyk.jpg", test::jpeg_bytes(page_, ink));
    ASSERT_TRUE(page.pix);
    EXPECT_EQ(pixGetDepth(page.pix.get()), 8);
    ASSERT_EQ(pixGetWidth(page.pix.get()), pixGetWidth(page_));
    ASSERT_EQ(pixGetHeight(page.pix.get()), h);
    // Upper half: ink in C, M and Y; lower half: in K. Each half must carry its text (an
    // inverted or dropped channel gives a negative or blank half, off by tens of levels).
    EXPECT_LT(mean_abs_diff(page.pix.get(), page_, 0, h / 2 - 8), 3.0);
    EXPECT_LT(mean_abs_diff(page.pix.get(), page_, h / 2 + 8, h), 3.0);
    EXPECT_LT(mean_abs_diff(page.pix.get(), grey.pix.get()), 3.0);
    EXPECT_TRUE(page.warnings.empty()) << page.warnings.front();
  }
}

TEST_F(InputKinds, ProgressiveJpegReadsAsItsBaselineTwinAndASmallOneIsNotRefusedForItsSize) {
  // The same quantised coefficients sent in progressive scans decode to the same pixels.
  const DecodedPage baseline = read("baseline.jpg", test::jpeg_bytes(page_, JpegInk::grey, 92));
  const DecodedPage progressive = read("progressive.jpg", test::jpeg_bytes(page_, JpegInk::grey, 92, true));
  ASSERT_TRUE(baseline.pix && progressive.pix);
  EXPECT_TRUE(same_grey(baseline.pix.get(), progressive.pix.get()));
  // A blank page is the most a progressive JPEG compresses (45 KB here, 3× the floor): the
  // decoder's floor of one bit per 8×8 block (15,000 bytes for 2400×3200 px) must admit it.
  PixPtr blank = adopt(pixCreate(2400, 3200, 8));
  pixSetAll(blank.get());
  const std::vector<std::uint8_t> small = test::jpeg_bytes(blank.get(), JpegInk::grey, 75, true);
  const DecodedPage white = read("blank-progressive.jpg", small);
  EXPECT_GT(small.size(), 2400u * 3200u / 64u / 8u);
  ASSERT_TRUE(white.pix) << small.size() << " bytes";
  EXPECT_EQ(pixGetWidth(white.pix.get()), 2400);
}

TEST_F(InputKinds, TiledTiffInEveryCompressionReadsAsItsPage) {
  struct Case {
    const char* name;
    TiffLayout layout;
    double max_error;
  };
  // Tiles of 128 px do not divide the page: the right and bottom tiles are partly padding.
  const Case cases[] = {
      {"none", {1, 128}, 0.0},
      {"lzw", {5, 128}, 0.0},
      {"deflate rgb", {8, 128, 64, false, false, true}, 0.0},
      {"packbits 16-bit", {32773, 256, 64, true}, 0.0},
      {"jpeg grey", {7, 128}, 3.0},
      {"jpeg ycbcr", {7, 256, 64, false, false, true}, 3.0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const DecodedPage page = read("tiled.tif", test::tiff_bytes(page_, c.layout));
    ASSERT_TRUE(page.pix);
    EXPECT_LE(mean_abs_diff(page.pix.get(), page_), c.max_error);
  }
}

TEST_F(InputKinds, TiffResolutionIsKeptWhenPlausibleAndUnknownWhenNoScanHasIt) {
  // Found by fuzz_image_reader: an XResolution of 3.5e9 overflowed the int it was rounded to.
  test::TiffLayout layout;
  layout.x_resolution = 300;
  EXPECT_EQ(read("300ppi.tif", test::tiff_bytes(page_, layout)).dpi, 300);
  for (float damaged : {3.5e9f, -300.0f, std::numeric_limits<float>::infinity(), std::nanf("")}) {
    SCOPED_TRACE(damaged);
    layout.x_resolution = damaged;
    const DecodedPage page = read("damaged-ppi.tif", test::tiff_bytes(page_, layout));
    EXPECT_EQ(page.dpi, 0);
    EXPECT_EQ(pixGetWidth(page.pix.get()), pixGetWidth(page_));
  }
}

TEST_F(InputKinds, SixteenBitAndPaletteImagesReadAsTheirGreys) {
  // 16-bit grey: TIFF (strips) and PNG.
  const DecodedPage tif16 = read("g16.tif", test::tiff_bytes(page_, {5, 0, 64, true}));
  EXPECT_EQ(pixGetDepth(tif16.pix.get()), 8);
  EXPECT_TRUE(same_grey(tif16.pix.get(), page_));
  PixPtr sixteen = adopt(pixConvert8To16(page_, 8));
  ASSERT_TRUE(sixteen);
  ASSERT_EQ(pixWrite(path("g16.png").c_str(), sixteen.get(), IFF_PNG), 0);
  const DecodedPage png16 = read_image_page(path("g16.png"), 0);
  EXPECT_TRUE(same_grey(png16.pix.get(), page_));

  // Palette: a TIFF whose map shows index i as grey 255 − i, PNG and GIF with a grey map.
  const DecodedPage tif_palette = read("palette.tif", test::tiff_bytes(page_, {8, 0, 64, false, true}));
  EXPECT_EQ(pixGetColormap(tif_palette.pix.get()), nullptr);
  EXPECT_TRUE(same_grey(tif_palette.pix.get(), page_));
  PixPtr mapped = adopt(pixConvertGrayToColormap8(page_, 8));
  ASSERT_TRUE(mapped && pixGetColormap(mapped.get()));
  for (auto [name, format] : {std::pair{"palette.png", IFF_PNG}, std::pair{"palette.gif", IFF_GIF}}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(pixWrite(path(name).c_str(), mapped.get(), format), 0);
    const DecodedPage page = read_image_page(path(name), 0);
    EXPECT_EQ(pixGetColormap(page.pix.get()), nullptr);
    EXPECT_TRUE(same_grey(page.pix.get(), page_));
  }
}

TEST_F(InputKinds, Jpeg2000WebpGifAndBmpReadAsTheirPage) {
  // JP2 and raw J2K code streams, lossless (quality 100); WebP lossless; BMP; GIF of a grey page.
  ASSERT_EQ(pixWriteJp2k(path("page.jp2").c_str(), page_, 100, 5, 0, 0), 0);
  {
    FILE* f = std::fopen(path("page.j2k").c_str(), "wb");
    ASSERT_TRUE(f);
    ASSERT_EQ(pixWriteStreamJp2k(f, page_, 100, 5, L_J2K_CODEC, 0, 0), 0);
    std::fclose(f);
  }
  ASSERT_EQ(pixWriteWebP(path("page.webp").c_str(), page_, 100, 1), 0);
  ASSERT_EQ(pixWrite(path("page.bmp").c_str(), page_, IFF_BMP), 0);
  ASSERT_EQ(pixWrite(path("page.gif").c_str(), page_, IFF_GIF), 0);
  for (const char* name : {"page.jp2", "page.j2k", "page.webp", "page.bmp", "page.gif"}) {
    SCOPED_TRACE(name);
    const DecodedPage page = read_image_page(path(name), 0);
    ASSERT_TRUE(page.pix);
    EXPECT_EQ(pixGetColormap(page.pix.get()), nullptr);
    EXPECT_LE(mean_abs_diff(page.pix.get(), page_), 0.5);
  }
}

TEST_F(InputKinds, ExifOrientationsThreeSixAndEightReadUpright) {
  const DecodedPage upright = read("upright.jpg", test::jpeg_bytes(page_, JpegInk::grey, 95));
  for (int tag : {3, 6, 8}) {
    SCOPED_TRACE(tag);
    PixPtr stored = test::stored_for_orientation(page_, tag);
    const DecodedPage page = read("turned.jpg", test::with_exif_orientation(test::jpeg_bytes(stored.get(), JpegInk::grey, 95), tag));
    ASSERT_EQ(pixGetWidth(page.pix.get()), pixGetWidth(page_));
    ASSERT_EQ(pixGetHeight(page.pix.get()), pixGetHeight(page_));
    // A turned JPEG is coded on other blocks than the upright one: close, not equal. A wrong
    // turn (or none) is off by tens of grey levels.
    EXPECT_LT(mean_abs_diff(page.pix.get(), upright.pix.get()), 2.0);
    EXPECT_LT(mean_abs_diff(page.pix.get(), page_), 3.0);
  }
}

TEST_F(InputKinds, TiffOrientationTagsReadUprightExactly) {
  for (int tag : {3, 6, 8}) {
    SCOPED_TRACE(tag);
    PixPtr stored = test::stored_for_orientation(page_, tag);
    TiffLayout layout{5};
    layout.orientation = tag;
    const DecodedPage page = read("turned.tif", test::tiff_bytes(stored.get(), layout));
    EXPECT_TRUE(same_grey(page.pix.get(), page_));
  }
}

TEST_F(InputKinds, JpegCutShortButEndingWithEndOfImageIsRefused) {
  const std::vector<std::uint8_t> whole = test::jpeg_bytes(page_, JpegInk::grey);
  for (double keep : {0.3, 0.6, 0.95}) {
    SCOPED_TRACE(keep);
    std::vector<std::uint8_t> bytes = test::cut(whole, keep);
    if (bytes.back() == 0xFF) bytes.pop_back();
    bytes.push_back(0xFF);
    bytes.push_back(0xD9);  // EOI: the file "ends properly", its data do not
    const std::string file = test::write_file(path("cut-eoi.jpg"), bytes);
    const std::string msg = image_error_of([&] { read_image_page(file, 0); });
    EXPECT_TRUE(contains(msg, "'" + file + "' (page 1)")) << msg;
    EXPECT_TRUE(contains(msg, "damaged or truncated JPEG")) << msg;
    EXPECT_TRUE(contains(msg, "Corrupt JPEG data") || contains(msg, "Premature end")) << msg;
  }
}

TEST_F(InputKinds, JpegWithAStrayMarkerInsideItsDataIsRefused) {
  const std::vector<std::uint8_t> whole = test::jpeg_bytes(page_, JpegInk::grey);
  // Inside the entropy-coded data, away from a 0xFF byte (whose next byte is a stuffed 0).
  for (std::uint8_t marker : {0xD3, 0xD9, 0xC4, 0xE1}) {
    SCOPED_TRACE(int(marker));
    std::size_t at = whole.size() / 2;
    while (whole[at - 1] == 0xFF || whole[at] == 0x00) ++at;
    std::vector<std::uint8_t> bytes = whole;
    bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), {0xFF, marker});
    const std::string file = test::write_file(path("stray.jpg"), bytes);
    const std::string msg = image_error_of([&] { read_image_page(file, 0); });
    EXPECT_TRUE(contains(msg, "'" + file + "' (page 1)")) << msg;
    EXPECT_TRUE(contains(msg, "JPEG")) << msg;
  }
  // Bytes after the end-of-image marker are a warning only: the image itself is whole.
  std::vector<std::uint8_t> trailing = whole;
  for (char c : std::string("trailing bytes")) trailing.push_back(static_cast<std::uint8_t>(c));
  const DecodedPage page = read("trailing.jpg", trailing);
  EXPECT_LT(mean_abs_diff(page.pix.get(), page_), 3.0);
}

/// A TIFF whose directory comes first, claiming `w`×`h` px of `spp` samples with
/// `compression`, followed by `data_bytes` bytes of one strip.
std::vector<std::uint8_t> lying_tiff(std::uint32_t w, std::uint32_t h, int spp, int compression, std::size_t data_bytes) {
  std::vector<std::uint8_t> b = {'I', 'I', 42, 0, 8, 0, 0, 0};
  auto put16 = [&](std::uint32_t v) { b.push_back(v & 0xFF); b.push_back((v >> 8) & 0xFF); };
  auto put32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back((v >> (8 * i)) & 0xFF); };
  struct Entry { std::uint16_t tag, type; std::uint32_t count, value; };
  const std::uint32_t entries = 10;
  const std::uint32_t bps_offset = 8 + 2 + entries * 12 + 4;
  const std::uint32_t data_offset = bps_offset + 8;
  const Entry e[entries] = {{256, 4, 1, w}, {257, 4, 1, h},
                            {258, 3, static_cast<std::uint32_t>(spp), spp == 1 ? 8u : bps_offset},
                            {259, 3, 1, static_cast<std::uint32_t>(compression)}, {262, 3, 1, spp == 1 ? 1u : 2u},
                            {273, 4, 1, data_offset}, {277, 3, 1, static_cast<std::uint32_t>(spp)}, {278, 4, 1, h},
                            {279, 4, 1, static_cast<std::uint32_t>(data_bytes)}, {284, 3, 1, 1}};
  put16(entries);
  for (const Entry& x : e) {
    put16(x.tag);
    put16(x.type);
    put32(x.count);
    if (x.type == 3 && !(x.tag == 258 && spp > 1)) { put16(x.value); put16(0); } else { put32(x.value); }
  }
  put32(0);
  for (int i = 0; i < 4; ++i) put16(8);  // BitsPerSample 8,8,8(,8)
  std::uint32_t state = 12345;
  for (std::size_t i = 0; i < data_bytes; ++i) {
    state = state * 1103515245u + 12345u;
    b.push_back(static_cast<std::uint8_t>(state >> 24));
  }
  return b;
}

TEST_F(InputKinds, RgbTiffClaiming17320PxSquareOn540KbIsRefusedFromItsHeader) {
  // 17,320² px is just under the default 3e8 px cap: only the data bound can refuse it.
  for (int compression : {1, 5, 8, 32773, 7}) {
    SCOPED_TRACE(compression);
    const std::string file = test::write_file(path("lying.tif"), lying_tiff(17320, 17320, 3, compression, 540 * 1024));
    const std::string msg = image_error_of([&] { read_image_page(file, 0); });
    EXPECT_TRUE(contains(msg, "'" + file + "' (page 1)")) << msg;
    if (compression == 1) {
      // libtiff cuts one uncompressed strip into strips of a row: the first past the end says so.
      EXPECT_TRUE(contains(msg, "past the end of the " + std::to_string(test::file_bytes(file).size()) + "-byte file"))
          << msg;
    } else {
      EXPECT_TRUE(contains(msg, "17320x17320 px")) << msg;
      EXPECT_TRUE(contains(msg, "too short for the image its header claims")) << msg;
    }
  }
  // The same header with its data behind it is not refused for its size, and the pixel cap
  // (ReadOptions::max_pixels, the CLI's --max-pixels) refuses it from the header too; the
  // library's message names the limit, not the CLI option.
  ReadOptions small;
  small.max_pixels = 1e6;
  const std::string honest = test::write_file(path("honest.tif"), lying_tiff(1200, 900, 3, 1, 1200 * 900 * 3));
  EXPECT_EQ(pixGetWidth(read_image_page(honest, 0).pix.get()), 1200);
  EXPECT_TRUE(contains(image_error_of([&] { read_image_page(honest, 0, small); }), "over the limit of 1 Mpx"));
}

TEST_F(InputKinds, TruncatedMultiPageTiffListsThePagesBeforeTheDamageAndSaysSo) {
  const std::string file = path("three.tif");
  PixPtr pages[3] = {adopt(pixCopy(nullptr, page_)), test::stored_for_orientation(page_, 3), adopt(pixInvert(nullptr, page_))};
  ASSERT_EQ(pixWriteTiff(file.c_str(), pages[0].get(), IFF_TIFF_LZW, "w"), 0);
  ASSERT_EQ(pixWriteTiff(file.c_str(), pages[1].get(), IFF_TIFF_LZW, "a"), 0);
  ASSERT_EQ(pixWriteTiff(file.c_str(), pages[2].get(), IFF_TIFF_LZW, "a"), 0);
  const std::vector<std::uint8_t> whole = test::file_bytes(file);
  // Leptonica writes each directory after its page's data: cutting into page 3's data leaves
  // page 2's directory pointing past the end.
  const std::string cut = test::write_file(path("cut.tif"), test::cut(whole, 0.85));
  const PageCount count = count_pages(cut);
  EXPECT_EQ(count.pages, 2);
  EXPECT_FALSE(count.trusted);
  EXPECT_TRUE(contains(count.damage, "'" + cut + "' (page 3)")) << count.damage;
  EXPECT_TRUE(contains(count.damage, "cannot be trusted")) << count.damage;
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(same_grey(read_image_page(cut, i).pix.get(), pages[i].get())) << i;
  const std::string msg = image_error_of([&] { read_image_page(cut, 2); });
  EXPECT_TRUE(contains(msg, "(page 3)")) << msg;
  EXPECT_THROW(read_image_pages_from_memory(test::cut(whole, 0.85), "stdin"), ImageError);
}

TEST_F(InputKinds, ScannedPdfPageIsItsImageAtItsOwnResolution) {
  const std::vector<std::uint8_t> jpeg = test::jpeg_bytes(page_, JpegInk::grey);
  const int w = pixGetWidth(page_), h = pixGetHeight(page_);
  const test::PdfPage scanned = scanned_page(jpeg, w, h, 200);
  test::PdfPage text_only;
  text_only.visible_text = "Typed on a Remington";
  const std::string file = test::write_file(path("scan.pdf"), test::pdf_bytes({scanned, text_only}));
  ASSERT_EQ(count_image_pages(file), 2);
  const DecodedPage page = read_image_page(file, 0);
  // The JPEG as stored, not a rendering: its own size, resolution and pixels.
  EXPECT_EQ(pixGetWidth(page.pix.get()), w);
  EXPECT_EQ(pixGetHeight(page.pix.get()), h);
  EXPECT_EQ(page.dpi, 200);
  const DecodedPage direct = read("scan.jpg", jpeg);
  EXPECT_TRUE(same_grey(page.pix.get(), direct.pix.get()));
  EXPECT_FALSE(page.has_text_layer);
  // A page of text only is rendered at 300 dpi (US Letter: 2550×3300 px), and has a text layer.
  const DecodedPage rendered = read_image_page(file, 1);
  EXPECT_EQ(pixGetWidth(rendered.pix.get()), 2550);
  EXPECT_EQ(pixGetHeight(rendered.pix.get()), 3300);
  EXPECT_TRUE(rendered.has_text_layer);
  EXPECT_TRUE(contains(rendered.text_layer, "Typed on a Remington")) << rendered.text_layer;
}

TEST_F(InputKinds, EveryPageOfABilevelScanPdfIsItsG4ImageAsStored) {
  // The usual archive PDF: one CCITT G4 scan per page (our own writer's searchable PDF). Each
  // G4 stream is decoded through a one-directory TIFF, whatever page of the PDF it is on
  // (page 2 and on were once refused: "the page's TIFF directory cannot be read").
  PixPtr bilevel = adopt(pixThresholdToBinary(page_, 128));
  PixPtr pages[3] = {adopt(pixCopy(nullptr, bilevel.get())), adopt(pixInvert(nullptr, bilevel.get())),
                     adopt(pixRotate180(nullptr, bilevel.get()))};
  Document document;
  document.source = "scan.tif";
  for (int i = 0; i < 3; ++i) {
    PageResult page;
    page.source = document.source;
    page.ok = true;
    page.page_index = i;
    page.page_count = 3;
    page.width = pixGetWidth(pages[i].get());
    page.height = pixGetHeight(pages[i].get());
    page.resolution = 300;
    page.image = decoders::raw_page_image(pages[i].get(), 1);
    ASSERT_EQ(page.image->bits_per_component, 1);
    document.pages.push_back(page);
  }
  const std::string bytes = PdfWriter().write(document).bytes;
  const std::string file = test::write_file(path("g4.pdf"), std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  ASSERT_EQ(count_image_pages(file), 3);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const DecodedPage page = read_image_page(file, i);
    EXPECT_EQ(pixGetDepth(page.pix.get()), 1);
    EXPECT_EQ(page.dpi, 300);
    EXPECT_TRUE(same_grey(page.pix.get(), pages[i].get()));
  }
}

TEST_F(InputKinds, PdfTextLayerIsFoundUnderAScannedImage) {
  test::PdfPage page = scanned_page(test::jpeg_bytes(page_, JpegInk::grey), pixGetWidth(page_), pixGetHeight(page_), 150);
  page.hidden_text = "Lordship Park";
  const std::string file = test::write_file(path("layer.pdf"), test::pdf_bytes({page}));
  const DecodedPage decoded = read_image_page(file, 0);
  EXPECT_EQ(decoded.dpi, 150);
  EXPECT_TRUE(decoded.has_text_layer);
  EXPECT_TRUE(contains(decoded.text_layer, "Lordship Park")) << decoded.text_layer;
}

TEST_F(InputKinds, EncryptedAndDamagedPdfsAreRefusedNamingTheFile) {
  const test::PdfPage page = scanned_page(test::jpeg_bytes(page_, JpegInk::grey), pixGetWidth(page_), pixGetHeight(page_), 200);
  const std::vector<std::uint8_t> pdf = test::pdf_bytes({page});
  const std::string locked = test::write_file(path("locked.pdf"), test::encrypted_pdf(pdf, "secret"));
  std::string msg = image_error_of([&] { count_pages(locked); });
  EXPECT_TRUE(contains(msg, "'" + locked + "'")) << msg;
  EXPECT_TRUE(contains(msg, "encrypted")) << msg;
  // Cut in the image: the xref is gone and the JPEG is short.
  const std::string cut = test::write_file(path("cut.pdf"), test::cut(pdf, 0.5));
  msg = image_error_of([&] {
    const PageCount count = count_pages(cut);
    for (int i = 0; i < count.pages; ++i) read_image_page(cut, i);
  });
  EXPECT_TRUE(contains(msg, "'" + cut + "'")) << msg;
  // Not a PDF past its header.
  const std::string text = "%PDF-1.4\nthis is not a PDF at all\n";
  const std::string junk = test::write_file(path("junk.pdf"), std::vector<std::uint8_t>(text.begin(), text.end()));
  msg = image_error_of([&] { count_pages(junk); });
  EXPECT_TRUE(contains(msg, "'" + junk + "'")) << msg;
  EXPECT_TRUE(contains(msg, "PDF")) << msg;
}

TEST(InputFormatsHelp, ListsEveryFormatRead) {
  const std::string help = supported_formats_help();
  for (const char* format : {"TIFF", "PNG", "JPEG", "JPEG 2000", ".jp2", ".j2k", "WebP", "GIF", "BMP", "PNM", "PDF",
                             "CMYK", "YCCK", "tiles", "16", "palette", "EXIF orientation", "Orientation tag"})
    EXPECT_TRUE(contains(help, format)) << format;
}

}  // namespace
}  // namespace platen
