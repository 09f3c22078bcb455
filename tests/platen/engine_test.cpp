// The public Engine as a library user calls it: a file, the same file's bytes in memory, its
// decoded pixels, page counts and page indices of a multi-page TIFF, one engine shared by
// threads, and the errors each entry point documents. Everything is read from the bundled
// sample page and line (datasets/samples), so no test here needs ../shared.

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "image/pix.h"
#include "platen/platen.h"
#include "test_paths.h"

namespace {

std::string sample_page() { return platen::test::source_dir() + "/datasets/samples/sample-page.jpg"; }

std::string sample_line() {
  return platen::test::source_dir() + "/datasets/samples/lines/ehri-EHRI-BF-19380509b_EN_01-ae0507-004.png";
}

std::vector<std::uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One engine for the whole suite: opening loads the model and thirteen language models.
const platen::Engine& engine() {
  static const platen::Engine shared = platen::Engine::open(platen::EngineOptions{});
  return shared;
}

// A line engine (each image one text line), best path: quick and independent of the page layout.
const platen::Engine& line_engine() {
  static const platen::Engine shared = [] {
    platen::EngineOptions options;
    options.single_line = true;
    options.use_language_model = false;
    return platen::Engine::open(options);
  }();
  return shared;
}

// Expects `call` to throw E whose message contains `needle` and names no option of the `ocr`
// command (library messages never say "--something").
template <class E, class Call>
void expect_error(Call call, const std::string& needle) {
  try {
    call();
    ADD_FAILURE() << "no exception; expected one naming '" << needle << "'";
  } catch (const E& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(needle), std::string::npos) << message;
    EXPECT_EQ(message.find("--"), std::string::npos) << "names a CLI option: " << message;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
}

TEST(Engine, OpenResolvesModelPathThreadsAndPrecision) {
  const platen::EngineOptions& options = engine().options();
  EXPECT_EQ(options.model_path, platen::shipped_model_path());
  EXPECT_GE(options.threads, 1);
  EXPECT_NE(engine().precision(), platen::Precision::automatic);
}

TEST(Engine, FileAndItsBytesInMemoryReadToTheSameResult) {
  const platen::PageResult from_file = engine().read_page(sample_page());
  ASSERT_TRUE(from_file.ok) << from_file.error;
  EXPECT_EQ(from_file.source, sample_page());
  ASSERT_FALSE(from_file.lines.empty());
  // A line of the sample's letterhead, as its ground truth has it.
  EXPECT_NE(from_file.text.find("c/o 35, Lordship Park,\n"), std::string::npos) << from_file.text;

  const std::vector<std::uint8_t> bytes = file_bytes(sample_page());
  ASSERT_FALSE(bytes.empty());
  const platen::PageResult from_memory = engine().read_page(bytes.data(), bytes.size(), 0, "sample in memory");
  ASSERT_TRUE(from_memory.ok) << from_memory.error;
  EXPECT_EQ(from_memory.source, "sample in memory");
  EXPECT_EQ(from_memory.text, from_file.text);
  EXPECT_EQ(from_memory.width, from_file.width);
  EXPECT_EQ(from_memory.height, from_file.height);
  ASSERT_EQ(from_memory.lines.size(), from_file.lines.size());
  for (std::size_t i = 0; i < from_file.lines.size(); ++i) {
    ASSERT_EQ(from_memory.lines[i].words.size(), from_file.lines[i].words.size()) << "line " << i;
    for (std::size_t j = 0; j < from_file.lines[i].words.size(); ++j) {
      EXPECT_EQ(from_memory.lines[i].words[j].box, from_file.lines[i].words[j].box) << "line " << i << " word " << j;
    }
  }
}

TEST(Engine, DecodedPixelsGreyAndRgbWithPaddedRowsReadLikeTheFile) {
  const std::string path = sample_line();
  const platen::PageResult from_file = line_engine().read_page(path);
  ASSERT_TRUE(from_file.ok) << from_file.error;
  // In single-line mode the text is the line and '\n', as the ground truth file has it.
  EXPECT_EQ(from_file.text, platen::test::read_text_file(path.substr(0, path.size() - 4) + ".gt.txt"));

  platen::PixPtr decoded = platen::adopt(pixRead(path.c_str()));
  ASSERT_TRUE(decoded);
  platen::PixPtr grey = platen::adopt(pixConvertTo8(decoded.get(), 0));
  ASSERT_TRUE(grey);
  const int width = static_cast<int>(pixGetWidth(grey.get()));
  const int height = static_cast<int>(pixGetHeight(grey.get()));
  // Rows padded by 13 bytes each, grey and the same grey as R = G = B.
  const std::size_t grey_stride = width + 13;
  const std::size_t rgb_stride = 3 * width + 13;
  std::vector<std::uint8_t> grey_bytes(grey_stride * height, 0x55);
  std::vector<std::uint8_t> rgb_bytes(rgb_stride * height, 0x55);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      l_uint32 value = 0;
      pixGetPixel(grey.get(), x, y, &value);
      grey_bytes[y * grey_stride + x] = static_cast<std::uint8_t>(value);
      for (int c = 0; c < 3; ++c) rgb_bytes[y * rgb_stride + 3 * x + c] = static_cast<std::uint8_t>(value);
    }
  }
  platen::PixelView view;
  view.data = grey_bytes.data();
  view.width = width;
  view.height = height;
  view.channels = 1;
  view.stride = grey_stride;
  const platen::PageResult from_grey = line_engine().read_pixels(view);
  ASSERT_TRUE(from_grey.ok) << from_grey.error;
  EXPECT_EQ(from_grey.text, from_file.text);
  EXPECT_EQ(from_grey.width, width);
  EXPECT_EQ(from_grey.height, height);

  view.data = rgb_bytes.data();
  view.channels = 3;
  view.stride = rgb_stride;
  const platen::PageResult from_rgb = line_engine().read_pixels(view);
  ASSERT_TRUE(from_rgb.ok) << from_rgb.error;
  EXPECT_EQ(from_rgb.text, from_file.text);
}

TEST(Engine, InvalidPixelViewsThrowError) {
  std::vector<std::uint8_t> bytes(100 * 40, 255);
  platen::PixelView good;
  good.data = bytes.data();
  good.width = 100;
  good.height = 40;
  platen::PixelView no_data = good;
  no_data.data = nullptr;
  platen::PixelView no_width = good;
  no_width.width = 0;
  platen::PixelView two_channels = good;
  two_channels.channels = 2;
  platen::PixelView short_stride = good;
  short_stride.stride = 99;
  for (const platen::PixelView& view : {no_data, no_width, two_channels, short_stride}) {
    EXPECT_THROW(line_engine().read_pixels(view), platen::Error);
  }
  EXPECT_NO_THROW(line_engine().read_pixels(good));
}

TEST(Engine, MultiPageTiffCountsAndReadsEachPageByIndex) {
  // Three pages: the sample line, then a blank page, then the line again.
  platen::PixPtr line = platen::adopt(pixRead(sample_line().c_str()));
  ASSERT_TRUE(line);
  platen::PixPtr grey = platen::adopt(pixConvertTo8(line.get(), 0));
  platen::PixPtr blank = platen::adopt(pixCreate(pixGetWidth(grey.get()), pixGetHeight(grey.get()), 8));
  pixSetAll(blank.get());
  const std::string tiff = platen::test::make_temp_dir() + "/three pages.tif";
  ASSERT_EQ(pixWriteTiff(tiff.c_str(), grey.get(), IFF_TIFF_LZW, "w"), 0);
  ASSERT_EQ(pixWriteTiff(tiff.c_str(), blank.get(), IFF_TIFF_LZW, "a"), 0);
  ASSERT_EQ(pixWriteTiff(tiff.c_str(), grey.get(), IFF_TIFF_LZW, "a"), 0);

  EXPECT_EQ(line_engine().page_count(tiff), 3);
  EXPECT_EQ(line_engine().page_count(sample_line()), 1);
  const platen::PageResult first = line_engine().read_page(tiff, 0);
  const platen::PageResult second = line_engine().read_page(tiff, 1);
  const platen::PageResult third = line_engine().read_page(tiff, 2);
  const platen::PageResult original = line_engine().read_page(sample_line());
  ASSERT_TRUE(first.ok && second.ok && third.ok) << first.error << second.error << third.error;
  EXPECT_EQ(first.text, original.text);
  EXPECT_EQ(third.text, original.text);
  EXPECT_EQ(second.text, "\n");  // single-line mode: an empty line
  EXPECT_EQ(first.page_index, 0);
  EXPECT_EQ(third.page_index, 2);
  expect_error<platen::ImageError>([&] { line_engine().read_page(tiff, 3); }, "three pages.tif");
}

TEST(Engine, OneEngineSharedByThreadsReadsAsItDoesAlone) {
  const std::string alone = engine().read_page(sample_page()).text;
  ASSERT_FALSE(alone.empty());
  const std::vector<std::uint8_t> bytes = file_bytes(sample_page());
  std::vector<std::string> texts(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      // Half the threads read the file, half its bytes, at the same time on the same engine.
      texts[t] = t % 2 == 0 ? engine().read_page(sample_page()).text
                            : engine().read_page(bytes.data(), bytes.size()).text;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(texts[t], alone) << "thread " << t;
}

TEST(Engine, EachEntryPointThrowsWhatItDocuments) {
  const std::string dir = platen::test::make_temp_dir();
  const std::string missing = dir + "/no such scan.tif";
  expect_error<platen::ImageError>([&] { engine().read_page(missing); }, "no such scan.tif");
  expect_error<platen::ImageError>([&] { engine().page_count(missing); }, "no such scan.tif");

  const std::string not_image = dir + "/notes.tif";
  std::ofstream(not_image) << "these are not pixels\n";
  expect_error<platen::ImageError>([&] { engine().read_page(not_image); }, "notes.tif");
  const std::string junk = "not an image at all";
  expect_error<platen::ImageError>(
      [&] { engine().read_page(reinterpret_cast<const std::uint8_t*>(junk.data()), junk.size(), 0, "upload 17"); },
      "upload 17");

  platen::EngineOptions no_model;
  no_model.model_path = dir + "/absent.platen";
  expect_error<platen::ModelError>([&] { platen::Engine::open(no_model); }, "absent.platen");

  const std::string corrupt = dir + "/corrupt.platen";
  std::ofstream(corrupt) << "PLATEN but not really a model";
  platen::EngineOptions bad_model;
  bad_model.model_path = corrupt;
  expect_error<platen::ModelError>([&] { platen::Engine::open(bad_model); }, "corrupt.platen");

  platen::EngineOptions unknown_language;
  unknown_language.languages = {"xyz"};
  expect_error<platen::ModelError>([&] { platen::Engine::open(unknown_language); }, "xyz");

  platen::EngineOptions negative_threads;
  negative_threads.threads = -2;
  EXPECT_THROW(platen::Engine::open(negative_threads), platen::Error);

  platen::EngineOptions languages_without_lm;
  languages_without_lm.use_language_model = false;
  languages_without_lm.languages = {"eng"};
  EXPECT_THROW(platen::Engine::open(languages_without_lm), platen::Error);
}

TEST(Engine, PagesOverTheirPixelCapFailFromTheHeader) {
  platen::EngineOptions small_cap;
  small_cap.single_line = true;
  small_cap.use_language_model = false;
  small_cap.max_pixels = 1000;  // the sample line is far larger
  const platen::Engine capped = platen::Engine::open(small_cap);
  expect_error<platen::ImageError>([&] { capped.read_page(sample_line()); }, "ehri-EHRI-BF-19380509b");
}

}  // namespace
