#pragma once
// From recognised line crops to the page result: each line's words and characters placed by
// the CTC alignment (the frames each character owns), mapped back through the line
// normaliser, the crop's place on the prepared page and the page's deskew and turn to the
// page as stored, then to the page as displayed.

#include <vector>

#include "core/grey_image.h"
#include "pipeline/page_frame.h"
#include "platen/page_result.h"
#include "recognition/recognizer.h"

namespace platen {

/// Where one line crop came from on the prepared page.
struct LinePlacement {
  Box box;                    ///< TextLine::box: the page area the crop was cut from
  /// Prepared-page row of crop row 0 per crop column (TextLine::top_rows); empty: box.y for
  /// every column (an unstraightened crop).
  std::vector<int> top_rows;
  int baseline = 0;           ///< crop row of the baseline
  int x_height = 0;           ///< px
};

/// Fills `page.lines` (the lines with text, in order, with words and glyphs), `page.blocks`
/// (one block of one paragraph holding them all), `page.confidence` (mean line confidence
/// weighted by characters; 1 for a page without text), size, orientation and skew from the
/// recognised crops. `crops[i]` was read as `recognised[i]` and cut as `placements[i]`;
/// words are confidence-calibrated by `calibration`. Leaves `text`, timings and the input's
/// fields alone. Throws std::invalid_argument when the three vectors differ in size.
///
/// Word boxes: the CTC alignment splits the line at the middle of each space's frames; within
/// its part, a word's box is its own ink (darker than halfway between the crop's paper and ink
/// tones) near its characters' frames, or those frames' columns and the x-height band when the
/// part has no ink. Each box's corners on the prepared page are mapped to the displayed page
/// and boxed again, so on a skewed page a word's box is that of its rotated outline.
void assemble_page(const std::vector<GreyImage>& crops, const std::vector<LinePlacement>& placements,
                   const std::vector<RecognisedLine>& recognised, const PageFrame& frame,
                   const WordCalibration& calibration, PageResult& page);

/// The line's words (text, box on the prepared page's crop, raw score) from the alignment:
/// exposed for tests. Boxes in crop px.
struct CropWord {
  std::u32string symbols;      ///< the word's decoded code points (before NFC)
  std::size_t first_symbol = 0;  ///< index into RecognisedLine::symbols
  double x0 = 0, x1 = 0;       ///< crop columns [x0, x1)
  double y0 = 0, y1 = 0;       ///< crop rows [y0, y1)
  /// Per symbol, crop columns [first, second).
  std::vector<std::pair<double, double>> glyph_columns;
};
std::vector<CropWord> words_in_crop(const GreyImage& crop, const RecognisedLine& line, int baseline, int x_height);

}  // namespace platen
