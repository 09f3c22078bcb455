// Archive runs of `ocr` as a user (or a Slurm task) runs them: the built binary as a child
// process over folder trees, with --format, --resume, --shard, --report, signals and kill -9.
//
// Most tests use a model with random weights and generated pages (fast; the text is garbage
// but deterministic, which is all that resume and byte-identity need). The end-to-end test of
// the six formats reads a real dev page with the shipped model.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "batch/file_identity.h"
#include "batch/scratch_mount.h"
#include "image/pix.h"
#include "output/pdf_text.h"
#include "output/sample_document.h"
#include "test_pages.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Outcome {
  int status = -1;  ///< exit status, or 128 + signal when killed
  std::string out, err;
};

/// A child `ocr` with `args`, standard output and error to files, standard input /dev/null;
/// `delay_ms` > 0 sets the test-only per-page delay.
class Child {
 public:
  Child(const std::vector<std::string>& args, int delay_ms = 0) {
    const std::string dir = test::make_temp_dir();
    out_ = dir + "/stdout";
    err_ = dir + "/stderr";
    pid_ = ::fork();
    if (pid_ == 0) {
      const int in = ::open("/dev/null", O_RDONLY);
      const int out = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      if (delay_ms > 0) ::setenv("PLATEN_TEST_PAGE_DELAY_MS", std::to_string(delay_ms).c_str(), 1);
      else ::unsetenv("PLATEN_TEST_PAGE_DELAY_MS");
      ::setenv("OMP_NUM_THREADS", "1", 1);
      std::vector<std::string> all = {test::ocr_binary()};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (std::string& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  void signal(int sig) { ::kill(pid_, sig); }
  Outcome wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    waited_ = true;
    Outcome o;
    o.status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    o.out = test::read_text_file(out_);
    o.err = test::read_text_file(err_);
    return o;
  }

 private:
  pid_t pid_ = -1;
  bool waited_ = false;
  std::string out_, err_;
};

Outcome ocr(const std::vector<std::string>& args) { return Child(args).wait(); }

/// Every regular file below `dir` (relative path → bytes), the journal folder aside.
std::map<std::string, std::string> tree_of(const std::string& dir) {
  std::map<std::string, std::string> files;
  if (!fs::is_directory(dir)) return files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && it->path().filename() == ".platen") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file())
      files[fs::relative(it->path(), dir).generic_string()] = test::read_text_file(it->path().string());
  }
  return files;
}

std::vector<std::string> names_of(const std::map<std::string, std::string>& tree) {
  std::vector<std::string> names;
  for (const auto& [name, bytes] : tree) names.push_back(name);
  return names;
}

/// Temporary files (".NAME.platen-tmp-PID") and write probes anywhere below `dir`.
std::vector<std::string> temporaries_in(const std::string& dir) {
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (name.find(".platen-tmp-") != std::string::npos || name.find(".platen-write-test-") != std::string::npos)
      found.push_back(it->path().string());
  }
  return found;
}

/// The journal records of every process in OUT/.platen, as parsed JSON (torn lines skipped).
std::vector<json> journal_records(const std::string& out) {
  std::vector<json> records;
  const fs::path folder = fs::path(out) / ".platen";
  if (!fs::is_directory(folder)) return records;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().filename().string().rfind("journal-", 0) != 0) continue;
    std::istringstream in(test::read_text_file(entry.path().string()));
    std::string line;
    while (std::getline(in, line)) {
      json j = json::parse(line, nullptr, false);
      if (j.is_object()) records.push_back(j);
    }
  }
  return records;
}

std::vector<json> report_rows(const std::string& path) {
  std::vector<json> rows;
  std::istringstream in(test::read_text_file(path));
  std::string line;
  while (std::getline(in, line)) rows.push_back(json::parse(line));
  return rows;
}

/// Waits up to 120 s for the journals in `out` to hold at least `n` records.
bool wait_for_records(const std::string& out, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (journal_records(out).size() >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

class ArchiveRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test::make_temp_dir();
    model_ = test::save_random_model(dir_ + "/random.platen", 5);
    // A tree as archives have them: boxes, folders, the same file names in several folders.
    tree_ = dir_ + "/archive";
    const std::vector<std::string> files = {"box-1/folder-a/page-0001.png", "box-1/folder-a/page-0002.png",
                                            "box-1/folder-b/page-0001.png", "box-2/folder-a/page-0001.png",
                                            "box-2/folder-a/page-0002.png", "box-2/page-0001.png"};
    for (std::size_t i = 0; i < files.size(); ++i) {
      const std::string path = tree_ + "/" + files[i];
      fs::create_directories(fs::path(path).parent_path());
      PixPtr page = test::text_like_page(2 + static_cast<int>(i % 3), 100 + static_cast<unsigned>(i), 900);
      pixSetResolution(page.get(), 300, 300);
      ASSERT_EQ(pixWrite(path.c_str(), page.get(), IFF_PNG), 0);
      tree_files_.push_back(files[i]);
    }
  }

  /// Arguments that every run of the random model takes.
  static std::vector<std::string> with_model(std::vector<std::string> args) {
    args.insert(args.begin(), {"--model", model_, "--precision", "f32", "--no-progress", "-j", "2"});
    return args;
  }

  static std::string dir_, model_, tree_;
  static std::vector<std::string> tree_files_;
};
std::string ArchiveRun::dir_, ArchiveRun::model_, ArchiveRun::tree_;
std::vector<std::string> ArchiveRun::tree_files_;

std::string stem_of(const std::string& relative) { return relative.substr(0, relative.rfind('.')); }

TEST_F(ArchiveRun, TreeWithRepeatedStemsIsMirroredOneFilePerFormat) {
  const std::string out = test::make_temp_dir() + "/out";
  const Outcome o = ocr(with_model({"-r", tree_, "-o", out, "--format", "txt,alto"}));
  ASSERT_EQ(o.status, 0) << o.err;
  std::vector<std::string> expected;
  for (const std::string& f : tree_files_) {
    expected.push_back(stem_of(f) + ".alto.xml");
    expected.push_back(stem_of(f) + ".txt");
  }
  std::sort(expected.begin(), expected.end());
  const auto tree = tree_of(out);
  EXPECT_EQ(names_of(tree), expected);
  // Each mirrored file is what the input gives alone.
  for (const std::string& f : {tree_files_[0], tree_files_[2]})
    EXPECT_EQ(tree.at(stem_of(f) + ".txt"), ocr(with_model({tree_ + "/" + f})).out) << f;
  EXPECT_NE(o.err.find("6 pages read"), std::string::npos) << o.err;
  // The same tree listed with --files-from and --base mirrors the same way.
  const std::string list = test::make_temp_dir() + "/list.txt";
  {
    std::ofstream l(list);
    for (const std::string& f : tree_files_) l << tree_ << "/" << f << "\n";
  }
  const std::string listed = test::make_temp_dir() + "/listed";
  const Outcome l = ocr(with_model({"--files-from", list, "--base", tree_, "-o", listed, "--format", "txt,alto"}));
  ASSERT_EQ(l.status, 0) << l.err;
  EXPECT_EQ(tree_of(listed), tree);
}

TEST_F(ArchiveRun, OutputFolderInsideTheTreeIsNotWalked) {
  const std::string in = test::make_temp_dir() + "/in";
  fs::create_directories(in);
  fs::copy_file(tree_ + "/" + tree_files_[0], in + "/a.png");
  const Outcome first = ocr(with_model({"-r", in, "-o", in + "/ocr", "--format", "pdf"}));
  ASSERT_EQ(first.status, 0) << first.err;
  ASSERT_TRUE(fs::exists(in + "/ocr/a.pdf"));
  const Outcome dry = ocr(with_model({"-r", in, "-o", in + "/ocr", "--format", "pdf", "--dry-run"}));
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_EQ(dry.out.find("a.pdf  ->"), std::string::npos) << "the output PDF was taken as an input:\n" << dry.out;
  EXPECT_NE(dry.out.find("a.png  ->"), std::string::npos) << dry.out;
}

TEST_F(ArchiveRun, KilledRunsResumeToTheSameBytesWithoutRedoingFinishedInputs) {
  const std::vector<std::string> formats = {"--format", "txt,alto,pdf"};
  const std::string reference = test::make_temp_dir() + "/reference";
  {
    std::vector<std::string> args = {"-r", tree_, "-o", reference};
    args.insert(args.end(), formats.begin(), formats.end());
    const Outcome o = ocr(with_model(args));
    ASSERT_EQ(o.status, 0) << o.err;
  }
  const auto expected = tree_of(reference);
  ASSERT_EQ(expected.size(), 3 * tree_files_.size());

  for (std::size_t kill_after : {1u, 4u}) {
    SCOPED_TRACE("killed after " + std::to_string(kill_after) + " inputs");
    const std::string out = test::make_temp_dir() + "/out";
    std::vector<std::string> args = {"-r", tree_, "-o", out, "--resume"};
    args.insert(args.end(), formats.begin(), formats.end());
    {
      Child child(with_model(args), /*delay_ms=*/300);
      ASSERT_TRUE(wait_for_records(out, kill_after));
      child.signal(SIGKILL);
      EXPECT_EQ(child.wait().status, 128 + SIGKILL);
    }
    const std::vector<json> done = journal_records(out);
    ASSERT_GE(done.size(), kill_after);
    ASSERT_LT(done.size(), tree_files_.size()) << "killed too late to test resume";
    std::set<std::string> done_inputs;
    for (const json& r : done) {
      done_inputs.insert(r.at("input").get<std::string>());
      EXPECT_EQ(r.at("outputs").size(), 3u) << r.dump();  // every format of the input
    }

    std::vector<std::string> resume_args = args;
    resume_args.insert(resume_args.end(), {"--report", out + "/../report.jsonl"});
    const Outcome resumed = ocr(with_model(resume_args));
    ASSERT_EQ(resumed.status, 0) << resumed.err;
    EXPECT_EQ(tree_of(out), expected) << "the resumed output differs from an uninterrupted run";
    EXPECT_EQ(temporaries_in(out), std::vector<std::string>{});
    std::set<std::string> skipped, read;
    for (const json& row : report_rows(out + "/../report.jsonl"))
      (row.at("status") == "skipped" ? skipped : read).insert(row.at("input").get<std::string>());
    EXPECT_EQ(skipped, done_inputs) << "a finished input was read again, or an unfinished one skipped";
    for (const std::string& input : read) EXPECT_EQ(done_inputs.count(input), 0u) << input;
    EXPECT_EQ(skipped.size() + read.size(), tree_files_.size());
  }
}

TEST_F(ArchiveRun, ResumeRedoesAnInputWhenAFormatIsMissingOrAnOutputOrTheInputChanged) {
  const std::string in = test::make_temp_dir() + "/in";
  fs::create_directories(in);
  fs::copy_file(tree_ + "/" + tree_files_[0], in + "/a.png");
  fs::copy_file(tree_ + "/" + tree_files_[1], in + "/b.png");
  const std::string out = test::make_temp_dir() + "/out", report = out + ".jsonl";
  auto run = [&](const std::string& formats) {
    const Outcome o = ocr(with_model({"-r", in, "-o", out, "--resume", "--format", formats, "--report", report}));
    EXPECT_EQ(o.status, 0) << o.err;
    std::map<std::string, std::string> status;
    for (const json& row : report_rows(report))
      status[fs::path(row.at("input").get<std::string>()).filename().string()] = row.at("status");
    return status;
  };
  using Status = std::map<std::string, std::string>;
  EXPECT_EQ(run("txt"), (Status{{"a.png", "ok"}, {"b.png", "ok"}}));
  EXPECT_EQ(run("txt"), (Status{{"a.png", "skipped"}, {"b.png", "skipped"}}));
  // A format not written before: both redone, then both done in either format.
  EXPECT_EQ(run("txt,hocr"), (Status{{"a.png", "ok"}, {"b.png", "ok"}}));
  EXPECT_TRUE(fs::exists(out + "/a.hocr"));
  EXPECT_EQ(run("hocr"), (Status{{"a.png", "skipped"}, {"b.png", "skipped"}}));
  // An output changed since, or the input touched: that input only.
  const std::string text = test::read_text_file(out + "/a.txt");
  std::ofstream(out + "/a.txt", std::ios::binary) << text << "edited\n";
  fs::last_write_time(in + "/b.png", fs::last_write_time(in + "/b.png") + std::chrono::seconds(5));
  EXPECT_EQ(run("txt,hocr"), (Status{{"a.png", "ok"}, {"b.png", "ok"}}));
  EXPECT_EQ(test::read_text_file(out + "/a.txt"), text);
  EXPECT_EQ(run("txt,hocr"), (Status{{"a.png", "skipped"}, {"b.png", "skipped"}}));
  // Deleting the journal means "redo all".
  fs::remove_all(out + "/.platen");
  EXPECT_EQ(run("txt"), (Status{{"a.png", "ok"}, {"b.png", "ok"}}));
}

TEST_F(ArchiveRun, SigtermFinishesThePagesInFlightAndExits143WithoutTemporaries) {
  const std::string out = test::make_temp_dir() + "/out";
  Child child(with_model({"-r", tree_, "-o", out, "--format", "txt,pdf"}), /*delay_ms=*/400);
  ASSERT_TRUE(wait_for_records(out, 1));
  child.signal(SIGTERM);
  const Outcome o = child.wait();
  EXPECT_EQ(o.status, 143) << o.err;
  EXPECT_NE(o.err.find("stopped by SIGTERM"), std::string::npos) << o.err;
  EXPECT_EQ(temporaries_in(out), std::vector<std::string>{});
  const std::vector<json> done = journal_records(out);
  EXPECT_GE(done.size(), 1u);
  EXPECT_LT(done.size(), tree_files_.size()) << o.err;
  // What the journal records is on disk, whole; nothing else was written.
  std::size_t recorded = 0;
  for (const json& r : done)
    for (const json& output : r.at("outputs")) {
      ++recorded;
      const std::string bytes = test::read_text_file(out + "/" + output.at("path").get<std::string>());
      EXPECT_EQ(batch::sha256_hex(bytes), output.at("sha256").get<std::string>()) << output.dump();
    }
  EXPECT_EQ(tree_of(out).size(), recorded);
}

TEST_F(ArchiveRun, ASecondSignalStopsAtOnceStillWithoutPartialFiles) {
  const std::string out = test::make_temp_dir() + "/out";
  Child child(with_model({"-r", tree_, "-o", out, "--format", "txt,pdf"}), /*delay_ms=*/2000);
  ASSERT_TRUE(wait_for_records(out, 1));
  const auto start = std::chrono::steady_clock::now();
  // Back to back (two different signals, so that neither is merged into the other pending).
  child.signal(SIGTERM);
  child.signal(SIGINT);
  const Outcome o = child.wait();
  EXPECT_TRUE(o.status == 130 || o.status == 143) << o.status << "\n" << o.err;
  EXPECT_NE(o.err.find("stopped at once"), std::string::npos) << o.err;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.5)
      << "the second signal waited for the pages in flight";
  EXPECT_EQ(temporaries_in(out), std::vector<std::string>{});
  // A resumed run completes the tree.
  const Outcome resumed = ocr(with_model({"-r", tree_, "-o", out, "--format", "txt,pdf", "--resume"}));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(tree_of(out).size(), 2 * tree_files_.size());
}

TEST_F(ArchiveRun, ShardsAreDisjointCompleteAndTheSameInAnyListOrder) {
  std::vector<std::string> paths;
  for (const std::string& f : tree_files_) paths.push_back(tree_ + "/" + f);
  auto list_file = [&](const std::vector<std::string>& order) {
    const std::string list = test::make_temp_dir() + "/list.txt";
    std::ofstream l(list);
    for (const std::string& p : order) l << p << "\n";
    return list;
  };
  const std::string forward = list_file(paths);
  std::vector<std::string> reversed_paths(paths.rbegin(), paths.rend());
  const std::string backward = list_file(reversed_paths);
  auto shard_inputs = [&](const std::string& list, int k, int n) {
    const Outcome o = ocr(with_model({"--files-from", list, "--base", tree_, "-o", dir_ + "/unused", "--dry-run",
                                      "--shard", std::to_string(k) + "/" + std::to_string(n)}));
    EXPECT_EQ(o.status, 0) << o.err;
    std::set<std::string> inputs;
    std::istringstream in(o.out);
    std::string line;
    while (std::getline(in, line)) inputs.insert(line.substr(6, line.find("  ->") - 6));
    return inputs;
  };
  for (int n : {2, 3, 7}) {
    std::set<std::string> all;
    std::size_t total = 0;
    for (int k = 0; k < n; ++k) {
      const std::set<std::string> part = shard_inputs(forward, k, n);
      EXPECT_EQ(part, shard_inputs(backward, k, n)) << k << "/" << n;
      total += part.size();
      all.insert(part.begin(), part.end());
    }
    EXPECT_EQ(total, paths.size()) << "shards of " << n << " overlap";
    EXPECT_EQ(all, std::set<std::string>(paths.begin(), paths.end())) << "shards of " << n << " miss inputs";
  }
  EXPECT_EQ(ocr(with_model({"-r", tree_, "-o", dir_ + "/unused", "--shard", "3/3"})).status, 2);
  // Three shards run one after another into one folder give the one-process tree.
  const std::string whole = test::make_temp_dir() + "/whole", sharded = test::make_temp_dir() + "/sharded";
  ASSERT_EQ(ocr(with_model({"-r", tree_, "-o", whole})).status, 0);
  for (int k = 0; k < 3; ++k)
    ASSERT_EQ(ocr(with_model({"-r", tree_, "-o", sharded, "--resume", "--shard", std::to_string(k) + "/3"})).status, 0);
  EXPECT_EQ(tree_of(sharded), tree_of(whole));
}

TEST_F(ArchiveRun, ReportHasEveryFieldPerPage) {
  const std::string in = test::make_temp_dir() + "/in";
  fs::create_directories(in + "/box");
  fs::copy_file(tree_ + "/" + tree_files_[0], in + "/box/good.png");
  std::ofstream(in + "/box/broken.png", std::ios::binary) << "not an image";
  const std::string out = test::make_temp_dir() + "/out", report = out + "/../report.jsonl";
  const Outcome o = ocr(with_model({"-r", in, "-o", out, "--format", "alto,txt", "--report", report}));
  EXPECT_EQ(o.status, 1) << o.err;
  EXPECT_NE(o.err.find("broken.png"), std::string::npos) << o.err;
  const std::vector<json> rows = report_rows(report);
  ASSERT_EQ(rows.size(), 2u);
  const std::vector<std::string> keys = {"input", "sha256", "page", "output", "status", "error", "confidence",
                                         "low_confidence", "orientation", "skew", "lines", "words", "seconds",
                                         "model", "precision"};
  for (const json& row : rows) {
    SCOPED_TRACE(row.dump());
    for (const std::string& key : keys) EXPECT_TRUE(row.contains(key)) << key;
    EXPECT_EQ(row.at("sha256"), batch::sha256_of_file(row.at("input").get<std::string>()));
    EXPECT_EQ(row.at("page"), 1);
    EXPECT_NE(row.at("model").get<std::string>().find("random.platen sha256:"), std::string::npos);
    EXPECT_EQ(row.at("precision"), "f32");
  }
  const json& broken = rows[0].at("input").get<std::string>().find("broken") != std::string::npos ? rows[0] : rows[1];
  const json& good = &broken == &rows[0] ? rows[1] : rows[0];
  EXPECT_EQ(broken.at("status"), "failed");
  EXPECT_NE(broken.at("error").get<std::string>().find("broken.png"), std::string::npos);
  EXPECT_TRUE(broken.at("confidence").is_null());
  EXPECT_EQ(good.at("status"), "ok");
  EXPECT_TRUE(good.at("error").is_null());
  EXPECT_EQ(good.at("output"), out + "/box/good.alto.xml");  // the first format's file
  EXPECT_TRUE(fs::exists(good.at("output").get<std::string>()));
  EXPECT_GE(good.at("confidence").get<double>(), 0.0);
  EXPECT_LE(good.at("confidence").get<double>(), 1.0);
  EXPECT_TRUE(good.at("low_confidence").is_boolean());
  const int orientation = good.at("orientation");
  EXPECT_TRUE(orientation == 0 || orientation == 90 || orientation == 180 || orientation == 270) << orientation;
  EXPECT_TRUE(good.at("skew").is_number());
  EXPECT_GE(good.at("lines").get<int>(), 0);
  EXPECT_GE(good.at("words").get<int>(), good.at("lines").get<int>());
  EXPECT_GT(good.at("seconds").get<double>(), 0.0);
  EXPECT_FALSE(fs::exists(out + "/box/broken.txt")) << "a file none of whose pages read wrote something";
  // The closing summary names what happened.
  EXPECT_NE(o.err.find("1 page read"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("1 failed"), std::string::npos) << o.err;
}

TEST_F(ArchiveRun, StandardOutputTakesOneFormatAndStructuredOnesForOneInput) {
  const std::string a = tree_ + "/" + tree_files_[0], b = tree_ + "/" + tree_files_[1];
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--format", "alto", a, b},
                                             {"--format", "pdf", a, b},
                                             {"--format", "txt,alto", a},
                                             {"--format", "docx", a},
                                             {"--tsv", "--format", "alto", a},
                                             {"--split-pages", a}}) {
    const Outcome o = ocr(with_model(args));
    EXPECT_EQ(o.status, 2) << args[0] << " " << args[1] << "\n" << o.err;
    EXPECT_EQ(o.out, "");
  }
  const std::string out = test::make_temp_dir();
  ASSERT_EQ(ocr(with_model({"-o", out, "--format", "alto,txt,tsv", a})).status, 0);
  EXPECT_EQ(ocr(with_model({"--format", "alto", a})).out, test::read_text_file(out + "/page-0001.alto.xml"));
  EXPECT_EQ(ocr(with_model({"--tsv", a, b})).status, 0);
  // Two inputs to standard output: txt pages separated by a form feed.
  const Outcome two = ocr(with_model({a, b}));
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(two.out, test::read_text_file(out + "/page-0001.txt") + "\f" + ocr(with_model({b})).out);
}

TEST_F(ArchiveRun, SplitPagesWritesOneFilePerPageOfAMultiPageInput) {
  const std::string d = test::make_temp_dir();
  const std::string tiff = d + "/letter.tif";
  for (int p = 0; p < 3; ++p) {
    PixPtr grey = test::text_like_page(2 + p, 70 + p, 900);
    PixPtr page = adopt(pixConvertTo1(grey.get(), 128));
    pixSetResolution(page.get(), 300, 300);
    ASSERT_EQ(pixWriteTiff(tiff.c_str(), page.get(), IFF_TIFF_G4, p == 0 ? "w" : "a"), 0);
  }
  const std::string whole = d + "/whole", split = d + "/split";
  ASSERT_EQ(ocr(with_model({"-o", whole, "--format", "txt,alto,page", tiff})).status, 0);
  // PAGE XML holds one page a file: always split; the others one file with every page.
  EXPECT_EQ(names_of(tree_of(whole)), (std::vector<std::string>{"letter-0001.page.xml", "letter-0002.page.xml",
                                                                 "letter-0003.page.xml", "letter.alto.xml",
                                                                 "letter.txt"}));
  const std::string alto = test::read_text_file(whole + "/letter.alto.xml");
  test::XmlDocPtr doc = test::parse_xml(alto);
  ASSERT_TRUE(doc);
  EXPECT_EQ(test::nodes(doc.get(), "//a:Page").size(), 3u);

  const Outcome o = ocr(with_model({"-o", split, "--format", "txt,alto,page", "--split-pages", "--resume", tiff}));
  ASSERT_EQ(o.status, 0) << o.err;
  std::vector<std::string> expected;
  for (const char* ext : {".alto.xml", ".page.xml", ".txt"})
    for (int p = 1; p <= 3; ++p) expected.push_back("letter-000" + std::to_string(p) + ext);
  std::sort(expected.begin(), expected.end());
  const auto tree = tree_of(split);
  EXPECT_EQ(names_of(tree), expected);
  // Page 2's own files: its text alone, its ALTO one Page numbered 2 of the image.
  const std::string whole_text = test::read_text_file(whole + "/letter.txt");
  const std::size_t ff1 = whole_text.find('\f'), ff2 = whole_text.find('\f', ff1 + 1);
  EXPECT_EQ(tree.at("letter-0002.txt"), whole_text.substr(ff1 + 1, ff2 - ff1 - 1));
  doc = test::parse_xml(tree.at("letter-0002.alto.xml"));
  ASSERT_TRUE(doc);
  const auto pages = test::nodes(doc.get(), "//a:Page");
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(test::attr(pages[0], "PHYSICAL_IMG_NR"), "2");
  EXPECT_EQ(tree.at("letter-0002.page.xml"), test::read_text_file(whole + "/letter-0002.page.xml"));
  // The journal records all nine files: a rerun skips the input.
  ASSERT_EQ(journal_records(split).size(), 1u);
  EXPECT_EQ(journal_records(split)[0].at("outputs").size(), 9u);
  const Outcome again = ocr(with_model({"-o", split, "--format", "txt,alto,page", "--split-pages", "--resume", tiff}));
  EXPECT_NE(again.err.find("1 file skipped"), std::string::npos) << again.err;
}

TEST_F(ArchiveRun, LineModeWorksWithEveryFormat) {
  const std::string d = test::make_temp_dir();
  PixPtr page = test::text_like_page(2, 9, 700);
  PixPtr crop = adopt(pixClipRectangle(page.get(), test::rect(0, 50, 700, 60).get(), nullptr));
  pixSetResolution(crop.get(), 300, 300);
  ASSERT_EQ(pixWrite((d + "/line.png").c_str(), crop.get(), IFF_PNG), 0);
  const Outcome o = ocr(with_model({"--line", "-o", d + "/out", "--format", "txt,hocr,alto,page,tsv,pdf", d + "/line.png"}));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(names_of(tree_of(d + "/out")),
            (std::vector<std::string>{"line.alto.xml", "line.hocr", "line.page.xml", "line.pdf", "line.tsv", "line.txt"}));
  const std::string text = test::read_text_file(d + "/out/line.txt");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  test::XmlDocPtr alto = test::parse_xml(test::read_text_file(d + "/out/line.alto.xml"));
  ASSERT_TRUE(alto);
  EXPECT_EQ(test::nodes(alto.get(), "//a:TextLine").size(), text == "\n" ? 0u : 1u);
}

TEST_F(ArchiveRun, UnusableOutputFoldersAreUsageErrorsBeforeAnyPageEvenForRoot) {
  const test::ScratchMount read_only = test::ScratchMount::read_only();
  ASSERT_TRUE(read_only.ok()) << read_only.error();
  Outcome o = ocr(with_model({"-r", tree_, "-o", read_only.path(), "--report", dir_ + "/ro.jsonl"}));
  EXPECT_EQ(o.status, 2) << o.err;
  EXPECT_NE(o.err.find("read-only"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_ + "/ro.jsonl")) << "work started before the usage error";
  const test::ScratchMount small = test::ScratchMount::tmpfs(16);
  ASSERT_TRUE(small.ok()) << small.error();
  o = ocr(with_model({"-r", tree_, "-o", small.path() + "/out"}));
  EXPECT_EQ(o.status, 2) << o.err;
  EXPECT_NE(o.err.find("MiB free"), std::string::npos) << o.err;
}

/// The whole chain on a real dev page with the shipped model: all six formats, ALTO and PAGE
/// valid, the PDF's text layer the page's text.
TEST(ArchiveRunDevPage, AllSixFormatsAreWrittenValidAndCarryTheSameText) {
  const std::string dataset = test::typewritten_dataset_dir();
  PLATEN_REQUIRE_TOOL(!dataset.empty(), "../shared/datasets/typewritten");
  const std::string schemas = test::schemas_dir();
  PLATEN_REQUIRE_TOOL(!schemas.empty(), "../shared/schemas");
  PLATEN_REQUIRE_TOOL(test::have_pdftotext(), "pdftotext (poppler-utils)");
  std::string page;
  for (const auto& entry : fs::directory_iterator(dataset + "/dev/pages"))
    if (entry.path().extension() == ".jpg" && (page.empty() || entry.path().string() < page)) page = entry.path().string();
  ASSERT_FALSE(page.empty());
  const std::string out = test::make_temp_dir() + "/out";
  const Outcome o = ocr({"--format", "txt,hocr,alto,page,tsv,pdf", "-o", out, "--no-progress", page});
  ASSERT_EQ(o.status, 0) << o.err;
  const std::string name = (fs::path(out) / fs::path(page).stem()).string();
  const std::string text = test::read_text_file(name + ".txt");
  ASSERT_GT(test::words_in(text).size(), 20u) << text;

  test::XmlDocPtr alto = test::parse_xml(test::read_text_file(name + ".alto.xml"));
  ASSERT_TRUE(alto);
  EXPECT_EQ(test::schema_errors(alto.get(), schemas + "/alto-4-4.xsd"), "");
  test::XmlDocPtr page_xml = test::parse_xml(test::read_text_file(name + ".page.xml"));
  ASSERT_TRUE(page_xml);
  EXPECT_EQ(test::schema_errors(page_xml.get(), schemas + "/pagecontent-2019-07-15.xsd"), "");
  test::XmlDocPtr hocr = test::parse_xml(test::read_text_file(name + ".hocr"));
  ASSERT_TRUE(hocr) << "the hOCR is not well-formed XHTML";

  // Every format carries the words of the txt.
  const std::vector<std::string> words = test::words_in(text);
  std::vector<std::string> alto_words, hocr_words, tsv_words;
  // A line-end hyphen is ALTO's HYP after the String: part of the txt's word.
  for (xmlNode* s : test::nodes(alto.get(), "//a:String | //a:HYP")) {
    const std::string content = test::attr(s, "CONTENT");
    if (std::string(reinterpret_cast<const char*>(s->name)) == "HYP" && !alto_words.empty()) alto_words.back() += content;
    else alto_words.push_back(content);
  }
  for (xmlNode* w : test::nodes(hocr.get(), "//h:span[@class='ocrx_word']")) hocr_words.push_back(test::content(w));
  EXPECT_EQ(alto_words, words);
  EXPECT_EQ(hocr_words, words);
  std::istringstream tsv(test::read_text_file(name + ".tsv"));
  std::string row;
  std::getline(tsv, row);
  while (std::getline(tsv, row))
    if (row.rfind("5\t", 0) == 0) tsv_words.push_back(row.substr(row.rfind('\t') + 1));
  EXPECT_EQ(tsv_words, words);
  // The PDF's text layer, read back by pdftotext, is the page's text with white space folded:
  // the same characters in the same order, each word pdftotext finds one or more consecutive
  // words of the txt (pdftotext puts no space between words whose boxes nearly touch; it
  // decides spaces from the gaps, the text layer has none of its own).
  const std::vector<std::string> pdf_words = test::words_in(test::pdf_raw_text(name + ".pdf"));
  std::size_t next = 0, joined = 0;
  for (const std::string& found : pdf_words) {
    std::string run;
    const std::size_t first = next;
    while (next < words.size() && run.size() < found.size()) run += words[next++];
    ASSERT_EQ(found, run) << "PDF word " << &found - pdf_words.data() << " is not a run of the txt's words from "
                          << first;
    joined += next - first - 1;
  }
  EXPECT_EQ(next, words.size()) << "the PDF's text layer ends early";
  EXPECT_LE(joined * 50, words.size()) << joined << " of " << words.size() << " words run together in the PDF";
  ::testing::Test::RecordProperty("pdf_words_run_together", static_cast<int>(joined));
}

}  // namespace
}  // namespace platen
