#pragma once
// From a decoded page to the images layout analysis and recognition work on: grey,
// background-normalised, binarised, turned upright and deskewed.

#include "image/page_reader.h"

namespace platen {

/// Settings for page preparation; defaults suit typewritten pages at 150–600 dpi.
struct PrepareOptions {
  int dpi_override = 0;        ///< --dpi; 0 = use the file's when plausible, else estimate
  bool detect_orientation = true;
  /// Clockwise quarter turns (0–3) to apply instead of detecting the orientation; −1 = detect
  /// (when detect_orientation is set).
  int quarter_turns = -1;
  /// With detection, turn a page found upside down; false leaves it as found (see
  /// PreparedPage::detected_orientation_degrees) for a caller that can settle it by reading:
  /// typewritten Cyrillic, with more descenders than ascenders, often looks upside down to the
  /// detector (6 of the 16 upright Cyrillic benchmark pages, at confidences up to 13.6).
  bool turn_upside_down = true;
  /// With detection, the least confidence at which a page found sideways is turned; below it
  /// the page is left as found, for a caller that can settle it by reading. 0 = the
  /// detector's own threshold (6).
  double min_quarter_turn_confidence = 0.0;
  bool deskew = true;
  double max_skew_degrees = 10.0;
};

/// A page ready for layout analysis. Both images have the same size and geometry.
struct PreparedPage {
  PixPtr grey;    ///< 8 bpp, upright and deskewed; paper near 255 (original tones, not binarised)
  PixPtr binary;  ///< 1 bpp, 1 = ink; same geometry as `grey`
  int dpi = 0;                  ///< resolution used (from file, override or estimate)
  double skew_degrees = 0.0;    ///< skew found and removed (positive = counter-clockwise text)
  int orientation_degrees = 0;  ///< 0, 90, 180 or 270: clockwise turn applied to make text upright
  /// The turn the detector found (0, 90, 180 or 270), whether applied or left to the caller
  /// (PrepareOptions::turn_upside_down, min_quarter_turn_confidence); 0 when undecided or not
  /// detected.
  int detected_orientation_degrees = 0;
  /// The detector's confidence in the orientation it found (Bloomberg's up or left confidence,
  /// whichever decided): below ~8 it is a guess (pages of Cyrillic, few ascenders); 0 when
  /// undecided or not detected (turns forced, detection off, no text).
  double orientation_confidence = 0.0;
  double binarise_seconds = 0.0;  ///< time spent binarising, s (the rest went to grey, orientation, deskew)
};

/// Prepares a page: grey → background normalisation → binarisation → orientation → deskew.
/// Throws ImageError when the page cannot be processed (no image, out of memory).
/// Notes: (1) blank, black or text-free pages are not an error: they come back unturned,
/// unrotated, with a resolution from the file (150–1200 ppi) or 300; (2) orientation uses
/// Bloomberg's ascender/descender statistics (Leptonica pixOrientDetect) and turns a page only
/// when confident; skew uses Leptonica's projection-profile sweep and search within
/// ±max_skew_degrees; (3) `dpi` is dpi_override when set, else the file's when it is
/// 150–1200 ppi and within ×1.6 of the estimate from the text's x-height, else that estimate;
/// (4) when neither a turn nor a rotation was needed, `grey` may share its
/// pixels with `page.pix` (treat it as read-only).
PreparedPage prepare_page(const DecodedPage& page, const PrepareOptions& options = {});

/// Binarises an 8 bpp grey page: background normalisation, local contrast normalisation, then a
/// threshold at a fixed fraction of the local ink–paper range (Leptonica pixBackgroundNorm,
/// pixContrastNorm). Returns 1 bpp (1 = ink), same size; an empty page gives an empty
/// image. Throws ImageError when `grey` is not 8 bpp.
PixPtr binarise_page(Pix* grey);

/// Resolution (ppi) implied by the size of typewritten text in a 1 bpp upright page (1 = ink),
/// from the most frequent character height taken as the x-height; 0 when there are too few
/// characters to tell.
int estimate_dpi_from_text(Pix* binary);

}  // namespace platen
