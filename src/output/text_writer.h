#pragma once
// Plain-text and line-TSV output: assembling a page's text from its lines, and writing pages
// either to one stream (standard output) or to one .txt (.tsv) file per input in a directory.
//
// Conventions, chosen to match Tesseract's plain-text output so existing scripts work:
//   - every line of text ends with '\n'; a page with no text is "" (not "\n");
//   - pages are separated by a form feed '\f' (Tesseract ends each page with one; here it
//     goes only *between* pages, so a single page has none and `ocr page.png` is clean text).
//
// TSV (--tsv) is like Tesseract's TSV but one row per text line, so it carries each line's
// geometry: a header row, then
//   page  line  left  top  width  height  conf  text
// page and line 1-based; the box in pixels of the page as stored in the file (before any turn
// or deskew); conf 0–100 (mean character confidence); tabs in the text become spaces. Lines
// with no text are left out, like in the plain text, so the rows are the text's lines.

#include <iosfwd>
#include <string>
#include <vector>

#include "platen/page_result.h"

namespace platen {

/// Output formats of TextWriter.
enum class OutputFormat {
  text,  ///< plain text (.txt)
  tsv,   ///< one row per text line with its box (.tsv)
};

/// The TSV header row, ending in '\n' (see the format above).
std::string tsv_header();

/// The TSV rows of one page (1-based `page_number`), each ending in '\n'; lines with empty
/// text are skipped and the others numbered 1, 2, … in order.
std::string tsv_rows(int page_number, const std::vector<Line>& lines);

/// Stem that names an input's output file: the file name without its last extension
/// ("scans/a.tif" → "a"), or "stdin" for "-" (standard input).
std::string output_stem(const std::string& input);

/// Output file of an input in directory mode: DIR/<stem>.txt (DIR/<stem>.tsv for TSV).
std::string output_path_for(const std::string& directory, const std::string& input,
                            OutputFormat format = OutputFormat::text);

/// Collects pages in input order and writes each input file's text once all of its pages
/// have arrived.
///
/// Notes:
///  1. In directory mode, a file whose pages all failed writes nothing: no empty .txt.
///  2. A failed page keeps an empty slot (an empty line without form feeds), and so does a
///     whole failed file on a stream, so page N of the output is page N of the input (count
///     the form feeds, or the lines with --line, to find a page).
///  3. Stream mode puts '\f' between consecutive written files' pages too, so the stream is
///     one page sequence; directory mode writes DIR/<stem>.txt atomically (temporary name in
///     DIR, then rename: a reader never sees a partial file).
///  4. `form_feeds = false` (used for --line) joins pages with nothing: each page is then one
///     line ending in '\n'.
///  5. OutputFormat::tsv writes, per file, the header then every page's rows (no form feeds;
///     the page column tells pages apart); in stream mode each file starts with its own
///     header, so a reader splits the stream at header rows.
/// Not thread-safe: call from one thread at a time (the pipeline's serial output stage).
class TextWriter {
 public:
  /// Writes to `out` (e.g. std::cout), which must outlive the writer. Flushed per file.
  explicit TextWriter(std::ostream& out, bool form_feeds = true,
                      OutputFormat format = OutputFormat::text);
  /// Writes DIR/<stem>.txt (.tsv) per input. `directory` must exist.
  explicit TextWriter(std::string directory, bool form_feeds = true,
                      OutputFormat format = OutputFormat::text);

  /// Adds the next page (a failed one, !ok, keeps its slot); pages of one input (`source`)
  /// must arrive consecutively and in page order. Writes the file when its last page
  /// (page_count − 1) arrives. Uses `text` (and `lines` for TSV). Throws Error when the
  /// output cannot be written (the message names the output file); the pending file is
  /// dropped either way.
  void add(const PageResult& page);

  /// True when a file is waiting for more pages (a caller bug if still true at the end).
  bool pending() const { return !pages_.empty(); }

 private:
  void flush_file();

  std::ostream* out_ = nullptr;
  std::string directory_;
  bool form_feeds_;
  OutputFormat format_ = OutputFormat::text;
  bool wrote_to_stream_ = false;  ///< a page already went to the stream: next needs '\f'
  /// Pages of the current file so far, as much of each as the format writes.
  struct Page {
    std::string source;
    int page_index = 0;
    bool ok = false;
    std::string text;
    std::vector<Line> lines;  ///< TSV only
  };
  std::vector<Page> pages_;
};

}  // namespace platen
