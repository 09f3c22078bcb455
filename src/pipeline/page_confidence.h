#pragma once
// Page confidence: how sure the recognizer was of a whole page, from its lines' posteriors.

#include <vector>

#include "output/text_writer.h"

namespace platen {

/// Below this page confidence a page is read with low confidence and named on standard error.
/// Chosen on the rotation benchmark's readings before any fix (scripts/bench-rotations): every
/// page read at CER > 20 % lies below it, and few pages read under 5 %.
inline constexpr float kLowPageConfidence = 0.75f;

/// The mean of the lines' confidences weighted by their characters (a line of no characters
/// weighs one), 0–1; 0 for a page with no line (nothing read is not a sure reading).
/// Pure; thread-safe.
float page_confidence(const std::vector<LineText>& lines);

}  // namespace platen
