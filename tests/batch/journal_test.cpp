// The resume journal: round trip, torn last records, several journals.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "batch/journal.h"
#include "test_paths.h"

namespace platen::batch {
namespace {

namespace fs = std::filesystem;

JournalRecord record(const std::string& key) {
  JournalRecord r;
  r.key = key;
  r.input = "in/" + key + ".tif";
  r.identity = FileIdentity{1234, 1700000000123456789LL, "ends:abc"};
  r.settings = "model=m precision=f32";
  r.outputs.push_back({key + ".txt", 42, "deadbeef", "txt"});
  return r;
}

TEST(Journal, LineRoundTripsEveryField) {
  const JournalRecord r = record("box/päge 1");
  const std::string line = journal_line(r);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  JournalRecord back;
  ASSERT_TRUE(parse_journal_line(line.substr(0, line.size() - 1), back));
  EXPECT_EQ(back.key, r.key);
  EXPECT_EQ(back.input, r.input);
  EXPECT_TRUE(back.identity == r.identity);
  EXPECT_EQ(back.settings, r.settings);
  ASSERT_EQ(back.outputs.size(), 1u);
  EXPECT_EQ(back.outputs[0].path, "box/päge 1.txt");
  EXPECT_EQ(back.outputs[0].size, 42u);
  EXPECT_EQ(back.outputs[0].sha256, "deadbeef");
  EXPECT_EQ(back.outputs[0].format, "txt");
}

TEST(Journal, WriterAppendsOneFilePerProcessAndEveryJournalIsRead) {
  const std::string out = test::make_temp_dir();
  {
    JournalWriter writer(out);
    EXPECT_EQ(fs::path(writer.path()).filename().string().rfind("journal-", 0), 0u);
    EXPECT_NE(writer.path().find("-" + std::to_string(::getpid())), std::string::npos);
    writer.append(record("a"));
    writer.append(record("b"));
  }
  // Another process's journal, e.g. another shard.
  std::ofstream(journal_folder(out) + "/journal-otherhost-77") << journal_line(record("c"));
  const auto all = read_journals(out);
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(all.count("a"), 1u);
  EXPECT_EQ(all.count("c"), 1u);
}

TEST(Journal, TornLastRecordIsSkippedAndTheNextWriterStartsAFreshLine) {
  const std::string out = test::make_temp_dir();
  fs::create_directories(journal_folder(out));
  const std::string full = journal_line(record("done"));
  const std::string torn = journal_line(record("torn"));
  // A journal of an earlier process with our pid (pids are reused), killed mid-append.
  const std::string path = journal_folder(out) + "/journal-" + [] {
    char h[256] = {};
    gethostname(h, sizeof h - 1);
    return std::string(h);
  }() + "-" + std::to_string(::getpid());
  std::ofstream(path, std::ios::binary) << full << torn.substr(0, torn.size() / 2);
  auto records = read_journals(out);
  EXPECT_EQ(records.size(), 1u);
  EXPECT_EQ(records.count("done"), 1u);
  {
    JournalWriter writer(out);
    ASSERT_EQ(writer.path(), path);
    writer.append(record("after"));
  }
  records = read_journals(out);
  EXPECT_EQ(records.size(), 2u) << test::read_text_file(path);
  EXPECT_EQ(records.count("after"), 1u) << "the new record was glued to the torn one";
}

TEST(Journal, NoFolderMeansNothingDone) {
  EXPECT_TRUE(read_journals(test::make_temp_dir()).empty());
  JournalRecord r;
  EXPECT_FALSE(parse_journal_line("{\"key\":\"x\"}", r));
  EXPECT_FALSE(parse_journal_line("not json", r));
  EXPECT_FALSE(parse_journal_line("", r));
}

}  // namespace
}  // namespace platen::batch
