// SHA-256 (libcrypto) and the identity --resume compares.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "batch/file_identity.h"
#include "core/errors.h"
#include "test_paths.h"

namespace platen::batch {
namespace {

void write(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

TEST(FileIdentity, Sha256MatchesTheStandardVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string path = test::make_temp_dir() + "/abc";
  write(path, "abc");
  EXPECT_EQ(sha256_of_file(path), sha256_hex("abc"));
  // Larger than one read block.
  const std::string big(3 * 1024 * 1024 + 17, 'q');
  write(path, big);
  EXPECT_EQ(sha256_of_file(path), sha256_hex(big));
}

TEST(FileIdentity, EndsHashSeesTheEndsAndWholeHashSeesTheMiddle) {
  const std::string dir = test::make_temp_dir();
  std::string bytes(5 * 1024 * 1024, 'a');
  write(dir + "/f", bytes);
  const FileIdentity ends = identify_file(dir + "/f", false);
  const FileIdentity whole = identify_file(dir + "/f", true);
  EXPECT_EQ(ends.size, bytes.size());
  EXPECT_EQ(ends.hash.rfind("ends:", 0), 0u);
  EXPECT_EQ(whole.hash, "whole:" + sha256_hex(bytes));
  EXPECT_FALSE(ends == whole);

  auto same_time_as_before = [&](const std::string& changed) {
    write(dir + "/f", changed);
    struct timespec times[2] = {{0, 0}, {ends.mtime_ns / 1000000000, ends.mtime_ns % 1000000000}};
    times[0] = times[1];
    utimensat(AT_FDCWD, (dir + "/f").c_str(), times, 0);
  };
  std::string middle = bytes;
  middle[bytes.size() / 2] = 'b';
  same_time_as_before(middle);
  EXPECT_TRUE(identify_file(dir + "/f", false) == ends) << "the middle is outside the ends hash";
  EXPECT_FALSE(identify_file(dir + "/f", true) == whole);

  std::string last = bytes;
  last.back() = 'b';
  same_time_as_before(last);
  EXPECT_FALSE(identify_file(dir + "/f", false) == ends);

  same_time_as_before(bytes);
  EXPECT_TRUE(identify_file(dir + "/f", false) == ends);
  EXPECT_THROW(identify_file(dir + "/missing", false), Error);
}

}  // namespace
}  // namespace platen::batch
