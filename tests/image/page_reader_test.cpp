// Tests for src/image/page_reader.cpp: every image is made inside the test, written with
// Leptonica's writers (or byte by byte, for damaged files), and read back.

#include "image/page_reader.h"
#include "core/binary_io.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/errors.h"
#include "test_images.h"
#include "test_paths.h"
#include "test_shell.h"

namespace platen {
namespace {

using test::contains;
using test::image_error_of;

// A 1 bpp pattern with structure in both directions (so a transposed or shifted read fails).
PixPtr make_binary(int w, int h) {
  PixPtr pix = adopt(pixCreate(w, h, 1));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      if ((x / 7 + y / 5) % 3 == 0 || (x * y) % 11 == 0) pixSetPixel(pix.get(), x, y, 1);
    }
  }
  return pix;
}

// An 8 bpp image: a smooth ramp (JPEG-friendly) with a dark bar.
PixPtr make_grey(int w, int h) {
  PixPtr pix = adopt(pixCreate(w, h, 8));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const int v = (x > w / 3 && x < w / 2) ? 20 : 60 + (150 * x) / w + (40 * y) / h;
      pixSetPixel(pix.get(), x, y, v);
    }
  }
  return pix;
}

// A 32 bpp RGB image with different ramps per channel.
PixPtr make_colour(int w, int h) {
  PixPtr pix = adopt(pixCreate(w, h, 32));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      pixSetRGBPixel(pix.get(), x, y, 40 + (200 * x) / w, 40 + (200 * y) / h, 120);
    }
  }
  return pix;
}

std::string write(const std::string& dir, const std::string& name, Pix* pix, int format) {
  const std::string path = dir + "/" + name;
  if (pixWrite(path.c_str(), pix, format) != 0) ADD_FAILURE() << "cannot write " << path;
  return path;
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string write_bytes(const std::string& dir, const std::string& name,
                        const std::vector<std::uint8_t>& bytes) {
  const std::string path = dir + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::vector<std::uint8_t> truncated(std::vector<std::uint8_t> bytes, double keep) {
  bytes.resize(static_cast<std::size_t>(bytes.size() * keep));
  return bytes;
}

bool same_pixels(Pix* a, Pix* b) {
  l_int32 same = 0;
  return pixEqual(a, b, &same) == 0 && same == 1;
}

// Mean absolute grey difference, for lossy formats.
double mean_abs_diff(Pix* a, Pix* b) {
  PixPtr ga = to_grey(a), gb = to_grey(b);
  const GreyImage ia = grey_image_from_pix(ga.get()), ib = grey_image_from_pix(gb.get());
  double sum = 0;
  for (std::size_t i = 0; i < ia.pixels.size(); ++i) sum += std::abs(ia.pixels[i] - ib.pixels[i]);
  return sum / static_cast<double>(ia.pixels.size());
}

// A baseline TIFF, 8 bpp uncompressed, whose directory comes before the pixel data (as many
// scanners write it), so that a cut file still has a readable header. Leptonica's writer puts
// the directory last.
std::vector<std::uint8_t> directory_first_tiff(std::uint32_t w, std::uint32_t h) {
  std::vector<std::uint8_t> b = {'I', 'I', 42, 0, 8, 0, 0, 0};
  auto put16 = [&](std::uint32_t v) {
    b.push_back(v & 0xFF);
    b.push_back((v >> 8) & 0xFF);
  };
  auto put32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back((v >> (8 * i)) & 0xFF);
  };
  struct Entry {
    std::uint16_t tag, type;
    std::uint32_t value;
  };
  const std::uint32_t data_offset = 8 + 2 + 9 * 12 + 4;
  const Entry entries[] = {{256, 4, w}, {257, 4, h}, {258, 3, 8},
                           {259, 3, 1}, {262, 3, 1}, {273, 4, data_offset},
                           {277, 3, 1}, {278, 4, h}, {279, 4, w * h}};
  put16(9);
  for (const Entry& e : entries) {
    put16(e.tag);
    put16(e.type);
    put32(1);
    if (e.type == 3) {
      put16(e.value);
      put16(0);
    } else {
      put32(e.value);
    }
  }
  put32(0);
  for (std::uint32_t i = 0; i < w * h; ++i) b.push_back(static_cast<std::uint8_t>(i % 251));
  return b;
}

TEST(PageReader, ReadsEveryPageOfMultiPageTiffWithSizeAndPixels) {
  const std::string dir = test::make_temp_dir();
  const std::string path = dir + "/three.tif";
  PixPtr bilevel = make_binary(300, 200);
  PixPtr grey = make_grey(250, 180);
  PixPtr colour = make_colour(120, 90);
  ASSERT_EQ(pixWriteTiff(path.c_str(), bilevel.get(), IFF_TIFF_G4, "w"), 0);
  ASSERT_EQ(pixWriteTiff(path.c_str(), grey.get(), IFF_TIFF_LZW, "a"), 0);
  ASSERT_EQ(pixWriteTiff(path.c_str(), colour.get(), IFF_TIFF_LZW, "a"), 0);

  ASSERT_EQ(count_image_pages(path), 3);
  Pix* originals[] = {bilevel.get(), grey.get(), colour.get()};
  const int depths[] = {1, 8, 32};
  for (int i = 0; i < 3; ++i) {
    const DecodedPage page = read_image_page(path, i);
    EXPECT_EQ(page.page_index, i);
    EXPECT_EQ(pixGetWidth(page.pix.get()), pixGetWidth(originals[i]));
    EXPECT_EQ(pixGetHeight(page.pix.get()), pixGetHeight(originals[i]));
    EXPECT_EQ(pixGetDepth(page.pix.get()), depths[i]);
    EXPECT_TRUE(same_pixels(page.pix.get(), originals[i])) << "page " << i;
  }
}

TEST(PageReader, ReadsMultiPageTiffFromMemory) {
  const std::string dir = test::make_temp_dir();
  const std::string path = dir + "/two.tif";
  PixPtr first = make_binary(200, 150);
  PixPtr second = make_grey(180, 120);
  ASSERT_EQ(pixWriteTiff(path.c_str(), first.get(), IFF_TIFF_G4, "w"), 0);
  ASSERT_EQ(pixWriteTiff(path.c_str(), second.get(), IFF_TIFF_LZW, "a"), 0);

  const std::vector<DecodedPage> pages = read_image_pages_from_memory(read_bytes(path), "<stdin>");
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].page_index, 0);
  EXPECT_EQ(pages[1].page_index, 1);
  EXPECT_TRUE(same_pixels(pages[0].pix.get(), first.get()));
  EXPECT_TRUE(same_pixels(pages[1].pix.get(), second.get()));
}

TEST(PageReader, ReadsG4BilevelAndLzwGreyTiffExactly) {
  const std::string dir = test::make_temp_dir();
  PixPtr bilevel = make_binary(640, 480);
  PixPtr grey = make_grey(333, 217);
  const DecodedPage g4 = read_image_page(write(dir, "g4.tif", bilevel.get(), IFF_TIFF_G4), 0);
  const DecodedPage lzw = read_image_page(write(dir, "lzw.tif", grey.get(), IFF_TIFF_LZW), 0);
  EXPECT_EQ(pixGetDepth(g4.pix.get()), 1);
  EXPECT_TRUE(same_pixels(g4.pix.get(), bilevel.get()));
  EXPECT_EQ(pixGetDepth(lzw.pix.get()), 8);
  EXPECT_TRUE(same_pixels(lzw.pix.get(), grey.get()));
}

TEST(PageReader, ReadsPnmPngJpegAtOneEightTwentyFourAndThirtyTwoBits) {
  const std::string dir = test::make_temp_dir();
  PixPtr bilevel = make_binary(210, 150);
  PixPtr grey = make_grey(210, 150);
  PixPtr colour = make_colour(210, 150);
  // Opaque wherever there is colour: all of it here (its alpha is checked, since an image
  // left transparent would read as blank paper and match any other blank paper).
  PixPtr rgba = adopt(pixSetAlphaOverWhite(colour.get()));
  ASSERT_TRUE(rgba);
  ASSERT_EQ(pixGetSpp(rgba.get()), 4);
  int transparent = 0;
  for (int y = 0; y < 150; ++y)
    for (int x = 0; x < 210; ++x) {
      l_uint32 value = 0;
      ASSERT_EQ(pixGetPixel(rgba.get(), x, y, &value), 0);
      l_int32 r, g, b, a;
      extractRGBAValues(value, &r, &g, &b, &a);
      transparent += a != 255;
    }
  EXPECT_EQ(transparent, 0);

  struct Case {
    const char* name;
    Pix* pix;
    int format;
    int expected_depth;
    double max_grey_error;  ///< mean |difference| of the greys, grey levels
  };
  const Case cases[] = {
      {"p1.pbm", bilevel.get(), IFF_PNM, 1, 0.01},
      {"p8.pgm", grey.get(), IFF_PNM, 8, 0.01},
      {"p24.ppm", colour.get(), IFF_PNM, 32, 0.01},
      {"g1.png", bilevel.get(), IFF_PNG, 1, 0.01},
      {"g8.png", grey.get(), IFF_PNG, 8, 0.01},
      {"g24.png", colour.get(), IFF_PNG, 32, 0.01},
      {"g32.png", rgba.get(), IFF_PNG, 32, 0.01},
      {"j8.jpg", grey.get(), IFF_JFIF_JPEG, 8, 3.0},
      // Colour JPEG is decoded to its luma only, whose weights (BT.601) differ from
      // Leptonica's luminance on the saturated colours of this test image.
      {"j24.jpg", colour.get(), IFF_JFIF_JPEG, 8, 6.0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const DecodedPage page = read_image_page(write(dir, c.name, c.pix, c.format), 0);
    ASSERT_TRUE(page.pix);
    EXPECT_EQ(pixGetWidth(page.pix.get()), 210);
    EXPECT_EQ(pixGetHeight(page.pix.get()), 150);
    EXPECT_EQ(pixGetDepth(page.pix.get()), c.expected_depth);
    EXPECT_EQ(pixGetColormap(page.pix.get()), nullptr);
    EXPECT_LT(mean_abs_diff(page.pix.get(), c.pix), c.max_grey_error);
  }
}

TEST(PageReader, RemovesColormapsAndKeepsTheirGreys) {
  const std::string dir = test::make_temp_dir();
  PixPtr grey = make_grey(100, 80);
  PixPtr mapped = adopt(pixConvertGrayToColormap8(grey.get(), 8));
  ASSERT_TRUE(pixGetColormap(mapped.get()));
  const DecodedPage page = read_image_page(write(dir, "mapped.png", mapped.get(), IFF_PNG), 0);
  EXPECT_EQ(pixGetColormap(page.pix.get()), nullptr);
  EXPECT_EQ(pixGetDepth(page.pix.get()), 8);
  EXPECT_LT(mean_abs_diff(page.pix.get(), grey.get()), 0.01);
}

TEST(PageReader, ComposesTransparentPngOnWhitePaper) {
  const std::string dir = test::make_temp_dir();
  PixPtr rgba = adopt(pixCreate(50, 40, 32));
  pixSetSpp(rgba.get(), 4);
  // Black colour everywhere, fully transparent: what a viewer shows is the white under it.
  pixSetAllArbitrary(rgba.get(), 0x00000000);
  const DecodedPage page = read_image_page(write(dir, "clear.png", rgba.get(), IFF_PNG), 0);
  PixPtr grey = to_grey(page.pix.get());
  l_uint32 value = 0;
  pixGetPixel(grey.get(), 25, 20, &value);
  EXPECT_EQ(value, 255u);
}

TEST(PageReader, ComposesHalfTransparentPngOnWhitePaper) {
  const std::string dir = test::make_temp_dir();
  PixPtr rgba = adopt(pixCreate(50, 40, 32));
  pixSetSpp(rgba.get(), 4);
  // Left half: black at alpha 128 (a viewer shows mid grey); right half: opaque black.
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 50; ++x) pixSetPixel(rgba.get(), x, y, x < 25 ? 0x00000080 : 0x000000ff);
  const DecodedPage page = read_image_page(write(dir, "half.png", rgba.get(), IFF_PNG), 0);
  PixPtr grey = to_grey(page.pix.get());
  l_uint32 half = 0, opaque = 0;
  pixGetPixel(grey.get(), 10, 20, &half);
  pixGetPixel(grey.get(), 40, 20, &opaque);
  EXPECT_NEAR(static_cast<double>(half), 127.0, 2.0);
  EXPECT_EQ(opaque, 0u);
}

TEST(PageReader, ReportsTheFilesResolution) {
  const std::string dir = test::make_temp_dir();
  PixPtr grey = make_grey(100, 80);
  pixSetResolution(grey.get(), 300, 300);
  EXPECT_EQ(read_image_page(write(dir, "r.png", grey.get(), IFF_PNG), 0).dpi, 300);
  EXPECT_EQ(read_image_page(write(dir, "r.tif", grey.get(), IFF_TIFF_LZW), 0).dpi, 300);
  EXPECT_EQ(read_image_page(write(dir, "r.jpg", grey.get(), IFF_JFIF_JPEG), 0).dpi, 300);
}

TEST(PageReader, ConvertsEveryDepthToGrey) {
  PixPtr bilevel = make_binary(30, 20);
  PixPtr grey1 = to_grey(bilevel.get());
  l_uint32 ink = 0, paper = 0, bit = 0;
  // (0, 0) is ink in the pattern, (8, 1) paper.
  pixGetPixel(bilevel.get(), 0, 0, &bit);
  ASSERT_EQ(bit, 1u);
  pixGetPixel(grey1.get(), 0, 0, &ink);
  pixGetPixel(grey1.get(), 8, 1, &paper);
  EXPECT_EQ(ink, 0u);
  EXPECT_EQ(paper, 255u);

  PixPtr colour = adopt(pixCreate(4, 4, 32));
  pixSetAllArbitrary(colour.get(), 0xff000000);  // pure red
  PixPtr grey32 = to_grey(colour.get());
  l_uint32 red_luma = 0;
  pixGetPixel(grey32.get(), 2, 2, &red_luma);
  EXPECT_NEAR(static_cast<double>(red_luma), 0.3 * 255, 3.0);

  EXPECT_THROW(to_grey(nullptr), ImageError);
}

TEST(PageReader, GreyImageAndPixRoundTrip) {
  GreyImage image(37, 11);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) image.at(x, y) = static_cast<std::uint8_t>(x * 5 + y);
  }
  PixPtr pix = pix_from_grey_image(image);
  l_uint32 v = 0;
  pixGetPixel(pix.get(), 36, 10, &v);
  EXPECT_EQ(v, 36u * 5 + 10);
  const GreyImage back = grey_image_from_pix(pix.get());
  EXPECT_EQ(back.width, 37);
  EXPECT_EQ(back.height, 11);
  EXPECT_EQ(back.pixels, image.pixels);
  EXPECT_THROW(pix_from_grey_image(GreyImage()), ImageError);
}

TEST(PageReader, ReadsALineImageStraightToGrey) {
  const std::string dir = test::make_temp_dir();
  PixPtr colour = make_colour(64, 24);
  const GreyImage image = read_grey_image(write(dir, "line.png", colour.get(), IFF_PNG));
  PixPtr expected = to_grey(colour.get());
  EXPECT_EQ(image.pixels, grey_image_from_pix(expected.get()).pixels);
}

TEST(PageReaderErrors, MissingFileNamesTheFile) {
  const std::string path = test::make_temp_dir() + "/nowhere.tif";
  const std::string msg = image_error_of([&] { read_image_page(path, 0); });
  EXPECT_TRUE(contains(msg, path)) << msg;
  EXPECT_TRUE(contains(msg, "no such file")) << msg;
  EXPECT_THROW(count_image_pages(path), ImageError);
}

TEST(PageReaderErrors, TinyFilesClaimingHugeImagesAreRefusedBeforeDecoding) {
  const std::string dir = test::make_temp_dir();
  auto bytes_of = [](const std::string& text) { return std::vector<std::uint8_t>(text.begin(), text.end()); };
  // 24 bytes claiming 5000x5000 RGB pixels (75 MB of samples).
  const std::string short_pnm = write_bytes(dir, "short.ppm", bytes_of("P6\n5000 5000\n255\nabc"));
  EXPECT_TRUE(contains(image_error_of([&] { read_image_page(short_pnm, 0); }), "too short")) << short_pnm;
  // Within the side limit but over the area limit.
  const std::string vast = write_bytes(dir, "vast.ppm", bytes_of("P6\n25000 25000\n255\nabc"));
  EXPECT_TRUE(contains(image_error_of([&] { read_image_page(vast, 0); }), "Mpx"));
  // A PNG whose data could not inflate to the size it claims.
  PixPtr small = make_grey(300, 200);
  std::string png = write(dir, "small.png", small.get(), IFF_PNG);
  std::vector<std::uint8_t> data = read_file_bytes(png);
  // IHDR width and height are the big-endian words at bytes 16 and 20.
  for (int i : {16, 20}) data[i] = 0, data[i + 1] = 0, data[i + 2] = 0x3a, data[i + 3] = 0x98;  // 15000
  // The chunk's CRC (over type and data, bytes 12-28) goes at bytes 29-32.
  const std::uint32_t crc = crc32_of(data.data() + 12, 17);
  for (int k = 0; k < 4; ++k) data[29 + k] = static_cast<std::uint8_t>(crc >> (24 - 8 * k));
  const std::string lying = write_bytes(dir, "lying.png", data);
  const std::string lie = image_error_of([&] { read_image_page(lying, 0); });
  EXPECT_TRUE(contains(lie, "too short")) << lie;
}

TEST(PageReaderErrors, NonImageAndEmptyFilesAreRefused) {
  const std::string dir = test::make_temp_dir();
  const std::string text = "Lieber Herr Doktor, anbei die Abschrift des Briefes.\n";
  const std::string notes =
      write_bytes(dir, "notes.txt", std::vector<std::uint8_t>(text.begin(), text.end()));
  const std::string msg = image_error_of([&] { read_image_page(notes, 0); });
  EXPECT_TRUE(contains(msg, notes)) << msg;
  EXPECT_TRUE(contains(msg, "not an image")) << msg;
  const std::string empty = write_bytes(dir, "empty.png", {});
  EXPECT_TRUE(contains(image_error_of([&] { read_image_page(empty, 0); }), "empty"));
  EXPECT_THROW(read_image_pages_from_memory({}, "<stdin>"), ImageError);
}

TEST(PageReaderErrors, TruncatedJpegIsRefused) {
  const std::string dir = test::make_temp_dir();
  PixPtr grey = make_grey(400, 300);
  const auto bytes = read_bytes(write(dir, "whole.jpg", grey.get(), IFF_JFIF_JPEG));
  for (double keep : {0.98, 0.6}) {
    const std::string cut = write_bytes(dir, "cut.jpg", truncated(bytes, keep));
    const std::string msg = image_error_of([&] { read_image_page(cut, 0); });
    EXPECT_TRUE(contains(msg, cut)) << msg;
    EXPECT_TRUE(contains(msg, "truncated")) << msg;
  }
}

TEST(PageReaderErrors, TruncatedPngAndPnmAreRefused) {
  const std::string dir = test::make_temp_dir();
  PixPtr grey = make_grey(400, 300);
  const auto png = read_bytes(write(dir, "whole.png", grey.get(), IFF_PNG));
  const auto pgm = read_bytes(write(dir, "whole.pgm", grey.get(), IFF_PNM));
  const std::string cut_png = write_bytes(dir, "cut.png", truncated(png, 0.7));
  const std::string cut_pgm = write_bytes(dir, "cut.pgm", truncated(pgm, 0.7));
  EXPECT_TRUE(contains(image_error_of([&] { read_image_page(cut_png, 0); }), cut_png));
  EXPECT_TRUE(contains(image_error_of([&] { read_image_page(cut_pgm, 0); }), cut_pgm));
}

TEST(PageReaderErrors, TruncatedTiffIsRefusedWhereverTheDirectoryIs) {
  const std::string dir = test::make_temp_dir();
  PixPtr bilevel = make_binary(500, 400);
  // Leptonica/libtiff write the directory after the data: a cut file has none.
  const auto g4 = read_bytes(write(dir, "whole.tif", bilevel.get(), IFF_TIFF_G4));
  const std::string cut_g4 = write_bytes(dir, "cut_g4.tif", truncated(g4, 0.6));
  EXPECT_TRUE(contains(image_error_of([&] { read_image_page(cut_g4, 0); }), cut_g4));
  // Directory first: the header reads, the strip is short.
  const auto whole = directory_first_tiff(120, 100);
  const std::string ok = write_bytes(dir, "dirfirst.tif", whole);
  EXPECT_EQ(pixGetWidth(read_image_page(ok, 0).pix.get()), 120);
  const std::string cut = write_bytes(dir, "dirfirst_cut.tif", truncated(whole, 0.7));
  const std::string msg = image_error_of([&] { read_image_page(cut, 0); });
  EXPECT_TRUE(contains(msg, cut)) << msg;
  EXPECT_TRUE(contains(msg, "page 1")) << msg;
}

TEST(PageReaderErrors, TinyImagesAreRefused) {
  const std::string dir = test::make_temp_dir();
  PixPtr dot = adopt(pixCreate(1, 1, 8));
  const std::string one = write(dir, "dot.png", dot.get(), IFF_PNG);
  EXPECT_TRUE(contains(image_error_of([&] { read_image_page(one, 0); }), "1x1"));
  const std::string header = "P5\n0 0\n255\n";
  const std::string zero =
      write_bytes(dir, "zero.pgm", std::vector<std::uint8_t>(header.begin(), header.end()));
  EXPECT_THROW(read_image_page(zero, 0), ImageError);
}

TEST(PageReaderErrors, OversizedImagesAreRefusedFromTheHeaderBeforeDecoding) {
  const std::string dir = test::make_temp_dir();
  // Headers claiming 40000 px with almost no data behind them: decoding would need ~1.6 GB,
  // so refusing them quickly shows that the size came from the header.
  std::string pgm = "P5\n40000 40000\n255\n";
  pgm += std::string(64, '\x80');
  const std::string big_pgm =
      write_bytes(dir, "big.pgm", std::vector<std::uint8_t>(pgm.begin(), pgm.end()));
  const std::string msg = image_error_of([&] { read_image_page(big_pgm, 0); });
  EXPECT_TRUE(contains(msg, "40000x40000")) << msg;
  EXPECT_TRUE(contains(msg, std::to_string(kMaxImageSide))) << msg;

  auto tiff = directory_first_tiff(40, 30);
  tiff[8 + 2 + 8] = 0x40;  // ImageWidth value 40 → 0x9C40 = 40000
  tiff[8 + 2 + 9] = 0x9C;
  const std::string big_tif = write_bytes(dir, "big.tif", tiff);
  EXPECT_TRUE(contains(image_error_of([&] { read_image_page(big_tif, 0); }), "40000x30"));
}

TEST(PageReaderErrors, PageBeyondTheLastIsRefused) {
  const std::string dir = test::make_temp_dir();
  PixPtr grey = make_grey(60, 40);
  const std::string path = write(dir, "one.png", grey.get(), IFF_PNG);
  const std::string msg = image_error_of([&] { read_image_page(path, 1); });
  EXPECT_TRUE(contains(msg, "page 2 does not exist")) << msg;
}

TEST(PageReaderErrors, DamagedFilesDoNotPrintToStderr) {
  const std::string dir = test::make_temp_dir();
  PixPtr grey = make_grey(300, 200);
  const auto jpg = read_bytes(write(dir, "a.jpg", grey.get(), IFF_JFIF_JPEG));
  const auto png = read_bytes(write(dir, "a.png", grey.get(), IFF_PNG));
  const auto tif = read_bytes(write(dir, "a.tif", grey.get(), IFF_TIFF_LZW));
  testing::internal::CaptureStderr();
  for (const auto* bytes : {&jpg, &png, &tif}) {
    EXPECT_THROW(read_image_pages_from_memory(truncated(*bytes, 0.5), "cut"), ImageError);
  }
  EXPECT_THROW(read_image_pages_from_memory(truncated(directory_first_tiff(50, 50), 0.5), "cut"),
               ImageError);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

}  // namespace
}  // namespace platen
