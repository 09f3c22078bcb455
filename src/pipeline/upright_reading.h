#pragma once
// The one place where a page's orientation is decided: by reading it.
//
// The orientation detector (Bloomberg's ascender/descender statistics, image/text_orientation.h)
// only proposes. Its sure quarter turns are applied when the page is prepared, everything else
// is left as found, and the recognizer settles the rest:
//   1. before reading, when the detector turned the page or was unsure (below
//      kSureOrientationConfidence), the quick check on a few line starts and, failing it, the
//      full check both ways up and a quarter turn either way (settle_by_reading below);
//   2. on every page, once it is read: a reading that is not clearly good
//      (kClearPageReadingConfidence) is checked the other ways up in the same way, and a
//      different orientation is kept only when its own reading is better. Typewritten
//      Cyrillic, which the detector often finds confidently the wrong way up, is read right so;
//      a page read well costs nothing more, since its reading is the one that was needed.

#include <vector>

#include "image/page_preparer.h"
#include "layout/line_finder.h"
#include "recognition/recognizer.h"

namespace platen {

/// Below this confidence of the lines of a read page (the mean character confidence, weighted
/// by characters, of its six widest lines, as decoded for output) its orientation is checked
/// again by reading. Measured with the shipped model on the rotation benchmark (51 pages, 11
/// dev and 40 rendered, scripts/bench-rotations): pages read the right way up at 0.74–1.00,
/// median 0.97, 5 % below 0.85; Cyrillic pages read upside down because the detector was sure
/// they were upright, 0.61 and 0.64.
constexpr double kClearPageReadingConfidence = 0.90;

/// Settings the decision needs from the pipeline.
struct UprightOptions {
  PrepareOptions prepare;  ///< as for the page; quarter_turns is set per try
  LayoutOptions layout;
  DecodeOptions decode;    ///< the page's reading
};

/// A page turned upright by reading, its lines and their reading.
struct UprightReading {
  PreparedPage page;
  /// The lines found on `page`, in reading order; their images are moved to `crops`.
  std::vector<TextLine> lines;
  std::vector<GreyImage> crops;             ///< lines[i].image
  std::vector<RecognisedLine> recognised;   ///< crops[i] read with UprightOptions::decode
  RecognitionTimings timings;               ///< of the reading kept
  double orientation_seconds = 0;  ///< spent on other preparations, line finding and readings
  bool reoriented_after_reading = false;  ///< step 2 above changed the orientation
};

/// Reads a page upright. `first` is `page` prepared with `prepare` as the pipeline does it
/// with detection (sure quarter turns applied, a page found upside down or doubtfully sideways
/// left as found: turn_upside_down = false, min_quarter_turn_confidence =
/// kSureOrientationConfidence) and `first_lines` its lines. With `detect` false (turns forced
/// or detection off) the page is read as prepared, without checks. Throws what preparation,
/// line finding and recognition throw.
UprightReading read_upright(const DecodedPage& page, PreparedPage first, std::vector<TextLine> first_lines,
                            bool detect, const Recognizer& recognizer, const UprightOptions& options);

/// The confidence of a page's reading that step 2 compares with kClearPageReadingConfidence:
/// the mean character confidence of the (up to) six widest crops' readings, weighted by their
/// characters; 0 when none has text. `crops` and `recognised` pair up.
double page_reading_confidence(const std::vector<GreyImage>& crops, const std::vector<RecognisedLine>& recognised);

}  // namespace platen
