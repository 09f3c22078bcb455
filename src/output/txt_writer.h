#pragma once
// Plain text (.txt), as Tesseract writes it: every line ends with '\n', a page with no text is
// "", pages are separated (not ended) by a form feed '\f'; a failed page is an empty page.
// With --line (Document::single_line) each page is one line and there are no form feeds (a
// failed page is an empty line).
//
// --preserve-spacing: on a fixed-pitch page (typewriter), each word starts at its column of
// the pitch grid, so indents, tables and columns stay aligned. The pitch is fitted to the word
// boxes (least squares of box width against code points: the slope); a page whose words do not
// fit one pitch within a quarter of a character keeps single spaces.

#include "output/document_writer.h"

namespace platen {

/// A fixed character pitch found on a page.
struct PitchGrid {
  double pitch = 0;   ///< px per character cell
  double origin = 0;  ///< x of column 0 (the leftmost word start), px
};

/// The pitch grid of `page` when its words are fixed-pitch (see above); pitch 0 when not (or
/// fewer than 5 words of 2 characters or more).
PitchGrid find_pitch_grid(const PageResult& page);

/// The page's text with each line laid out on `grid` (grid.pitch > 0): runs of spaces before
/// words put each word at its column, at least one space between words. Otherwise page.text.
std::string spaced_page_text(const PageResult& page, const PitchGrid& grid);

class TxtWriter : public DocumentWriter {
 public:
  explicit TxtWriter(bool preserve_spacing = false) : preserve_spacing_(preserve_spacing) {}
  WriteResult write(const Document& document) const override;

 private:
  bool preserve_spacing_;
};

}  // namespace platen
