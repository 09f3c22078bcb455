// Text-line segmentation of a prepared page.
//
// Outline, one function (or a few) per step:
//  1. The binary page's ink as runs, grouped into 8-connected components (ink_components.h).
//  2. The page's x-height from the mode of component heights. Every size below is a multiple
//     of it, so the same settings work from 150 to 600 dpi.
//  3. Roles: letters (what lines are found from), small marks (dots, accents, commas,
//     fragments, specks), rules (long horizontal runs, cut out of the letters they touch, and
//     long thin strokes: underlines), tall blobs (letters of touching lines chained together,
//     or stamps, drawings) and noise (scan borders, dark bands, punch holes, margin bars).
//  4. Letter ink on a coarse grid, smoothed a few x-heights along x: each grid column is then a
//     local horizontal projection profile of the text around it, so residual skew and curved
//     lines stay sharp where one page-wide profile would blur them. A line's "core" is where
//     the density is at least half of its local maximum: the x-height band. This is the
//     smeared-density idea of OCRopus's line finder (Breuel 2008), done with box filters,
//     with explicit cuts where two tightly spaced lines' bands merge, and with the small
//     bands the density leaves beside a line (the serifs of a few capitals) merged back.
//  5. Cores that hold text are kept; components are handed to the core they overlap, letters
//     of two touching lines are cut between them (split_component), marks that overlap no
//     core go to the nearest core with distances weighted by how far accents and descenders
//     reach.
//  6. Cores broken at word gaps are joined into lines, unless the gap is a gutter between
//     columns or table cells; lines that are not text (paper edges, stains, specks) go.
//  7. Reading order: columns found from vertical gutters, rows top to bottom, cells left to
//     right (reading_order.h).
//  8. Per line: centre path, baseline, x-height and the straightened grey crop
//     (line_image.h).
// find_text_lines at the end of this file calls the steps in this order.

#include "layout/line_finder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <string>

#include "core/errors.h"
#include "layout/ink_components.h"
#include "layout/line_geometry.h"
#include "layout/line_image.h"
#include "layout/reading_order.h"

namespace platen {

namespace {

using layout::ComponentLabels;
using layout::InkComponent;
using layout::InkRun;
using layout::InkRuns;
using layout::LinePiece;
using layout::PagePieces;

// ---------------------------------------------------------------------------------------------
// Tunables, in multiples of the page's x-height (xh) unless stated otherwise. They describe
// typewritten pages rather than user choices, so they are not in LayoutOptions. The values
// were set on rendered pages and the dev pages of the typewritten dataset.

constexpr double kLongRunXh = 3.0;        // horizontal runs this long are rule ink
constexpr double kRuleMaxThickXh = 0.6;   // rules are at most this thick; thicker: dark bands
constexpr double kSeedMinXh = 0.5;        // letters are at least this tall...
constexpr double kSeedMaxXh = 5.0;        // ...and at most this tall (two touching lines fit)
constexpr double kEdgeLetterMaxXh = 2.5;  // edge-touching blobs larger than this are border
constexpr double kHoleMinXh = 2.0;        // punch holes: round, filled, at least this wide
constexpr double kBarMinXh = 2.2;         // vertical bars: at least this tall...
constexpr double kBarMaxWidthXh = 0.4;    // ...and at most this wide
constexpr double kThinInkXh = 0.15;       // long strokes with less ink per column are rules
constexpr float kSmallWeight = 0.3f;      // weight of small marks in the density
constexpr double kSmoothXXh = 1.5;        // box filter width along x (applied twice)
constexpr double kSmoothYXh = 0.34;       // box filter height along y
constexpr double kPeakRadiusXh = 1.0;     // window of the local density maximum
constexpr float kValleyDepth = 0.95f;     // a core is cut where density dips below this share
constexpr double kSplitMinXh = 2.1;       // components taller than this may be two lines' ink
constexpr double kAttachUpXh = 0.6;       // how far descenders reach below a core
constexpr double kAttachDownXh = 1.0;     // how far ascenders and accents reach above a core
constexpr double kAttachSideXh = 1.0;     // how far punctuation sits past the end of a core
constexpr double kMaxAttach = 1.5;        // marks further than this many reaches are specks
constexpr double kSpeckXh = 0.15;         // marks no bigger than this join a line only inside it
constexpr double kWordGapXh = 3.5;        // gaps up to this always join (words, tabs in lists)
constexpr double kLineGapXh = 12.0;       // gaps beyond this always split (columns)
constexpr double kLoneGapXh = 6.0;        // in a row without neighbours, wider gaps split
constexpr double kJoinDyXh = 0.8;         // cores joined into a line agree this well in height
constexpr double kShortLineXh = 4.0;      // lines narrower than this need a clear character
constexpr double kMaxLineInkXh = 5.0;     // no text line's ink is taller
constexpr double kNearNoiseLineXh = 8.0;  // lines narrower than this may not hug noise
constexpr double kMarginShare = 0.3;      // crop margin above and below, share of ink height

// The coarse grid: cells of f×f page pixels.
struct Cell {
  int f = 1;
  int w = 0;  // cells
  int h = 0;
};

enum class Role : std::uint8_t { kLetter, kSmall, kRule, kTall, kNoise };

// A line's core: a connected region of the core mask, with its extent per grid column, and
// what was handed to it.
struct Core {
  int cx0 = 0, cx1 = 0;          // grid columns [cx0, cx1)
  std::vector<float> centre;     // per column: mean core row (cells), -1 where none
  std::vector<int> top, bottom;  // per column: first and last core row (cells)
  long ink_area = 0;             // ink handed to it, px
  int ink_x0 = 1 << 30, ink_x1 = -1, ink_y0 = 1 << 30, ink_y1 = -1;  // its extent, px
  std::vector<int> comps;        // whole components handed to it
  long split_area = 0;           // ink of its shares of split components, px
  long split_letterlike = 0;     // of which shares of letter height, px
  int line = -1;                 // the line it ends up in

  bool covers(int cx) const { return cx >= cx0 && cx < cx1 && centre[cx - cx0] >= 0; }
  // Centre at grid column cx (cells), clamped to the core's own columns.
  float centre_at(int cx) const {
    const int i = std::clamp(cx, cx0, cx1 - 1) - cx0;
    if (centre[i] >= 0) return centre[i];
    for (int d = 1; d < cx1 - cx0; ++d) {  // cannot happen (cores link column to column)
      if (i - d >= 0 && centre[i - d] >= 0) return centre[i - d];
      if (i + d < cx1 - cx0 && centre[i + d] >= 0) return centre[i + d];
    }
    return 0.f;
  }
  // Mean centre over grid columns [ga, gb] (cells), or the clamped centre if none there.
  double mean_centre(int ga, int gb) const {
    double sum = 0;
    int n = 0;
    for (int cx = std::max(ga, cx0); cx <= std::min(gb, cx1 - 1); ++cx) {
      if (centre[cx - cx0] < 0) continue;
      sum += centre[cx - cx0];
      ++n;
    }
    return n ? sum / n : static_cast<double>(centre_at((ga + gb) / 2));
  }
  void add_ink(int x0, int y0, int x1, int y1, long area) {
    ink_x0 = std::min(ink_x0, x0);
    ink_x1 = std::max(ink_x1, x1);
    ink_y0 = std::min(ink_y0, y0);
    ink_y1 = std::max(ink_y1, y1);
    ink_area += area;
  }
};

// The grid: smoothed letter density and core label per cell.
struct Grid {
  Cell cell;
  std::vector<float> density;
  std::vector<int> label;  // core index per cell, -1 = none
  int at(int cx, int cy) const { return label[static_cast<std::size_t>(cy) * cell.w + cx]; }
  float s(int cx, int cy) const { return density[static_cast<std::size_t>(cy) * cell.w + cx]; }
};

// Components with their roles.
struct Components {
  ComponentLabels labels;
  std::vector<Role> roles;
  const InkComponent& operator[](int c) const { return labels.components[c]; }
  int size() const { return static_cast<int>(labels.components.size()); }
};

// Where each component went: comp_core[c] is a core, -1 (no line) or -2 (split: its pieces
// are split_pieces[split_ranges[c]], in row order, `line` holding the core).
struct Assignment {
  std::vector<int> comp_core;
  std::vector<LinePiece> split_pieces;
  std::vector<std::pair<int, int>> split_ranges;
};

// A text line under construction.
struct LineBuild {
  std::vector<int> cores;
  int ink_x0 = 1 << 30, ink_x1 = -1, ink_y0 = 1 << 30, ink_y1 = -1;
  long ink_area = 0;
  void add(const Core& k) {
    ink_x0 = std::min(ink_x0, k.ink_x0);
    ink_x1 = std::max(ink_x1, k.ink_x1);
    ink_y0 = std::min(ink_y0, k.ink_y0);
    ink_y1 = std::max(ink_y1, k.ink_y1);
    ink_area += k.ink_area;
  }
};

int px(double v) { return static_cast<int>(std::lround(v)); }

// ---------------------------------------------------------------------------------------------
// Step 2: scale.

// The page's x-height, px: the most common component height, each component weighted by its
// ink. Lower-case letters without ascenders (a c e m n o r s u v w x z) outnumber other
// letters in running text, so the mode lands on the x-height; weighting by ink keeps it there
// when a worn ribbon or a carbon copy breaks letters into many small fragments. Returns 0 when
// there is less ink than a handful of letters.
double estimate_x_height(const ComponentLabels& labels, int page_w, int page_h) {
  const int max_h = std::max(8, std::min(page_h / 8, 400));
  std::vector<double> hist(max_h + 2, 0.0);
  for (const InkComponent& c : labels.components) {
    const int h = c.height();
    const int w = c.width();
    if (h < 4 || h > max_h || w < 2 || w > 3 * h) continue;
    if (c.x0 == 0 || c.y0 == 0 || c.x1 == page_w || c.y1 == page_h) continue;
    hist[h] += static_cast<double>(c.area);
  }
  // Light smoothing, so that an x-height between two integers is not split in two.
  std::vector<double> smooth(hist.size(), 0.0);
  for (int h = 4; h <= max_h; ++h) smooth[h] = hist[h - 1] + 2 * hist[h] + hist[h + 1];
  int best = static_cast<int>(std::max_element(smooth.begin(), smooth.end()) - smooth.begin());
  if (smooth[best] < 8.0 * 4 * 16) return 0.0;
  // Bold or blurred type runs letters together into words as tall as their tallest letter,
  // and the ascender height can then outweigh the x-height. The x-height is the lower mode,
  // 0.6–0.85 of the other, when it is a clear peak of its own.
  int lower = -1;
  for (int h = static_cast<int>(std::ceil(0.6 * best)); h <= static_cast<int>(0.85 * best); ++h) {
    if (h < 5 || smooth[h] < smooth[h - 1] || smooth[h] < smooth[h + 1]) continue;
    if (smooth[h] >= 0.35 * smooth[best] && (lower < 0 || smooth[h] > smooth[lower])) lower = h;
  }
  if (lower > 0) best = lower;
  const double den = hist[best - 1] + hist[best] + hist[best + 1];
  const double num = (best - 1) * hist[best - 1] + best * hist[best] + (best + 1) * hist[best + 1];
  return den > 0 ? num / den : best;
}

// ---------------------------------------------------------------------------------------------
// Step 3: roles.

bool touches_edge(const InkComponent& c, int w, int h) {
  return c.x0 <= 1 || c.y0 <= 1 || c.x1 >= w - 1 || c.y1 >= h - 1;
}

// Noise recognised on whole blobs, before underlines are cut away: dark scan borders (large
// blobs touching the page edge) and punch holes (large, round, filled). One flag per component.
std::vector<std::uint8_t> border_and_holes(const ComponentLabels& labels, double xh, int page_w, int page_h) {
  std::vector<std::uint8_t> noise(labels.components.size(), 0);
  for (std::size_t i = 0; i < labels.components.size(); ++i) {
    const InkComponent& c = labels.components[i];
    const int w = c.width();
    const int h = c.height();
    if (touches_edge(c, page_w, page_h) && (h > kEdgeLetterMaxXh * xh || w > 2 * kEdgeLetterMaxXh * xh)) {
      noise[i] = 1;
      continue;
    }
    const double aspect = static_cast<double>(w) / h;
    // A filled disc fills pi/4 of its box.
    if (std::min(w, h) > kHoleMinXh * xh && aspect > 0.6 && aspect < 1.67 && c.area > 0.55 * double(w) * h) {
      noise[i] = 1;
    }
  }
  return noise;
}

// Labels the page's runs into components with roles (see the outline at the top). Long
// horizontal runs are kept apart from the rest when labelling, so that an underline touched by
// descenders is one component and the letters others; a thick bar of long runs is a dark band
// (a paper edge's shadow, a scan border inside the image) and the ragged bits that hung on it
// are noise with it. `first` is the plain labelling of `runs`.
Components classify(const InkRuns& runs, const ComponentLabels& first, double xh, int page_w, int page_h,
                    int min_line_height) {
  const std::vector<std::uint8_t> first_noise = border_and_holes(first, xh, page_w, page_h);
  const int long_run = px(kLongRunXh * xh);
  const double max_rule = std::max(2.0, kRuleMaxThickXh * xh);
  std::vector<std::uint8_t> run_class(runs.runs.size(), 0);
  bool any_long = false;
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    run_class[i] = runs.runs[i].length() >= long_run;
    any_long = any_long || run_class[i];
  }
  Components out;
  out.labels = any_long ? layout::label_components(runs, &run_class) : first;
  const int n = out.size();
  std::vector<std::uint8_t> is_rule(n, 0), is_noise(n, 0), first_is_band(first.components.size(), 0);
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    const int c = out.labels.run_component[i];
    if (run_class[i]) is_rule[c] = 1;
    if (first_noise[first.run_component[i]]) is_noise[c] = 1;
    if (run_class[i] && out[c].height() > max_rule) first_is_band[first.run_component[i]] = 1;
  }
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    if (first_is_band[first.run_component[i]]) is_noise[out.labels.run_component[i]] = 1;
  }

  const double seed_min = std::max<double>(kSeedMinXh * xh, std::min(min_line_height, static_cast<int>(xh)));
  out.roles.assign(n, Role::kSmall);
  for (int i = 0; i < n; ++i) {
    const InkComponent& c = out[i];
    const int w = c.width();
    const int h = c.height();
    Role& r = out.roles[i];
    if (is_noise[i]) {
      r = Role::kNoise;
    } else if (is_rule[i]) {
      r = h <= max_rule && !(touches_edge(c, page_w, page_h) && w > page_w / 3) ? Role::kRule : Role::kNoise;
    } else if (w >= kLongRunXh * xh && h <= 1.5 * xh && c.area < kThinInkXh * xh * w) {
      r = Role::kRule;  // a long thin stroke: a hand-drawn underline, wavy or slanted
    } else if (h > kBarMinXh * xh && w < std::max(3.0, kBarMaxWidthXh * xh)) {
      r = Role::kNoise;  // a vertical bar: margin rule, paper edge, fold; no letter is this thin
    } else if (h > kSeedMaxXh * xh) {
      r = Role::kTall;  // three or more touching lines, or a stamp, a drawing: decided later
    } else {
      r = h >= seed_min ? Role::kLetter : Role::kSmall;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Step 4: density and cores.

// In place: running mean along x over 2r+1 cells of a w×h grid. Rows without ink (all +0)
// stay as they are, which is what the mean makes of them; the others are smoothed four at a
// time, side by side, so that the running sums do not wait on each other.
void box_x(std::vector<float>& g, int w, int h, int r) {
  if (r <= 0) return;
  const float norm = 1.0f / (2 * r + 1);
  std::vector<int> inked;
  for (int y = 0; y < h; ++y) {
    const float* p = g.data() + static_cast<std::size_t>(y) * w;
    std::uint32_t bits = 0;
    for (int x = 0; x < w; ++x) {
      std::uint32_t b;
      std::memcpy(&b, p + x, 4);
      bits |= b;
    }
    if (bits) inked.push_back(y);
  }
  constexpr int kSide = 4;
  std::vector<float> copy(static_cast<std::size_t>(kSide) * w), spare(w);
  for (std::size_t i = 0; i < inked.size(); i += kSide) {
    float* out[kSide];
    const float* in[kSide];
    for (int k = 0; k < kSide; ++k) {
      float* row = copy.data() + static_cast<std::size_t>(k) * w;
      if (i + k < inked.size()) {
        out[k] = g.data() + static_cast<std::size_t>(inked[i + k]) * w;
        std::copy(out[k], out[k] + w, row);
      } else {
        out[k] = spare.data();
        std::fill(row, row + w, 0.f);
      }
      in[k] = row;
    }
    double acc[kSide] = {0, 0, 0, 0};
    for (int x = 0; x < std::min(r, w); ++x) {
      for (int k = 0; k < kSide; ++k) acc[k] += in[k][x];
    }
    for (int x = 0; x < w; ++x) {
      if (x + r < w) {
        for (int k = 0; k < kSide; ++k) acc[k] += in[k][x + r];
      }
      if (x - r - 1 >= 0) {
        for (int k = 0; k < kSide; ++k) acc[k] -= in[k][x - r - 1];
      }
      for (int k = 0; k < kSide; ++k) out[k][x] = static_cast<float>(acc[k]) * norm;
    }
  }
}

// In place: running mean along y over 2r+1 cells.
void box_y(std::vector<float>& g, int w, int h, int r) {
  if (r <= 0) return;
  const std::vector<float> src(g);
  std::vector<double> acc(w, 0.0);
  const float norm = 1.0f / (2 * r + 1);
  for (int y = 0; y < std::min(r, h); ++y) {
    for (int x = 0; x < w; ++x) acc[x] += src[static_cast<std::size_t>(y) * w + x];
  }
  for (int y = 0; y < h; ++y) {
    if (y + r < h) {
      for (int x = 0; x < w; ++x) acc[x] += src[static_cast<std::size_t>(y + r) * w + x];
    }
    if (y - r - 1 >= 0) {
      for (int x = 0; x < w; ++x) acc[x] -= src[static_cast<std::size_t>(y - r - 1) * w + x];
    }
    for (int x = 0; x < w; ++x) g[static_cast<std::size_t>(y) * w + x] = static_cast<float>(acc[x]) * norm;
  }
}

// Ink per grid cell, px: letters in full, small marks in part (a faint or worn line may be
// mostly fragments), rules, tall blobs and noise not at all.
std::vector<float> letter_ink(const InkRuns& runs, const Components& comps, const Cell& cell) {
  std::vector<float> d(static_cast<std::size_t>(cell.w) * cell.h, 0.f);
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    const Role role = comps.roles[comps.labels.run_component[i]];
    const float weight = role == Role::kLetter ? 1.0f : role == Role::kSmall ? kSmallWeight : 0.0f;
    if (weight == 0) continue;
    const InkRun& r = runs.runs[i];
    float* row = d.data() + static_cast<std::size_t>(r.y / cell.f) * cell.w;
    for (int cx = r.x0 / cell.f, last = (r.x1 - 1) / cell.f; cx <= last; ++cx) {
      row[cx] += weight * static_cast<float>(std::min(r.x1, (cx + 1) * cell.f) - std::max(r.x0, cx * cell.f));
    }
  }
  return d;
}

// Vertical runs of set cells in a grid mask: column x, rows [y0, y1).
struct CellRun {
  int x, y0, y1;
};

// The runs of a w×h byte mask, by column then row; runs of column x are
// runs[column_start[x] .. column_start[x + 1]). The mask is read row by row (it is stored so),
// eight cells at a time where a row is empty.
struct CellRuns {
  std::vector<CellRun> runs;
  std::vector<int> column_start;
};

CellRuns vertical_runs(const std::vector<std::uint8_t>& mask, int w, int h) {
  CellRuns out;
  out.column_start.assign(static_cast<std::size_t>(w) + 1, 0);
  auto row = [&](int y) { return mask.data() + static_cast<std::size_t>(y) * w; };
  auto empty8 = [](const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v == 0;
  };
  // Calls visit(x) for each set cell of row y, skipping empty words.
  auto for_set = [&](int y, auto&& visit) {
    const std::uint8_t* m = row(y);
    int x = 0;
    for (; x + 8 <= w; x += 8) {
      if (empty8(m + x)) continue;
      for (int k = x; k < x + 8; ++k) {
        if (m[k]) visit(k);
      }
    }
    for (; x < w; ++x) {
      if (m[x]) visit(x);
    }
  };
  // Count the runs starting in each column, then place them.
  std::vector<int> count(w, 0);
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* above = y > 0 ? row(y - 1) : nullptr;
    for_set(y, [&](int x) {
      if (!above || !above[x]) ++count[x];
    });
  }
  for (int x = 0; x < w; ++x) out.column_start[x + 1] = out.column_start[x] + count[x];
  out.runs.resize(out.column_start[w]);
  std::vector<int> next(out.column_start.begin(), out.column_start.end() - 1);
  std::vector<int> open(w, 0);
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* above = y > 0 ? row(y - 1) : nullptr;
    const std::uint8_t* below = y + 1 < h ? row(y + 1) : nullptr;
    for_set(y, [&](int x) {
      if (!above || !above[x]) open[x] = y;
      if (!below || !below[x]) out.runs[next[x]++] = {x, open[x], y + 1};
    });
  }
  return out;
}

// Running maximum over rows [y − r, y + r] (clipped to the grid) of a w×h grid, whole rows
// at a time, in three passes whatever r: maxima from the start and from the end of blocks of
// 2r + 1 rows, of which every window takes one or two (van Herk 1992, Gil & Werman 1993).
std::vector<float> running_max_y(const std::vector<float>& s, int w, int h, int r) {
  const int k = 2 * r + 1;
  auto row = [w](const std::vector<float>& g, int y) { return g.data() + static_cast<std::size_t>(y) * w; };
  auto row_of = [w](std::vector<float>& g, int y) { return g.data() + static_cast<std::size_t>(y) * w; };
  std::vector<float> from_start(s.size()), to_end(s.size());
  for (int y = 0; y < h; ++y) {
    float* d = row_of(from_start, y);
    const float* a = row(s, y);
    if (y % k == 0) {
      std::copy(a, a + w, d);
    } else {
      const float* p = row(from_start, y - 1);
      for (int x = 0; x < w; ++x) d[x] = std::max(p[x], a[x]);
    }
  }
  for (int y = h - 1; y >= 0; --y) {
    float* d = row_of(to_end, y);
    const float* a = row(s, y);
    if (y % k == k - 1 || y == h - 1) {
      std::copy(a, a + w, d);
    } else {
      const float* p = row(to_end, y + 1);
      for (int x = 0; x < w; ++x) d[x] = std::max(p[x], a[x]);
    }
  }
  // The result goes into `to_end` from the bottom up: row y reads no row of it below y.
  for (int y = h - 1; y >= 0; --y) {
    const int lo = std::max(0, y - r), hi = std::min(h - 1, y + r);
    float* d = row_of(to_end, y);
    if (lo / k != hi / k) {
      const float* a = row(to_end, lo);
      const float* b = row(from_start, hi);
      for (int x = 0; x < w; ++x) d[x] = std::max(a[x], b[x]);
    } else if (lo % k == 0) {
      // Within one block only where the window starts a block or is cut by the grid's end.
      const float* a = row(from_start, hi);
      std::copy(a, a + w, d);
    } else if (lo != y) {
      const float* a = row(to_end, lo);
      std::copy(a, a + w, d);
    }
  }
  return to_end;
}

// The core mask: cells whose smoothed density is at least half the largest within
// kPeakRadiusXh above or below (the x-height band of a line), above a floor that keeps lone
// specks out. Where two lines' bands merge (bold type, tight spacing), a column's run of core
// cells is cut at each density valley between two peaks at least 1.5 x-heights apart (lines
// are further apart than that; the top and bottom serifs of capitals are closer), and what is
// still taller than two x-heights — no single line's band is — is dropped.
std::vector<std::uint8_t> core_mask(const std::vector<float>& s, const Cell& cell, double xh) {
  const int w = cell.w;
  const int h = cell.h;
  const int r = std::max(1, px(kPeakRadiusXh * xh / cell.f));
  const std::vector<float> runmax = running_max_y(s, w, h, r);
  // Floor: 12 % of typical text density (90th percentile of non-empty cells, sampled).
  std::vector<float> sample;
  for (std::size_t i = 0; i < s.size(); i += 3) {
    if (s[i] > 0) sample.push_back(s[i]);
  }
  float floor_value = 0;
  if (!sample.empty()) {
    auto k = sample.begin() + static_cast<long>(sample.size() * 9 / 10);
    std::nth_element(sample.begin(), k, sample.end());
    floor_value = 0.12f * *k;
  }
  std::vector<std::uint8_t> mask(s.size(), 0);
  for (std::size_t i = 0; i < s.size(); ++i) mask[i] = s[i] > floor_value && s[i] >= 0.5f * runmax[i];

  const int tall = px(1.3 * xh / cell.f);
  const int too_tall = px(2.0 * xh / cell.f);
  const int apart = std::max(2, px(1.5 * xh / cell.f));
  auto at = [&](int x, int y) { return s[static_cast<std::size_t>(y) * w + x]; };
  auto cell_of = [&](int x, int y) -> std::uint8_t& { return mask[static_cast<std::size_t>(y) * w + x]; };
  for (const CellRun& run : vertical_runs(mask, w, h).runs) {
    const int x = run.x, y0 = run.y0, y1 = run.y1;
    if (y1 - y0 <= tall) continue;
    // Walk the run's local maxima; between two far enough apart, cut at the minimum if deep.
    int last_peak = -1;
    for (int yy = y0; yy < y1; ++yy) {
      const float v = at(x, yy);
      const bool peak = (yy == y0 || v >= at(x, yy - 1)) && (yy + 1 == y1 || v > at(x, yy + 1));
      if (!peak) continue;
      if (last_peak >= 0 && yy - last_peak >= apart) {
        int valley = last_peak;
        for (int k = last_peak; k <= yy; ++k) {
          if (at(x, k) < at(x, valley)) valley = k;
        }
        if (at(x, valley) < kValleyDepth * std::min(at(x, last_peak), v)) {
          cell_of(x, valley) = 0;
          last_peak = yy;
        } else if (v > at(x, last_peak)) {
          last_peak = yy;
        }
      } else if (last_peak < 0 || v > at(x, last_peak)) {
        last_peak = yy;
      }
    }
    // What is still too tall after the cuts bridges two lines without a valley.
    for (int yy = y0; yy < y1;) {
      if (!cell_of(x, yy)) {
        ++yy;
        continue;
      }
      const int r0 = yy;
      while (yy < y1 && cell_of(x, yy)) ++yy;
      if (yy - r0 > too_tall) {
        for (int k = r0; k < yy; ++k) cell_of(x, k) = 0;
      }
    }
  }
  return mask;
}

// Labels the core mask into cores. Vertical runs of core cells in neighbouring grid columns
// belong to one core when they share at least half of the shorter run, their middles are
// within half an x-height and they are each other's best match, and the core does not drift
// (see below): a core follows a skewed or curved line, but a staircase of runs that merely
// touch, or runs where two lines' tails meet at a word gap or a line start, do not link two
// lines.
// Every run of the mask gets a label: a core is one or more runs.
struct CoreLabels {
  std::vector<int> grid;  // label of every cell, -1 = none
  CellRuns cells;         // the mask's runs
  std::vector<int> run_label;
  int count = 0;
};

CoreLabels label_cores(const std::vector<std::uint8_t>& mask, const Cell& cell, double xh) {
  using Run = CellRun;
  CoreLabels out;
  out.cells = vertical_runs(mask, cell.w, cell.h);
  const std::vector<Run>& runs = out.cells.runs;
  const std::vector<int>& column_start = out.cells.column_start;
  const double max_shift = 0.5 * xh / cell.f;
  // Links between neighbouring columns: each run keeps only its best partner on either side
  // (most rows shared), and a link needs both ends to choose each other, so that a run where
  // two lines' bands meet cannot fork into both.
  auto score = [&](const Run& ra, const Run& rb) {
    const int shared = std::min(ra.y1, rb.y1) - std::max(ra.y0, rb.y0);
    if (shared <= 0 || shared < 0.5 * std::min(ra.y1 - ra.y0, rb.y1 - rb.y0)) return -1;
    if (std::abs(0.5 * (ra.y0 + ra.y1) - 0.5 * (rb.y0 + rb.y1)) > max_shift) return -1;
    return shared;
  };
  std::vector<int> best_right(runs.size(), -1), best_left(runs.size(), -1);
  std::vector<int> right_score(runs.size(), -1), left_score(runs.size(), -1);
  for (int x = 1; x < cell.w; ++x) {
    for (int a = column_start[x - 1]; a < column_start[x]; ++a) {
      for (int b = column_start[x]; b < column_start[x + 1]; ++b) {
        if (runs[b].y0 >= runs[a].y1) break;
        const int sc = score(runs[a], runs[b]);
        if (sc < 0) continue;
        if (sc > right_score[a]) {
          right_score[a] = sc;
          best_right[a] = b;
        }
        if (sc > left_score[b]) {
          left_score[b] = sc;
          best_left[b] = a;
        }
      }
    }
  }
  // Mutual best links make every core a chain of runs from left to right. Walking each chain,
  // a run whose middle strays more than 0.7 x-height from the mean of the runs over the last
  // three x-heights starts a new core: a line's band does not drift that fast (capitals and
  // digits raise it by a fifth), but a chain sliding from one line's band to the next line's
  // through the tails does.
  const auto link_right = [&](int a) {
    const int b = best_right[a];
    return b >= 0 && best_left[b] == a ? b : -1;
  };
  const int window = std::max(2, px(3 * xh / cell.f));
  const double max_drift = 0.7 * xh / cell.f;
  std::vector<int>& grid = out.grid;
  grid.assign(mask.size(), -1);
  out.run_label.assign(runs.size(), -1);
  std::vector<double> recent;
  int n = 0;
  for (int start = 0; start < static_cast<int>(runs.size()); ++start) {
    const int left = best_left[start];
    if (left >= 0 && best_right[left] == start) continue;  // not the left end of a chain
    recent.clear();
    int label = n++;
    for (int r = start; r >= 0; r = link_right(r)) {
      const double middle = 0.5 * (runs[r].y0 + runs[r].y1);
      if (!recent.empty()) {
        const double mean = std::accumulate(recent.begin(), recent.end(), 0.0) / recent.size();
        if (std::abs(middle - mean) > max_drift) {
          label = n++;
          recent.clear();
        }
      }
      recent.push_back(middle);
      if (static_cast<int>(recent.size()) > window) recent.erase(recent.begin());
      for (int y = runs[r].y0; y < runs[r].y1; ++y) grid[static_cast<std::size_t>(y) * cell.w + runs[r].x] = label;
      out.run_label[r] = label;
    }
  }
  out.count = n;
  return out;
}

// The cores' per-column extent, centre, top and bottom, from their runs.
std::vector<Core> build_cores(const CoreLabels& labels) {
  const int count = labels.count;
  const std::vector<CellRun>& runs = labels.cells.runs;
  std::vector<Core> cores(count);
  for (auto& k : cores) {
    k.cx0 = 1 << 30;
    k.cx1 = -1;
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    Core& core = cores[labels.run_label[i]];
    core.cx0 = std::min(core.cx0, runs[i].x);
    core.cx1 = std::max(core.cx1, runs[i].x + 1);
  }
  std::vector<std::vector<int>> counts(count);
  std::vector<std::vector<long>> sums(count);
  for (int k = 0; k < count; ++k) {
    const int n = cores[k].cx1 - cores[k].cx0;
    cores[k].centre.assign(n, 0.f);
    cores[k].top.assign(n, 1 << 30);
    cores[k].bottom.assign(n, -1);
    counts[k].assign(n, 0);
    sums[k].assign(n, 0);
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const CellRun& r = runs[i];
    const int k = labels.run_label[i];
    Core& core = cores[k];
    const int j = r.x - core.cx0;
    // Row sums are whole numbers far below 2^24: the same in float as summed cell by cell.
    sums[k][j] += static_cast<long>(r.y0 + r.y1 - 1) * (r.y1 - r.y0) / 2;
    counts[k][j] += r.y1 - r.y0;
    core.top[j] = std::min(core.top[j], r.y0);
    core.bottom[j] = std::max(core.bottom[j], r.y1 - 1);
  }
  for (int k = 0; k < count; ++k) {
    for (std::size_t j = 0; j < cores[k].centre.size(); ++j) {
      cores[k].centre[j] = counts[k][j] ? static_cast<float>(sums[k][j]) / counts[k][j] : -1.f;
    }
  }
  return cores;
}

// Merges into their line's core the small cores the density leaves just above or below a
// line: the top serifs of a capital or two, a J, an accent row over one word. A core no wider
// than two x-heights whose centre is within 1.2 x-heights of a wider core's centre in the same
// columns is relabelled to that core (lines are further apart than that). Relabels `label` in
// place and returns the new number of cores, labels renumbered from 0.
void merge_small_cores(CoreLabels& labels, const std::vector<Core>& cores, const Cell& cell, double xh) {
  const std::vector<int>& label = labels.grid;
  const int n = static_cast<int>(cores.size());
  std::vector<int> into(n);
  std::iota(into.begin(), into.end(), 0);
  for (int k = 0; k < n; ++k) {
    const Core& small = cores[k];
    const int width = small.cx1 - small.cx0;
    if (width * cell.f > 2 * xh) continue;
    const int mid = (small.cx0 + small.cx1) / 2;
    int best = -1;
    for (int cy = 0; cy < cell.h; ++cy) {
      const int j = label[static_cast<std::size_t>(cy) * cell.w + mid];
      if (j < 0 || j == k || cores[j].cx1 - cores[j].cx0 <= width) continue;
      if (std::abs(cores[j].centre_at(mid) - small.centre_at(mid)) * cell.f >= 1.2 * xh) continue;
      if (best < 0 || cores[j].cx1 - cores[j].cx0 > cores[best].cx1 - cores[best].cx0) best = j;
    }
    if (best >= 0) into[k] = best;
  }
  // Follow chains (a small core merged into one that was merged itself cannot happen, since
  // targets are wider than two x-heights, but stay safe) and renumber.
  std::vector<int> id(n, -1);
  int count = 0;
  for (int k = 0; k < n; ++k) {
    int r = k;
    while (into[r] != r) r = into[r];
    into[k] = r;
  }
  for (int k = 0; k < n; ++k) {
    if (into[k] == k) id[k] = count++;
  }
  const std::vector<CellRun>& runs = labels.cells.runs;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const int v = id[into[labels.run_label[i]]];
    labels.run_label[i] = v;
    for (int y = runs[i].y0; y < runs[i].y1; ++y) labels.grid[static_cast<std::size_t>(y) * cell.w + runs[i].x] = v;
  }
  labels.count = count;
}

// ---------------------------------------------------------------------------------------------
// Step 5: handing components to cores.

// Pixel overlap of every component (noise excepted) with the cores, as (core, px) in the
// order the component's runs first meet each core. Handing out components asks for it twice
// (which cores hold text, then where each component goes), so it is counted once.
struct CoreOverlaps {
  std::vector<int> start;  // component c's entries are items[start[c] .. start[c + 1])
  std::vector<std::pair<int, long>> items;
};

CoreOverlaps all_core_overlaps(const InkRuns& runs, const Components& comps, const Grid& grid) {
  CoreOverlaps out;
  out.start.assign(static_cast<std::size_t>(comps.size()) + 1, 0);
  const int f = grid.cell.f;
  for (int c = 0; c < comps.size(); ++c) {
    out.start[c] = static_cast<int>(out.items.size());
    if (comps.roles[c] == Role::kNoise) continue;
    auto add = [&](int core, long n) {
      auto first = out.items.begin() + out.start[c];
      auto it = std::find_if(first, out.items.end(), [&](const auto& p) { return p.first == core; });
      if (it == out.items.end()) {
        out.items.emplace_back(core, n);
      } else {
        it->second += n;
      }
    };
    for (int k = comps.labels.run_start[c]; k < comps.labels.run_start[c + 1]; ++k) {
      const InkRun& r = runs.runs[comps.labels.component_runs[k]];
      const int* row = grid.label.data() + static_cast<std::size_t>(r.y / f) * grid.cell.w;
      // Neighbouring cells of one core are added up before the core is looked up.
      int core = -1;
      long n = 0;
      for (int cx = r.x0 / f, last = (r.x1 - 1) / f; cx <= last; ++cx) {
        const int here = row[cx];
        if (here != core) {
          if (core >= 0) add(core, n);
          core = here;
          n = 0;
        }
        if (here >= 0) n += std::min(r.x1, (cx + 1) * f) - std::max(r.x0, cx * f);
      }
      if (core >= 0) add(core, n);
    }
  }
  out.start[comps.size()] = static_cast<int>(out.items.size());
  return out;
}

// Pixel overlap of component c with each allowed core, as (core, px), largest first.
std::vector<std::pair<int, long>> core_overlaps(const CoreOverlaps& all, int c, const std::vector<std::uint8_t>& allowed) {
  std::vector<std::pair<int, long>> out;
  for (int i = all.start[c]; i < all.start[c + 1]; ++i) {
    if (allowed[all.items[i].first]) out.push_back(all.items[i]);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

// Centre of mass of a component's ink, page row.
double centroid_y(const InkRuns& runs, const Components& comps, int c) {
  long sum = 0;
  for (int k = comps.labels.run_start[c]; k < comps.labels.run_start[c + 1]; ++k) {
    const InkRun& r = runs.runs[comps.labels.component_runs[k]];
    sum += static_cast<long>(r.y) * r.length();
  }
  return static_cast<double>(sum) / comps[c].area + 0.5;
}

// Page row of a core's centre at grid column cx.
double core_row(const Core& k, int cx, int f) { return (k.centre_at(cx) + 0.5) * f; }

// The core a component that overlaps none belongs to, among the allowed cores found looking
// up, down, left and right of it; -1 when none is near. A mark above a core is an accent, a
// dot or an ascender fragment and may sit up to about an x-height above it; a mark below is a
// descender fragment and sits closer; a mark beside is a full stop or a hyphen past the last
// letter. Distances are scaled by those reaches, so a mark midway between two lines goes to
// the line below. A whole letter (an x-height or taller) found near two lines goes to the one
// whose centre is nearest its centre of mass.
int nearest_core(const InkRuns& runs, const Components& comps, int c, const Grid& grid, const std::vector<Core>& cores,
                 double xh, const std::vector<std::uint8_t>& allowed) {
  const InkComponent& k = comps[c];
  const int f = grid.cell.f;
  const int reach = static_cast<int>(std::ceil(2.0 * xh / f)) + 1;
  std::vector<std::pair<int, double>> found;  // (core, score)
  auto look = [&](int cx, int cy, int dx, int dy, double gap_origin, double scale) {
    for (int n = 0; n < reach; ++n, cx += dx, cy += dy) {
      if (cx < 0 || cy < 0 || cx >= grid.cell.w || cy >= grid.cell.h) return;
      const int core = grid.at(cx, cy);
      if (core < 0 || !allowed[core]) continue;
      // Gap in px between the component's edge and the core cell's near edge.
      const double edge = dy < 0 ? (cy + 1) * f : dy > 0 ? cy * f : dx < 0 ? (cx + 1) * f : cx * f;
      const double gap = dy < 0 || dx < 0 ? gap_origin - edge : edge - gap_origin;
      found.emplace_back(core, std::max(0.0, gap) / (scale * xh));
      return;
    }
  };
  for (int cx : {k.x0 / f, ((k.x0 + k.x1) / 2) / f, (k.x1 - 1) / f}) {
    look(cx, k.y0 / f - 1, 0, -1, k.y0, kAttachUpXh);
    look(cx, (k.y1 - 1) / f + 1, 0, 1, k.y1, kAttachDownXh);
  }
  const int row = ((k.y0 + k.y1) / 2) / f;
  look(k.x0 / f - 1, row, -1, 0, k.x0, kAttachSideXh);
  look((k.x1 - 1) / f + 1, row, 1, 0, k.x1, kAttachSideXh);
  found.erase(std::remove_if(found.begin(), found.end(), [](const auto& e) { return e.second > kMaxAttach; }),
              found.end());
  if (found.empty()) return -1;
  if (k.height() >= xh) {
    const double y = centroid_y(runs, comps, c);
    const int mid = ((k.x0 + k.x1) / 2) / f;
    return std::min_element(found.begin(), found.end(), [&](const auto& a, const auto& b) {
             return std::abs(core_row(cores[a.first], mid, f) - y) < std::abs(core_row(cores[b.first], mid, f) - y);
           })->first;
  }
  return std::min_element(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

// Cuts a component that holds letters of several stacked cores (touching lines) into pieces,
// appended to `pieces` in row order with `line` = the core.
//  1. Between two cores, the cut in each page column goes through a white gap of the
//     component in that column when there is one — the gap nearest the density valley between
//     the cores (the valley of the local projection profile) — and through the valley itself
//     where the column is ink from core to core. Touching ascenders and descenders are thus
//     cut where the lines meet, not half-way.
//  2. A cut still clips the tip of a descender reaching below the valley, or of an ascender
//     above it: a part on one side less than a third the size of the part it touches on the
//     other side goes back to that part.
void split_component(const InkRuns& runs, const Components& comps, int c, std::vector<int> stack,
                     const std::vector<Core>& cores, const Grid& grid, std::vector<LinePiece>& pieces) {
  const InkComponent& k = comps[c];
  const int f = grid.cell.f;
  const int w = k.width();
  const int h = k.height();
  const int mid = ((k.x0 + k.x1) / 2) / f;
  std::sort(stack.begin(), stack.end(), [&](int a, int b) { return cores[a].centre_at(mid) < cores[b].centre_at(mid); });
  const int n = static_cast<int>(stack.size());

  // The component as a bitmap: 0 = paper, i + 1 = ink going to stack[i].
  std::vector<std::uint8_t> label(static_cast<std::size_t>(w) * h, 0);
  for (int i = comps.labels.run_start[c]; i < comps.labels.run_start[c + 1]; ++i) {
    const InkRun& r = runs.runs[comps.labels.component_runs[i]];
    std::fill_n(label.begin() + static_cast<long>(r.y - k.y0) * w + (r.x0 - k.x0), r.length(), std::uint8_t{1});
  }
  auto at = [&](int x, int y) -> std::uint8_t& { return label[static_cast<std::size_t>(y) * w + x]; };

  std::vector<int> bound(n - 1);  // first bitmap row below each cut, in the current column
  for (int x = 0; x < w; ++x) {
    const int cx = (k.x0 + x) / f;
    for (int i = 0; i + 1 < n; ++i) {
      const double ya = core_row(cores[stack[i]], cx, f);
      const double yb = core_row(cores[stack[i + 1]], cx, f);
      int valley_cell = static_cast<int>((ya + yb) / 2 / f);
      float least = 1e30f;
      for (int cy = static_cast<int>(ya / f) + 1; cy < std::min(grid.cell.h, static_cast<int>(yb / f)); ++cy) {
        if (grid.s(cx, cy) < least) {
          least = grid.s(cx, cy);
          valley_cell = cy;
        }
      }
      const double valley = (valley_cell + 0.5) * f;
      double cut = valley;
      double nearest = 1e30;
      const int r1 = std::min(h, static_cast<int>(yb) - k.y0);
      for (int r = std::max(0, static_cast<int>(std::ceil(ya)) - k.y0); r < r1;) {
        if (at(x, r)) {
          ++r;
          continue;
        }
        const int g0 = r;
        while (r < r1 && !at(x, r)) ++r;
        const double middle = k.y0 + 0.5 * (g0 + r);
        if (std::abs(middle - valley) < nearest) {
          nearest = std::abs(middle - valley);
          cut = middle;
        }
      }
      bound[i] = px(cut) - k.y0;
    }
    for (int y = 0; y < h; ++y) {
      if (!at(x, y)) continue;
      int i = 0;
      while (i + 1 < n && y >= bound[i]) ++i;
      at(x, y) = static_cast<std::uint8_t>(i + 1);
    }
  }

  // Clipped tips: 8-connected parts of one label, each with the biggest other-label part it
  // touches.
  std::vector<int> part(label.size(), -1);
  std::vector<int> part_size;
  std::vector<std::uint8_t> part_label;
  std::vector<int> todo;
  auto neighbours = [&](int p, auto&& visit) {
    const int x0 = p % w, y0 = p / w;
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        const int x = x0 + dx, y = y0 + dy;
        if ((dx || dy) && x >= 0 && y >= 0 && x < w && y < h && label[y * w + x]) visit(y * w + x);
      }
    }
  };
  for (int start = 0; start < w * h; ++start) {
    if (!label[start] || part[start] >= 0) continue;
    const int id = static_cast<int>(part_size.size());
    part_size.push_back(0);
    part_label.push_back(label[start]);
    todo.assign(1, start);
    part[start] = id;
    while (!todo.empty()) {
      const int p = todo.back();
      todo.pop_back();
      ++part_size[id];
      neighbours(p, [&](int q) {
        if (label[q] == label[start] && part[q] < 0) {
          part[q] = id;
          todo.push_back(q);
        }
      });
    }
  }
  std::vector<int> touched(part_size.size(), -1);
  for (int p = 0; p < w * h; ++p) {
    if (!label[p]) continue;
    neighbours(p, [&](int q) {
      if (label[q] == label[p]) return;
      int& best = touched[part[p]];
      if (best < 0 || part_size[part[q]] > part_size[best]) best = part[q];
    });
  }
  for (int p = 0; p < w * h; ++p) {
    if (!label[p]) continue;
    const int other = touched[part[p]];
    if (other >= 0 && 3 * part_size[part[p]] < part_size[other]) label[p] = part_label[other];
  }

  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w;) {
      if (!at(x, y)) {
        ++x;
        continue;
      }
      const std::uint8_t v = at(x, y);
      const int x0 = x;
      while (x < w && at(x, y) == v) ++x;
      pieces.push_back({k.y0 + y, k.x0 + x0, k.x0 + x, stack[v - 1], false});
    }
  }
}

// Character cells: components overlapping in x taken together (a letter broken by a worn
// ribbon, a letter and its accent), as boxes with their summed ink, left to right.
std::vector<InkComponent> character_cells(std::vector<int> list, const Components& comps) {
  std::sort(list.begin(), list.end(), [&](int a, int b) { return comps[a].x0 < comps[b].x0; });
  std::vector<InkComponent> cells;
  for (int c : list) {
    const InkComponent& k = comps[c];
    if (!cells.empty() && k.x0 < cells.back().x1) {
      InkComponent& cell = cells.back();
      cell.x1 = std::max(cell.x1, k.x1);
      cell.y0 = std::min(cell.y0, k.y0);
      cell.y1 = std::max(cell.y1, k.y1);
      cell.area += k.area;
    } else {
      cells.push_back(k);
    }
  }
  return cells;
}

// Which cores are text: those whose components (the ones lying mainly in them, or next to
// them) include a character at least `min_height` tall, fragments of a broken letter taken
// together, or into which letters reach with the ink of half a letter or more (touching lines,
// where most letters span two cores). Rows of dots, dashes or specks are neither. Components
// are handed out to text cores only, so that no letter is cut against a spurious core.
std::vector<std::uint8_t> text_cores(const InkRuns& runs, const Components& comps, const Grid& grid,
                                     const CoreOverlaps& overlap, const std::vector<Core>& cores, double xh,
                                     double min_height) {
  const std::vector<std::uint8_t> any(cores.size(), 1);
  std::vector<std::vector<int>> provisional(cores.size());
  std::vector<long> letter_ink(cores.size(), 0);
  for (int c = 0; c < comps.size(); ++c) {
    const Role role = comps.roles[c];
    if (role != Role::kLetter && role != Role::kSmall && role != Role::kTall) continue;
    const auto overlaps = core_overlaps(overlap, c, any);
    long total = 0;
    for (const auto& [k, n] : overlaps) {
      total += n;
      if (role != Role::kSmall) letter_ink[k] += n;
    }
    if (role == Role::kTall) continue;
    if (overlaps.empty()) {
      const int k = nearest_core(runs, comps, c, grid, cores, xh, any);
      if (k >= 0) provisional[k].push_back(c);
    } else if (overlaps[0].second >= 0.9 * total) {
      provisional[overlaps[0].first].push_back(c);
    }
  }
  std::vector<std::uint8_t> text(cores.size(), 0);
  for (std::size_t k = 0; k < cores.size(); ++k) {
    for (const InkComponent& cellbox : character_cells(provisional[k], comps)) {
      if (cellbox.height() >= min_height) text[k] = 1;
    }
    if (letter_ink[k] >= 0.5 * xh * xh) text[k] = 1;
  }
  return text;
}

// Hands every component to a text core, to none, or in pieces to several.
//  - Rules go to a core only when they lie inside its x-height band (a typed dash, "----");
//    below or above it they are underlines, which belong to no line.
//  - Components overlapping no core: specks stay out, other marks go to nearest_core.
//  - Components taller than kSplitMinXh (no single character is: ascender plus descender is
//    about two x-heights) with two or more stacked text cores among those they overlap or
//    that lie beside them within their rows, are cut between them. The cores beside count
//    because where two lines' letters merge, the core mask often misses right there.
//  - Others go to the core they overlap most; a tall letter (J, a bracket, an accented
//    capital) found near another core goes to the one nearest its centre of mass, since its
//    own line's core may be missing where the lines' ink merged.
Assignment assign_components(const InkRuns& runs, const Components& comps, const Grid& grid,
                             const CoreOverlaps& overlap, const std::vector<Core>& cores,
                             const std::vector<std::uint8_t>& text, double xh) {
  const int nc = comps.size();
  const int f = grid.cell.f;
  Assignment out;
  out.comp_core.assign(nc, -1);
  out.split_ranges.assign(nc, {0, 0});
  // Text cores whose cells lie in the component's rows, within `reach` cells of its sides.
  auto cores_beside = [&](const InkComponent& k, int reach, auto&& visit) {
    for (int cy = k.y0 / f; cy <= (k.y1 - 1) / f; ++cy) {
      for (int cx = std::max(0, k.x0 / f - reach); cx <= std::min(grid.cell.w - 1, (k.x1 - 1) / f + reach); ++cx) {
        const int core = grid.at(cx, cy);
        if (core >= 0 && text[core]) visit(core);
      }
    }
  };
  for (int c = 0; c < nc; ++c) {
    const Role role = comps.roles[c];
    if (role == Role::kNoise) continue;
    const InkComponent& k = comps[c];
    const int mid = ((k.x0 + k.x1) / 2) / f;
    const auto overlaps = core_overlaps(overlap, c, text);
    if (role == Role::kRule) {
      if (overlaps.empty()) continue;
      const Core& core = cores[overlaps[0].first];
      const int cx = std::clamp(mid, core.cx0, core.cx1 - 1);
      const double y = 0.5 * (k.y0 + k.y1);
      if (core.covers(cx) && y >= core.top[cx - core.cx0] * f + 0.2 * xh &&
          y <= (core.bottom[cx - core.cx0] + 1) * f - 0.2 * xh) {
        out.comp_core[c] = overlaps[0].first;
      }
      continue;
    }
    if (overlaps.empty()) {
      if (role == Role::kTall || std::max(k.width(), k.height()) <= kSpeckXh * xh) continue;
      out.comp_core[c] = nearest_core(runs, comps, c, grid, cores, xh, text);
      continue;
    }
    if ((role == Role::kLetter || role == Role::kTall) && k.height() > kSplitMinXh * xh) {
      std::vector<std::pair<int, long>> candidates = overlaps;
      cores_beside(k, px(2 * xh / f), [&](int core) {
        if (std::none_of(candidates.begin(), candidates.end(), [&](const auto& o) { return o.first == core; })) {
          candidates.emplace_back(core, 0);
        }
      });
      std::vector<int> stack;
      for (const auto& candidate : candidates) {
        // Not a structured binding: clang before 16 cannot capture one in the lambda below.
        const int core = candidate.first;
        if (candidate.second < 0.1 * candidates[0].second) {
          // Barely overlapping or only beside: its centre must lie within the component.
          const double y = core_row(cores[core], mid, f);
          if (y < k.y0 || y > k.y1) continue;
        }
        const bool apart = std::all_of(stack.begin(), stack.end(), [&](int s) {
          return std::abs(cores[core].centre_at(mid) - cores[s].centre_at(mid)) * f >= xh;
        });
        if (apart) stack.push_back(core);
      }
      if (stack.size() > 1) {
        out.comp_core[c] = -2;
        const int begin = static_cast<int>(out.split_pieces.size());
        split_component(runs, comps, c, stack, cores, grid, out.split_pieces);
        out.split_ranges[c] = {begin, static_cast<int>(out.split_pieces.size())};
        continue;
      }
    }
    if (role == Role::kTall) continue;  // a tall blob on one line only is not text
    int best = overlaps[0].first;
    if (k.height() > 1.5 * xh) {
      const double y = centroid_y(runs, comps, c);
      double nearest = std::abs(core_row(cores[best], mid, f) - y);
      cores_beside(k, px(xh / f), [&](int core) {
        const double d = std::abs(core_row(cores[core], mid, f) - y);
        if (d < nearest) {
          nearest = d;
          best = core;
        }
      });
    }
    out.comp_core[c] = best;
  }
  return out;
}

// Records in each core the ink handed to it: extent, whole components, shares of split ones.
void collect_core_ink(const Components& comps, const Assignment& a, std::vector<Core>& cores, double xh) {
  for (int c = 0; c < comps.size(); ++c) {
    if (a.comp_core[c] >= 0) {
      const InkComponent& k = comps[c];
      Core& core = cores[a.comp_core[c]];
      core.add_ink(k.x0, k.y0, k.x1, k.y1, k.area);
      core.comps.push_back(c);
    } else if (a.comp_core[c] == -2) {
      struct Share {
        int core, y0, y1;
        long area;
      };
      std::vector<Share> shares;
      for (int i = a.split_ranges[c].first; i < a.split_ranges[c].second; ++i) {
        const LinePiece& p = a.split_pieces[i];
        cores[p.line].add_ink(p.x0, p.y, p.x1, p.y + 1, p.x1 - p.x0);
        cores[p.line].split_area += p.x1 - p.x0;
        auto it = std::find_if(shares.begin(), shares.end(), [&](const Share& s) { return s.core == p.line; });
        if (it == shares.end()) {
          shares.push_back({p.line, p.y, p.y + 1, p.x1 - p.x0});
        } else {
          it->y0 = std::min(it->y0, p.y);
          it->y1 = std::max(it->y1, p.y + 1);
          it->area += p.x1 - p.x0;
        }
      }
      // A share of letter height is (most of) a letter that touched the neighbouring line.
      for (const Share& s : shares) {
        if (s.y1 - s.y0 >= 0.7 * xh && s.y1 - s.y0 <= 2.5 * xh) cores[s.core].split_letterlike += s.area;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Step 6: lines.

// Grid cells within 1.5 x-heights of noise ink (borders, bands, bars, holes).
std::vector<std::uint8_t> near_noise(const InkRuns& runs, const Components& comps, const Cell& cell, double xh) {
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(cell.w) * cell.h, 0);
  bool any = false;
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    if (comps.roles[comps.labels.run_component[i]] != Role::kNoise) continue;
    const InkRun& r = runs.runs[i];
    std::fill_n(mask.begin() + static_cast<long>(r.y / cell.f) * cell.w + r.x0 / cell.f,
                (r.x1 - 1) / cell.f - r.x0 / cell.f + 1, std::uint8_t{1});
    any = true;
  }
  if (!any) return mask;
  // Separable dilation by `rad` cells: distance to the last set cell along rows, then columns.
  const int rad = std::max(1, px(1.5 * xh / cell.f));
  std::vector<std::uint8_t> rows(mask.size(), 0);
  for (int y = 0; y < cell.h; ++y) {
    const std::uint8_t* s = mask.data() + static_cast<std::size_t>(y) * cell.w;
    std::uint8_t* d = rows.data() + static_cast<std::size_t>(y) * cell.w;
    for (int x = 0, last = -(1 << 20); x < cell.w; ++x) {
      if (s[x]) last = x;
      d[x] = x - last <= rad;
    }
    for (int x = cell.w - 1, last = 1 << 20; x >= 0; --x) {
      if (s[x]) last = x;
      d[x] |= last - x <= rad;
    }
  }
  // Columns: the same, every column at once, walking the rows down and then up.
  std::vector<int> last(cell.w, -(1 << 20));
  for (int y = 0; y < cell.h; ++y) {
    const std::uint8_t* s = rows.data() + static_cast<std::size_t>(y) * cell.w;
    std::uint8_t* d = mask.data() + static_cast<std::size_t>(y) * cell.w;
    for (int x = 0; x < cell.w; ++x) {
      if (s[x]) last[x] = y;
      d[x] = y - last[x] <= rad;
    }
  }
  std::fill(last.begin(), last.end(), 1 << 20);
  for (int y = cell.h - 1; y >= 0; --y) {
    const std::uint8_t* s = rows.data() + static_cast<std::size_t>(y) * cell.w;
    std::uint8_t* d = mask.data() + static_cast<std::size_t>(y) * cell.w;
    for (int x = 0; x < cell.w; ++x) {
      if (s[x]) last[x] = y;
      d[x] |= last[x] - y <= rad;
    }
  }
  return mask;
}

// Whether the white gap [x0, x1) on the row whose centre is at page row y is a gutter between
// columns or table cells rather than a wide space inside a line: a gutter runs on through the
// rows above and below, white there too, while prose above or below — around a sentence typed
// with several spaces after it — has ink across the gap. A row with no neighbours splits only
// at gaps wider than kLoneGapXh. `ink` is the unsmoothed grid of letter ink.
bool is_gutter(const std::vector<float>& ink, const Cell& cell, int x0, int x1, double y, double xh) {
  if (x1 - x0 > kLineGapXh * xh) return true;
  const int f = cell.f;
  const int margin = px(0.5 * xh);
  const int gx0 = std::clamp((x0 + margin) / f, 0, cell.w - 1);
  const int gx1 = std::clamp((x1 - margin) / f, gx0 + 1, cell.w);
  const int wide0 = std::clamp(static_cast<int>((x0 - 3 * xh) / f), 0, cell.w - 1);
  const int wide1 = std::clamp(static_cast<int>((x1 + 3 * xh) / f), wide0 + 1, cell.w);
  bool any_neighbour = false;
  for (int side : {-1, 1}) {
    // Rows 1 to 4.5 x-heights away: the next line at single to double spacing, clear of this
    // row's own ascenders and descenders.
    const int r0 = std::max(0, static_cast<int>(std::floor((side < 0 ? y - 4.5 * xh : y + xh) / f)));
    const int r1 = std::min(cell.h, static_cast<int>(std::ceil((side < 0 ? y - xh : y + 4.5 * xh) / f)));
    bool neighbour = false;
    int crossed = 0;
    for (int cx = wide0; cx < wide1; ++cx) {
      bool inked = false;
      for (int cy = r0; cy < r1 && !inked; ++cy) inked = ink[static_cast<std::size_t>(cy) * cell.w + cx] > 0;
      neighbour = neighbour || inked;
      if (inked && cx >= gx0 && cx < gx1) ++crossed;
    }
    if (!neighbour) continue;
    any_neighbour = true;
    if (crossed >= 0.3 * (gx1 - gx0)) return false;
  }
  return any_neighbour || x1 - x0 > kLoneGapXh * xh;
}

// Joins text cores into lines.
//  1. A core within another's x-range at the same height (a digit or capital whose density
//     band wavered beside the line's main core), or a short one spanning the other's centre,
//     goes with the wider one.
//  2. B follows A when it starts inside A or at most kLineGapXh after it, ends after it,
//     shares rows with it, is at the same height (compared over four x-heights next to the
//     gap: at its very end a core thins out and follows the last letters' ascenders or
//     descenders) or one of them is short and spans the other's height, and the gap is a
//     word space rather than a gutter. Greedy by gap, each core taking at most one neighbour
//     on either side, so lines never fork.
std::vector<LineBuild> join_cores(std::vector<Core>& cores, std::vector<int> valid, const std::vector<float>& ink,
                                  const Cell& cell, double xh) {
  const int f = cell.f;
  // A short core whose own letters span a height: a few capitals or a J whose band the
  // density split off at their top serifs sits higher than the line's band, but its letters
  // reach across the line's centre.
  const auto spans = [&](const Core& k, double y) {
    return k.ink_x1 - k.ink_x0 < 6 * xh && y > k.ink_y0 + 0.1 * xh && y < k.ink_y1 - 0.1 * xh;
  };
  std::vector<int> absorbed_by(cores.size(), -1);
  for (int b : valid) {
    const Core& B = cores[b];
    const int g0 = B.ink_x0 / f, g1 = (B.ink_x1 - 1) / f;
    int best = -1;
    for (int a : valid) {
      const Core& A = cores[a];
      if (a == b || A.ink_x0 > B.ink_x0 || A.ink_x1 < B.ink_x1) continue;
      if (A.ink_x1 - A.ink_x0 <= B.ink_x1 - B.ink_x0) continue;  // strictly wider: no cycles
      const double ya = A.mean_centre(g0, g1) * f;
      if (std::abs(ya - B.mean_centre(g0, g1) * f) > kJoinDyXh * xh && !spans(B, ya)) continue;
      if (best < 0 || A.ink_area > cores[best].ink_area) best = a;
    }
    absorbed_by[b] = best;
  }
  valid.erase(std::remove_if(valid.begin(), valid.end(), [&](int k) { return absorbed_by[k] >= 0; }), valid.end());

  struct Join {
    int a, b, gap;
  };
  std::vector<Join> joins;
  const int reach = px(4 * xh);
  std::vector<int> by_x0(valid);
  std::sort(by_x0.begin(), by_x0.end(), [&](int p, int q) { return cores[p].ink_x0 < cores[q].ink_x0; });
  for (int a : valid) {
    const Core& A = cores[a];
    auto it = std::lower_bound(by_x0.begin(), by_x0.end(), A.ink_x0,
                               [&](int k, int v) { return cores[k].ink_x0 < v; });
    for (; it != by_x0.end() && cores[*it].ink_x0 <= A.ink_x1 + kLineGapXh * xh; ++it) {
      const int b = *it;
      const Core& B = cores[b];
      if (b == a || B.ink_x1 <= A.ink_x1 || B.ink_y1 <= A.ink_y0 || B.ink_y0 >= A.ink_y1) continue;
      // Compared just before B starts and just after A ends; over a long overlap, side by side.
      double ya, yb;
      if (A.ink_x1 - B.ink_x0 > 4 * xh) {
        ya = A.mean_centre(B.ink_x0 / f, (A.ink_x1 - 1) / f) * f;
        yb = B.mean_centre(B.ink_x0 / f, (A.ink_x1 - 1) / f) * f;
      } else {
        const int a_end = std::min(A.ink_x1, B.ink_x0);
        const int b_start = std::max(B.ink_x0, A.ink_x1);
        ya = A.mean_centre((a_end - reach) / f, (a_end - 1) / f) * f;
        yb = B.mean_centre(b_start / f, (b_start + reach) / f) * f;
      }
      if (std::abs(ya - yb) > kJoinDyXh * xh && !spans(A, yb) && !spans(B, ya)) continue;
      const int gap = B.ink_x0 - A.ink_x1;
      if (gap > kWordGapXh * xh && is_gutter(ink, cell, A.ink_x1, B.ink_x0, 0.5 * (ya + yb), xh)) continue;
      joins.push_back({a, b, gap});
    }
  }
  std::sort(joins.begin(), joins.end(), [](const Join& p, const Join& q) { return p.gap < q.gap; });
  std::vector<int> right_of(cores.size(), -1), left_of(cores.size(), -1);
  for (const Join& j : joins) {
    if (right_of[j.a] >= 0 || left_of[j.b] >= 0) continue;
    right_of[j.a] = j.b;
    left_of[j.b] = j.a;
  }
  std::vector<LineBuild> lines;
  for (int k : valid) {
    if (left_of[k] >= 0) continue;
    LineBuild line;
    for (int c = k; c >= 0; c = right_of[c]) {
      cores[c].line = static_cast<int>(lines.size());
      line.cores.push_back(c);
      line.add(cores[c]);
    }
    lines.push_back(std::move(line));
  }
  for (std::size_t k = 0; k < cores.size(); ++k) {
    if (absorbed_by[k] < 0) continue;
    int root = absorbed_by[k];
    while (absorbed_by[root] >= 0) root = absorbed_by[root];
    const int l = cores[root].line;
    if (l < 0) continue;
    cores[k].line = l;
    lines[l].cores.push_back(static_cast<int>(k));
    lines[l].add(cores[k]);
  }
  return lines;
}

// Whether a joined line is text rather than the letter-sized debris of a paper edge, a fold,
// a stain or a speck cloud. Each test is one kind of debris seen on archive scans:
//  - some ink must be shaped like typed characters (character cells of letter height and
//    width; whole words run together count) — at least a quarter of it;
//  - its ink, accents and descenders included, is not taller than kMaxLineInkXh (a paper
//    edge or a drawing cut into pieces between lines is);
//  - at most two letter-sized blobs among more than three specks is binarised paper texture;
//  - text, even faint and broken, keeps over a third of its ink in letter-sized pieces
//    (measured: 0.44 on the faintest dev page, 0.24 and less on paper edges);
//  - a short line hugging noise (a border, a band, a bar) is that noise's ragged edge;
//  - four to twelve blobs must mostly stand on a common baseline (debris lies at random
//    heights);
//  - a line of one or two characters ("4", "(2)") must show one clearly: a cell of letter
//    size holding a quarter of the ink, neither a solid blot nor a sparse cloud.
bool is_text_line(const LineBuild& line, const std::vector<Core>& cores, const InkRuns& runs, const Components& comps,
                  const std::vector<std::uint8_t>& noise_near, const Cell& cell, double xh) {
  std::vector<int> list;
  long split_area = 0, letterlike = 0, whole = 0;
  for (int c : line.cores) {
    list.insert(list.end(), cores[c].comps.begin(), cores[c].comps.end());
    split_area += cores[c].split_area;
    letterlike += cores[c].split_letterlike;
  }
  const std::vector<InkComponent> cells = character_cells(list, comps);
  for (const InkComponent& k : cells) {
    whole += k.area;
    if (k.width() >= 0.35 * xh && k.height() >= 0.7 * xh && k.height() <= 3.5 * xh) letterlike += k.area;
  }
  if (letterlike == 0 || letterlike < 0.25 * (whole + split_area)) return false;
  if (line.ink_y1 - line.ink_y0 > kMaxLineInkXh * xh) return false;

  int n_letters = 0, n_small = 0;
  long letter_ink = split_area;
  for (int c : list) {
    if (comps.roles[c] == Role::kLetter) {
      ++n_letters;
      letter_ink += comps[c].area;
    } else {
      ++n_small;
    }
  }
  if (n_letters <= 2 && split_area == 0 && n_small > 3) return false;
  if (letter_ink < 0.35 * (whole + split_area)) return false;

  const int width = line.ink_x1 - line.ink_x0;
  if (width < kNearNoiseLineXh * xh) {
    long near = 0, total = 0;
    for (int c : list) {
      for (int i = comps.labels.run_start[c]; i < comps.labels.run_start[c + 1]; ++i) {
        const InkRun& r = runs.runs[comps.labels.component_runs[i]];
        total += r.length();
        if (noise_near[static_cast<std::size_t>(r.y / cell.f) * cell.w + (r.x0 + r.x1) / 2 / cell.f]) {
          near += r.length();
        }
      }
    }
    if (near > 0.3 * total) return false;
  }

  if (n_letters >= 4 && n_letters <= 12 && split_area == 0) {
    // Bottoms measured from the core's centre, which follows skew.
    std::vector<double> bottoms;
    for (int c : list) {
      if (comps.roles[c] != Role::kLetter) continue;
      const InkComponent& k = comps[c];
      const int cx = ((k.x0 + k.x1) / 2) / cell.f;
      double centre = cores[line.cores.front()].centre_at(cx) * cell.f;
      for (int core : line.cores) {
        if (cores[core].covers(cx)) centre = cores[core].centre_at(cx) * cell.f;
      }
      bottoms.push_back(k.y1 - centre);
    }
    std::vector<double> sorted = bottoms;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
    const double median = sorted[sorted.size() / 2];
    const auto on_baseline =
        std::count_if(bottoms.begin(), bottoms.end(), [&](double b) { return std::abs(b - median) <= 0.2 * xh; });
    if (2 * on_baseline < static_cast<long>(bottoms.size())) return false;
  }

  if (width < kShortLineXh * xh) {
    return std::any_of(cells.begin(), cells.end(), [&](const InkComponent& k) {
      const double fill = static_cast<double>(k.area) / (static_cast<double>(k.width()) * k.height());
      return k.width() >= 0.5 * xh && k.height() >= 0.7 * xh && k.height() <= 2.5 * xh && k.area >= 0.25 * whole &&
             fill >= 0.15 && fill <= 0.7;
    });
  }
  return true;
}

// Every run of the page as pieces tagged with their line: whole components' runs with their
// core's line, split components' pieces with theirs (both in row, then x order).
PagePieces page_pieces(const InkRuns& runs, const Components& comps, const Assignment& a,
                       const std::vector<Core>& cores) {
  PagePieces out;
  out.pieces.reserve(runs.runs.size() + a.split_pieces.size());
  out.row_start.assign(static_cast<std::size_t>(runs.height) + 1, 0);
  std::vector<int> cursor(comps.size());
  for (int c = 0; c < comps.size(); ++c) cursor[c] = a.split_ranges[c].first;
  for (int y = 0; y < runs.height; ++y) {
    out.row_start[y] = static_cast<int>(out.pieces.size());
    for (int i = runs.row_start[y]; i < runs.row_start[y + 1]; ++i) {
      const InkRun& r = runs.runs[i];
      const int c = comps.labels.run_component[i];
      if (a.comp_core[c] == -2) {
        int& cur = cursor[c];
        while (cur < a.split_ranges[c].second && a.split_pieces[cur].y == y && a.split_pieces[cur].x0 < r.x1) {
          LinePiece p = a.split_pieces[cur++];
          p.line = cores[p.line].line;
          out.pieces.push_back(p);
        }
      } else {
        const int line = a.comp_core[c] >= 0 ? cores[a.comp_core[c]].line : -1;
        out.pieces.push_back({r.y, r.x0, r.x1, line, comps.roles[c] == Role::kRule});
      }
    }
  }
  out.row_start[runs.height] = static_cast<int>(out.pieces.size());
  return out;
}

// The page's binary and grey images, converted when a caller hands in something else: a
// missing binary is made from the grey page (Otsu), a missing grey page from the binary.
struct PageImages {
  PixPtr grey_owned, binary_owned;
  Pix* grey = nullptr;
  Pix* binary = nullptr;
};

PageImages page_images(const PreparedPage& page) {
  PageImages out;
  out.grey = page.grey.get();
  out.binary = page.binary.get();
  if (!out.grey && !out.binary) return out;
  if (!out.binary || pixGetDepth(out.binary) != 1) {
    PixPtr g8 = adopt(pixConvertTo8(out.binary ? out.binary : out.grey, 0));
    if (!g8) throw ImageError("line finding: the page image cannot be converted to grey");
    Pix* binary = nullptr;
    pixOtsuAdaptiveThreshold(g8.get(), 2000, 2000, 0, 0, 0.0f, nullptr, &binary);
    out.binary_owned = adopt(binary);
    if (!out.binary_owned) throw ImageError("line finding: the page image cannot be binarised");
    out.binary = out.binary_owned.get();
  }
  if (!out.grey || pixGetDepth(out.grey) != 8 || pixGetColormap(out.grey)) {
    out.grey_owned =
        adopt(out.grey ? pixConvertTo8(out.grey, 0) : pixConvert1To8(nullptr, out.binary, 255, 0));
    if (!out.grey_owned) throw ImageError("line finding: the page image cannot be converted to grey");
    out.grey = out.grey_owned.get();
  }
  if (pixGetWidth(out.grey) != pixGetWidth(out.binary) || pixGetHeight(out.grey) != pixGetHeight(out.binary)) {
    throw ImageError("line finding: the grey page is " + std::to_string(pixGetWidth(out.grey)) + "x" +
                     std::to_string(pixGetHeight(out.grey)) + " px but the binary page is " +
                     std::to_string(pixGetWidth(out.binary)) + "x" + std::to_string(pixGetHeight(out.binary)) +
                     " px; prepare both with prepare_page");
  }
  return out;
}


// ---------------------------------------------------------------------------------------------
// find_text_lines, step by step.

// Step 4: letter density on the coarse grid and the cores found in it. Cells of about a sixth
// of the x-height keep the grid small while an x-height band still spans several cells.
struct DensityCores {
  Grid grid;                   // smoothed density and the core label of each cell
  std::vector<float> raw_ink;  // letter ink per cell, before smoothing
  std::vector<Core> cores;
  int n_cores = 0;
};

DensityCores density_cores(const InkRuns& runs, const Components& comps, int page_w, int page_h, double xh) {
  DensityCores out;
  Grid& grid = out.grid;
  Cell& cell = grid.cell;
  cell.f = std::clamp(px(xh / 6.0), 1, 8);
  cell.w = (page_w + cell.f - 1) / cell.f;
  cell.h = (page_h + cell.f - 1) / cell.f;
  grid.density = letter_ink(runs, comps, cell);
  out.raw_ink = grid.density;
  const int rx = std::max(1, px(kSmoothXXh * xh / cell.f / 2));
  box_x(grid.density, cell.w, cell.h, rx);
  box_x(grid.density, cell.w, cell.h, rx);  // twice: a triangular window
  box_y(grid.density, cell.w, cell.h, std::max(0, px(kSmoothYXh * xh / cell.f / 2)));
  CoreLabels core_labels = label_cores(core_mask(grid.density, cell, xh), cell, xh);
  merge_small_cores(core_labels, build_cores(core_labels), cell, xh);
  out.n_cores = core_labels.count;
  out.cores = build_cores(core_labels);
  grid.label = std::move(core_labels.grid);
  return out;
}

// Step 5: which cores hold text, and the components handed to them (their ink collected into
// `cores`).
struct TextCores {
  std::vector<std::uint8_t> is_text;  // per core
  Assignment assignment;
};

TextCores assign_to_text_cores(const InkRuns& runs, const Components& comps, const Grid& grid,
                               std::vector<Core>& cores, double xh, double min_height) {
  TextCores out;
  const CoreOverlaps overlap = all_core_overlaps(runs, comps, grid);
  out.is_text = text_cores(runs, comps, grid, overlap, cores, xh, min_height);
  out.assignment = assign_components(runs, comps, grid, overlap, cores, out.is_text, xh);
  collect_core_ink(comps, out.assignment, cores, xh);
  return out;
}

// The first `n_cores` cores that hold text and were handed ink, in order.
std::vector<int> inked_text_cores(const std::vector<Core>& cores, const std::vector<std::uint8_t>& is_text,
                                  int n_cores) {
  std::vector<int> valid;
  for (int k = 0; k < n_cores; ++k) {
    if (is_text[k] && cores[k].ink_area > 0) valid.push_back(k);
  }
  return valid;
}

// Step 6: the cores `valid` joined into lines, the lines that are not text dropped. Sets each
// joined core's `line`: its line's index among those kept, or -1.
std::vector<LineBuild> text_lines(std::vector<Core>& cores, const std::vector<int>& valid,
                                  const std::vector<float>& raw_ink, const InkRuns& runs, const Components& comps,
                                  const Cell& cell, double xh) {
  std::vector<LineBuild> lines = join_cores(cores, valid, raw_ink, cell, xh);
  const std::vector<std::uint8_t> noise_near = near_noise(runs, comps, cell, xh);
  std::vector<LineBuild> kept;
  for (auto& line : lines) {
    const bool keep = is_text_line(line, cores, runs, comps, noise_near, cell, xh);
    for (int c : line.cores) cores[c].line = keep ? static_cast<int>(kept.size()) : -1;
    if (keep) kept.push_back(std::move(line));
  }
  return kept;
}

// Each line's own pieces (indices into pieces.pieces), and each line's extent in `lines`
// measured again from them (all it finally holds).
std::vector<std::vector<int>> own_pieces(const PagePieces& pieces, std::vector<LineBuild>& lines) {
  std::vector<std::vector<int>> own(lines.size());
  for (auto& line : lines) line = LineBuild{};
  for (int i = 0; i < static_cast<int>(pieces.pieces.size()); ++i) {
    const LinePiece& p = pieces.pieces[i];
    if (p.line < 0) continue;
    LineBuild& line = lines[p.line];
    own[p.line].push_back(i);
    line.ink_x0 = std::min(line.ink_x0, p.x0);
    line.ink_x1 = std::max(line.ink_x1, p.x1);
    line.ink_y0 = std::min(line.ink_y0, p.y);
    line.ink_y1 = std::max(line.ink_y1, p.y + 1);
    line.ink_area += p.x1 - p.x0;
  }
  return own;
}

// Each line's centre path (empty for a line without ink), `h_margin` px beyond its ink at
// either end.
std::vector<layout::CentrePath> centre_paths(const PagePieces& pieces, const std::vector<std::vector<int>>& own,
                                             const std::vector<LineBuild>& lines, int h_margin, int page_w,
                                             double xh) {
  std::vector<layout::CentrePath> paths(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].ink_area == 0) continue;
    paths[i] = layout::fit_centre_path(pieces, own[i], lines[i].ink_x0, lines[i].ink_x1, h_margin, page_w, xh);
  }
  return paths;
}

// The page's slope: the median slope of the centre paths of its long lines (0 without any).
double page_slope(const std::vector<LineBuild>& lines, const std::vector<layout::CentrePath>& paths, int h_margin,
                  double xh) {
  std::vector<double> slopes;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].ink_area == 0 || lines[i].ink_x1 - lines[i].ink_x0 < 15 * xh) continue;
    const auto& p = paths[i].path;
    const int n = static_cast<int>(p.size());
    slopes.push_back((p[n - 1 - h_margin / 2] - p[h_margin / 2]) / std::max(1, n - 1 - h_margin));
  }
  double slope = 0;
  if (!slopes.empty()) {
    std::nth_element(slopes.begin(), slopes.begin() + static_cast<long>(slopes.size() / 2), slopes.end());
    slope = slopes[slopes.size() / 2];
  }
  return slope;
}

// Step 7: the lines with ink at least `min_height` tall, in reading order. Heights of lines far
// apart in x are compared along the page's slope.
std::vector<int> line_order(const std::vector<LineBuild>& lines, const std::vector<layout::CentrePath>& paths,
                            int h_margin, double min_height, int page_w, double xh) {
  const double slope = page_slope(lines, paths, h_margin, xh);
  std::vector<layout::OrderItem> items;
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    const LineBuild& line = lines[i];
    if (line.ink_area == 0 || line.ink_y1 - line.ink_y0 < min_height) continue;
    const int x_mid = (line.ink_x0 + line.ink_x1) / 2;
    items.push_back({i, line.ink_x0, line.ink_x1, paths[i].at(x_mid) - slope * (x_mid - 0.5 * page_w)});
  }
  return layout::reading_order(items, xh);
}

// Step 8: metrics and crops of the lines in `order`. Each line's row profile, checked against
// the page's x-height from its components and re-measured by the lines' ink columns on a page
// where the profiles collapsed (line_geometry.h). A line whose profile shows no clear x-height
// band (all capitals, digits, a lone word) keeps its baseline and takes the page's x-height,
// the median of the lines'. Lines whose crop comes out empty are left out.
std::vector<TextLine> cut_text_lines(const PagePieces& pieces, const std::vector<std::vector<int>>& own,
                                     const std::vector<layout::CentrePath>& paths, const std::vector<int>& order,
                                     const PageImages& images, double xh) {
  std::vector<TextLine> result;
  const std::vector<layout::LineMetrics> metrics = layout::checked_line_metrics(pieces, own, paths, order, xh);
  std::vector<int> xheights;
  for (int i : order) xheights.push_back(metrics[i].dy_baseline - metrics[i].dy_xline + 1);
  std::nth_element(xheights.begin(), xheights.begin() + static_cast<long>(xheights.size() / 2), xheights.end());
  const int page_xh = xheights.empty() ? px(xh) : xheights[xheights.size() / 2];
  const layout::PagePaper page_paper(images.grey, images.binary);
  layout::CutSettings settings;
  settings.grey = images.grey;
  settings.page_paper = &page_paper;
  settings.fringe = std::max(1, px(xh / 6));  // the grey halo of binarised strokes
  settings.margin_share = kMarginShare;
  for (int i : order) {
    layout::LineMetrics m = metrics[i];
    int line_xh = m.dy_baseline - m.dy_xline + 1;
    if (line_xh < 0.7 * page_xh || line_xh > 1.3 * page_xh) {
      line_xh = page_xh;
      m.dy_xline = m.dy_baseline - line_xh + 1;
    }
    layout::CutLine cut = layout::cut_line(pieces, i, paths[i], m, line_xh, settings);
    if (cut.image.empty()) continue;
    TextLine line;
    line.box = Box{cut.box_x, cut.box_y, cut.box_w, cut.box_h};
    line.baseline = cut.baseline;
    line.x_height = cut.x_height;
    line.top_rows = std::move(cut.top_rows);
    line.image = std::move(cut.image);
    result.push_back(std::move(line));
  }
  return result;
}

}  // namespace

std::vector<TextLine> find_text_lines(const PreparedPage& page, const LayoutOptions& options) {
  const PageImages images = page_images(page);
  if (!images.binary) return {};
  const int page_w = pixGetWidth(images.binary);
  const int page_h = pixGetHeight(images.binary);
  if (page_w < 4 || page_h < 4) return {};

  // 1–3: ink, scale, roles.
  const InkRuns runs = layout::extract_ink_runs(images.binary);
  if (runs.runs.empty()) return {};
  const ComponentLabels first = layout::label_components(runs);
  const double xh = estimate_x_height(first, page_w, page_h);
  if (xh <= 0) return {};
  const Components comps = classify(runs, first, xh, page_w, page_h, options.min_line_height);

  // 4: density and cores.
  DensityCores density = density_cores(runs, comps, page_w, page_h, xh);
  std::vector<Core>& cores = density.cores;
  if (cores.empty()) return {};

  // 5: components to cores.
  const double min_height = std::max<double>(options.min_line_height, 0.8 * xh);
  const TextCores text = assign_to_text_cores(runs, comps, density.grid, cores, xh, min_height);

  // 6: lines, their pieces and centre paths.
  const std::vector<int> valid = inked_text_cores(cores, text.is_text, density.n_cores);
  if (valid.empty()) return {};
  std::vector<LineBuild> lines = text_lines(cores, valid, density.raw_ink, runs, comps, density.grid.cell, xh);
  const PagePieces pieces = page_pieces(runs, comps, text.assignment, cores);
  const std::vector<std::vector<int>> own = own_pieces(pieces, lines);
  const int h_margin = std::max(2, px(0.5 * xh));
  const std::vector<layout::CentrePath> paths = centre_paths(pieces, own, lines, h_margin, page_w, xh);

  // 7: reading order; 8: metrics and crops.
  const std::vector<int> order = line_order(lines, paths, h_margin, min_height, page_w, xh);
  return cut_text_lines(pieces, own, paths, order, images, xh);
}

}  // namespace platen
