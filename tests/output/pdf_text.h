#pragma once
// Reading a PDF's text back with poppler's command-line tools (poppler-utils), for the tests of
// the PDF writer and of `ocr --format pdf`. Header-only: used by several test files.

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "output/sample_document.h"
#include "test_shell.h"

namespace platen::test {

/// Whether pdftotext (and so poppler-utils' pdfinfo, pdfimages, pdftoppm) is on the PATH.
inline bool have_pdftotext() { return std::system("command -v pdftotext > /dev/null 2>&1") == 0; }

/// The text layer of the PDF at `path` in content-stream order (pdftotext -raw): each page's
/// text followed by a form feed. `path` must not contain a single quote.
inline std::string pdf_raw_text(const std::string& path) { return run_command("pdftotext -q -raw " + shell_quote(path) + " -"); }

/// The words of `text`, split at white space (spaces, line breaks, form feeds).
inline std::vector<std::string> words_in(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

/// A word as pdftotext -bbox-layout finds it.
struct PdfWord {
  std::string text;
  double x0, y0, x1, y1;  ///< px of the page
};

/// Lines of page `page` (1-based) of `pdf` as pdftotext -bbox-layout finds them (its own order
/// of blocks and lines), each line its words, in px at `ppi`. A failure of pdftotext or of its
/// output's parse adds a test failure and gives no lines.
inline std::vector<std::vector<PdfWord>> pdf_word_lines(const std::string& pdf, int page, double ppi) {
  const std::string html = pdf + ".html";
  const std::string command = "pdftotext -q -bbox-layout -f " + std::to_string(page) + " -l " + std::to_string(page) +
                              " " + shell_quote(pdf) + " " + shell_quote(html);
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  XmlDocPtr doc = parse_xml(read_text_file(html));
  EXPECT_TRUE(doc) << "pdftotext -bbox-layout gave no XHTML for " << pdf;
  std::vector<std::vector<PdfWord>> lines;
  if (!doc) return lines;
  const double s = ppi / 72.0;
  for (xmlNode* line : nodes(doc.get(), "//h:line")) {
    lines.emplace_back();
    for (xmlNode* w : nodes(doc.get(), "h:word", line))
      lines.back().push_back(PdfWord{content(w), std::stod(attr(w, "xMin")) * s, std::stod(attr(w, "yMin")) * s,
                                     std::stod(attr(w, "xMax")) * s, std::stod(attr(w, "yMax")) * s});
  }
  return lines;
}

/// The words of `lines`, line after line.
inline std::vector<PdfWord> flatten(const std::vector<std::vector<PdfWord>>& lines) {
  std::vector<PdfWord> words;
  for (const auto& line : lines) words.insert(words.end(), line.begin(), line.end());
  return words;
}

}  // namespace platen::test
