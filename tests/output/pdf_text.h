#pragma once
// Reading a PDF's text back with poppler's command-line tools (poppler-utils), for the tests of
// the PDF writer and of `ocr --format pdf`. Header-only: used by several test files.

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "test_shell.h"

namespace platen::test {

/// Whether pdftotext (and so poppler-utils' pdfinfo, pdfimages, pdftoppm) is on the PATH.
inline bool have_pdftotext() { return std::system("command -v pdftotext > /dev/null 2>&1") == 0; }

/// The text layer of the PDF at `path` in content-stream order (pdftotext -raw): each page's
/// text followed by a form feed. `path` must not contain a single quote.
inline std::string pdf_raw_text(const std::string& path) { return run_command("pdftotext -q -raw '" + path + "' -"); }

/// The words of `text`, split at white space (spaces, line breaks, form feeds).
inline std::vector<std::string> words_in(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

}  // namespace platen::test
