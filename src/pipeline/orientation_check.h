#pragma once
// A second opinion on a page's orientation from the recognizer itself.

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

/// Below this reading confidence an upright-looking page may be sideways: upright pages of
/// the dev set and rendered pages read at 0.90–0.99, the sample page turned by 90° at 0.72.
constexpr double kPoorReadingConfidence = 0.8;

}  // namespace platen
