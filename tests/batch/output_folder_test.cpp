// The output folder: refused at once when unusable, files written whole, reasons named.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "batch/output_folder.h"
#include "batch/scratch_mount.h"
#include "core/errors.h"
#include "test_paths.h"

namespace platen::batch {
namespace {

namespace fs = std::filesystem;

std::string usage_error_of(const std::string& dir) {
  try {
    check_output_folder(dir);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

std::size_t entries(const std::string& dir) {
  std::size_t n = 0;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) ++n;
  return n;
}

TEST(OutputFolder, AUsableFolderIsCreatedAndLeftEmpty) {
  const std::string dir = test::make_temp_dir() + "/new/out";
  EXPECT_EQ(usage_error_of(dir), "");
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_EQ(entries(dir), 0u) << "the write probe was left behind";
}

TEST(OutputFolder, AFileIsNotAFolder) {
  const std::string file = test::make_temp_dir() + "/file";
  std::ofstream(file) << "x";
  EXPECT_NE(usage_error_of(file).find("not a folder"), std::string::npos) << usage_error_of(file);
}

TEST(OutputFolder, AReadOnlyFolderIsAUsageErrorEvenForRoot) {
  const test::ScratchMount mount = test::ScratchMount::read_only();
  ASSERT_TRUE(mount.ok()) << mount.error();
  const std::string message = usage_error_of(mount.path());
  EXPECT_NE(message.find("read-only"), std::string::npos) << message;
  EXPECT_NE(message.find(mount.path()), std::string::npos) << message;
  EXPECT_NE(usage_error_of(mount.path() + "/sub").find("cannot create"), std::string::npos);
}

TEST(OutputFolder, LessThan64MiBFreeIsAUsageError) {
  const test::ScratchMount small = test::ScratchMount::tmpfs(32);
  ASSERT_TRUE(small.ok()) << small.error();
  const std::string message = usage_error_of(small.path());
  EXPECT_NE(message.find("MiB free"), std::string::npos) << message;
  EXPECT_NE(message.find("64"), std::string::npos) << message;
  const test::ScratchMount large = test::ScratchMount::tmpfs(80);
  ASSERT_TRUE(large.ok()) << large.error();
  EXPECT_EQ(usage_error_of(large.path()), "");
}

TEST(OutputFolder, AWriteToAFullDiskNamesTheReasonAndLeavesNothing) {
  const test::ScratchMount tiny = test::ScratchMount::tmpfs(1);
  ASSERT_TRUE(tiny.ok()) << tiny.error();
  const std::string path = tiny.path() + "/box/page.txt";
  try {
    write_output_file(path, std::string(3 << 20, 'x'));
    FAIL() << "3 MiB fitted in a 1 MiB tmpfs";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("disk is full"), std::string::npos) << what;
    EXPECT_NE(what.find(path), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(entries(tiny.path() + "/box"), 0u) << "a temporary file was left";
}

TEST(OutputFolder, WritesWholeFilesAndRemovesStaleTemporaries) {
  const std::string dir = test::make_temp_dir();
  const std::string path = dir + "/a/b/page.txt";
  write_output_file(path, "text\n");
  EXPECT_EQ(test::read_text_file(path), "text\n");
  EXPECT_EQ(entries(dir + "/a/b"), 1u);
  EXPECT_EQ(temp_path_for(path), dir + "/a/b/.page.txt.platen-tmp-" + std::to_string(::getpid()));
  // An earlier run killed mid-write left these; another shard's file is not ours to remove.
  std::ofstream(dir + "/a/b/.page.txt.platen-tmp-999") << "par";
  std::ofstream(dir + "/a/b/.other.txt.platen-tmp-999") << "par";
  EXPECT_EQ(remove_stale_temp_files({path, dir + "/a/missing/x.txt"}), 1u);
  EXPECT_TRUE(fs::exists(dir + "/a/b/.other.txt.platen-tmp-999"));
  EXPECT_EQ(test::read_text_file(path), "text\n");
}

TEST(OutputFolder, PerPageTemporariesAreRemovedOnlyWhenAsked) {
  const std::string dir = test::make_temp_dir();
  const std::string planned = dir + "/letter.alto.xml";
  for (const char* name : {"/.letter-0001.alto.xml.platen-tmp-7", "/.letter-0012.alto.xml.platen-tmp-7",
                           "/.letter-01.alto.xml.platen-tmp-7", "/.letter-x001.alto.xml.platen-tmp-7",
                           "/.letterhead-0001.alto.xml.platen-tmp-7", "/.letter-0001.txt.platen-tmp-7"})
    std::ofstream(dir + name) << "par";
  EXPECT_EQ(remove_stale_temp_files({planned}), 0u);
  EXPECT_EQ(remove_stale_temp_files({planned}, /*numbered_pages=*/true), 2u);
  EXPECT_FALSE(fs::exists(dir + "/.letter-0001.alto.xml.platen-tmp-7"));
  EXPECT_FALSE(fs::exists(dir + "/.letter-0012.alto.xml.platen-tmp-7"));
  EXPECT_EQ(entries(dir), 4u) << "another input's or format's temporary was removed";
}

TEST(OutputFolder, ReasonsAreWords) {
  EXPECT_NE(write_failure_reason(ENOSPC).find("disk is full"), std::string::npos);
  EXPECT_NE(write_failure_reason(EACCES).find("permission denied"), std::string::npos);
  EXPECT_NE(write_failure_reason(EROFS).find("read-only"), std::string::npos);
}

}  // namespace
}  // namespace platen::batch
