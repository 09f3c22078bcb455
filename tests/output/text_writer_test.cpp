#include "output/text_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/errors.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

PageResult page(const std::string& file, int index, int count, const std::string& text, bool ok = true) {
  PageResult p;
  p.source = file;
  p.page_index = index;
  p.page_count = count;
  p.ok = ok;
  p.text = text;
  return p;
}

Line line(Box box, const std::string& text, float confidence) {
  Line l;
  l.box = box;
  l.text = text;
  l.confidence = confidence;
  return l;
}

TEST(OutputStem, DropsFolderAndLastExtensionAndNamesStandardInput) {
  EXPECT_EQ(output_stem("scans/letter.1938.tif"), "letter.1938");
  EXPECT_EQ(output_stem("page.png"), "page");
  EXPECT_EQ(output_stem("-"), "stdin");
  EXPECT_EQ(fs::path(output_path_for("out", "a/b.jpg")), fs::path("out") / "b.txt");
}

TEST(TextWriter, SinglePageHasNoFormFeed) {
  std::ostringstream out;
  TextWriter writer(out);
  writer.add(page("a.png", 0, 1, "one\n"));
  EXPECT_EQ(out.str(), "one\n");
  EXPECT_FALSE(writer.pending());
}

TEST(TextWriter, PagesOfConsecutiveFilesAreSeparatedByFormFeeds) {
  std::ostringstream out;
  TextWriter writer(out);
  writer.add(page("a.png", 0, 1, "one\n"));
  writer.add(page("b.tif", 0, 2, "two\n"));
  writer.add(page("b.tif", 1, 2, "three\n"));
  EXPECT_EQ(out.str(), "one\n\ftwo\n\fthree\n");
}

TEST(TextWriter, FailedPageKeepsAnEmptySlotInItsFile) {
  std::ostringstream out;
  TextWriter writer(out);
  writer.add(page("b.tif", 0, 3, "one\n"));
  writer.add(page("b.tif", 1, 3, "ignored\n", false));
  writer.add(page("b.tif", 2, 3, "three\n"));
  EXPECT_EQ(out.str(), "one\n\f\fthree\n");
}

TEST(TextWriter, FileWhosePagesAllFailedKeepsItsSlotOnAStream) {
  std::ostringstream out;
  TextWriter writer(out);
  writer.add(page("a.png", 0, 1, "one\n"));
  writer.add(page("missing.png", 0, 1, "", false));
  writer.add(page("c.png", 0, 1, "three\n"));
  EXPECT_EQ(out.str(), "one\n\f\fthree\n");
}

TEST(TextWriter, FailedLineKeepsAnEmptyLineWithoutFormFeeds) {
  std::ostringstream out;
  TextWriter writer(out, false);
  writer.add(page("a.png", 0, 1, "one\n"));
  writer.add(page("missing.png", 0, 1, "", false));
  writer.add(page("c.png", 0, 1, "three\n"));
  EXPECT_EQ(out.str(), "one\n\nthree\n");
}

TEST(TextWriter, WithoutFormFeedsPagesAreJustConcatenated) {
  std::ostringstream out;
  TextWriter writer(out, false);
  writer.add(page("l1.png", 0, 1, "first line\n"));
  writer.add(page("l2.png", 0, 1, "\n"));
  EXPECT_EQ(out.str(), "first line\n\n");
}

TEST(TextWriter, WritesOneFilePerInputAndLeavesNoTemporaryFile) {
  const fs::path dir = test::make_temp_dir();
  TextWriter writer(dir.string());
  writer.add(page("scans/a.png", 0, 1, "one\n"));
  writer.add(page("b.tif", 0, 2, "two\n"));
  EXPECT_FALSE(fs::exists(dir / "b.txt")) << "written before its last page arrived";
  writer.add(page("b.tif", 1, 2, ""));
  writer.add(page("-", 0, 1, "in\n"));
  std::ofstream(dir / "gone.txt") << "text of an earlier run\n";  // must not outlive this run
  writer.add(page("gone.png", 0, 1, "", false));
  EXPECT_EQ(test::read_text_file(dir / "a.txt"), "one\n");
  EXPECT_EQ(test::read_text_file(dir / "b.txt"), "two\n\f");
  EXPECT_EQ(test::read_text_file(dir / "stdin.txt"), "in\n");
  EXPECT_FALSE(fs::exists(dir / "gone.txt"));
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(entry.path().extension(), ".txt") << entry.path();
  }
  EXPECT_EQ(files, 3);
}

TEST(Tsv, OneRowPerNonEmptyLineWithBoxConfidenceAndText) {
  const std::vector<Line> lines = {line(Box{10, 20, 300, 30}, "Dear\tSir,", 0.9f),
                                   line(Box{10, 60, 100, 30}, "", 0.5f),
                                   line(Box{12, 100, 280, 31}, "yours", 1.0f)};
  EXPECT_EQ(tsv_header(), "page\tline\tleft\ttop\twidth\theight\tconf\ttext\n");
  EXPECT_EQ(tsv_rows(2, lines),
            "2\t1\t10\t20\t300\t30\t90.00\tDear Sir,\n"
            "2\t2\t12\t100\t280\t31\t100.00\tyours\n");
}

TEST(TextWriter, TsvWritesHeaderAndEveryPagesRowsToNameDotTsv) {
  const fs::path dir = test::make_temp_dir();
  TextWriter writer(dir.string(), true, OutputFormat::tsv);
  PageResult first = page("scans/a.tif", 0, 2, "one\n");
  first.lines = {line(Box{1, 2, 3, 4}, "one", 0.5f)};
  PageResult second = page("scans/a.tif", 1, 2, "two\n");
  second.lines = {line(Box{5, 6, 7, 8}, "two", 0.25f)};
  writer.add(first);
  writer.add(second);
  EXPECT_EQ(fs::path(output_path_for("out", "a/b.jpg", OutputFormat::tsv)), fs::path("out") / "b.tsv");
  EXPECT_FALSE(fs::exists(dir / "a.txt"));
  EXPECT_EQ(test::read_text_file(dir / "a.tsv"), tsv_header() + "1\t1\t1\t2\t3\t4\t50.00\tone\n2\t1\t5\t6\t7\t8\t25.00\ttwo\n");
}

TEST(TextWriter, UnwritableFolderThrowsErrorNamingTheOutputFile) {
  TextWriter writer((fs::path(test::make_temp_dir()) / "no" / "such" / "folder").string());
  try {
    writer.add(page("a.png", 0, 1, "one\n"));
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a.txt"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(writer.pending());
}

TEST(TextWriter, PagesOutOfOrderAreRefused) {
  std::ostringstream out;
  TextWriter writer(out);
  writer.add(page("b.tif", 0, 3, "one\n"));
  EXPECT_THROW(writer.add(page("b.tif", 2, 3, "three\n")), Error);
  EXPECT_THROW(writer.add(page("c.tif", 1, 2, "x\n")), Error);
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace platen
