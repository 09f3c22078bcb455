#pragma once
// What Platen read on one page: the one result type every writer (txt, hOCR, ALTO, PAGE, TSV,
// PDF), the batch runner and a library caller use.
//
// Coordinates: every box, polygon and baseline is in pixels of the page *as a viewer displays
// the file*: the stored pixels with the file's EXIF or TIFF orientation tag applied (the stored
// pixels themselves when there is none), whatever turn or skew Platen found and undid to read
// it. `width` × `height` is that page's size.
//
// Structure: `lines` is flat, in reading order (page.lines[i].words[j]); blocks and paragraphs
// group consecutive lines by index range, so a caller who wants only lines ignores them.
// Texts are UTF-8 in NFC. Plain data: copyable, no hidden state, safe to read from any thread.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platen/export.h"
#include "platen/geometry.h"

namespace platen {

/// One character as the CTC alignment placed it: its box spans the network frames it owns.
struct Glyph {
  std::string text;       ///< one code point (UTF-8), never a space
  Box box;                ///< on the displayed page, px
  float confidence = 0;   ///< posterior of the character, 0–1
};

/// A word: a run of non-space characters of a line.
struct Word {
  std::string text;       ///< UTF-8, NFC, no spaces
  Box box;                ///< on the displayed page, px
  /// Calibrated: a word of confidence c is exactly right (after NFC) about c of the time, 0–1.
  float confidence = 0;
  std::vector<Glyph> glyphs;  ///< one per code point of `text` when the frames give them; may be empty
};

/// A text line.
struct Line {
  std::string text;        ///< words joined by single spaces, no '\n'
  Box box;                 ///< bounding box on the displayed page, px
  /// Outline on the displayed page (4 corners for a straight line; more where it is skewed or
  /// curved), clockwise from the top-left. Never empty when the line has a box.
  Polygon polygon;
  /// Baseline on the displayed page, from the line's start to its end (≥ 2 points).
  Polygon baseline;
  float x_height = 0;      ///< px on the page as read (after deskew)
  float confidence = 0;    ///< mean character posterior, 0–1 (1 for an empty line)
  std::string language;    ///< ISO 639-2/T code of the line's language when known ("rus"), else ""
  std::vector<Word> words; ///< in reading order
};

/// Consecutive lines of one block that form a paragraph: lines[first_line, first_line + line_count).
struct Paragraph {
  Box box;
  int first_line = 0;
  int line_count = 0;
};

/// A text block (column, header, marginal note) in reading order.
struct TextBlock {
  Box box;
  Polygon polygon;         ///< outline on the displayed page
  std::string language;    ///< ISO 639-2/T, the most common of its lines', "" when unknown
  std::vector<Paragraph> paragraphs;  ///< cover the block's lines in order
  int first_line = 0;      ///< the block holds lines[first_line, first_line + line_count)
  int line_count = 0;
};

/// Something on the page that is not text and was kept out of `text`.
struct NonTextRegion {
  enum class Kind {
    stamp,        ///< a rubber stamp or seal
    handwriting,  ///< signatures, handwritten notes
    graphic,      ///< logos, drawings, photographs
    separator,    ///< rules and lines that are not underlines of text
    noise,        ///< specks, show-through, scanner borders
  };
  Kind kind = Kind::noise;
  Box box;
  Polygon polygon;
  float confidence = 0;  ///< how sure the classification is, 0–1
};

/// The page image as it was stored in the file, for writers that embed it (searchable PDF):
/// kept only when asked for (EngineOptions / ReadOptions keep_page_image).
struct PageImage {
  enum class Encoding {
    jpeg,        ///< `data` is the JPEG file's bytes, to pass through unchanged
    ccitt_g4,    ///< `data` is a CCITT Group 4 stream (K = −1, BlackIs1 false), bilevel
    raw,         ///< `data` is uncompressed rows, top to bottom, no padding
  };
  Encoding encoding = Encoding::raw;
  std::vector<std::uint8_t> data;
  int width = 0;               ///< stored pixels, before the orientation tag
  int height = 0;
  int components = 1;          ///< 1 grey (or bilevel), 3 RGB, 4 CMYK (JPEG only)
  int bits_per_component = 8;  ///< 1 or 8
  /// EXIF/TIFF orientation tag, 1–8 (1 = stored pixels are the displayed page).
  int orientation_tag = 1;
};

/// Where one page's time went, wall seconds on the thread that did the work.
struct PageTimings {
  double decode = 0;       ///< reading and decoding the image file
  double binarise = 0;     ///< background normalisation and binarisation
  double deskew = 0;       ///< grey conversion, orientation (with its check by reading), deskew
  double segment = 0;      ///< finding and cutting text lines
  double recognise = 0;    ///< line normalisation and the network
  double decode_text = 0;  ///< CTC decoding, with the language model when used
  double write = 0;        ///< the caller's writers, when a batch times them
  /// Sum of the stages, seconds.
  double total() const { return decode + binarise + deskew + segment + recognise + decode_text + write; }
  /// Adds `other` stage by stage (totals over pages).
  PLATEN_API PageTimings& operator+=(const PageTimings& other);
};

/// Outcome of one page (or of a whole file that could not be opened).
struct PageResult {
  /// The input as given: its path, "-" for standard input, the name given for an encoded file
  /// in memory; "" for pixels in memory.
  std::string source;
  std::size_t input_index = 0;  ///< position of the input in a batch's list (0 outside a batch)
  int page_index = 0;           ///< 0-based page of the input
  int page_count = 1;           ///< pages of the input (1 when it could not be opened)
  bool ok = false;              ///< false: the page failed; `error` says why, the rest is empty
  std::string error;            ///< one line naming the file, the page and what to try
  std::vector<std::string> warnings;  ///< codec and layout remarks that did not fail the page

  int width = 0;                ///< displayed page, px (0 when it could not be decoded)
  int height = 0;
  double resolution = 0;        ///< px per inch used for reading (file's, or estimated)
  bool resolution_from_file = false;  ///< false: estimated from the text size
  /// Quarter turns Platen found the text in: the page was turned clockwise by this many degrees
  /// (0, 90, 180, 270) to read it upright.
  int orientation_degrees = 0;
  double skew_degrees = 0;      ///< then rotated clockwise by this to level the lines
  float confidence = 0;         ///< page confidence from its lines' posteriors, 0–1
  bool low_confidence = false;  ///< confidence below the engine's threshold: check this page

  /// Page text: each non-empty line followed by '\n', "" for a page with no text. In
  /// single-line mode: the line's text and '\n', always.
  std::string text;
  std::vector<Line> lines;            ///< reading order, the lines of `text`
  std::vector<TextBlock> blocks;      ///< reading order, covering `lines`
  std::vector<NonTextRegion> non_text;
  std::shared_ptr<const PageImage> image;  ///< only when asked for; null otherwise

  PageTimings timings;
};

}  // namespace platen
