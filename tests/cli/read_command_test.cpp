// Behaviour of `ocr [options] IMAGE...`, run as a user runs it: the built binary through the
// shell, checking exit status, standard output, standard error and the files written.
//
// A model with random weights is used: these tests are about exit codes, files, ordering and
// thread-count independence, which any model shows. Accuracy is tested with the real model.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "image/pix.h"
#include "test_pages.h"
#include "test_paths.h"
#include "test_shell.h"

namespace platen {
namespace {

namespace fs = std::filesystem;
using test::lines_of;
using test::shell_quote;

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

/// Standard error without the "read with low confidence" notices, which the test pages (rings,
/// not letters) rightly get: each such notice is checked to name a page and its confidence.
std::string without_low_confidence_notices(const std::string& err) {
  std::string kept;
  for (const std::string& line : lines_of(err)) {
    const std::size_t at = line.find(": read with low confidence ");
    if (at != std::string::npos && line.rfind("ocr: ", 0) == 0 && line.find(": page ") < at) continue;
    kept += line + "\n";
  }
  return kept;
}

PixPtr uniform_page(int width, int height, int depth, bool black) {
  PixPtr pix = adopt(pixCreate(width, height, depth));
  // Leptonica's 1 bpp: 1 = black; 8 bpp: 0 = black.
  if ((depth == 1) == black) pixSetAll(pix.get());
  else pixClearAll(pix.get());
  return pix;
}

struct Outcome {
  int status = -1;  ///< exit status; -1 when killed by a signal (a crash)
  std::string out, err;
};

class ReadCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test::make_temp_dir();
    model_ = test::save_random_model(dir_ + "/random.platen", 5);
    for (int i = 0; i < 4; ++i) {
      const std::string path = dir_ + "/page" + std::to_string(i) + ".png";
      ASSERT_EQ(pixWrite(path.c_str(), test::text_like_page(2 + i, 40 + i).get(), IFF_PNG), 0);
      pages_.push_back(path);
    }
  }

  /// Runs `ocr` with the random model (unless `with_model` is false) and `args` (already
  /// quoted), standard input from `stdin_path` or /dev/null.
  static Outcome ocr(const std::string& args, const std::string& stdin_path = "/dev/null",
                     bool with_model = true) {
    static int n = 0;
    const std::string out = dir_ + "/stdout" + std::to_string(n), err = dir_ + "/stderr" + std::to_string(n);
    ++n;
    const std::string command = shell_quote(test::ocr_binary()) + (with_model ? " --model " + shell_quote(model_) : "") +
                                " " + args + " <" + shell_quote(stdin_path) + " >" + shell_quote(out) + " 2>" + shell_quote(err);
    const int rc = std::system(command.c_str());
    Outcome o;
    o.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    o.out = test::read_text_file(out);
    o.err = test::read_text_file(err);
    fs::remove(out);
    fs::remove(err);
    return o;
  }

  static std::string q(const std::string& path) { return shell_quote(path); }

  /// A fresh folder for one test's own files.
  static std::string fresh_dir() { return test::make_temp_dir(); }

  static std::string dir_, model_;
  static std::vector<std::string> pages_;
};
std::string ReadCommand::dir_, ReadCommand::model_;
std::vector<std::string> ReadCommand::pages_;

/// Each kind of unreadable input: exit 1, nothing on standard output, one line on standard
/// error naming the file — never a crash or a hang.
TEST_F(ReadCommand, EachBadInputExitsOneWithOneLineNamingTheFile) {
  const std::string d = fresh_dir();
  std::vector<std::string> bad;
  bad.push_back(d + "/missing.png");

  write_bytes(d + "/notes.png", "these are not pixels\n");
  bad.push_back(d + "/notes.png");

  write_bytes(d + "/empty.jpg", "");
  bad.push_back(d + "/empty.jpg");

  PixPtr page = test::text_like_page(4, 3);
  PixPtr rgb = adopt(pixConvertTo32(page.get()));
  ASSERT_EQ(pixWrite((d + "/whole.jpg").c_str(), rgb.get(), IFF_JFIF_JPEG), 0);
  const std::string jpeg = test::read_text_file(d + "/whole.jpg");
  write_bytes(d + "/truncated.jpg", jpeg.substr(0, jpeg.size() / 2));
  bad.push_back(d + "/truncated.jpg");

  ASSERT_EQ(pixWrite((d + "/whole.tif").c_str(), page.get(), IFF_TIFF_LZW), 0);
  const std::string tiff = test::read_text_file(d + "/whole.tif");
  write_bytes(d + "/truncated.tif", tiff.substr(0, tiff.size() / 2));
  bad.push_back(d + "/truncated.tif");

  ASSERT_EQ(pixWrite((d + "/dot.png").c_str(), uniform_page(1, 1, 8, false).get(), IFF_PNG), 0);
  bad.push_back(d + "/dot.png");

  // 1 bpp keeps the file tiny; the size in its header is what must be refused.
  ASSERT_EQ(pixWrite((d + "/huge.png").c_str(), uniform_page(30001, 4, 1, false).get(), IFF_PNG), 0);
  bad.push_back(d + "/huge.png");

  fs::create_directory(d + "/folder.png");
  bad.push_back(d + "/folder.png");

  for (const std::string& file : bad) {
    const Outcome o = ocr(q(file));
    EXPECT_EQ(o.status, 1) << file << "\n" << o.err;
    EXPECT_EQ(o.out, "") << file;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << file << "\n" << o.err;
    EXPECT_NE(o.err.find(file), std::string::npos) << o.err;
  }
}

TEST_F(ReadCommand, BatchWithOneBadFileStillOutputsTheGoodOnes) {
  const std::string missing = fresh_dir() + "/missing.tif";
  const Outcome first = ocr(q(pages_[0]));
  const Outcome second = ocr(q(pages_[1]));
  ASSERT_EQ(first.status, 0) << first.err;
  ASSERT_EQ(second.status, 0) << second.err;
  const Outcome o = ocr(q(pages_[0]) + " " + q(missing) + " " + q(pages_[1]));
  EXPECT_EQ(o.status, 1);
  // The missing file keeps its (empty) slot, so page N of the output is input N.
  EXPECT_EQ(o.out, first.out + "\f\f" + second.out);
  EXPECT_EQ(lines_of(without_low_confidence_notices(o.err)).size(), 1u) << o.err;
  EXPECT_NE(o.err.find(missing), std::string::npos) << o.err;
  // Rings are no letters: each page is read (status of the batch unchanged) and named.
  EXPECT_NE(o.err.find("ocr: " + pages_[0] + ": page 1: read with low confidence 0."), std::string::npos) << o.err;
}

TEST_F(ReadCommand, OutputIsIdenticalForAnyThreadCount) {
  std::vector<std::string> inputs = pages_;
  const std::string dev = test::typewritten_dataset_dir();
  if (!dev.empty() && fs::is_directory(dev + "/dev/pages")) {
    std::vector<std::string> real;
    for (const auto& entry : fs::directory_iterator(dev + "/dev/pages"))
      if (entry.path().extension() == ".jpg") real.push_back(entry.path().string());
    std::sort(real.begin(), real.end());
    real.resize(std::min<std::size_t>(real.size(), 3));
    inputs.insert(inputs.begin() + 1, real.begin(), real.end());
  }
  std::string args;
  for (const std::string& input : inputs) args += " " + q(input);
  const Outcome one = ocr("-j 1" + args);
  const Outcome two = ocr("-j 2" + args);
  const Outcome four = ocr("-j 4" + args);
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(four.status, 0) << four.err;
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\f'), static_cast<long>(inputs.size()) - 1);
  EXPECT_TRUE(one.out == two.out) << "-j 1 and -j 2 differ";
  EXPECT_TRUE(one.out == four.out) << "-j 1 and -j 4 differ";
}

TEST_F(ReadCommand, PagesAreSeparatedByFormFeedsAndASinglePageHasNone) {
  std::vector<std::string> single;
  for (int i = 0; i < 3; ++i) {
    const Outcome o = ocr(q(pages_[i]));
    ASSERT_EQ(o.status, 0) << o.err;
    EXPECT_EQ(o.out.find('\f'), std::string::npos);
    ASSERT_FALSE(o.out.empty());
    EXPECT_EQ(o.out.back(), '\n');
    single.push_back(o.out);
  }
  const Outcome all = ocr(q(pages_[0]) + " " + q(pages_[1]) + " " + q(pages_[2]));
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(all.out, single[0] + "\f" + single[1] + "\f" + single[2]);
  EXPECT_EQ(without_low_confidence_notices(all.err), "");
}

TEST_F(ReadCommand, OutputFolderGetsOneFilePerInputAndNoTemporaryFile) {
  const std::string out = fresh_dir() + "/text";  // created by ocr
  const Outcome o = ocr("-o " + q(out) + " " + q(pages_[0]) + " " + q(pages_[1]));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(test::read_text_file(out + "/page0.txt"), ocr(q(pages_[0])).out);
  EXPECT_EQ(test::read_text_file(out + "/page1.txt"), ocr(q(pages_[1])).out);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(out)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  // .platen holds the resume journal (tests/batch cover it).
  EXPECT_EQ(names, (std::vector<std::string>{".platen", "page0.txt", "page1.txt"}));
}

TEST_F(ReadCommand, SameStemTwiceIsAUsageErrorBeforeAnyOutput) {
  const std::string d = fresh_dir();
  fs::create_directories(d + "/a");
  fs::create_directories(d + "/b");
  fs::copy_file(pages_[0], d + "/a/scan.png");
  fs::copy_file(pages_[1], d + "/b/scan.png");
  const Outcome o = ocr("-o " + q(d + "/out") + " " + q(pages_[2]) + " " + q(d + "/a/scan.png") + " " +
                        q(d + "/b/scan.png"));
  EXPECT_EQ(o.status, 2);
  EXPECT_EQ(o.out, "");
  EXPECT_NE(o.err.find("scan"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(d + "/out/page2.txt")) << "work started before the usage error";
}

TEST_F(ReadCommand, MultiPageTiffGivesOneOutputWithFormFeeds) {
  const std::string d = fresh_dir();
  const std::string tiff = d + "/letter.tif";
  std::vector<std::string> single;
  for (int p = 0; p < 3; ++p) {
    PixPtr grey = test::text_like_page(2 + p, 70 + p);
    PixPtr page = adopt(pixConvertTo1(grey.get(), 128));  // G4 stores 1 bpp
    pixSetResolution(page.get(), 300, 300);
    ASSERT_EQ(pixWriteTiff(tiff.c_str(), page.get(), IFF_TIFF_G4, p == 0 ? "w" : "a"), 0);
    const std::string alone = d + "/p" + std::to_string(p) + ".png";
    ASSERT_EQ(pixWrite(alone.c_str(), page.get(), IFF_PNG), 0);
    single.push_back(ocr(q(alone)).out);
  }
  const Outcome o = ocr("-o " + q(d + "/out") + " " + q(tiff));
  ASSERT_EQ(o.status, 0) << o.err;
  const std::string text = test::read_text_file(d + "/out/letter.txt");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\f'), 2);
  // Each TIFF page reads exactly like the same pixels in a file of its own.
  EXPECT_EQ(text, single[0] + "\f" + single[1] + "\f" + single[2]);
  const Outcome to_stdout = ocr(q(tiff));
  EXPECT_EQ(to_stdout.out, text);
}

TEST_F(ReadCommand, LineModePrintsEachImageAsOneLine) {
  const std::string d = fresh_dir();
  PixPtr page = test::text_like_page(2, 9, 700);
  std::string args = "--line";
  for (int i = 0; i < 2; ++i) {
    PixPtr crop = adopt(pixClipRectangle(page.get(), test::rect(0, 50 + 60 * i, 700, 60).get(), nullptr));
    const std::string path = d + "/line" + std::to_string(i) + ".png";
    ASSERT_EQ(pixWrite(path.c_str(), crop.get(), IFF_PNG), 0);
    args += " " + q(path);
  }
  const Outcome o = ocr(args);
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 2) << o.out;
  EXPECT_EQ(o.out.find('\f'), std::string::npos);
  ASSERT_FALSE(o.out.empty());
  EXPECT_EQ(o.out.back(), '\n');
}

TEST_F(ReadCommand, TsvIsTesseractsWordTableWithBoxesInsideThePage) {
  const std::string out = fresh_dir() + "/tsv";
  const Outcome o = ocr("--tsv -o " + q(out) + " " + q(pages_[3]));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "");
  const std::string tsv = test::read_text_file(out + "/page3.tsv");
  const std::vector<std::string> rows = lines_of(tsv);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext");
  const std::vector<std::string> text = lines_of(ocr(q(pages_[3])).out);
  PixPtr pix = adopt(pixRead(pages_[3].c_str()));
  const int width = pixGetWidth(pix.get()), height = pixGetHeight(pix.get());
  // Words of each level-4 line joined by spaces give the text's lines, in order.
  std::vector<std::string> tsv_lines;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i]);
    std::vector<std::string> f;
    std::size_t start = 0, tab;
    while ((tab = rows[i].find('\t', start)) != std::string::npos) {
      f.push_back(rows[i].substr(start, tab - start));
      start = tab + 1;
    }
    f.push_back(rows[i].substr(start));
    ASSERT_EQ(f.size(), 12u);
    EXPECT_EQ(f[1], "1");
    const int left = std::stoi(f[6]), top = std::stoi(f[7]), w = std::stoi(f[8]), h = std::stoi(f[9]);
    EXPECT_GE(left, 0);
    EXPECT_GE(top, 0);
    EXPECT_LE(left + w, width);
    EXPECT_LE(top + h, height);
    if (f[0] == "4") tsv_lines.emplace_back();
    if (f[0] == "5") {
      ASSERT_FALSE(tsv_lines.empty());
      EXPECT_GE(std::stod(f[10]), 0.0);
      EXPECT_LE(std::stod(f[10]), 100.0);
      tsv_lines.back() += (tsv_lines.back().empty() ? "" : " ") + f[11];
    } else {
      EXPECT_EQ(f[10], "-1");
    }
  }
  EXPECT_EQ(tsv_lines, text);
  // To standard output, and as --format tsv: the same table.
  EXPECT_EQ(ocr("--tsv " + q(pages_[3])).out, tsv);
  EXPECT_EQ(ocr("--format tsv " + q(pages_[3])).out, tsv);
}

TEST_F(ReadCommand, StandardInputReadsLikeAFile) {
  const Outcome file = ocr(q(pages_[2]));
  const Outcome piped = ocr("-", pages_[2]);
  ASSERT_EQ(piped.status, 0) << piped.err;
  EXPECT_EQ(piped.out, file.out);
  const std::string out = fresh_dir();
  const Outcome to_dir = ocr("-o " + q(out) + " -", pages_[2]);
  ASSERT_EQ(to_dir.status, 0) << to_dir.err;
  EXPECT_EQ(test::read_text_file(out + "/stdin.txt"), file.out);
}

TEST_F(ReadCommand, BlankPagesGiveEmptyTextAndExitZero) {
  const std::string d = fresh_dir();
  ASSERT_EQ(pixWrite((d + "/white.png").c_str(), uniform_page(1000, 1400, 8, false).get(), IFF_PNG), 0);
  ASSERT_EQ(pixWrite((d + "/black.png").c_str(), uniform_page(1000, 1400, 8, true).get(), IFF_PNG), 0);
  ASSERT_EQ(pixWrite((d + "/black.tif").c_str(), uniform_page(1000, 1400, 1, true).get(), IFF_TIFF_G4), 0);
  for (const char* name : {"/white.png", "/black.png", "/black.tif"}) {
    const Outcome o = ocr(q(d + name));
    EXPECT_EQ(o.status, 0) << name << ": " << o.err;
    EXPECT_EQ(o.out, "") << name;
  }
}

TEST_F(ReadCommand, FilesFromReadsOnePathPerLine) {
  const std::string list = fresh_dir() + "/list.txt";
  write_bytes(list, pages_[0] + "\n\n" + pages_[1] + "\r\n");
  const Outcome listed = ocr("--files-from " + q(list));
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_EQ(listed.out, ocr(q(pages_[0]) + " " + q(pages_[1])).out);
}

TEST_F(ReadCommand, UsageErrorsExitTwoWithoutOutput) {
  const std::string d = fresh_dir();
  write_bytes(d + "/bad.platen", "not a model");
  const std::vector<std::pair<std::string, bool>> cases = {
      {"", true},                                                       // no inputs
      {"-l eng+xyz " + q(pages_[0]), true},                             // unknown language
      {"-l " + q("") + " " + q(pages_[0]), true},                       // empty language list
      {"--files-from " + q(d + "/no-list.txt"), true},                  // missing list
      {"-j 0 " + q(pages_[0]), true},                                   // no threads
      {"--dpi 5 " + q(pages_[0]), true},                                // implausible resolution
      {"--precision f16 " + q(pages_[0]), true},                        // unknown precision
      {"--no-such-option " + q(pages_[0]), true},                       // unknown option
      {"- -", true},                                                    // standard input twice
      {"--model " + q(d + "/bad.platen") + " " + q(pages_[0]), false},  // unusable model
      {"--model " + q(d + "/none.platen") + " " + q(pages_[0]), false}, // missing model
  };
  for (const auto& [args, with_model] : cases) {
    const Outcome o = ocr(args, "/dev/null", with_model);
    EXPECT_EQ(o.status, 2) << "ocr " << args << "\n" << o.err;
    EXPECT_EQ(o.out, "") << "ocr " << args;
    EXPECT_FALSE(o.err.empty()) << "ocr " << args;
  }
}

TEST_F(ReadCommand, HelpShowsExamplesAndExitStatusAndVersionPrints) {
  const Outcome help = ocr("--help", "/dev/null", false);
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("Examples"), std::string::npos);
  EXPECT_NE(help.out.find("Exit status"), std::string::npos);
  EXPECT_NE(help.out.find("--files-from"), std::string::npos);
  const Outcome version = ocr("--version", "/dev/null", false);
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.out.find(PLATEN_VERSION), std::string::npos);
}

TEST_F(ReadCommand, TimingsGoToStandardErrorOnly) {
  const Outcome plain = ocr(q(pages_[0]) + " " + q(pages_[1]));
  const Outcome timed = ocr("--timings " + q(pages_[0]) + " " + q(pages_[1]));
  ASSERT_EQ(timed.status, 0) << timed.err;
  EXPECT_EQ(timed.out, plain.out);
  const std::vector<std::string> lines = lines_of(without_low_confidence_notices(timed.err));
  ASSERT_EQ(lines.size(), 3u) << timed.err;  // two pages and the total
  for (const std::string& line : lines) {
    for (const char* stage : {"decode ", "binarise ", "deskew ", "segment ", "recognise ", "decode text ", "write "})
      EXPECT_NE(line.find(stage), std::string::npos) << stage << " missing in: " << line;
  }
}

TEST_F(ReadCommand, NoLmAndLanguagesTogetherAreAUsageError) {
  const Outcome both = ocr("--no-lm -l eng " + q(pages_[0]));
  EXPECT_EQ(both.status, 2);
  EXPECT_NE(both.err.find("--no-lm"), std::string::npos) << both.err;
  EXPECT_EQ(ocr("--no-lm " + q(pages_[0])).status, 0);
}

}  // namespace
}  // namespace platen
