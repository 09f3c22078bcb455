// The input list: trees walked and mirrored, --files-from mirrored against --base, clashes.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "batch/input_list.h"
#include "core/errors.h"
#include "test_paths.h"

namespace platen::batch {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "x";
}

std::vector<std::string> stems(const std::vector<BatchInput>& inputs) {
  std::vector<std::string> out;
  for (const BatchInput& i : inputs) out.push_back(i.output_stem);
  return out;
}

TEST(InputList, TreeWithRepeatedStemsIsMirroredSortedAndWithoutClash) {
  const fs::path d = test::make_temp_dir();
  touch(d / "in/box2/page-0001.tif");
  touch(d / "in/box1/folder2/page-0001.TIF");
  touch(d / "in/box1/folder1/page-0002.png");
  touch(d / "in/box1/folder1/page-0001.Jpg");
  touch(d / "in/box1/folder1/notes.txt");     // not a page
  touch(d / "in/box1/folder1/scan.pdf");
  touch(d / "in/.platen/journal-x.tif");      // a batch's own folder is never walked
  std::vector<WalkProblem> problems;
  const std::vector<BatchInput> inputs = build_input_list({(d / "in").string()}, {}, "", true, "", problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(stems(inputs), (std::vector<std::string>{"box1/folder1/page-0001", "box1/folder1/page-0002",
                                                     "box1/folder1/scan", "box1/folder2/page-0001",
                                                     "box2/page-0001"}));
  EXPECT_EQ(inputs[0].path, (d / "in/box1/folder1/page-0001.Jpg").string());
  EXPECT_NO_THROW(check_distinct_outputs(inputs, ".txt"));
}

TEST(InputList, SeveralRootsMirrorUnderTheirOwnNamesAndFilesKeepTheirStem) {
  const fs::path d = test::make_temp_dir();
  touch(d / "a/p.png");
  touch(d / "b/p.png");
  touch(d / "single/p.png");
  std::vector<WalkProblem> problems;
  const std::vector<BatchInput> inputs = build_input_list(
      {(d / "a").string(), (d / "b/").string(), (d / "single/p.png").string()}, {}, "", true, "", problems);
  EXPECT_EQ(stems(inputs), (std::vector<std::string>{"a/p", "b/p", "p"}));
}

TEST(InputList, OutputFolderInsideTheTreeIsNotWalked) {
  const fs::path d = test::make_temp_dir();
  touch(d / "tree/x/page.png");
  touch(d / "tree/out/old.png");  // e.g. an image a writer put there
  std::vector<WalkProblem> problems;
  const std::vector<BatchInput> inputs =
      build_input_list({(d / "tree").string()}, {}, "", true, (d / "tree/out").string(), problems);
  EXPECT_EQ(stems(inputs), (std::vector<std::string>{"x/page"}));
}

TEST(InputList, SymlinkLoopIsReportedAndWalkedOnce) {
  const fs::path d = test::make_temp_dir();
  touch(d / "tree/a/page.png");
  fs::create_directory_symlink("..", d / "tree/a/up");  // tree/a/up → tree: a loop
  std::vector<WalkProblem> problems;
  const std::vector<BatchInput> inputs = build_input_list({(d / "tree").string()}, {}, "", true, "", problems);
  EXPECT_EQ(stems(inputs), (std::vector<std::string>{"a/page"}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("loop"), std::string::npos) << problems[0].message;
  EXPECT_NE(problems[0].message.find("up"), std::string::npos) << problems[0].message;
}

TEST(InputList, FolderWithoutRecursiveIsAnInputLikeAFile) {
  const fs::path d = test::make_temp_dir();
  touch(d / "tree/page.png");
  std::vector<WalkProblem> problems;
  const std::vector<BatchInput> inputs = build_input_list({(d / "tree").string()}, {}, "", false, "", problems);
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].path, (d / "tree").string());
}

TEST(InputList, FilesFromMirrorsRelativeToTheBaseAndRefusesPathsOutsideIt) {
  const fs::path d = test::make_temp_dir();
  std::vector<WalkProblem> problems;
  const std::vector<BatchInput> inputs = build_input_list(
      {}, {(d / "scans/a/page.tif").string(), (d / "scans/b/page.tif").string()}, (d / "scans").string(), false,
      (d / "out").string(), problems);
  EXPECT_EQ(stems(inputs), (std::vector<std::string>{"a/page", "b/page"}));
  EXPECT_EQ(mirrored_output_stem((d / "x/../scans/./c/p.png").string(), (d / "scans").string()), "c/p");
  EXPECT_THROW(mirrored_output_stem((d / "other/p.png").string(), (d / "scans").string()), UsageError);
  EXPECT_THROW(mirrored_output_stem((d / "scans").string(), (d / "scans").string()), UsageError);
  // Without an output folder nothing is mirrored, so no base is needed.
  const std::vector<BatchInput> plain =
      build_input_list({}, {(d / "other/p.png").string()}, (d / "scans").string(), false, "", problems);
  EXPECT_EQ(stems(plain), (std::vector<std::string>{"p"}));
}

TEST(InputList, SameOutputTwiceIsAUsageErrorNamingBoth) {
  const std::vector<BatchInput> inputs = {{"a/scan.png", "scan"}, {"b/x.png", "x"}, {"c/scan.tif", "scan"}};
  try {
    check_distinct_outputs(inputs, ".txt");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("a/scan.png"), std::string::npos) << what;
    EXPECT_NE(what.find("c/scan.tif"), std::string::npos) << what;
    EXPECT_NE(what.find("scan.txt"), std::string::npos) << what;
  }
}

TEST(InputList, PageExtensionsMatchInAnyCase) {
  EXPECT_TRUE(has_page_extension("a/B.TIFF"));
  EXPECT_TRUE(has_page_extension("x.Pdf"));
  EXPECT_TRUE(has_page_extension("x.jpeg"));
  EXPECT_FALSE(has_page_extension("x.txt"));
  EXPECT_FALSE(has_page_extension("tif"));
  EXPECT_EQ(single_output_stem("scans/a.b.tif"), "a.b");
  EXPECT_EQ(single_output_stem("-"), "stdin");
}

}  // namespace
}  // namespace platen::batch
