#include "output/text_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <utility>

#include "core/binary_io.h"
#include "core/errors.h"

namespace platen {

std::string output_stem(const std::string& input) {
  if (input == "-") return "stdin";
  return std::filesystem::path(input).stem().string();
}

std::string tsv_header() { return "page\tline\tleft\ttop\twidth\theight\tconf\ttext\n"; }

std::string tsv_rows(int page_number, const std::vector<Line>& lines) {
  std::string rows;
  int number = 0;
  for (const Line& line : lines) {
    if (line.text.empty()) continue;
    std::string text = line.text;
    std::replace(text.begin(), text.end(), '\t', ' ');
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\r', ' ');
    char conf[32];
    std::snprintf(conf, sizeof conf, "%.2f", std::clamp(line.confidence, 0.0f, 1.0f) * 100.0);
    rows += std::to_string(page_number) + '\t' + std::to_string(++number) + '\t' +
            std::to_string(line.box.x) + '\t' + std::to_string(line.box.y) + '\t' +
            std::to_string(line.box.width) + '\t' + std::to_string(line.box.height) + '\t' + conf +
            '\t' + text + '\n';
  }
  return rows;
}

std::string output_path_for(const std::string& directory, const std::string& input, OutputFormat format) {
  const char* extension = format == OutputFormat::tsv ? ".tsv" : ".txt";
  return (std::filesystem::path(directory) / (output_stem(input) + extension)).string();
}

TextWriter::TextWriter(std::ostream& out, bool form_feeds, OutputFormat format)
    : out_(&out), form_feeds_(form_feeds), format_(format) {}

TextWriter::TextWriter(std::string directory, bool form_feeds, OutputFormat format)
    : directory_(std::move(directory)), form_feeds_(form_feeds), format_(format) {}

void TextWriter::add(const PageResult& page) {
  // Pages of a file arrive consecutively; anything else would silently mix two files' text.
  const bool continues = !pages_.empty() && pages_.front().source == page.source &&
                         page.page_index == static_cast<int>(pages_.size());
  const bool starts = pages_.empty() && page.page_index == 0;
  if (!continues && !starts) {
    pages_.clear();
    throw Error("internal error: page " + std::to_string(page.page_index + 1) + " of '" +
                page.source + "' reached the text writer out of order");
  }
  const bool last = page.page_index + 1 >= page.page_count;
  Page kept{page.source, page.page_index, page.ok, page.text, {}};
  if (format_ == OutputFormat::tsv) kept.lines = page.lines;
  pages_.push_back(std::move(kept));
  if (last) flush_file();
}

void TextWriter::flush_file() {
  std::vector<Page> pages;
  pages.swap(pages_);  // dropped whether or not the write below succeeds

  bool any_ok = false;
  for (const Page& p : pages) any_ok = any_ok || p.ok;
  // No file for an input that gave nothing; on a stream it keeps its slot (below). A file
  // left by an earlier run goes: it would pass for this run's reading of the input.
  if (!any_ok && !out_) {
    const std::string stale = output_path_for(directory_, pages.front().source, format_);
    std::error_code ec;
    std::filesystem::remove(stale, ec);
    if (ec) throw Error("cannot remove the earlier output '" + stale + "' of '" + pages.front().source + "': " + ec.message());
    return;
  }

  const bool tsv = format_ == OutputFormat::tsv;
  std::string content;
  if (tsv) {
    content = tsv_header();
    for (const Page& p : pages)
      if (p.ok) content += tsv_rows(p.page_index + 1, p.lines);
  } else {
    for (std::size_t i = 0; i < pages.size(); ++i) {
      if (i > 0 && form_feeds_) content += '\f';
      if (pages[i].ok) content += pages[i].text;
      else if (!form_feeds_) content += '\n';  // --line: one line per input, failed or not
    }
  }

  if (out_) {
    if (wrote_to_stream_ && form_feeds_ && !tsv) *out_ << '\f';
    *out_ << content;
    // Flushed per file so a long batch shows progress, and a reader of a pipe gets whole files.
    out_->flush();
    wrote_to_stream_ = true;
    if (!*out_) throw Error("cannot write the text of '" + pages.front().source + "' to the output stream");
    return;
  }
  const std::string path = output_path_for(directory_, pages.front().source, format_);
  try {
    write_file_atomically(path, content);
  } catch (const Error& e) {
    throw Error("cannot write '" + path + "' (text of '" + pages.front().source + "'): " + e.what());
  }
}

}  // namespace platen
