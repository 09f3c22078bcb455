#pragma once
// What the archival writers (txt, hOCR, ALTO, PAGE, TSV, PDF) take: the pages of one input
// (failed pages included, in page order) and how they were processed.

#include <cstdint>
#include <string>
#include <vector>

#include "platen/page_result.h"

namespace platen {

/// How a document was read, recorded by every structured format (ALTO OCRProcessing, hOCR
/// ocr-system and meta elements, PAGE Metadata, PDF Info).
struct ProcessingInfo {
  std::string software_version = PLATEN_VERSION;  ///< Platen's version
  std::string model_name;                         ///< e.g. "platen.platen"
  std::string model_checksum;                     ///< e.g. "sha256:…" ("" when unknown)
  /// The options that change text, in the order given, e.g. {"lang", "deu+eng"}, {"no-lm", ""}.
  std::vector<std::pair<std::string, std::string>> text_options;
  /// When the document was processed, seconds since 1970-01-01 UTC: SOURCE_DATE_EPOCH when set,
  /// otherwise the input's modification time (see document_timestamp), so reruns compare equal.
  std::int64_t timestamp = 0;
};

/// The pages of one input and how they were read.
struct Document {
  /// The input as given ("-" for standard input); writers record only its file name.
  std::string source;
  std::vector<PageResult> pages;  ///< in page order, failed pages included (ok == false)
  ProcessingInfo processing;
  bool single_line = false;       ///< --line: each page is one line; no form feeds in txt
};

/// SOURCE_DATE_EPOCH (a decimal count of seconds) when set and valid, otherwise the
/// modification time of `input` (a path), otherwise 0 (standard input, missing file).
std::int64_t document_timestamp(const std::string& input);

/// `seconds` since the epoch as an ISO 8601 UTC date-time, "2026-12-07T02:00:00Z".
std::string iso8601_utc(std::int64_t seconds);

/// The file name of `source` as a writer records it: "scans/a.tif" → "a.tif", "-" → "stdin".
std::string source_file_name(const std::string& source);

/// The text options as one line, "lang=deu+eng no-lm" ("" when none).
std::string describe_text_options(const ProcessingInfo& processing);

/// The words of `line`: its own when the pipeline gave them, otherwise the line's text split
/// at spaces, each word boxed by its share of the line box's width (by code points, spaces
/// included), confidence the line's. Either way the words joined by single spaces are
/// line.text, so every format carries exactly the text of txt.
std::vector<Word> words_of(const Line& line);

/// The page's lines that carry text (empty lines are left out of every format, as from txt).
std::vector<const Line*> text_lines(const PageResult& page);

/// The blocks of `page`: its own, or (when the pipeline gave none) one block with one
/// paragraph covering all of its lines, boxed by their union.
std::vector<TextBlock> blocks_of(const PageResult& page);

/// The lines of paragraph `par` of `page` that have text, in order (pointers into page.lines).
std::vector<const Line*> text_lines_of(const PageResult& page, const Paragraph& par);

/// The paragraph's own box, or (when it has none) the union of `lines`' boxes.
Box box_of(const Paragraph& par, const std::vector<const Line*>& lines);

/// Union of boxes (an empty box for none).
Box union_box(const Box& a, const Box& b);

/// Number of code points of a UTF-8 string.
int code_point_count(const std::string& utf8);

/// `text` made safe inside an XML comment: "--" broken up, line breaks as spaces.
std::string comment_safe(const std::string& text);

}  // namespace platen
