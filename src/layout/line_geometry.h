#pragma once
// Line geometry that cannot collapse: a line's baseline and x-height from its row profile
// (measure_line) checked against estimates that do not depend on it, and measured again
// when they disagree. Internal to layout/; line_finder.cpp is the only user.
//
// Why: measure_line puts the x-height band around the densest ink row. In text dense in l, 1
// and I typed in a Courier face, that row is the band of their baseline serifs, and the band
// comes out 3–5 px high instead of ~24; every line of such a page is measured alike, so the
// page's median agrees with them, the crops lose the tops of their letters, and the page
// reads as garbage.

#include <vector>

#include "layout/line_image.h"

namespace platen::layout {

/// Baseline and x-line from the line's ink columns, independent of where its ink is densest:
/// the baseline is the row where most ink columns end (letters stand on it; descenders and
/// serifs do not move it), the x-line the row where most ink columns start between 0.45 and
/// 1.5 reference x-heights above that baseline (tops of a c e m n o r s u v w x z and the
/// shoulders of h n m; stems of l, 1, I start higher, their baseline serifs lower), or the
/// lower of two such rows, 0.55–0.85 of the other's height above the baseline, when it is a
/// clear peak of its own (text dense in l, 1, I and capitals).
/// `ref_xh` is the page's x-height from its component heights, px. Rule pieces are left out.
/// dy_top and dy_bottom are the ink's extent as in measure_line. A line without ink gives
/// all zeros.
LineMetrics measure_line_by_columns(const PagePieces& pieces, const std::vector<int>& own, const CentrePath& path,
                                    double ref_xh);

/// The line's metrics after the check, and whether the row profile's were replaced.
struct CheckedMetrics {
  LineMetrics metrics;
  bool remeasured = false;
};

/// Checks the row-profile metrics `profile` of a line against the page's x-height `ref_xh`
/// (from its component heights) and the line's own ink height: the profile stands when its
/// x-height is 0.6–1.45 of `ref_xh` and no more than the ink height. Otherwise the line is
/// re-measured by its columns (`columns`): their x-height when it passes the same check, else
/// `ref_xh`, above the profile's baseline when the two baselines agree within
/// max(2 px, 0.2 `ref_xh`) (a band collapsed onto the serifs still stands on the baseline),
/// else above the columns' baseline. (On the dev
/// pages the two methods agree within a pixel on typed lines; where a plausible profile and
/// the columns disagree, the line is noise or handwriting and either reading is garbage, so
/// the profile is kept there.) Pure.
CheckedMetrics check_line_metrics(const LineMetrics& profile, const LineMetrics& columns, double ref_xh);

/// The metrics of a page's lines (indexed like `own` and `paths`; those not in `order` left
/// zero), checked. Each line's row profile (measure_line); when the median of their
/// x-heights is not 0.6–1.45 of the page's x-height from its components (`ref_xh`), every
/// line of the page was measured alike and wrongly (the profiles collapsed onto serifs), and
/// each line is checked and re-measured by its columns (check_line_metrics). On a page whose
/// median holds, a line whose own band is off keeps its baseline and takes the median's
/// x-height (find_text_lines: its neighbours), as before. `remeasured`, when given, counts
/// the lines re-measured by their columns. Thread-safe (reads only).
std::vector<LineMetrics> checked_line_metrics(const PagePieces& pieces, const std::vector<std::vector<int>>& own,
                                              const std::vector<CentrePath>& paths, const std::vector<int>& order,
                                              double ref_xh, int* remeasured = nullptr);

}  // namespace platen::layout
