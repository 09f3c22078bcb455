// The report's JSON lines, the summary line and the progress line.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

#include "batch/batch_report.h"
#include "batch/progress.h"
#include "core/errors.h"
#include "test_paths.h"

namespace platen::batch {
namespace {

TEST(BatchReport, EveryFieldIsWrittenAndAbsentOnesAreNull) {
  PageReport page;
  page.input = "box/p.tif";
  page.sha256 = "ab12";
  page.page = 3;
  page.output = "out/box/p.txt";
  page.status = "ok";
  page.confidence = 0.5;
  page.low_confidence = true;
  page.skew = -1.25;
  page.lines = 7;
  page.words = 31;
  page.seconds = 0.75;
  page.model = "platen.platen sha256:1234";
  page.precision = "f32";
  const std::string line = report_line(page);
  ASSERT_EQ(line.back(), '\n');
  const nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j.size(), 15u);
  EXPECT_EQ(j["input"], "box/p.tif");
  EXPECT_EQ(j["sha256"], "ab12");
  EXPECT_EQ(j["page"], 3);
  EXPECT_EQ(j["output"], "out/box/p.txt");
  EXPECT_EQ(j["status"], "ok");
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_DOUBLE_EQ(j["confidence"].get<double>(), 0.5);
  EXPECT_EQ(j["low_confidence"], true);
  EXPECT_TRUE(j["orientation"].is_null());
  EXPECT_DOUBLE_EQ(j["skew"].get<double>(), -1.25);
  EXPECT_EQ(j["lines"], 7);
  EXPECT_EQ(j["words"], 31);
  EXPECT_DOUBLE_EQ(j["seconds"].get<double>(), 0.75);
  EXPECT_EQ(j["model"], "platen.platen sha256:1234");
  EXPECT_EQ(j["precision"], "f32");

  PageReport skipped;
  skipped.input = "bad\xff.tif";  // not UTF-8: replaced, the line still written
  skipped.status = "skipped";
  const nlohmann::json s = nlohmann::json::parse(report_line(skipped));
  EXPECT_TRUE(s["page"].is_null());
  EXPECT_EQ(s["status"], "skipped");
}

TEST(BatchReport, WriterRefusesAnUnwritablePathAtOnce) {
  EXPECT_THROW(ReportWriter(test::make_temp_dir() + "/no/such/folder/r.jsonl"), UsageError);
  const std::string path = test::make_temp_dir() + "/r.jsonl";
  {
    ReportWriter writer(path);
    PageReport p;
    p.status = "failed";
    p.error = "x: page 1: cannot read";
    writer.add(p);
    writer.add(p);
  }
  const std::string text = test::read_text_file(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

TEST(BatchReport, SummaryLine) {
  BatchSummary s;
  s.pages_read = 38;
  s.files_skipped = 2;
  s.failed = 1;
  s.low_confidence = 3;
  s.seconds = 10;
  EXPECT_EQ(summary_line(s), "ocr: 38 pages read, 2 files skipped (done before), 1 failed, 3 low confidence, 3.8 pages/s in 0:10");
  EXPECT_EQ(summary_line(BatchSummary{1, 0, 0, 0, 0}), "ocr: 1 page read, 0 failed, 0 low confidence, 0.0 pages/s in 0:00");
}

TEST(Progress, LineShowsDoneTotalRateElapsedEtaAndFailures) {
  ProgressCounts c;
  c.files_total = 40;
  c.elapsed_seconds = 3;
  EXPECT_EQ(progress_line(c), "0/40 files, 0 pages, 0.0 pages/s, elapsed 0:03, ETA --:--");
  c.files_done = 10;
  c.pages = 12;
  c.failed = 1;
  c.elapsed_seconds = 20;
  EXPECT_EQ(progress_line(c), "10/40 files, 12 pages, 0.6 pages/s, elapsed 0:20, ETA 1:00, 1 failed");
  EXPECT_EQ(format_duration(3725), "1:02:05");
}

TEST(Progress, TerminalUpdatesInPlaceAndLogsGetPlainLines) {
  std::ostringstream tty, log;
  ProgressMeter on_tty(tty, true), in_log(log, false, 3600);
  ProgressCounts c;
  c.files_total = 2;
  on_tty.update(c);
  in_log.update(c);
  c.files_done = 1;
  in_log.update(c);  // within the interval: not shown
  c.files_done = 2;
  on_tty.finish(c);
  in_log.finish(c);
  EXPECT_EQ(tty.str().rfind("\rocr: 0/2 files", 0), 0u) << tty.str();
  EXPECT_NE(tty.str().find("\x1b[K\rocr: 2/2 files"), std::string::npos) << tty.str();
  EXPECT_EQ(tty.str().back(), '\n');
  const std::string logged = log.str();
  EXPECT_EQ(std::count(logged.begin(), logged.end(), '\n'), 2) << logged;
  EXPECT_EQ(log.str().find('\r'), std::string::npos);
  EXPECT_NE(log.str().find("ocr: progress: 2/2 files"), std::string::npos) << log.str();
}

}  // namespace
}  // namespace platen::batch
