// `ocr` on the damaged and unusual inputs of issue 13, run as a user runs it, with the shipped
// model: exit status, standard output and error, the time taken and the peak memory (printed
// as "[ figures  ]" lines for the closing table). Each input is made in the test.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "image/pix.h"
#include "test_images.h"
#include "test_paths.h"
#include "test_shell.h"

namespace platen {
namespace {

namespace fs = std::filesystem;
using test::contains;
using test::lines_of;
using test::shell_quote;
using test::RunStats;

/// Standard error's lines other than the low-confidence notices of pages that were read.
std::vector<std::string> error_lines(const std::string& err) {
  std::vector<std::string> kept;
  for (const std::string& line : lines_of(err))
    if (!contains(line, ": read with low confidence ")) kept.push_back(line);
  return kept;
}

class InputFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    page_ = test::sample_text_page().release();
    dir_ = test::make_temp_dir();
    png_ = dir_ + "/page.png";
    ASSERT_EQ(pixWrite(png_.c_str(), page_, IFF_PNG), 0);
    // What every refused input is measured against: the same run on a missing file.
    baseline_ = new RunStats(ocr(shell_quote(dir_ + "/missing.png")));
    png_run_ = new RunStats(ocr(shell_quote(png_)));
  }
  static void TearDownTestSuite() {
    pixDestroy(&page_);
    delete baseline_;
    delete png_run_;
  }

  /// `ocr ARGS` through sh (ARGS already quoted), measured.
  static RunStats ocr(const std::string& args, const std::string& env = "") {
    return test::run_measured(env + (env.empty() ? "" : " ") + "exec " + shell_quote(test::ocr_binary()) + " " + args);
  }
  static std::string path(const std::string& name) { return dir_ + "/" + name; }
  static void figures(const std::string& name, const RunStats& r) {
    const std::vector<std::string> errors = error_lines(r.err);
    std::printf("[ figures  ] %s | exit %d | %.2f s | %ld MB peak | %s\n", name.c_str(), r.status, r.seconds,
                r.peak_kb / 1024, errors.empty() ? "" : errors.front().c_str());
  }
  /// A refused input: exit 1, nothing read, one error line naming `file`, and no more memory
  /// than `ocr` takes for a missing file (model and language models loaded) plus `slack_mb`.
  static void expect_refused(const RunStats& r, const std::string& file, long slack_mb = 64) {
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.out, "");
    const std::vector<std::string> errors = error_lines(r.err);
    ASSERT_EQ(errors.size(), 1u) << r.err;
    EXPECT_TRUE(contains(errors[0], "'" + file + "'")) << errors[0];
    EXPECT_EQ(errors[0].rfind("ocr: ", 0), 0u) << errors[0];
    EXPECT_LT(r.peak_kb, baseline_->peak_kb + slack_mb * 1024) << "baseline " << baseline_->peak_kb << " KB";
  }

  static Pix* page_;
  static std::string dir_, png_;
  static RunStats* baseline_;
  static RunStats* png_run_;
};
Pix* InputFiles::page_ = nullptr;
std::string InputFiles::dir_, InputFiles::png_;
RunStats* InputFiles::baseline_ = nullptr;
RunStats* InputFiles::png_run_ = nullptr;

TEST_F(InputFiles, PlainPngAndMissingFileGiveTheReferenceFigures) {
  figures("missing file", *baseline_);
  figures("plain PNG", *png_run_);
  EXPECT_EQ(baseline_->status, 1);
  ASSERT_EQ(png_run_->status, 0) << png_run_->err;
  EXPECT_TRUE(contains(png_run_->out, "Lordship Park")) << png_run_->out;
}

TEST_F(InputFiles, TruncatedMultiPageTiffWritesEarlierPagesAndNamesTheLaterFailed) {
  const std::string whole = path("three.tif");
  ASSERT_EQ(pixWriteTiff(whole.c_str(), page_, IFF_TIFF_LZW, "w"), 0);
  ASSERT_EQ(pixWriteTiff(whole.c_str(), page_, IFF_TIFF_LZW, "a"), 0);
  ASSERT_EQ(pixWriteTiff(whole.c_str(), page_, IFF_TIFF_LZW, "a"), 0);
  const std::string cut = test::write_file(path("three-cut.tif"), test::cut(test::file_bytes(whole), 0.85));
  const RunStats r = ocr(shell_quote(cut));
  figures("multi-page TIFF cut in page 3", r);
  EXPECT_EQ(r.status, 1) << r.err;
  // Pages 1 and 2 as the PNG reads them, page 3 an empty slot after its form feed.
  EXPECT_EQ(r.out, png_run_->out + "\f" + png_run_->out + "\f");
  const std::vector<std::string> errors = error_lines(r.err);
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_TRUE(contains(errors[0], "'" + cut + "' (page 3)")) << errors[0];
  EXPECT_TRUE(contains(errors[0], "cannot be trusted")) << errors[0];

  // With -o: the file of the pages that read, and the same error.
  const std::string out = path("out-tiff");
  const RunStats to_dir = ocr("-o " + shell_quote(out) + " " + shell_quote(cut));
  EXPECT_EQ(to_dir.status, 1) << to_dir.err;
  EXPECT_EQ(test::read_text_file(out + "/three-cut.txt"), png_run_->out + "\f" + png_run_->out + "\f");
  EXPECT_TRUE(contains(to_dir.err, "(page 3)")) << to_dir.err;
}

TEST_F(InputFiles, JpegCutShortEndingWithEoiAndJpegWithAStrayMarkerFailTheirPage) {
  std::vector<std::uint8_t> jpeg = test::jpeg_bytes(page_, test::JpegInk::grey);
  std::vector<std::uint8_t> eoi = test::cut(jpeg, 0.6);
  if (eoi.back() == 0xFF) eoi.pop_back();
  eoi.insert(eoi.end(), {0xFF, 0xD9});
  std::vector<std::uint8_t> stray = jpeg;
  std::size_t at = stray.size() / 2;
  while (stray[at - 1] == 0xFF || stray[at] == 0x00) ++at;
  stray.insert(stray.begin() + static_cast<std::ptrdiff_t>(at), {0xFF, 0xD3});
  const std::string eoi_file = test::write_file(path("cut-eoi.jpg"), eoi);
  const std::string stray_file = test::write_file(path("stray.jpg"), stray);
  for (const std::string& file : {eoi_file, stray_file}) {
    SCOPED_TRACE(file);
    const RunStats r = ocr(shell_quote(file));
    figures(file == eoi_file ? "JPEG cut at 60% + EOI" : "JPEG with stray RST3 marker", r);
    expect_refused(r, file);
    EXPECT_TRUE(contains(r.err, "(page 1): damaged or truncated JPEG")) << r.err;
    EXPECT_TRUE(contains(r.err, "Corrupt JPEG data") || contains(r.err, "Premature end")) << r.err;
  }
}

TEST_F(InputFiles, JpegWithJunkAfterItsStartMarkerIsRefusedByTheJpegDecoderInOneLine) {
  // Found in CI's fuzz stage: FF D8 not followed by FF went to Leptonica's reader, whose libjpeg
  // printed "Corrupt JPEG data: … extraneous bytes" raw on standard error.
  std::vector<std::uint8_t> jpeg = test::jpeg_bytes(page_, test::JpegInk::grey);
  jpeg.insert(jpeg.begin() + 2, {0x03, 0x08, 0x00, 0x10});
  const std::string file = test::write_file(path("junk-after-soi.jpg"), jpeg);
  const RunStats r = ocr(shell_quote(file));
  figures("JPEG with junk after its start marker", r);
  expect_refused(r, file);
  EXPECT_TRUE(contains(r.err, "(page 1): damaged or truncated JPEG")) << r.err;
  EXPECT_TRUE(contains(r.err, "extraneous bytes")) << r.err;
}

TEST_F(InputFiles, LyingRgbTiffHeaderIsRefusedFastWithLittleMemory) {
  // Directory first: 17,320 × 17,320 RGB (just under the 3e8 px cap), LZW, one strip of
  // 540 KB: decoding it would take 900 MB of samples (2.4 GB as it once did).
  std::vector<std::uint8_t> b = {'I', 'I', 42, 0, 8, 0, 0, 0};
  auto put16 = [&](std::uint32_t v) { b.push_back(v & 0xFF); b.push_back((v >> 8) & 0xFF); };
  auto put32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back((v >> (8 * i)) & 0xFF); };
  const std::uint32_t n = 17320, entries = 9, bps_at = 8 + 2 + 9 * 12 + 4, data_at = bps_at + 6;
  const std::uint32_t data = 540 * 1024;
  const std::uint32_t e[entries][4] = {{256, 4, 1, n}, {257, 4, 1, n}, {258, 3, 3, bps_at}, {259, 3, 1, 5},
                                       {262, 3, 1, 2}, {273, 4, 1, data_at}, {277, 3, 1, 3}, {278, 4, 1, n},
                                       {279, 4, 1, data}};
  put16(entries);
  for (const auto& x : e) {
    put16(x[0]);
    put16(x[1]);
    put32(x[2]);
    if (x[1] == 3 && x[2] == 1) { put16(x[3]); put16(0); } else { put32(x[3]); }
  }
  put32(0);
  put16(8), put16(8), put16(8);
  for (std::uint32_t i = 0; i < data; ++i) b.push_back(static_cast<std::uint8_t>((i * 2654435761u) >> 24));
  const std::string file = test::write_file(path("lying.tif"), b);
  const RunStats r = ocr(shell_quote(file));
  figures("RGB TIFF claiming 17320x17320 on 540 KB (LZW)", r);
  expect_refused(r, file, 16);
  EXPECT_TRUE(contains(r.err, "17320x17320 px")) << r.err;
  EXPECT_TRUE(contains(r.err, "too short for the image its header claims")) << r.err;
}

TEST_F(InputFiles, LyingJpegHeadersBaselineAndProgressiveAreRefusedFastWithLittleMemory) {
  // The sample page's grey JPEG with its frame header claiming 17,320 × 17,320 px (under the
  // 3e8 px cap). A progressive decoder keeps every coefficient of the image (600 MB here)
  // before it finds the data short, so the refusal must come from the header.
  for (bool progressive : {false, true}) {
    SCOPED_TRACE(progressive ? "progressive" : "baseline");
    const std::vector<std::uint8_t> jpeg = test::jpeg_bytes(page_, test::JpegInk::grey, 92, progressive);
    const std::string name = progressive ? "lying-progressive.jpg" : "lying-baseline.jpg";
    const std::string file = test::write_file(path(name), test::with_frame_size(jpeg, 17320, 17320));
    const RunStats r = ocr(shell_quote(file));
    figures(std::string(progressive ? "progressive" : "baseline") + " JPEG claiming 17320x17320 on " +
                std::to_string(jpeg.size() / 1024) + " KB",
            r);
    expect_refused(r, file, 16);
    EXPECT_TRUE(contains(r.err, "17320x17320 px")) << r.err;
    EXPECT_TRUE(contains(r.err, "too short for the image its header claims")) << r.err;
  }
}

TEST_F(InputFiles, FifoWithNoWriterEndsWithinTheSilenceLimit) {
  const std::string fifo = path("silent.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const RunStats r = ocr(shell_quote(fifo), "PLATEN_STREAM_TIMEOUT=2");
  figures("FIFO with no writer (limit 2 s)", r);
  expect_refused(r, fifo);
  EXPECT_TRUE(contains(r.err, "no data came for 2 s")) << r.err;
  EXPECT_GE(r.seconds, 2.0);
  EXPECT_LT(r.seconds, 30.0);  // never a hang (a broken limit would wait forever)
}

TEST_F(InputFiles, FifoWithAWriterReadsLikeTheFileAndAFolderNeedsR) {
  const std::string fifo = path("page.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const RunStats r = test::run_measured("cat " + shell_quote(png_) + " > " + shell_quote(fifo) + " & exec " +
                                        shell_quote(test::ocr_binary()) + " " + shell_quote(fifo));
  figures("FIFO with a writer (PNG)", r);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, png_run_->out);
  const std::string folder = path("scans");
  fs::create_directory(folder);
  const RunStats f = ocr(shell_quote(folder));
  expect_refused(f, folder);
  EXPECT_TRUE(contains(f.err, "-r")) << f.err;
}

TEST_F(InputFiles, PdfInputScannedTextLayerEncryptedAndDamaged) {
  test::PdfPage scanned;
  scanned.jpeg = test::jpeg_bytes(page_, test::JpegInk::grey);
  scanned.width = pixGetWidth(page_);
  scanned.height = pixGetHeight(page_);
  scanned.dpi = 200;
  test::PdfPage layered = scanned;
  layered.hidden_text = "An earlier reading of this page";
  const std::vector<std::uint8_t> pdf = test::pdf_bytes({scanned, layered});
  const std::string file = test::write_file(path("scan.pdf"), pdf);
  const std::string jpeg = test::write_file(path("scan.jpg"), scanned.jpeg);
  const RunStats as_jpeg = ocr(shell_quote(jpeg));
  const RunStats read = ocr(shell_quote(file));
  figures("scanned-image PDF, 2 pages", read);
  EXPECT_EQ(read.status, 0) << read.err;
  EXPECT_EQ(read.out, as_jpeg.out + "\f" + as_jpeg.out);
  const RunStats skip = ocr("--skip-text " + shell_quote(file));
  figures("PDF with a text layer, --skip-text", skip);
  EXPECT_EQ(skip.status, 0) << skip.err;
  EXPECT_EQ(skip.out, as_jpeg.out + "\fAn earlier reading of this page\n");

  const std::string locked = test::write_file(path("locked.pdf"), test::encrypted_pdf(pdf, "secret"));
  const RunStats enc = ocr(shell_quote(locked));
  figures("encrypted PDF", enc);
  expect_refused(enc, locked);
  EXPECT_TRUE(contains(enc.err, "encrypted")) << enc.err;

  const std::string damaged = test::write_file(path("cut.pdf"), test::cut(pdf, 0.3));
  const RunStats dmg = ocr(shell_quote(damaged));
  figures("PDF cut at 30%", dmg);
  EXPECT_EQ(dmg.status, 1) << dmg.err;
  const std::vector<std::string> errors = error_lines(dmg.err);
  ASSERT_FALSE(errors.empty());
  for (const std::string& line : errors) EXPECT_TRUE(contains(line, "'" + damaged + "'")) << line;
}

TEST_F(InputFiles, CodecMessagesNeverReachStandardErrorRawUnderJobs) {
  // Damaged files of each codec at once: every line on standard error is one of ocr's own.
  std::vector<std::uint8_t> jpeg = test::jpeg_bytes(page_, test::JpegInk::grey);
  std::string args = "-j 2";
  for (int i = 0; i < 3; ++i) {
    std::vector<std::uint8_t> bytes = test::cut(jpeg, 0.5 + 0.1 * i);
    bytes.insert(bytes.end(), {0xFF, 0xD9});
    args += " " + shell_quote(test::write_file(path("j" + std::to_string(i) + ".jpg"), bytes));
  }
  ASSERT_EQ(pixWrite(path("whole.tif").c_str(), page_, IFF_TIFF_LZW), 0);
  ASSERT_EQ(pixWrite(path("whole.png").c_str(), page_, IFF_PNG), 0);
  for (const char* name : {"whole.tif", "whole.png"}) {
    std::vector<std::uint8_t> bytes = test::file_bytes(path(name));
    // Flip bytes in the middle of the image data: a CRC error for PNG, an LZW error for TIFF.
    for (std::size_t k = bytes.size() / 3; k < bytes.size() / 3 + 64; ++k) bytes[k] ^= 0x5A;
    args += " " + shell_quote(test::write_file(path(std::string("bad-") + name), bytes));
  }
  args += " " + shell_quote(png_);
  const RunStats r = ocr(args);
  EXPECT_EQ(r.status, 1);
  const std::vector<std::string> errors = error_lines(r.err);
  EXPECT_EQ(errors.size(), 5u) << r.err;
  for (const std::string& line : errors) {
    EXPECT_EQ(line.rfind("ocr: cannot read image '", 0), 0u) << line;
  }
}

TEST_F(InputFiles, HelpListsEveryFormatRead) {
  const RunStats r = ocr("--help");
  EXPECT_EQ(r.status, 0);
  for (const char* format : {"TIFF", "PNG", "JPEG", "JPEG 2000", ".jp2", ".j2k", "WebP", "GIF", "BMP", "PNM", "PDF",
                             "CMYK", "YCCK", "tiles", "palette", "EXIF orientation", "--skip-text", "--max-pixels"})
    EXPECT_TRUE(contains(r.out, format)) << format;
}

}  // namespace
}  // namespace platen
