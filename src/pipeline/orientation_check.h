#pragma once
// How well the recognizer reads a page's lines as they stand and turned by 180°: the
// measures by which pipeline/upright_reading.h decides a page's orientation.

#include <vector>

#include "core/grey_image.h"
#include "recognition/recognizer.h"

namespace platen {

/// Below this confidence (Leptonica's pixOrientDetect scale) the detector's answer is a guess:
/// typewritten Cyrillic, with few ascenders and descenders, scores 2–7 either way up, Latin
/// 10–40 (measured on rendered A4 pages).
constexpr double kSureOrientationConfidence = 8.0;

/// How confidently the recognizer reads a page's text lines: the mean character confidence
/// (best path, weighted by length) of up to `sample` of the widest crops, as they are or,
/// with `turned`, turned by 180°. An upright line read upside down gives short,
/// low-confidence text, so a few lines tell the orientation apart. In [0, 1]; 0 for no lines.
/// `lines`: grey line crops as the layout stage cut them. Throws what Recognizer throws.
double reading_confidence(const std::vector<const GreyImage*>& lines, const Recognizer& recognizer,
                          bool turned, std::size_t sample = 6);
/// The same for crops held by value.
double reading_confidence(const std::vector<GreyImage>& lines, const Recognizer& recognizer, bool turned,
                          std::size_t sample = 6);

/// How much better one orientation must read than another to be preferred.
constexpr double kOrientationReadingMargin = 0.05;

/// A first look, at a third of the cost of reading_confidence: the mean character confidence
/// (best path) of the first `width` px of up to `sample` of the widest crops, as they are or,
/// with `turned`, turned by 180° (then their last `width` px, which are the turned page's
/// line starts). In [0, 1]; 0 for no lines. Throws what Recognizer throws.
double quick_reading_confidence(const std::vector<const GreyImage*>& lines, const Recognizer& recognizer,
                                int width, bool turned, std::size_t sample = 4);

/// Length of line read by quick_reading_confidence, inches: about 30 typewriter characters.
constexpr double kQuickReadingInches = 3.0;

/// Quick reading confidences that tell which way up a page stands. Measured on the 100
/// benchmark pages (11 dev, 89 rendered, 150–400 ppi): upright, 95 read at 0.90 or better,
/// all at 0.874 or better and 0.075–0.28 better than turned by 180°; turned by 180°, at most
/// 0.850; sideways, at most 0.810 either way up. A page reading at kClearReadingConfidence one
/// way up, or at kFairReadingConfidence and kQuickReadingMargin better than the other way up,
/// is taken to stand that way up without reading it in full.
constexpr double kClearReadingConfidence = 0.90;
constexpr double kFairReadingConfidence = 0.85;
constexpr double kQuickReadingMargin = 0.08;


}  // namespace platen
