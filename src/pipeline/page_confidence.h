#pragma once
// Page confidence: whether a page was read well enough to pass unchecked. The confidence
// itself (the lines' posteriors weighted by their characters) is set by assemble_page.

#include "platen/page_result.h"

namespace platen {

/// Below this page confidence a page is read with low confidence and named on standard error
/// (PageResult::low_confidence). See scripts/bench-rotations for how it was chosen.
inline constexpr float kLowPageConfidence = 0.75f;

/// True when `page` has at least one line with text and its confidence is
/// below kLowPageConfidence. A page with no text is not a doubtful reading. Pure; thread-safe.
bool read_with_low_confidence(const PageResult& page);

}  // namespace platen
