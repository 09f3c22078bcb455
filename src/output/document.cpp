#include "output/document.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace platen {

std::int64_t document_timestamp(const std::string& input) {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(epoch, &end, 10);
    if (errno == 0 && end && *end == '\0' && value >= 0) return value;
  }
  struct stat st {};
  if (input != "-" && !input.empty() && ::stat(input.c_str(), &st) == 0) return st.st_mtime;
  return 0;
}

std::string iso8601_utc(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm {};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string source_file_name(const std::string& source) {
  if (source == "-") return "stdin";
  return std::filesystem::path(source).filename().string();
}

std::string describe_text_options(const ProcessingInfo& processing) {
  std::string out;
  for (const auto& [name, value] : processing.text_options) {
    if (!out.empty()) out += ' ';
    out += name;
    if (!value.empty()) out += "=" + value;
  }
  return out;
}

int code_point_count(const std::string& utf8) {
  int n = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<Word> words_of(const Line& line) {
  if (!line.words.empty()) return line.words;
  std::vector<Word> words;
  const int total = std::max(1, code_point_count(line.text));
  int position = 0;  // code points before the current character
  std::size_t i = 0;
  while (i < line.text.size()) {
    if (line.text[i] == ' ') {
      ++position;
      ++i;
      continue;
    }
    std::size_t end = line.text.find(' ', i);
    if (end == std::string::npos) end = line.text.size();
    Word word;
    word.text = line.text.substr(i, end - i);
    const int length = code_point_count(word.text);
    const int x0 = line.box.x + static_cast<int>(static_cast<long long>(line.box.width) * position / total);
    const int x1 = line.box.x + static_cast<int>(static_cast<long long>(line.box.width) * (position + length) / total);
    word.box = Box{x0, line.box.y, std::max(1, x1 - x0), line.box.height};
    word.confidence = line.confidence;
    words.push_back(std::move(word));
    position += length;
    i = end;
  }
  return words;
}

std::vector<const Line*> text_lines(const PageResult& page) {
  std::vector<const Line*> lines;
  for (const Line& line : page.lines)
    if (!line.text.empty()) lines.push_back(&line);
  return lines;
}

std::vector<const Line*> text_lines_of(const PageResult& page, const Paragraph& par) {
  std::vector<const Line*> lines;
  for (int i = par.first_line; i < par.first_line + par.line_count; ++i)
    if (!page.lines[static_cast<std::size_t>(i)].text.empty()) lines.push_back(&page.lines[static_cast<std::size_t>(i)]);
  return lines;
}

Box box_of(const Paragraph& par, const std::vector<const Line*>& lines) {
  Box box = par.box;
  if (box.empty())
    for (const Line* l : lines) box = union_box(box, l->box);
  return box;
}

Box union_box(const Box& a, const Box& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  const int x1 = std::max(a.right(), b.right()), y1 = std::max(a.bottom(), b.bottom());
  return Box{x0, y0, x1 - x0, y1 - y0};
}

std::vector<TextBlock> blocks_of(const PageResult& page) {
  if (!page.blocks.empty()) return page.blocks;
  if (page.lines.empty()) return {};
  TextBlock block;
  for (const Line& line : page.lines) block.box = union_box(block.box, line.box);
  block.polygon = {{block.box.x, block.box.y}, {block.box.right(), block.box.y},
                   {block.box.right(), block.box.bottom()}, {block.box.x, block.box.bottom()}};
  block.first_line = 0;
  block.line_count = static_cast<int>(page.lines.size());
  block.paragraphs.push_back(Paragraph{block.box, 0, block.line_count});
  // The block's language: the most common of its lines'.
  std::vector<std::string> languages;
  for (const Line& line : page.lines)
    if (!line.language.empty()) languages.push_back(line.language);
  std::sort(languages.begin(), languages.end());
  std::size_t best = 0;
  for (std::size_t i = 0; i < languages.size();) {
    std::size_t j = i;
    while (j < languages.size() && languages[j] == languages[i]) ++j;
    if (j - i > best) {
      best = j - i;
      block.language = languages[i];
    }
    i = j;
  }
  return {block};
}

std::string comment_safe(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') c = ' ';
    if (c == '-' && !out.empty() && out.back() == '-') out += ' ';
    out += c;
  }
  if (!out.empty() && out.back() == '-') out += ' ';
  return out;
}

}  // namespace platen
