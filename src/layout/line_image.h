#pragma once
// Per-line geometry and the grey line image, once the page's ink has been handed to lines:
// the line's centre path (it follows residual skew and curvature), its baseline and x-height,
// and the straightened crop with everything that is not the line's own ink set to paper.
// Internal to layout/; line_finder.cpp is the only user.

#include <cstdint>
#include <vector>

#include <leptonica/allheaders.h>

#include "core/grey_image.h"

namespace platen::layout {

/// Ink [x0, x1) on row y handed to line `line` (-1: to no line: noise, underlines, specks).
struct LinePiece {
  int y = 0, x0 = 0, x1 = 0;
  int line = -1;
  bool rule = false;  ///< from a rule component (a typed dash kept with a line, or an underline)
};

/// Every ink piece of a page, sorted by row then x.
struct PagePieces {
  std::vector<LinePiece> pieces;
  /// Pieces of row y are pieces[row_start[y] .. row_start[y + 1]); size page height + 1.
  std::vector<int> row_start;
};

/// The centre of a line across the page: path[x - x0] is the page row (fractional) of the
/// middle of the line's ink at page column x, for x in [x0, x0 + path.size()).
struct CentrePath {
  int x0 = 0;
  std::vector<double> path;
  double at(int x) const { return path[static_cast<std::size_t>(x - x0)]; }
};

/// Fits the centre path of one line to its own ink. `own` indexes its pieces in `pieces`;
/// [ink_x0, ink_x1) is their x extent; the path covers that extent widened by `margin` px on
/// both sides, clipped to [0, page_w). Heights are the median ink row in bins two x-heights
/// wide, through which goes a weighted least-squares straight line (residual skew) plus the
/// residuals smoothed over about ±6 x-heights (curvature); a path that varies less than a
/// fifth of an x-height is made exactly level. `xh` is the page's x-height, px.
CentrePath fit_centre_path(const PagePieces& pieces, const std::vector<int>& own, int ink_x0, int ink_x1,
                           int margin, int page_w, double xh);

/// Where a line's ink lies relative to its centre path, px (negative = above the path).
struct LineMetrics {
  int dy_xline = 0;     ///< first row of the x-height band
  int dy_baseline = 0;  ///< last row of the x-height band (the baseline)
  int dy_top = 0;       ///< highest ink row
  int dy_bottom = 0;    ///< lowest ink row
};

/// Baseline and x-line from the straightened row profile of the line's ink (rule pieces left
/// out): the x-height band is where the profile is high; its top and bottom are the sharpest
/// rise and fall within 1.2 x-heights of the peak — the classic profile method of OCR engines'
/// baseline finders. `xh` is the page's x-height, px.
LineMetrics measure_line(const PagePieces& pieces, const std::vector<int>& own, const CentrePath& path,
                         double xh);

/// Median grey of the paper: pixels that are not ink in `binary`, sampled every third row and
/// column. `grey` 8 bpp and `binary` 1 bpp (1 = ink) of the same size. 255 for an all-ink page.
std::uint8_t paper_tone(Pix* grey, Pix* binary);

/// A page's paper_tone, worked out on first use: only lines with too little background of
/// their own need it (none on most pages), and it samples the whole page. One per page; not
/// for use from several threads at once.
class PagePaper {
 public:
  /// `grey` and `binary` as for paper_tone; they must outlive this object.
  PagePaper(Pix* grey, Pix* binary) : grey_(grey), binary_(binary) {}
  std::uint8_t tone() const {
    if (tone_ < 0) tone_ = paper_tone(grey_, binary_);
    return static_cast<std::uint8_t>(tone_);
  }

 private:
  Pix* grey_;
  Pix* binary_;
  mutable int tone_ = -1;
};

/// The grey image of one line and where it lies on the page.
struct CutLine {
  GreyImage image;
  int box_x = 0, box_y = 0, box_w = 0, box_h = 0;  ///< the page area the image was cut from, px
  int baseline = 0;                                ///< row of the baseline in `image`
  int x_height = 0;                                ///< px
  /// Page row of image row 0, per image column (image column c is page column box_x + c).
  std::vector<int> top_rows;
};

/// Settings of cut_line that do not change from line to line.
struct CutSettings {
  Pix* grey = nullptr;            ///< 8 bpp page
  /// Paper tone when a line has too little background to tell; none: 255.
  const PagePaper* page_paper = nullptr;
  int fringe = 1;                 ///< px of grey fringe around other ink that goes with it
  double margin_share = 0.3;      ///< margin above and below, as a share of the ink height
};

/// Cuts line `line` out of the page, straightened: image column c is page column path.x0 + c,
/// and image row r at that column is page row round(path(x)) + top + r, so the line's
/// baseline is one image row however the line runs on the page. The image spans the line's
/// ink plus `margin_share` of its height above and below. Within the line's region (its own
/// ink's extent over about ±1.5 x-heights, never less than the x-height band, plus the
/// margin) pixels keep their grey, except ink of other lines, underlines and specks, grown by
/// `fringe` px, which becomes paper; outside the region everything is paper. Paper is the
/// median grey of the region's background, or the page's. `metrics.dy_xline` may be adjusted
/// by the caller (x-height fallback) before the call. The box is the page area the image
/// covers (its footprint, clipped to the page).
CutLine cut_line(const PagePieces& pieces, int line, const CentrePath& path, const LineMetrics& metrics,
                 int x_height, const CutSettings& settings);

}  // namespace platen::layout
