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

/// True when the text lines read better turned by 180°: up to `sample` of the widest crops
/// are read by best path as they are and turned, and the turned reading wins when its
/// mean character confidence (weighted by length) is higher by at least `margin`. An upright
/// line read upside down gives short, low-confidence text, so a few lines suffice.
/// `lines`: grey line crops as the layout stage cut them. Throws what Recognizer throws.
bool lines_read_better_turned(const std::vector<GreyImage>& lines, const Recognizer& recognizer,
                              std::size_t sample = 6, double margin = 0.05);

}  // namespace platen
