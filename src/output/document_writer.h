#pragma once
// One interface for the output formats: a writer turns a Document (the pages of one input)
// into the bytes of one file. Formats: txt, hocr, alto, page, tsv, pdf (see each writer's header).
//
// Common rules, kept by every writer:
//  - Deterministic: the same document gives byte-identical output (no clock, no randomness;
//    dates come from ProcessingInfo::timestamp).
//  - Exactly the text of txt: the same lines (empty ones left out) and words (words_of).
//  - A failed page keeps its place: an empty page element with the error in a comment
//    (hOCR, ALTO, PAGE), an empty page in txt, no rows in TSV, the page image without text in
//    the PDF when it decoded (else the page is left out and named in WriteResult::remarks).

#include <memory>
#include <string>
#include <vector>

#include "output/document.h"

namespace platen {

/// The output formats of `ocr --format`.
enum class DocumentFormat { txt, hocr, alto, page, tsv, pdf };

/// Options that change what a writer writes (not what was read).
struct WriterOptions {
  /// txt only: on a fixed-pitch page, runs of spaces from the pitch grid keep the horizontal
  /// layout (see TxtWriter).
  bool preserve_spacing = false;
};

/// What writing a document gave.
struct WriteResult {
  std::string bytes;                 ///< the file's contents
  std::vector<std::string> remarks;  ///< for standard error, e.g. a page the PDF left out
};

/// Writes one format.
class DocumentWriter {
 public:
  virtual ~DocumentWriter() = default;
  /// The whole file for `document`. Throws Error when the document cannot be written in this
  /// format (the message names the input). Thread-safe: writers hold only their options.
  virtual WriteResult write(const Document& document) const = 0;
};

/// The writer of `format`.
std::unique_ptr<DocumentWriter> make_document_writer(DocumentFormat format, const WriterOptions& options = {});

/// "txt" → DocumentFormat::txt, …; throws UsageError naming the known formats.
DocumentFormat parse_document_format(const std::string& name);
/// "txt,hocr,alto" → formats in the order given, duplicates dropped; throws UsageError.
std::vector<DocumentFormat> parse_document_formats(const std::string& list);
/// "txt", "hocr", "alto", "page", "tsv", "pdf".
std::string format_name(DocumentFormat format);
/// The file name ending of a format: ".txt", ".hocr", ".alto.xml", ".page.xml", ".tsv", ".pdf".
std::string format_extension(DocumentFormat format);

/// DIR/NAME<extension>, NAME the input's file name without its last extension ("stdin" for
/// "-"); with `page_number` ≥ 1 (--split-pages) DIR/NAME-0001<extension>.
std::string document_output_path(const std::string& directory, const std::string& input,
                                  DocumentFormat format, int page_number = 0);

/// Writes `bytes` to `path` atomically: to a temporary name with the process id in the same
/// folder, then a rename, so a reader never sees a partial file and two runs never share a
/// temporary. Throws Error naming `path` (the temporary is removed).
void write_output_atomically(const std::string& path, const std::string& bytes);

}  // namespace platen
