#include "batch/batch_report.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "batch/progress.h"
#include "core/errors.h"

namespace platen::batch {

using nlohmann::ordered_json;

std::string report_line(const PageReport& page) {
  ordered_json j;
  j["input"] = page.input;
  j["sha256"] = page.sha256;
  j["page"] = page.page == 0 ? ordered_json(nullptr) : ordered_json(page.page);
  j["output"] = page.output;
  j["status"] = page.status;
  j["error"] = page.error.empty() ? ordered_json(nullptr) : ordered_json(page.error);
  j["confidence"] = page.confidence ? ordered_json(*page.confidence) : ordered_json(nullptr);
  j["low_confidence"] = page.low_confidence;
  j["orientation"] = page.orientation ? ordered_json(*page.orientation) : ordered_json(nullptr);
  j["skew"] = page.skew ? ordered_json(*page.skew) : ordered_json(nullptr);
  j["lines"] = page.lines;
  j["words"] = page.words;
  j["seconds"] = page.seconds;
  j["model"] = page.model;
  j["precision"] = page.precision;
  // Invalid UTF-8 in a path is replaced rather than failing the report.
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

ReportWriter::ReportWriter(const std::string& path) : path_(path), out_(path, std::ios::binary | std::ios::trunc) {
  if (!out_) throw UsageError("cannot write the report '" + path + "': " + std::strerror(errno));
}

void ReportWriter::add(const PageReport& page) {
  out_ << report_line(page);
  out_.flush();
  if (!out_) throw Error("cannot write the report '" + path_ + "'");
}

std::string summary_line(const BatchSummary& s) {
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f", s.seconds > 0 ? s.pages_read / s.seconds : 0.0);
  std::string line = "ocr: " + std::to_string(s.pages_read) + (s.pages_read == 1 ? " page" : " pages") + " read";
  if (s.files_skipped > 0)
    line += ", " + std::to_string(s.files_skipped) + (s.files_skipped == 1 ? " file" : " files") + " skipped (done before)";
  line += ", " + std::to_string(s.failed) + " failed, " + std::to_string(s.low_confidence) + " low confidence, " + rate +
          " pages/s in " + format_duration(s.seconds);
  return line;
}

}  // namespace platen::batch
