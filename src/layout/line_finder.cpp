// Text-line segmentation.
//
// Outline (each step is a function below):
//  1. The binary page's ink as runs, grouped into 8-connected components.
//  2. The page's x-height from the mode of component heights; every size below is a multiple
//     of it, so the same settings work from 150 to 600 dpi.
//  3. Components sorted into roles: letters (seeds for line finding), small marks (dots,
//     accents, commas, specks), rules (underlines: long horizontal runs, cut out of the
//     letters they touch) and noise (scan borders, punch holes, huge blobs).
//  4. Letter ink density on a coarse grid, smoothed a few x-heights along x: every column of
//     the grid is then a local horizontal projection profile of the text around it, so
//     residual skew and curved lines stay sharp where one page-wide profile would blur them.
//     The "cores" of the lines are the rows within half of the local maximum density — the
//     x-height band. This is the smeared-density idea behind the line finders of OCRopus
//     (Breuel 2008) and of Bloomberg's Leptonica text-line examples, done with box filters.
//  5. Components are handed to the core they overlap; a component overlapping two cores
//     stacked one above the other (ascenders touching descenders) is cut at the density
//     valley between them; marks that overlap no core go to the nearest core above or below,
//     distances weighted by how far ascenders/accents and descenders reach.
//  6. Cores broken at word gaps are joined into lines; gaps wider than a few x-heights (table
//     cells, columns) separate lines.
//  7. Reading order: columns found from vertical gutters, rows top to bottom, cells left to
//     right.
//  8. Per line: centre path, baseline and x-height from the straightened row profile, and the
//     grey crop (straightened, other lines' ink and everything outside the line's band set to
//     paper tone).

#include "layout/line_finder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>

#include "core/errors.h"
#include "layout/ink_components.h"

namespace platen {

namespace {

using layout::ComponentLabels;
using layout::InkComponent;
using layout::InkRun;
using layout::InkRuns;

// ---------------------------------------------------------------------------------------------
// Tunables, as multiples of the page's x-height (xh) unless stated otherwise. They live here
// rather than in LayoutOptions because they describe typewritten pages, not user choices.

constexpr double kLongRunXh = 3.0;        // horizontal runs this long are underline/rule ink
constexpr double kRuleMaxThickXh = 0.6;   // rule components at most this thick
constexpr double kSeedMinXh = 0.5;        // letters are at least this tall...
constexpr double kSeedMaxXh = 5.0;        // ...and at most this tall (two merged lines fit)
constexpr double kEdgeLetterMaxXh = 2.5;  // edge-touching blobs larger than this are border
constexpr double kHoleMinXh = 2.0;        // punch holes: round, filled, at least this wide
constexpr double kSmoothXXh = 1.5;        // box filter width along x (applied twice)
constexpr double kSmoothYXh = 0.34;       // box filter height along y
constexpr double kPeakRadiusXh = 1.0;     // window of the local density maximum
constexpr float kValleyDepth = 0.95f;     // a core is cut where density dips below this share
constexpr double kAttachUpXh = 0.6;       // how far descenders reach below a core
constexpr double kAttachDownXh = 1.0;     // how far ascenders and accents reach above a core
constexpr double kAttachSideXh = 1.0;     // how far punctuation sits past the end of a core
constexpr double kMaxAttach = 1.5;        // marks further than this many reaches are specks
constexpr double kSpeckXh = 0.15;         // marks no bigger than this join a line only inside it
constexpr double kWordGapXh = 3.5;        // gaps up to this always join (words, tabs in lists)
constexpr double kLineGapXh = 12.0;       // gaps beyond this always split (columns)
constexpr double kLoneGapXh = 6.0;        // in a row with no neighbours, wider gaps split
constexpr double kJoinDyXh = 0.8;         // cores joined into a line must agree this well in y
constexpr double kNearNoiseLineXh = 8.0;  // lines narrower than this may not hug noise
constexpr double kShortLineXh = 4.0;      // lines narrower than this need a clear character
constexpr float kSmallWeight = 0.3f;      // weight of small marks in the density
constexpr double kMarginLineShare = 0.3;  // crop margin above/below, share of the ink height

struct Cell {
  int f = 1;  // coarse grid cell size, px
  int w = 0;  // grid width, cells
  int h = 0;  // grid height, cells
};

enum class Role : std::uint8_t { kLetter, kSmall, kRule, kTall, kNoise };

// A piece of a run handed to one line (or to none: line < 0).
struct Piece {
  int y = 0, x0 = 0, x1 = 0;
  int line = -1;
  bool rule = false;  // from a rule component (a dash in the text, or an underline)
};

// One connected region of the core mask, with per-grid-column extent.
struct Core {
  int cx0 = 0, cx1 = 0;          // grid columns [cx0, cx1)
  std::vector<float> centre;     // per column in [cx0, cx1): mean core row (cells), or -1
  std::vector<int> top, bottom;  // per column: first and last core row, cells
  long ink_area = 0;
  int ink_x0 = 0, ink_x1 = 0, ink_y0 = 0, ink_y1 = 0;  // extent of the ink handed to it, px
  std::vector<int> comps;        // whole components handed to this core
  long split_area = 0;           // ink of split components handed to it, px
  int split_height = 0;          // tallest share of a split component, px
  long split_letterlike = 0;     // ink of those shares that are letter-tall, px
  int line = -1;                 // index of the line it ends up in

  bool covers(int cx) const { return cx >= cx0 && cx < cx1 && centre[cx - cx0] >= 0; }
  // Centre at grid column cx, clamped to the core's own columns.
  float centre_at(int cx) const {
    int i = std::clamp(cx, cx0, cx1 - 1) - cx0;
    if (centre[i] >= 0) return centre[i];
    // Columns inside [cx0, cx1) always hold a core cell (cores link column to column), but
    // stay safe: search the nearest filled column.
    for (int d = 1; d < cx1 - cx0; ++d) {
      if (i - d >= 0 && centre[i - d] >= 0) return centre[i - d];
      if (i + d < cx1 - cx0 && centre[i + d] >= 0) return centre[i + d];
    }
    return 0.f;
  }
};

// A text line under construction.
struct LineBuild {
  std::vector<int> cores;
  int ink_x0 = 0, ink_x1 = 0, ink_y0 = 0, ink_y1 = 0;
  long ink_area = 0;
  std::vector<double> path;  // centre y (page px) per page column in [ink_x0 - margin, ...)
  int path_x0 = 0;
  double y_ref = 0;  // centre y moved to the page's middle column along the page slope
  double x_mid = 0;
};

// ---------------------------------------------------------------------------------------------
// Step 2: scale.

// The page's x-height: the most common component height among letter-sized components.
// Lower-case letters without ascenders (a c e m n o r s u v w x z) outnumber every other kind
// in running text, so the mode of heights lands on the x-height. Returns 0 when nothing
// letter-like is on the page.
double estimate_x_height(const ComponentLabels& labels, int page_w, int page_h) {
  const int max_h = std::max(8, std::min(page_h / 8, 400));
  std::vector<double> hist(max_h + 2, 0.0);
  for (const InkComponent& c : labels.components) {
    const int h = c.height();
    const int w = c.width();
    if (h < 4 || h > max_h) continue;
    if (w < 2 || w > 3 * h) continue;
    if (c.x0 == 0 || c.y0 == 0 || c.x1 == page_w || c.y1 == page_h) continue;
    // Weighted by area: a letter broken into specks by a worn ribbon or a carbon copy adds
    // many small fragments but little ink, so weighting by ink keeps the mode on whole letters.
    hist[h] += static_cast<double>(c.area);
  }
  // Light smoothing so that a font whose x-height falls between two integers is not split.
  std::vector<double> smooth(hist.size(), 0.0);
  for (int h = 4; h <= max_h; ++h) smooth[h] = hist[h - 1] + 2 * hist[h] + hist[h + 1];
  int best_h = static_cast<int>(std::max_element(smooth.begin(), smooth.end()) - smooth.begin());
  if (smooth[best_h] < 8.0 * 4 * 16) return 0.0;  // less ink than a handful of letters: no text
  // Bold or blurred type runs letters together into words, whose height is that of their
  // tallest letter: the ascender height can then outweigh the x-height. The x-height is the
  // lower of the two modes, 0.6–0.85 of the other, when it is a clear peak of its own.
  int lower = -1;
  for (int h = static_cast<int>(std::ceil(0.6 * best_h)); h <= static_cast<int>(0.85 * best_h); ++h) {
    if (h < 5 || smooth[h] < smooth[h - 1] || smooth[h] < smooth[h + 1]) continue;
    if (smooth[h] >= 0.35 * smooth[best_h] && (lower < 0 || smooth[h] > smooth[lower])) lower = h;
  }
  if (lower > 0) best_h = lower;
  // Refine to the weighted mean around the mode.
  const double num = (best_h - 1) * hist[best_h - 1] + best_h * hist[best_h] + (best_h + 1) * hist[best_h + 1];
  const double den = hist[best_h - 1] + hist[best_h] + hist[best_h + 1];
  return den > 0 ? num / den : best_h;
}

// ---------------------------------------------------------------------------------------------
// Step 3: roles.

bool touches_edge(const InkComponent& c, int w, int h) {
  return c.x0 <= 1 || c.y0 <= 1 || c.x1 >= w - 1 || c.y1 >= h - 1;
}

// Noise that must be recognised before underlines are cut away, while a scan border is still
// one blob: dark borders (large blobs touching the page edge) and punch holes (large filled
// round blobs). Returns a flag per component of `labels`.
std::vector<std::uint8_t> find_noise(const ComponentLabels& labels, double xh, int page_w, int page_h) {
  std::vector<std::uint8_t> noise(labels.components.size(), 0);
  for (std::size_t i = 0; i < labels.components.size(); ++i) {
    const InkComponent& c = labels.components[i];
    const int w = c.width();
    const int h = c.height();
    if (touches_edge(c, page_w, page_h) && (h > kEdgeLetterMaxXh * xh || w > 2 * kEdgeLetterMaxXh * xh)) {
      noise[i] = 1;  // scan border, book gutter, torn edge
      continue;
    }
    const double aspect = static_cast<double>(w) / h;
    if (std::min(w, h) > kHoleMinXh * xh && aspect > 0.6 && aspect < 1.67 &&
        c.area > 0.55 * static_cast<double>(w) * h) {
      noise[i] = 1;  // punch hole: a filled disc fills pi/4 of its box
    }
  }
  return noise;
}

std::vector<Role> assign_roles(const ComponentLabels& labels, const std::vector<std::uint8_t>& comp_is_rule,
                               const std::vector<std::uint8_t>& comp_is_noise, double xh, int page_w, int page_h,
                               int min_line_height) {
  std::vector<Role> roles(labels.components.size(), Role::kSmall);
  const double seed_min = std::max<double>(kSeedMinXh * xh, std::min(min_line_height, static_cast<int>(xh)));
  for (std::size_t i = 0; i < labels.components.size(); ++i) {
    const InkComponent& c = labels.components[i];
    const int w = c.width();
    const int h = c.height();
    Role& r = roles[i];
    if (comp_is_noise[i]) {
      r = Role::kNoise;
    } else if (comp_is_rule[i]) {
      // Long-run ink: a thin one is an underline or a typed rule; a thick one is a bar.
      r = (h <= std::max(2.0, kRuleMaxThickXh * xh) && !(touches_edge(c, page_w, page_h) && w > page_w / 3))
              ? Role::kRule
              : Role::kNoise;
    } else if (h > 2.2 * xh && w < std::max(3.0, 0.4 * xh)) {
      r = Role::kNoise;  // a vertical bar: margin rule, paper edge, fold; no letter is this thin
    } else if (h > kSeedMaxXh * xh) {
      // Letters of three or more touching lines chained together, or a margin bar, a stamp,
      // handwriting: decided once the lines are known.
      r = Role::kTall;
    } else {
      r = h >= seed_min ? Role::kLetter : Role::kSmall;
    }
  }
  return roles;
}

// ---------------------------------------------------------------------------------------------
// Step 4: density and cores.

// In-place running box sum along x (width 2r+1) of a w×h float grid, normalised to a mean.
void box_x(std::vector<float>& g, int w, int h, int r) {
  if (r <= 0) return;
  std::vector<float> row(w);
  const float norm = 1.0f / (2 * r + 1);
  for (int y = 0; y < h; ++y) {
    float* p = g.data() + static_cast<std::size_t>(y) * w;
    std::copy(p, p + w, row.begin());
    double acc = 0;
    for (int x = 0; x < std::min(r, w); ++x) acc += row[x];
    for (int x = 0; x < w; ++x) {
      if (x + r < w) acc += row[x + r];
      if (x - r - 1 >= 0) acc -= row[x - r - 1];
      p[x] = static_cast<float>(acc) * norm;
    }
  }
}

void box_y(std::vector<float>& g, int w, int h, int r) {
  if (r <= 0) return;
  std::vector<float> src(g);
  std::vector<double> acc(w, 0.0);
  const float norm = 1.0f / (2 * r + 1);
  for (int y = 0; y < std::min(r, h); ++y) {
    const float* s = src.data() + static_cast<std::size_t>(y) * w;
    for (int x = 0; x < w; ++x) acc[x] += s[x];
  }
  for (int y = 0; y < h; ++y) {
    if (y + r < h) {
      const float* s = src.data() + static_cast<std::size_t>(y + r) * w;
      for (int x = 0; x < w; ++x) acc[x] += s[x];
    }
    if (y - r - 1 >= 0) {
      const float* s = src.data() + static_cast<std::size_t>(y - r - 1) * w;
      for (int x = 0; x < w; ++x) acc[x] -= s[x];
    }
    float* d = g.data() + static_cast<std::size_t>(y) * w;
    for (int x = 0; x < w; ++x) d[x] = static_cast<float>(acc[x]) * norm;
  }
}

// Ink of letters and small marks per grid cell, px. Small marks count because a faint or
// worn line may be mostly fragments; rules, noise and tall blobs do not.
std::vector<float> letter_density(const InkRuns& runs, const ComponentLabels& labels, const std::vector<Role>& roles,
                                  const std::vector<std::uint8_t>* run_excluded, const Cell& cell) {
  std::vector<float> d(static_cast<std::size_t>(cell.w) * cell.h, 0.f);
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    const Role role = roles[labels.run_component[i]];
    const float weight = role == Role::kLetter ? 1.0f : role == Role::kSmall ? kSmallWeight : 0.0f;
    if (weight == 0) continue;
    if (run_excluded && (*run_excluded)[i]) continue;
    const InkRun& r = runs.runs[i];
    float* row = d.data() + static_cast<std::size_t>(r.y / cell.f) * cell.w;
    for (int cx = r.x0 / cell.f, last = (r.x1 - 1) / cell.f; cx <= last; ++cx) {
      const int a = std::max(r.x0, cx * cell.f);
      const int b = std::min(r.x1, (cx + 1) * cell.f);
      row[cx] += weight * static_cast<float>(b - a);
    }
  }
  return d;
}

// Core mask: cells whose smoothed density is at least half of the largest density within
// kPeakRadiusXh above or below, and above a small floor that keeps lone specks out.
std::vector<std::uint8_t> core_mask(const std::vector<float>& s, const Cell& cell, double xh) {
  const int w = cell.w;
  const int h = cell.h;
  const int r = std::max(1, static_cast<int>(std::lround(kPeakRadiusXh * xh / cell.f)));
  std::vector<float> runmax(s);
  // Vertical running maximum as max over shifted copies: r is a handful of cells, and the
  // inner loop runs along rows, which the compiler vectorises.
  for (int dy = 1; dy <= r; ++dy) {
    for (int y = 0; y < h; ++y) {
      float* m = runmax.data() + static_cast<std::size_t>(y) * w;
      if (y - dy >= 0) {
        const float* a = s.data() + static_cast<std::size_t>(y - dy) * w;
        for (int x = 0; x < w; ++x) m[x] = std::max(m[x], a[x]);
      }
      if (y + dy < h) {
        const float* b = s.data() + static_cast<std::size_t>(y + dy) * w;
        for (int x = 0; x < w; ++x) m[x] = std::max(m[x], b[x]);
      }
    }
  }
  // Floor: a fraction of typical line density (90th percentile of the non-empty cells).
  std::vector<float> sample;
  sample.reserve(s.size() / 4 + 1);
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
  for (std::size_t i = 0; i < s.size(); ++i) {
    mask[i] = s[i] > floor_value && s[i] >= 0.5f * runmax[i];
  }
  // Bold type at tight spacing can keep the valley between two lines above half the peak, so
  // that their cores merge. In every column, a core run taller than 1.3 x-heights is
  // cut at each valley (below kValleyDepth of the lower of the two peaks around it, peaks at
  // least 1.2 x-heights apart): one line's x-height band has a single density peak.
  const int tall = static_cast<int>(std::lround(1.3 * xh / cell.f));
  const int too_tall = static_cast<int>(std::lround(2.0 * xh / cell.f));
  const int apart = std::max(2, static_cast<int>(std::lround(1.2 * xh / cell.f)));
  auto at = [&](int x, int y) { return s[static_cast<std::size_t>(y) * w + x]; };
  for (int x = 0; x < w; ++x) {
    int y = 0;
    while (y < h) {
      if (!mask[static_cast<std::size_t>(y) * w + x]) {
        ++y;
        continue;
      }
      const int y0 = y;
      while (y < h && mask[static_cast<std::size_t>(y) * w + x]) ++y;
      const int y1 = y;  // run [y0, y1)
      if (y1 - y0 <= tall) continue;
      if (y1 - y0 > too_tall) {
        // No single line's x-height band is this tall: two lines bridged where no valley
        // shows (word gaps, line ends). Drop the run; the lines' cores continue either side.
        for (int yy = y0; yy < y1; ++yy) mask[static_cast<std::size_t>(yy) * w + x] = 0;
        continue;
      }
      // Walk the run's local maxima; between consecutive ones far enough apart, cut at the
      // minimum when it is deep enough.
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
            mask[static_cast<std::size_t>(valley) * w + x] = 0;
            last_peak = yy;
          } else if (v > at(x, last_peak)) {
            last_peak = yy;
          }
        } else if (last_peak < 0 || v > at(x, last_peak)) {
          last_peak = yy;
        }
      }
    }
  }
  return mask;
}

// Labels the core mask. Vertical runs of core cells in neighbouring grid columns belong to the
// same core when they share at least half of the shorter run and their middles are within a
// third of an x-height: a core follows a skewed or curved line smoothly, but a staircase of
// runs that merely touch, or a run bridging two lines where their tails meet at a word gap,
// does not link the lines. Returns the label per cell (-1 = none) and the number of labels.
std::vector<int> label_cores(const std::vector<std::uint8_t>& mask, const Cell& cell, double xh, int* count) {
  struct Run {
    int x, y0, y1;  // grid column, rows [y0, y1)
  };
  std::vector<Run> runs;
  std::vector<int> column_start(cell.w + 1, 0);
  for (int x = 0; x < cell.w; ++x) {
    column_start[x] = static_cast<int>(runs.size());
    int y = 0;
    while (y < cell.h) {
      if (!mask[static_cast<std::size_t>(y) * cell.w + x]) {
        ++y;
        continue;
      }
      const int y0 = y;
      while (y < cell.h && mask[static_cast<std::size_t>(y) * cell.w + x]) ++y;
      runs.push_back({x, y0, y});
    }
  }
  column_start[cell.w] = static_cast<int>(runs.size());
  std::vector<int> parent(runs.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](int i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const double max_shift = xh / 2.0 / cell.f;  // cells
  for (int x = 1; x < cell.w; ++x) {
    for (int a = column_start[x - 1]; a < column_start[x]; ++a) {
      for (int b = column_start[x]; b < column_start[x + 1]; ++b) {
        const Run& ra = runs[a];
        const Run& rb = runs[b];
        if (rb.y0 >= ra.y1) break;
        const int shared = std::min(ra.y1, rb.y1) - std::max(ra.y0, rb.y0);
        if (shared <= 0) continue;
        if (shared < 0.5 * std::min(ra.y1 - ra.y0, rb.y1 - rb.y0)) continue;
        if (std::abs(0.5 * (ra.y0 + ra.y1) - 0.5 * (rb.y0 + rb.y1)) > max_shift) continue;
        const int p = root(a), q = root(b);
        if (p != q) parent[std::max(p, q)] = std::min(p, q);
      }
    }
  }
  std::vector<int> id(runs.size(), -1);
  int n = 0;
  std::vector<int> grid(mask.size(), -1);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const int r = root(static_cast<int>(i));
    if (id[r] < 0) id[r] = n++;
    for (int y = runs[i].y0; y < runs[i].y1; ++y) grid[static_cast<std::size_t>(y) * cell.w + runs[i].x] = id[r];
  }
  *count = n;
  return grid;
}

// Per-core column extent, centre, top and bottom, from the label grid.
std::vector<Core> build_cores(const std::vector<int>& grid, const Cell& cell, int count) {
  std::vector<Core> cores(count);
  for (auto& k : cores) {
    k.cx0 = 1 << 30;
    k.cx1 = -1;
  }
  for (int y = 0; y < cell.h; ++y) {
    for (int x = 0; x < cell.w; ++x) {
      const int k = grid[static_cast<std::size_t>(y) * cell.w + x];
      if (k < 0) continue;
      cores[k].cx0 = std::min(cores[k].cx0, x);
      cores[k].cx1 = std::max(cores[k].cx1, x + 1);
    }
  }
  std::vector<std::vector<int>> counts(count);
  for (int k = 0; k < count; ++k) {
    const int n = cores[k].cx1 - cores[k].cx0;
    cores[k].centre.assign(n, 0.f);
    cores[k].top.assign(n, 1 << 30);
    cores[k].bottom.assign(n, -1);
    counts[k].assign(n, 0);
  }
  for (int y = 0; y < cell.h; ++y) {
    for (int x = 0; x < cell.w; ++x) {
      const int k = grid[static_cast<std::size_t>(y) * cell.w + x];
      if (k < 0) continue;
      Core& core = cores[k];
      const int j = x - core.cx0;
      core.centre[j] += static_cast<float>(y);
      ++counts[k][j];
      core.top[j] = std::min(core.top[j], y);
      core.bottom[j] = std::max(core.bottom[j], y);
    }
  }
  for (int k = 0; k < count; ++k) {
    for (std::size_t j = 0; j < cores[k].centre.size(); ++j) {
      cores[k].centre[j] = counts[k][j] ? cores[k].centre[j] / counts[k][j] : -1.f;
    }
  }
  return cores;
}

// ---------------------------------------------------------------------------------------------
// Step 5: handing ink to cores.

struct Grid {
  Cell cell;
  std::vector<int> label;  // core index per cell, -1 = none
  const std::vector<float>* density = nullptr;
  int at(int cx, int cy) const { return label[static_cast<std::size_t>(cy) * cell.w + cx]; }
  float s(int cx, int cy) const { return (*density)[static_cast<std::size_t>(cy) * cell.w + cx]; }
};

// Pixel overlap of a component's runs with each core, as (core, px) pairs.
std::vector<std::pair<int, long>> core_overlaps(const InkRuns& runs, const ComponentLabels& labels, int comp,
                                                const Grid& grid, const std::vector<std::uint8_t>& allowed) {
  std::vector<std::pair<int, long>> out;
  const int f = grid.cell.f;
  for (int k = labels.run_start[comp]; k < labels.run_start[comp + 1]; ++k) {
    const InkRun& r = runs.runs[labels.component_runs[k]];
    const int cy = r.y / f;
    for (int cx = r.x0 / f, last = (r.x1 - 1) / f; cx <= last; ++cx) {
      const int core = grid.at(cx, cy);
      if (core < 0 || !allowed[core]) continue;
      const long n = std::min(r.x1, (cx + 1) * f) - std::max(r.x0, cx * f);
      auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == core; });
      if (it == out.end()) {
        out.emplace_back(core, n);
      } else {
        it->second += n;
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

// Centre of mass of a component's ink, page row.
double centroid_y(const InkRuns& runs, const ComponentLabels& labels, int comp) {
  long sum = 0;
  for (int k = labels.run_start[comp]; k < labels.run_start[comp + 1]; ++k) {
    const InkRun& r = runs.runs[labels.component_runs[k]];
    sum += static_cast<long>(r.y) * r.length();
  }
  return static_cast<double>(sum) / labels.components[comp].area + 0.5;
}

// The core a mark that overlaps none belongs to, among the allowed cores above, below, left or
// right of it; -1 when none is near. A mark above a core is an accent, a dot or an ascender
// fragment and may sit up to about one x-height above the core; a mark below one is a
// descender fragment and sits closer; a mark beside one is a full stop or a hyphen just past
// the last letter. Distances are scaled by those reaches, so that a mark midway between two
// lines goes to the line below. A whole letter (at least an x-height tall) found near two
// lines goes to the one whose centre is nearest its centre of mass.
int nearest_core(const InkRuns& runs, const ComponentLabels& labels, int comp, const Grid& grid,
                 const std::vector<Core>& cores, double xh, const std::vector<std::uint8_t>& allowed) {
  const InkComponent& c = labels.components[comp];
  const int f = grid.cell.f;
  const int reach = static_cast<int>(std::ceil(2.0 * xh / f)) + 1;
  std::vector<std::pair<int, double>> found;  // (core, score)
  auto consider = [&](int k, double d, double scale) { found.emplace_back(k, std::max(0.0, d) / (scale * xh)); };
  const int columns[3] = {c.x0 / f, ((c.x0 + c.x1) / 2) / f, (c.x1 - 1) / f};
  for (int cx : columns) {
    for (int cy = c.y0 / f - 1, n = 0; cy >= 0 && n < reach; --cy, ++n) {
      const int k = grid.at(cx, cy);
      if (k < 0 || !allowed[k]) continue;
      consider(k, c.y0 - (cy + 1) * f, kAttachUpXh);
      break;
    }
    for (int cy = (c.y1 - 1) / f + 1, n = 0; cy < grid.cell.h && n < reach; ++cy, ++n) {
      const int k = grid.at(cx, cy);
      if (k < 0 || !allowed[k]) continue;
      consider(k, cy * f - c.y1, kAttachDownXh);
      break;
    }
  }
  const int row = ((c.y0 + c.y1) / 2) / f;
  for (int cx = c.x0 / f - 1, n = 0; cx >= 0 && n < reach; --cx, ++n) {
    const int k = grid.at(cx, row);
    if (k < 0 || !allowed[k]) continue;
    consider(k, c.x0 - (cx + 1) * f, kAttachSideXh);
    break;
  }
  for (int cx = (c.x1 - 1) / f + 1, n = 0; cx < grid.cell.w && n < reach; ++cx, ++n) {
    const int k = grid.at(cx, row);
    if (k < 0 || !allowed[k]) continue;
    consider(k, cx * f - c.x1, kAttachSideXh);
    break;
  }
  found.erase(std::remove_if(found.begin(), found.end(), [](const auto& e) { return e.second > kMaxAttach; }),
              found.end());
  if (found.empty()) return -1;
  if (c.height() >= xh) {
    const double y = centroid_y(runs, labels, comp);
    const int mid = ((c.x0 + c.x1) / 2) / f;
    return std::min_element(found.begin(), found.end(), [&](const auto& a, const auto& b) {
             return std::abs((cores[a.first].centre_at(mid) + 0.5) * f - y) <
                    std::abs((cores[b.first].centre_at(mid) + 0.5) * f - y);
           })->first;
  }
  return std::min_element(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

// Cuts a component that spans several stacked cores (letters of touching lines).
//  1. Between two cores, the cut in each page column goes through a white gap of the
//     component in that column when there is one, the gap nearest the density valley between
//     the cores (the valley of the local projection profile); where the column is ink from
//     core to core, through the valley itself. So touching ascenders and descenders are cut
//     where the lines meet, not half-way.
//  2. A cut still clips the tip of a descender that reaches below the valley, or of an
//     ascender above it. Such bits, small parts on one side that touch a much bigger part on
//     the other side, go back to the part they touch.
void split_component(const InkRuns& runs, const ComponentLabels& labels, int comp, std::vector<int> stack,
                     const std::vector<Core>& cores, const Grid& grid, std::vector<Piece>& pieces) {
  const InkComponent& c = labels.components[comp];
  const int f = grid.cell.f;
  const int w = c.width();
  const int h = c.height();
  const int mid = ((c.x0 + c.x1) / 2) / f;
  std::sort(stack.begin(), stack.end(),
            [&](int a, int b) { return cores[a].centre_at(mid) < cores[b].centre_at(mid); });
  const int n = static_cast<int>(stack.size());

  // The component as a small bitmap: 0 = paper, then the index + 1 of the core each pixel goes to.
  std::vector<std::uint8_t> label(static_cast<std::size_t>(w) * h, 0);
  for (int k = labels.run_start[comp]; k < labels.run_start[comp + 1]; ++k) {
    const InkRun& r = runs.runs[labels.component_runs[k]];
    std::fill_n(label.begin() + static_cast<long>(r.y - c.y0) * w + (r.x0 - c.x0), r.length(), std::uint8_t{1});
  }
  auto at = [&](int x, int y) -> std::uint8_t& { return label[static_cast<std::size_t>(y) * w + x]; };

  std::vector<int> bound(n - 1);  // per column: first bitmap row below each cut
  for (int x = 0; x < w; ++x) {
    const int cx = (c.x0 + x) / f;
    for (int i = 0; i + 1 < n; ++i) {
      const double ya = (cores[stack[i]].centre_at(cx) + 0.5) * f;
      const double yb = (cores[stack[i + 1]].centre_at(cx) + 0.5) * f;
      // Density valley between the two centres, in page rows.
      int valley_cell = static_cast<int>((ya + yb) / 2 / f);
      float best_s = 1e30f;
      for (int cy = static_cast<int>(ya / f) + 1; cy < std::min(grid.cell.h, static_cast<int>(yb / f)); ++cy) {
        const float v = grid.s(cx, cy);
        if (v < best_s) {
          best_s = v;
          valley_cell = cy;
        }
      }
      const double valley = (valley_cell + 0.5) * f;
      // White gaps of this column between the centres; the one nearest the valley wins.
      double cut = valley;
      double best_d = 1e30;
      const int r0 = std::max(0, static_cast<int>(std::ceil(ya)) - c.y0);
      const int r1 = std::min(h, static_cast<int>(yb) - c.y0);
      for (int r = r0; r < r1;) {
        if (at(x, r)) {
          ++r;
          continue;
        }
        const int g0 = r;
        while (r < r1 && !at(x, r)) ++r;
        const double middle = c.y0 + 0.5 * (g0 + r);
        if (std::abs(middle - valley) < best_d) {
          best_d = std::abs(middle - valley);
          cut = middle;
        }
      }
      bound[i] = static_cast<int>(std::lround(cut)) - c.y0;
    }
    for (int y = 0; y < h; ++y) {
      if (!at(x, y)) continue;
      int i = 0;
      while (i + 1 < n && y >= bound[i]) ++i;
      at(x, y) = static_cast<std::uint8_t>(i + 1);
    }
  }

  // Clipped tips: an 8-connected part of one label less than a third the size of the part of
  // another label it touches joins that part.
  std::vector<int> part(label.size(), -1);
  std::vector<int> part_size;
  std::vector<int> todo;
  for (int start = 0; start < w * h; ++start) {
    if (!label[start] || part[start] >= 0) continue;
    const int id = static_cast<int>(part_size.size());
    part_size.push_back(0);
    todo.assign(1, start);
    part[start] = id;
    while (!todo.empty()) {
      const int p = todo.back();
      todo.pop_back();
      ++part_size[id];
      const int px = p % w, py = p / w;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int qx = px + dx, qy = py + dy;
          if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
          const int q = qy * w + qx;
          if (label[q] == label[start] && part[q] < 0) {
            part[q] = id;
            todo.push_back(q);
          }
        }
      }
    }
  }
  // For every part, the biggest part of another label it touches.
  std::vector<int> neighbour(part_size.size(), -1);
  for (int p = 0; p < w * h; ++p) {
    if (!label[p]) continue;
    const int px = p % w, py = p / w;
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        const int qx = px + dx, qy = py + dy;
        if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
        const int q = qy * w + qx;
        if (!label[q] || label[q] == label[p]) continue;
        int& best = neighbour[part[p]];
        if (best < 0 || part_size[part[q]] > part_size[best]) best = part[q];
      }
    }
  }
  std::vector<std::uint8_t> part_label(part_size.size(), 0);
  for (int p = 0; p < w * h; ++p) {
    if (label[p]) part_label[part[p]] = label[p];
  }
  for (int p = 0; p < w * h; ++p) {
    if (!label[p]) continue;
    const int other = neighbour[part[p]];
    if (other >= 0 && 3 * part_size[part[p]] < part_size[other]) label[p] = part_label[other];
  }

  // Pieces in row order, runs of one label.
  for (int y = 0; y < h; ++y) {
    int x = 0;
    while (x < w) {
      if (!at(x, y)) {
        ++x;
        continue;
      }
      const std::uint8_t v = at(x, y);
      const int x0 = x;
      while (x < w && at(x, y) == v) ++x;
      pieces.push_back({c.y0 + y, c.x0 + x0, c.x0 + x, stack[v - 1]});
    }
  }
}

// Whether the white gap [x0, x1) on the row whose centre is at y (page px) is a gutter
// between columns or table cells rather than a wide space inside a line: a gutter runs on
// through the rows above and below, which are white there too, while prose above or below
// (a sentence typed with several spaces after it) has ink across the gap. A row with no
// neighbours splits only at very wide gaps. `ink` is the unsmoothed grid of letter ink.
bool is_gutter(const std::vector<float>& ink, const Cell& cell, int x0, int x1, double y, double xh) {
  if (x1 - x0 > kLineGapXh * xh) return true;
  const int f = cell.f;
  const int margin = static_cast<int>(std::lround(0.5 * xh));
  const int gx0 = std::clamp((x0 + margin) / f, 0, cell.w - 1);
  const int gx1 = std::clamp((x1 - margin) / f, gx0 + 1, cell.w);
  const int wide0 = std::clamp(static_cast<int>((x0 - 3 * xh) / f), 0, cell.w - 1);
  const int wide1 = std::clamp(static_cast<int>((x1 + 3 * xh) / f), wide0 + 1, cell.w);
  bool any_neighbour = false;
  for (int side = -1; side <= 1; side += 2) {
    // Rows between one and four and a half x-heights away: the next line at single to double
    // spacing, clear of this row's own ascenders and descenders.
    const int r0 = static_cast<int>(std::floor((side < 0 ? y - 4.5 * xh : y + 1.0 * xh) / f));
    const int r1 = static_cast<int>(std::ceil((side < 0 ? y - 1.0 * xh : y + 4.5 * xh) / f));
    bool neighbour = false;
    int crossed = 0;
    for (int cx = wide0; cx < wide1; ++cx) {
      bool inked = false;
      for (int cy = std::max(0, r0); cy < std::min(cell.h, r1) && !inked; ++cy) {
        inked = ink[static_cast<std::size_t>(cy) * cell.w + cx] > 0;
      }
      neighbour = neighbour || inked;
      if (inked && cx >= gx0 && cx < gx1) ++crossed;
    }
    if (!neighbour) continue;
    any_neighbour = true;
    if (crossed >= 0.3 * (gx1 - gx0)) return false;  // text runs across: a wide space
  }
  return any_neighbour || x1 - x0 > kLoneGapXh * xh;
}

// Character cells: components overlapping in x taken together (a letter broken by a worn
// ribbon, a letter and its accent), as boxes with their summed ink area, left to right.
std::vector<InkComponent> character_cells(std::vector<int> comps, const ComponentLabels& labels) {
  std::sort(comps.begin(), comps.end(),
            [&](int a, int b) { return labels.components[a].x0 < labels.components[b].x0; });
  std::vector<InkComponent> cells;
  for (int c : comps) {
    const InkComponent& k = labels.components[c];
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

// ---------------------------------------------------------------------------------------------
// Step 7: reading order.

struct OrderItem {
  int index;
  int x0, x1;
  double y;
};

std::vector<int> order_rows(std::vector<OrderItem> items, double xh) {
  std::sort(items.begin(), items.end(), [](const OrderItem& a, const OrderItem& b) { return a.y < b.y; });
  std::vector<int> out;
  std::size_t i = 0;
  while (i < items.size()) {
    // A row: lines whose reference heights lie within half an x-height of its first line's.
    std::size_t j = i + 1;
    while (j < items.size() && items[j].y - items[i].y < 0.5 * xh) ++j;
    std::sort(items.begin() + static_cast<long>(i), items.begin() + static_cast<long>(j),
              [](const OrderItem& a, const OrderItem& b) { return a.x0 < b.x0; });
    for (std::size_t k = i; k < j; ++k) out.push_back(items[k].index);
    i = j;
  }
  return out;
}

// Orders lines: if a vertical gutter splits them into two columns of at least four lines
// each, side by side, each band between full-width lines gives its left column, then its right
// column (recursively, so three columns work too); otherwise rows top to bottom.
std::vector<int> order_lines(const std::vector<OrderItem>& items, double xh) {
  constexpr int kMinColumnLines = 4;
  if (items.size() < 2 * kMinColumnLines) return order_rows(items, xh);
  int x_min = items[0].x0;
  int x_max = items[0].x1;
  for (const auto& it : items) {
    x_min = std::min(x_min, it.x0);
    x_max = std::max(x_max, it.x1);
  }
  const int bin = std::max(1, static_cast<int>(xh));
  const int nb = (x_max - x_min) / bin + 1;
  std::vector<int> cover(nb, 0);
  for (const auto& it : items) {
    for (int b = (it.x0 - x_min) / bin; b <= (it.x1 - 1 - x_min) / bin && b < nb; ++b) ++cover[b];
  }
  const int allowed = std::max(1, static_cast<int>(items.size()) / 20);  // titles may cross
  int best_score = 0;
  int best_g0 = 0, best_g1 = 0;
  for (int b = 1; b < nb - 1;) {
    if (cover[b] > allowed) {
      ++b;
      continue;
    }
    int e = b;
    while (e < nb - 1 && cover[e] <= allowed) ++e;
    const int g0 = x_min + b * bin;
    const int g1 = x_min + e * bin;
    if (e - b >= 2) {  // a gutter at least two x-heights wide
      int nl = 0, nr = 0;
      double l_top = 1e30, l_bot = -1e30, r_top = 1e30, r_bot = -1e30;
      for (const auto& it : items) {
        if (it.x1 <= g0) {
          ++nl;
          l_top = std::min(l_top, it.y);
          l_bot = std::max(l_bot, it.y);
        } else if (it.x0 >= g1) {
          ++nr;
          r_top = std::min(r_top, it.y);
          r_bot = std::max(r_bot, it.y);
        }
      }
      const double overlap = std::min(l_bot, r_bot) - std::max(l_top, r_top);
      const double shorter = std::min(l_bot - l_top, r_bot - r_top);
      if (nl >= kMinColumnLines && nr >= kMinColumnLines && overlap > 0.5 * shorter &&
          std::min(nl, nr) > best_score) {
        best_score = std::min(nl, nr);
        best_g0 = g0;
        best_g1 = g1;
      }
    }
    b = e;
  }
  if (best_score == 0) return order_rows(items, xh);

  std::vector<OrderItem> crossing;
  for (const auto& it : items) {
    if (!(it.x1 <= best_g0) && !(it.x0 >= best_g1)) crossing.push_back(it);
  }
  std::sort(crossing.begin(), crossing.end(), [](const OrderItem& a, const OrderItem& b) { return a.y < b.y; });
  std::vector<int> out;
  double band_top = -1e30;
  for (std::size_t c = 0; c <= crossing.size(); ++c) {
    const double band_bottom = c < crossing.size() ? crossing[c].y : 1e30;
    std::vector<OrderItem> left, right;
    for (const auto& it : items) {
      if (it.y < band_top || it.y >= band_bottom) continue;
      if (it.x1 <= best_g0) left.push_back(it);
      if (it.x0 >= best_g1) right.push_back(it);
    }
    for (int i : order_lines(left, xh)) out.push_back(i);
    for (int i : order_lines(right, xh)) out.push_back(i);
    if (c < crossing.size()) out.push_back(crossing[c].index);
    band_top = band_bottom;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Step 8: per-line geometry and crops.

// The centre path of a line from per-bin heights (`weight` = ink per bin, 0 for empty bins):
// a weighted least-squares straight line (residual skew), plus the residuals smoothed over
// ±3 bins (≈ ±6 x-heights) so that a curved line is followed while the ascender/descender
// mix of single words, which moves a bin's median by a few pixels, is ironed out.
std::vector<double> fit_path(const std::vector<double>& centre, const std::vector<double>& weight) {
  const int n = static_cast<int>(centre.size());
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < n; ++i) {
    const double w = weight[i];
    sw += w;
    sx += w * i;
    sy += w * centre[i];
    sxx += w * i * i;
    sxy += w * i * centre[i];
  }
  double slope = 0, offset = n ? centre[0] : 0;
  if (sw > 0) {
    const double det = sw * sxx - sx * sx;
    slope = std::abs(det) > 1e-9 ? (sw * sxy - sx * sy) / det : 0.0;
    offset = (sy - slope * sx) / sw;
  }
  std::vector<double> residual(n);
  for (int i = 0; i < n; ++i) residual[i] = centre[i] - (offset + slope * i);
  // A weighted moving average, so that bins holding a single comma count for little.
  std::vector<double> out(n);
  constexpr int kRadius = 3;
  for (int i = 0; i < n; ++i) {
    double num = 0, den = 0;
    for (int j = std::max(0, i - kRadius); j <= std::min(n - 1, i + kRadius); ++j) {
      num += weight[j] * residual[j];
      den += weight[j];
    }
    out[i] = offset + slope * i + (den > 0 ? num / den : 0.0);
  }
  return out;
}

struct PageContext {
  int w = 0, h = 0;
  const l_uint32* grey = nullptr;
  int grey_wpl = 0;
  std::uint8_t page_paper = 255;
  std::uint8_t pixel(int x, int y) const {
    return GET_DATA_BYTE(grey + static_cast<std::size_t>(y) * grey_wpl, x);
  }
};

// Paper tone of the page: median grey of non-ink pixels, sampled on a sparse grid.
std::uint8_t page_paper_tone(Pix* grey, Pix* binary) {
  const int w = pixGetWidth(grey);
  const int h = pixGetHeight(grey);
  const l_uint32* g = pixGetData(grey);
  const l_uint32* b = pixGetData(binary);
  const int gw = pixGetWpl(grey);
  const int bw = pixGetWpl(binary);
  long hist[256] = {0};
  long n = 0;
  for (int y = 0; y < h; y += 3) {
    for (int x = 0; x < w; x += 3) {
      if (GET_DATA_BIT(b + static_cast<std::size_t>(y) * bw, x)) continue;
      ++hist[GET_DATA_BYTE(g + static_cast<std::size_t>(y) * gw, x)];
      ++n;
    }
  }
  long acc = 0;
  for (int v = 0; v < 256; ++v) {
    acc += hist[v];
    if (2 * acc >= n && n > 0) return static_cast<std::uint8_t>(v);
  }
  return 255;
}

struct LineMetrics {
  int dy_xline = 0;     // first row of the x-height band, relative to the centre path
  int dy_baseline = 0;  // last row of the x-height band
  int dy_top = 0;       // ink extent
  int dy_bottom = 0;
};

// Baseline and x-line from the straightened row profile of the line's ink: the x-height band
// is where the profile is high; its top and bottom are the sharpest rise and fall around the
// peak (the classic profile method, e.g. Tesseract's and Kraken's baseline estimates).
LineMetrics line_metrics(const std::vector<Piece>& pieces, const std::vector<int>& own, const LineBuild& line,
                         double xh) {
  const int reach = static_cast<int>(std::ceil(4 * xh)) + 2;
  std::vector<double> hist(2 * reach + 1, 0.0);
  int dy_min = reach, dy_max = -reach;
  for (int pi : own) {
    const Piece& p = pieces[pi];
    if (p.rule) continue;
    for (int x = p.x0; x < p.x1; ++x) {
      const int dy = static_cast<int>(std::lround(p.y - line.path[x - line.path_x0]));
      if (dy < -reach || dy > reach) continue;
      hist[dy + reach] += 1;
      dy_min = std::min(dy_min, dy);
      dy_max = std::max(dy_max, dy);
    }
  }
  LineMetrics m;
  if (dy_min > dy_max) return m;
  std::vector<double> s(hist.size(), 0.0);
  for (std::size_t i = 1; i + 1 < hist.size(); ++i) s[i] = 0.25 * hist[i - 1] + 0.5 * hist[i] + 0.25 * hist[i + 1];
  const int peak = static_cast<int>(std::max_element(s.begin(), s.end()) - s.begin());
  const int span = static_cast<int>(std::ceil(1.2 * xh)) + 1;
  int base = peak;
  double steepest = 0;
  for (int i = peak; i + 1 < static_cast<int>(s.size()) && i <= peak + span; ++i) {
    const double d = s[i + 1] - s[i];
    if (d < steepest) {
      steepest = d;
      base = i;
    }
  }
  int top = peak;
  steepest = 0;
  for (int i = peak - 1; i >= 0 && i >= peak - span; --i) {
    const double d = s[i + 1] - s[i];
    if (d > steepest) {
      steepest = d;
      top = i + 1;
    }
  }
  m.dy_xline = top - reach;
  m.dy_baseline = base - reach;
  m.dy_top = dy_min;
  m.dy_bottom = dy_max;
  return m;
}

}  // namespace

std::vector<TextLine> find_text_lines(const PreparedPage& page, const LayoutOptions& options) {
  std::vector<TextLine> result;
  Pix* grey_in = page.grey.get();
  Pix* binary_in = page.binary.get();
  if (!grey_in && !binary_in) return result;

  // Accept what a caller may reasonably hand in: a missing binary is made from the grey page
  // (Otsu), a missing grey page from the binary one.
  PixPtr binary_owned, grey_owned;
  if (!binary_in || pixGetDepth(binary_in) != 1) {
    PixPtr g8 = adopt(pixConvertTo8(binary_in ? binary_in : grey_in, 0));
    if (!g8) throw ImageError("line finding: the page image cannot be converted to grey");
    Pix* bin = nullptr;
    pixOtsuAdaptiveThreshold(g8.get(), 2000, 2000, 0, 0, 0.0f, nullptr, &bin);
    binary_owned = adopt(bin);
    if (!binary_owned) throw ImageError("line finding: the page image cannot be binarised");
    binary_in = binary_owned.get();
  }
  if (!grey_in || pixGetDepth(grey_in) != 8 || pixGetColormap(grey_in)) {
    grey_owned = adopt(grey_in ? pixConvertTo8(grey_in, 0) : pixConvert1To8(nullptr, binary_in, 255, 0));
    if (!grey_owned) throw ImageError("line finding: the page image cannot be converted to grey");
    grey_in = grey_owned.get();
  }
  const int page_w = pixGetWidth(binary_in);
  const int page_h = pixGetHeight(binary_in);
  if (pixGetWidth(grey_in) != page_w || pixGetHeight(grey_in) != page_h) {
    throw ImageError("line finding: the grey page is " + std::to_string(pixGetWidth(grey_in)) + "x" +
                     std::to_string(pixGetHeight(grey_in)) + " px but the binary page is " + std::to_string(page_w) +
                     "x" + std::to_string(page_h) + " px; prepare both with prepare_page");
  }
  if (page_w < 4 || page_h < 4) return result;

  // --- 1–2: runs, components, scale --------------------------------------------------------
  InkRuns runs = layout::extract_ink_runs(binary_in);
  if (runs.runs.empty()) return result;
  ComponentLabels labels = layout::label_components(runs);
  const double xh = estimate_x_height(labels, page_w, page_h);
  if (xh <= 0) return result;

  // --- 3: noise first (on whole blobs), then cut long horizontal runs (underlines, rules)
  // away from the letters they touch and label again, so a letter resting on an underline
  // stays a letter.
  const std::vector<std::uint8_t> first_noise = find_noise(labels, xh, page_w, page_h);
  const int long_run = static_cast<int>(std::lround(kLongRunXh * xh));
  std::vector<std::uint8_t> run_class(runs.runs.size(), 0);
  std::vector<std::uint8_t> run_noise(runs.runs.size(), 0);
  bool any_long = false;
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    run_noise[i] = first_noise[labels.run_component[i]];
    if (runs.runs[i].length() >= long_run) {
      run_class[i] = 1;
      any_long = true;
    }
  }
  std::vector<int> first_component;
  if (any_long) {
    first_component = labels.run_component;
    labels = layout::label_components(runs, &run_class);
  }
  std::vector<std::uint8_t> comp_is_rule(labels.components.size(), 0);
  std::vector<std::uint8_t> comp_is_noise(labels.components.size(), 0);
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    if (run_class[i]) comp_is_rule[labels.run_component[i]] = 1;
    if (run_noise[i]) comp_is_noise[labels.run_component[i]] = 1;
  }
  if (any_long) {
    // A thick bar of long runs is a dark band (the shadow of a paper edge, a scanner border
    // inside the image): the ragged bits that hung on it are noise too. Thin rules leave the
    // letters that touched them alone.
    const double max_rule = std::max(2.0, kRuleMaxThickXh * xh);
    std::vector<std::uint8_t> parent_is_band(first_noise.size(), 0);
    for (std::size_t i = 0; i < runs.runs.size(); ++i) {
      const InkComponent& c = labels.components[labels.run_component[i]];
      if (run_class[i] && c.height() > max_rule) parent_is_band[first_component[i]] = 1;
    }
    for (std::size_t i = 0; i < runs.runs.size(); ++i) {
      if (parent_is_band[first_component[i]]) comp_is_noise[labels.run_component[i]] = 1;
    }
  }
  const std::vector<Role> roles =
      assign_roles(labels, comp_is_rule, comp_is_noise, xh, page_w, page_h, options.min_line_height);

  // --- 4: density grid and cores -------------------------------------------------------------
  Cell cell;
  cell.f = std::clamp(static_cast<int>(std::lround(xh / 6.0)), 1, 8);
  cell.w = (page_w + cell.f - 1) / cell.f;
  cell.h = (page_h + cell.f - 1) / cell.f;
  std::vector<float> density = letter_density(runs, labels, roles, nullptr, cell);
  const std::vector<float> raw_density = density;  // unsmoothed, for the gutter test
  const int rx = std::max(1, static_cast<int>(std::lround(kSmoothXXh * xh / cell.f / 2)));
  const int ry = std::max(0, static_cast<int>(std::lround(kSmoothYXh * xh / cell.f / 2)));
  box_x(density, cell.w, cell.h, rx);
  box_x(density, cell.w, cell.h, rx);
  box_y(density, cell.w, cell.h, ry);
  const std::vector<std::uint8_t> mask = core_mask(density, cell, xh);
  int n_cores = 0;
  std::vector<int> core_grid = label_cores(mask, cell, xh, &n_cores);
  std::vector<Core> cores = build_cores(core_grid, cell, n_cores);
  if (cores.empty()) return result;

  Grid grid;
  grid.cell = cell;
  grid.density = &density;
  grid.label = std::move(core_grid);

  // --- 5: hand components to cores -----------------------------------------------------------
  // First decide which cores are text: a core is text when the components that fall mainly
  // into it (or next to it) include a character at least ~0.8 x-height tall, fragments of a
  // broken letter taken together, or when letters reach into it with the ink of at least half
  // a letter (touching lines, where most letters span two cores). Rows of dots, dashes or
  // specks are neither. Only then are components handed out, to text cores only, so that a
  // letter is never cut in two against a spurious core nor left with one.
  const int nc = static_cast<int>(labels.components.size());
  const double min_height = std::max<double>(options.min_line_height, 0.8 * xh);
  std::vector<std::uint8_t> valid_core(cores.size(), 0);
  {
    const std::vector<std::uint8_t> any_core(cores.size(), 1);
    std::vector<std::vector<int>> provisional(cores.size());
    std::vector<long> letter_ink(cores.size(), 0);
    for (int c = 0; c < nc; ++c) {
      if (roles[c] != Role::kLetter && roles[c] != Role::kSmall && roles[c] != Role::kTall) continue;
      const auto overlaps = core_overlaps(runs, labels, c, grid, any_core);
      long total = 0;
      for (const auto& o : overlaps) total += o.second;
      if (roles[c] != Role::kSmall) {
        for (const auto& o : overlaps) letter_ink[o.first] += o.second;
      }
      if (roles[c] == Role::kTall) continue;
      if (overlaps.empty()) {
        const int k = nearest_core(runs, labels, c, grid, cores, xh, any_core);
        if (k >= 0) provisional[k].push_back(c);
      } else if (overlaps[0].second >= 0.9 * total) {
        provisional[overlaps[0].first].push_back(c);
      }
    }
    for (std::size_t k = 0; k < cores.size(); ++k) {
      for (const InkComponent& cellbox : character_cells(provisional[k], labels)) {
        if (cellbox.height() >= min_height) valid_core[k] = 1;
      }
      if (letter_ink[k] >= 0.5 * xh * xh) valid_core[k] = 1;
    }
  }

  std::vector<int> comp_core(nc, -1);                 // -1: no line; -2: split into pieces
  std::vector<Piece> split_pieces;                    // pieces of split components, row order per component
  std::vector<std::pair<int, int>> split_ranges(nc);  // [begin, end) in split_pieces
  for (int c = 0; c < nc; ++c) {
    const Role role = roles[c];
    if (role == Role::kNoise) continue;
    const InkComponent& comp = labels.components[c];
    const auto overlaps = core_overlaps(runs, labels, c, grid, valid_core);
    if (role == Role::kRule) {
      // A rule inside a core's x-height band is a dash typed in the text ("----"); below or
      // above it, an underline, which belongs to no line.
      if (overlaps.empty()) continue;
      const Core& k = cores[overlaps[0].first];
      const int cx = std::clamp(((comp.x0 + comp.x1) / 2) / cell.f, k.cx0, k.cx1 - 1);
      const double mid_y = 0.5 * (comp.y0 + comp.y1);
      const double band_top = k.top[cx - k.cx0] * cell.f + 0.2 * xh;
      const double band_bottom = (k.bottom[cx - k.cx0] + 1) * cell.f - 0.2 * xh;
      if (k.covers(cx) && mid_y >= band_top && mid_y <= band_bottom) comp_core[c] = overlaps[0].first;
      continue;
    }
    if (role == Role::kTall && overlaps.empty()) continue;
    if (overlaps.empty()) {
      // Dust: a speck outside every core stays out; dots and full stops are bigger.
      if (std::max(comp.width(), comp.height()) <= kSpeckXh * xh) continue;
      comp_core[c] = nearest_core(runs, labels, c, grid, cores, xh, valid_core);
      continue;
    }
    // No single character is taller than about two x-heights (ascender plus descender), so
    // a shorter component reaching into two cores is one letter, handed whole to the core
    // holding most of it; only taller ones are letters of two lines that touch.
    if ((role == Role::kLetter || role == Role::kTall) && comp.height() > 2.1 * xh) {
      // Stacked cores this component reaches into: the ones it overlaps, and the ones beside
      // it within two x-heights (where two lines' letters merge the core is often missing
      // right above or below the merged blob). Cores must lie within the component's rows
      // and at least an x-height apart.
      const int mid = ((comp.x0 + comp.x1) / 2) / cell.f;
      std::vector<std::pair<int, long>> candidates = overlaps;
      const int reach = static_cast<int>(std::lround(2 * xh / cell.f));
      for (int cy = comp.y0 / cell.f; cy <= (comp.y1 - 1) / cell.f; ++cy) {
        for (int cx = std::max(0, comp.x0 / cell.f - reach); cx <= std::min(cell.w - 1, (comp.x1 - 1) / cell.f + reach);
             ++cx) {
          const int k = grid.at(cx, cy);
          if (k < 0 || !valid_core[k]) continue;
          if (std::none_of(candidates.begin(), candidates.end(), [&](const auto& o) { return o.first == k; })) {
            candidates.emplace_back(k, 0);
          }
        }
      }
      std::vector<int> stack;
      for (const auto& [k, px] : candidates) {
        if (px < 0.1 * candidates[0].second) {
          // Only beside the component: its centre must fall inside the component's rows.
          const double y = (cores[k].centre_at(mid) + 0.5) * cell.f;
          if (y < comp.y0 || y > comp.y1) continue;
        }
        bool apart = true;
        for (int s2 : stack) {
          if (std::abs(cores[k].centre_at(mid) - cores[s2].centre_at(mid)) * cell.f < 1.0 * xh) apart = false;
        }
        if (apart) stack.push_back(k);
      }
      if (stack.size() > 1) {
        comp_core[c] = -2;
        const int begin = static_cast<int>(split_pieces.size());
        split_component(runs, labels, c, stack, cores, grid, split_pieces);
        split_ranges[c] = {begin, static_cast<int>(split_pieces.size())};
        continue;
      }
    }
    if (role == Role::kTall) continue;  // a tall blob on one line only: not text
    comp_core[c] = overlaps[0].first;
    if (comp.height() > 1.5 * xh) {
      // A tall letter (J, a bracket, a letter with its accent) may overlap only the core of
      // the line it reaches into, its own line's core having been lost where the two lines'
      // ink merged. Among the cores overlapping it or beside it whose centre lies within its
      // rows, it goes to the one nearest its centre of mass.
      const double centroid = centroid_y(runs, labels, c);
      const int mid = ((comp.x0 + comp.x1) / 2) / cell.f;
      const int reach = static_cast<int>(std::lround(xh / cell.f));
      double best = std::abs((cores[comp_core[c]].centre_at(mid) + 0.5) * cell.f - centroid);
      for (int cy = comp.y0 / cell.f; cy <= (comp.y1 - 1) / cell.f; ++cy) {
        for (int cx = std::max(0, comp.x0 / cell.f - reach); cx <= std::min(cell.w - 1, (comp.x1 - 1) / cell.f + reach);
             ++cx) {
          const int k = grid.at(cx, cy);
          if (k < 0 || !valid_core[k] || k == comp_core[c]) continue;
          const double d = std::abs((cores[k].centre_at(mid) + 0.5) * cell.f - centroid);
          if (d < best) {
            best = d;
            comp_core[c] = k;
          }
        }
      }
    }
  }

  // Per-core ink: extent, and the whole components it holds (for the text tests below).
  for (auto& k : cores) {
    k.ink_x0 = k.ink_y0 = 1 << 30;
    k.ink_x1 = k.ink_y1 = -1;
  }
  auto add_ink = [&](Core& k, int x0, int y0, int x1, int y1, long area) {
    k.ink_x0 = std::min(k.ink_x0, x0);
    k.ink_x1 = std::max(k.ink_x1, x1);
    k.ink_y0 = std::min(k.ink_y0, y0);
    k.ink_y1 = std::max(k.ink_y1, y1);
    k.ink_area += area;
  };
  for (int c = 0; c < nc; ++c) {
    if (comp_core[c] >= 0) {
      const InkComponent& comp = labels.components[c];
      Core& k = cores[comp_core[c]];
      add_ink(k, comp.x0, comp.y0, comp.x1, comp.y1, comp.area);
      k.comps.push_back(c);
    } else if (comp_core[c] == -2) {
      // Each core's share of a split component, with the height of that share.
      for (int i = split_ranges[c].first; i < split_ranges[c].second; ++i) {
        const Piece& p = split_pieces[i];
        add_ink(cores[p.line], p.x0, p.y, p.x1, p.y + 1, p.x1 - p.x0);
        cores[p.line].split_area += p.x1 - p.x0;
      }
      std::vector<std::pair<int, std::pair<int, int>>> extent;  // core → rows
      for (int i = split_ranges[c].first; i < split_ranges[c].second; ++i) {
        const Piece& p = split_pieces[i];
        auto it = std::find_if(extent.begin(), extent.end(), [&](const auto& e) { return e.first == p.line; });
        if (it == extent.end()) {
          extent.push_back({p.line, {p.y, p.y + 1}});
        } else {
          it->second.first = std::min(it->second.first, p.y);
          it->second.second = std::max(it->second.second, p.y + 1);
        }
      }
      for (const auto& e : extent) {
        Core& k = cores[e.first];
        const int share_h = e.second.second - e.second.first;
        k.split_height = std::max(k.split_height, share_h);
        // A share of letter height is (most of) a letter that touched its neighbour line.
        if (share_h >= 0.7 * xh && share_h <= 2.5 * xh) {
          for (int i = split_ranges[c].first; i < split_ranges[c].second; ++i) {
            if (split_pieces[i].line == e.first) k.split_letterlike += split_pieces[i].x1 - split_pieces[i].x0;
          }
        }
      }
    }
  }

  std::vector<int> valid;
  for (int k = 0; k < static_cast<int>(cores.size()); ++k) {
    if (valid_core[k] && cores[k].ink_area > 0) valid.push_back(k);
  }
  if (valid.empty()) return result;

  // Cells within ~1.5 x-heights of noise ink (borders, bands, bars, holes).
  std::vector<std::uint8_t> near_noise(static_cast<std::size_t>(cell.w) * cell.h, 0);
  {
    for (std::size_t i = 0; i < runs.runs.size(); ++i) {
      if (roles[labels.run_component[i]] != Role::kNoise) continue;
      const InkRun& r = runs.runs[i];
      std::fill_n(near_noise.begin() + static_cast<long>(r.y / cell.f) * cell.w + r.x0 / cell.f,
                  (r.x1 - 1) / cell.f - r.x0 / cell.f + 1, std::uint8_t{1});
    }
    const int rad = std::max(1, static_cast<int>(std::lround(1.5 * xh / cell.f)));
    std::vector<std::uint8_t> tmp(near_noise.size(), 0);
    for (int y = 0; y < cell.h; ++y) {
      const std::uint8_t* src = near_noise.data() + static_cast<std::size_t>(y) * cell.w;
      std::uint8_t* dst = tmp.data() + static_cast<std::size_t>(y) * cell.w;
      int last = -(1 << 20);
      for (int x = 0; x < cell.w; ++x) {
        if (src[x]) last = x;
        if (x - last <= rad) dst[x] = 1;
      }
      last = 1 << 20;
      for (int x = cell.w - 1; x >= 0; --x) {
        if (src[x]) last = x;
        if (last - x <= rad) dst[x] = 1;
      }
    }
    for (int x = 0; x < cell.w; ++x) {
      int last = -(1 << 20);
      for (int y = 0; y < cell.h; ++y) {
        if (tmp[static_cast<std::size_t>(y) * cell.w + x]) last = y;
        near_noise[static_cast<std::size_t>(y) * cell.w + x] = y - last <= rad;
      }
      last = 1 << 20;
      for (int y = cell.h - 1; y >= 0; --y) {
        if (tmp[static_cast<std::size_t>(y) * cell.w + x]) last = y;
        if (last - y <= rad) near_noise[static_cast<std::size_t>(y) * cell.w + x] = 1;
      }
    }
  }

  // --- 6: join cores along rows into lines ---------------------------------------------------
  // Candidate joins: B starts right of A's ink (or overlaps its end), at the same height, and
  // the gap between them is a word space rather than a gutter between table cells or
  // columns. Greedy by gap, each core getting at most one neighbour on each side, so lines
  // never fork.
  struct Join {
    int a, b;
    double gap;
  };
  // A core lying within another's x-range at the same height (a digit or a capital whose
  // density band wavered, beside the line's main core) is part of that core's line.
  std::vector<int> absorbed_by(cores.size(), -1);
  const auto mean_centre = [&](const Core& k, int ga, int gb) {
    double sum = 0;
    int n = 0;
    for (int cx = std::max(ga, k.cx0); cx <= std::min(gb, k.cx1 - 1); ++cx) {
      if (k.centre[cx - k.cx0] < 0) continue;
      sum += k.centre[cx - k.cx0];
      ++n;
    }
    return n ? sum / n : static_cast<double>(k.centre_at((ga + gb) / 2));
  };
  for (int b : valid) {
    const Core& B = cores[b];
    int best = -1;
    for (int a : valid) {
      const Core& A = cores[a];
      if (a == b || A.ink_x0 > B.ink_x0 || A.ink_x1 < B.ink_x1) continue;
      if (A.ink_x1 - A.ink_x0 <= B.ink_x1 - B.ink_x0) continue;
      const int g0 = B.ink_x0 / cell.f, g1 = (B.ink_x1 - 1) / cell.f;
      if (std::abs(mean_centre(A, g0, g1) - mean_centre(B, g0, g1)) * cell.f > kJoinDyXh * xh) continue;
      if (best < 0 || A.ink_area > cores[best].ink_area) best = a;
    }
    absorbed_by[b] = best;
  }
  valid.erase(std::remove_if(valid.begin(), valid.end(), [&](int k) { return absorbed_by[k] >= 0; }), valid.end());

  std::vector<Join> joins;
  // Heights are compared as mean core centres over the last / first few x-heights of ink:
  // at its very end a core thins out and follows the last letter's ascenders or descenders.
  const int reach = static_cast<int>(std::lround(4 * xh));
  const auto& end_centre = mean_centre;
  std::vector<int> by_x0(valid);
  std::sort(by_x0.begin(), by_x0.end(), [&](int p, int q) { return cores[p].ink_x0 < cores[q].ink_x0; });
  for (int a : valid) {
    const Core& A = cores[a];
    // Candidates start inside A or at most kLineGapXh·xh after it, end after it, and share
    // some rows with it. A core may overlap the next one of its line in x where the density
    // band wavered (a run of descenders) and split in two.
    auto it = std::lower_bound(by_x0.begin(), by_x0.end(), A.ink_x0,
                               [&](int k, int v) { return cores[k].ink_x0 < v; });
    for (; it != by_x0.end() && cores[*it].ink_x0 <= A.ink_x1 + kLineGapXh * xh; ++it) {
      const int b = *it;
      if (b == a) continue;
      const Core& B = cores[b];
      if (B.ink_x1 <= A.ink_x1 || B.ink_y1 <= A.ink_y0 || B.ink_y0 >= A.ink_y1) continue;
      // Heights compared over a few x-heights next to the gap: A just before B starts, B just
      // after A ends. A short overlap is left out, both cores being frayed there; over a long
      // one the two are compared side by side.
      const int overlap = A.ink_x1 - B.ink_x0;
      double ya, yb;
      if (overlap > 4 * xh) {
        ya = end_centre(A, B.ink_x0 / cell.f, (A.ink_x1 - 1) / cell.f) * cell.f;
        yb = end_centre(B, B.ink_x0 / cell.f, (A.ink_x1 - 1) / cell.f) * cell.f;
      } else {
        const int a_end = std::min(A.ink_x1, B.ink_x0);
        const int b_start = std::max(B.ink_x0, A.ink_x1);
        ya = end_centre(A, (a_end - reach) / cell.f, (a_end - 1) / cell.f) * cell.f;
        yb = end_centre(B, b_start / cell.f, (b_start + reach) / cell.f) * cell.f;
      }
      if (std::abs(ya - yb) > kJoinDyXh * xh) continue;
      const int gap = B.ink_x0 - A.ink_x1;
      if (gap > kWordGapXh * xh && is_gutter(raw_density, cell, A.ink_x1, B.ink_x0, 0.5 * (ya + yb), xh)) continue;
      joins.push_back({a, b, static_cast<double>(gap)});
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
    line.ink_x0 = line.ink_y0 = 1 << 30;
    line.ink_x1 = line.ink_y1 = -1;
    for (int c = k; c >= 0; c = right_of[c]) {
      Core& core = cores[c];
      core.line = static_cast<int>(lines.size());
      line.cores.push_back(c);
      line.ink_x0 = std::min(line.ink_x0, core.ink_x0);
      line.ink_x1 = std::max(line.ink_x1, core.ink_x1);
      line.ink_y0 = std::min(line.ink_y0, core.ink_y0);
      line.ink_y1 = std::max(line.ink_y1, core.ink_y1);
      line.ink_area += core.ink_area;
      if (right_of[c] == k) break;  // cannot happen with the greedy rule; guard against loops
    }
    lines.push_back(std::move(line));
  }
  for (int k = 0; k < static_cast<int>(cores.size()); ++k) {
    if (absorbed_by[k] < 0) continue;
    int root = absorbed_by[k];
    while (absorbed_by[root] >= 0) root = absorbed_by[root];  // containers are strictly wider
    const int l = cores[root].line;
    if (l < 0) continue;
    LineBuild& line = lines[l];
    Core& core = cores[k];
    core.line = l;
    line.cores.push_back(k);
    line.ink_x0 = std::min(line.ink_x0, core.ink_x0);
    line.ink_x1 = std::max(line.ink_x1, core.ink_x1);
    line.ink_y0 = std::min(line.ink_y0, core.ink_y0);
    line.ink_y1 = std::max(line.ink_y1, core.ink_y1);
    line.ink_area += core.ink_area;
  }
  {
    // A line must hold some ink shaped like typed characters: rows of paper-edge fragments,
    // folds or smudges do not. Components overlapping in x are taken together as one
    // character cell, so a letter a worn ribbon broke in two still counts, and so do words
    // whose letters ran together (any width, but letter height). Split touching letters are
    // not whole, so a quarter of the ink suffices.
    std::vector<LineBuild> kept;
    std::vector<int> comps;
    for (auto& line : lines) {
      comps.clear();
      long split_area = 0, letterlike = 0, whole = 0;
      for (int c : line.cores) {
        comps.insert(comps.end(), cores[c].comps.begin(), cores[c].comps.end());
        split_area += cores[c].split_area;
        letterlike += cores[c].split_letterlike;
      }
      for (const InkComponent& cellbox : character_cells(comps, labels)) {
        whole += cellbox.area;
        if (cellbox.width() >= 0.35 * xh && cellbox.height() >= 0.7 * xh && cellbox.height() <= 3.5 * xh) {
          letterlike += cellbox.area;
        }
      }
      bool text = letterlike > 0 && letterlike >= 0.25 * (whole + split_area);
      // One or two letter-sized blobs among a crowd of specks is the binarised texture of a
      // paper edge or a stain, not a line; short lines of text ("4", "(2)") carry a few
      // marks at most.
      // Likewise when most of the ink is in specks: text, even faint and broken, keeps well over
      // a third of its ink in letter-sized pieces (measured: 0.44 on the faintest dev page,
      // 0.24 and less for paper edges).
      int n_letters = 0, n_small = 0;
      long letter_ink = split_area;
      for (int c : comps) {
        if (roles[c] == Role::kLetter) {
          ++n_letters;
          letter_ink += labels.components[c].area;
        } else {
          ++n_small;
        }
      }
      if (n_letters <= 2 && split_area == 0 && n_small > 3) text = false;
      if (text && line.ink_x1 - line.ink_x0 < kNearNoiseLineXh * xh) {
        // A short line hugging a scan border, a paper edge or a fold is the ragged edge of
        // that noise, broken into letter-sized bits.
        long near = 0, total = 0;
        for (int c : comps) {
          for (int r = labels.run_start[c]; r < labels.run_start[c + 1]; ++r) {
            const InkRun& run = runs.runs[labels.component_runs[r]];
            const int n = run.length();
            total += n;
            if (near_noise[static_cast<std::size_t>(run.y / cell.f) * cell.w + (run.x0 + run.x1) / 2 / cell.f]) near += n;
          }
        }
        if (near > 0.3 * total) text = false;
      }
      if (letter_ink < 0.35 * (whole + split_area)) text = false;
      if (text && n_letters >= 4 && n_letters <= 12 && split_area == 0) {
        // A short run of blobs is text only if they stand on a common baseline: at least half
        // of the letters end within a fifth of an x-height of their median bottom (measured
        // from the core's centre, which follows skew). The letter-sized debris of a paper
        // edge or a corner lies at random heights.
        std::vector<double> bottoms;
        for (int c : comps) {
          if (roles[c] != Role::kLetter) continue;
          const InkComponent& k = labels.components[c];
          const int cx = ((k.x0 + k.x1) / 2) / cell.f;
          double centre = 0;
          for (int core : line.cores) {
            if (cores[core].covers(cx)) centre = cores[core].centre_at(cx) * cell.f;
          }
          if (centre == 0) centre = cores[line.cores.front()].centre_at(cx) * cell.f;
          bottoms.push_back(k.y1 - centre);
        }
        std::vector<double> sorted = bottoms;
        std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
        const double median = sorted[sorted.size() / 2];
        const auto on_baseline = std::count_if(bottoms.begin(), bottoms.end(),
                                               [&](double b) { return std::abs(b - median) <= 0.2 * xh; });
        if (2 * on_baseline < static_cast<long>(bottoms.size())) text = false;
      }
      if (text && line.ink_x1 - line.ink_x0 < kShortLineXh * xh) {
        // A line of one or two characters ("4", "(2)", "R.D.") must show one: a character
        // cell of letter size holding a good share of the ink, neither a solid blob (a hole,
        // a blot) nor a sparse cloud. Specks and the ragged binarisation of paper edges give
        // clouds of small bits instead.
        bool found = false;
        for (const InkComponent& cellbox : character_cells(comps, labels)) {
          const double fill =
              static_cast<double>(cellbox.area) / (static_cast<double>(cellbox.width()) * cellbox.height());
          if (cellbox.width() >= 0.5 * xh && cellbox.height() >= 0.7 * xh && cellbox.height() <= 2.5 * xh &&
              cellbox.area >= 0.25 * whole && fill >= 0.15 && fill <= 0.7) {
            found = true;
          }
        }
        text = found;
      }
      for (int c : line.cores) cores[c].line = text ? static_cast<int>(kept.size()) : -1;
      if (text) kept.push_back(std::move(line));
    }
    lines = std::move(kept);
  }

  // --- pieces: every run of the page, cut where components were split, tagged with its line
  std::vector<Piece> pieces;
  pieces.reserve(runs.runs.size() + split_pieces.size());
  std::vector<int> piece_row_start(static_cast<std::size_t>(page_h) + 1, 0);
  {
    // Split pieces are stored per component in row order; walk them alongside the runs.
    std::vector<int> cursor(nc, 0);
    for (int c = 0; c < nc; ++c) cursor[c] = split_ranges[c].first;
    for (int y = 0; y < page_h; ++y) {
      piece_row_start[y] = static_cast<int>(pieces.size());
      for (int i = runs.row_start[y]; i < runs.row_start[y + 1]; ++i) {
        const InkRun& r = runs.runs[i];
        const int c = labels.run_component[i];
        if (comp_core[c] == -2) {
          int& cur = cursor[c];
          while (cur < split_ranges[c].second && split_pieces[cur].y == y && split_pieces[cur].x0 < r.x1) {
            Piece p = split_pieces[cur++];
            p.line = cores[p.line].line;
            pieces.push_back(p);
          }
        } else {
          const int line = comp_core[c] >= 0 ? cores[comp_core[c]].line : -1;
          pieces.push_back({r.y, r.x0, r.x1, line, roles[c] == Role::kRule});
        }
      }
    }
    piece_row_start[page_h] = static_cast<int>(pieces.size());
  }
  // Lines may have lost letters to validity (a core that is not text hands its marks to no
  // line), so recompute their ink extents from the pieces.
  std::vector<std::vector<int>> line_pieces(lines.size());
  for (auto& line : lines) {
    line.ink_x0 = line.ink_y0 = 1 << 30;
    line.ink_x1 = line.ink_y1 = -1;
    line.ink_area = 0;
  }
  for (int i = 0; i < static_cast<int>(pieces.size()); ++i) {
    const Piece& p = pieces[i];
    if (p.line < 0) continue;
    LineBuild& line = lines[p.line];
    line_pieces[p.line].push_back(i);
    line.ink_x0 = std::min(line.ink_x0, p.x0);
    line.ink_x1 = std::max(line.ink_x1, p.x1);
    line.ink_y0 = std::min(line.ink_y0, p.y);
    line.ink_y1 = std::max(line.ink_y1, p.y + 1);
    line.ink_area += p.x1 - p.x0;
  }

  // --- centre paths --------------------------------------------------------------------------
  const int h_margin = std::max(2, static_cast<int>(std::lround(0.5 * xh)));
  for (auto& line : lines) {
    if (line.ink_area == 0) continue;
    // Median height of the line's own ink in bins two x-heights wide, then a straight line
    // through them plus the slow part of what is left (see fit_path). The ink rather than the
    // density cores, because a core can waver where a run of capitals or descenders pulls it.
    const int bin = std::max(2, static_cast<int>(std::lround(2 * xh)));
    const int nbins = (line.ink_x1 - line.ink_x0 + bin - 1) / bin;
    std::vector<std::vector<std::pair<int, int>>> samples(nbins);  // (y, px) per bin
    for (int pi : line_pieces[&line - lines.data()]) {
      const Piece& p = pieces[pi];
      for (int b = (p.x0 - line.ink_x0) / bin, last = (p.x1 - 1 - line.ink_x0) / bin; b <= last; ++b) {
        const int a = std::max(p.x0, line.ink_x0 + b * bin);
        const int e = std::min(p.x1, line.ink_x0 + (b + 1) * bin);
        samples[b].emplace_back(p.y, e - a);
      }
    }
    std::vector<double> centre(nbins, -1.0);
    std::vector<double> weight(nbins, 0.0);
    for (int b = 0; b < nbins; ++b) {
      auto& v = samples[b];
      if (v.empty()) continue;
      std::sort(v.begin(), v.end());
      long total = 0;
      for (const auto& e : v) total += e.second;
      weight[b] = static_cast<double>(total);
      long acc = 0;
      for (const auto& e : v) {
        acc += e.second;
        if (2 * acc >= total) {
          centre[b] = e.first;
          break;
        }
      }
    }
    // Bins without ink (word gaps wider than a bin) are interpolated.
    int first = -1;
    for (int i = 0; i < nbins; ++i) {
      if (centre[i] < 0) continue;
      if (first < 0) {
        for (int j = 0; j < i; ++j) centre[j] = centre[i];
      } else if (i - first > 1) {
        for (int j = first + 1; j < i; ++j) {
          centre[j] = centre[first] + (centre[i] - centre[first]) * (j - first) / (i - first);
        }
      }
      first = i;
    }
    for (int j = first + 1; j < nbins; ++j) centre[j] = centre[first];
    centre = fit_path(centre, weight);
    // A path that stays within a fifth of an x-height is a straight, level line: keep it
    // exactly level rather than shifting columns by a pixel here and there.
    const auto [lo, hi] = std::minmax_element(centre.begin(), centre.end());
    if (*hi - *lo < 0.2 * xh) {
      double sum = 0, wsum = 0;
      for (int i = 0; i < nbins; ++i) {
        sum += weight[i] * centre[i];
        wsum += weight[i];
      }
      std::fill(centre.begin(), centre.end(), wsum > 0 ? sum / wsum : *lo);
    }
    line.path_x0 = std::max(0, line.ink_x0 - h_margin);
    const int path_x1 = std::min(page_w, line.ink_x1 + h_margin);
    line.path.assign(path_x1 - line.path_x0, 0.0);
    for (int x = line.path_x0; x < path_x1; ++x) {
      // Linear interpolation between bin mid-points.
      const double g = (x + 0.5 - line.ink_x0) / bin - 0.5;
      const int i0 = std::clamp(static_cast<int>(std::floor(g)), 0, nbins - 1);
      const int i1 = std::min(i0 + 1, nbins - 1);
      const double t = std::clamp(g - i0, 0.0, 1.0);
      line.path[x - line.path_x0] = (1 - t) * centre[i0] + t * centre[i1];
    }
  }

  // --- 7: reading order ---------------------------------------------------------------------
  // Page slope: median slope of long lines, to compare heights of lines far apart in x.
  std::vector<double> slopes;
  for (const auto& line : lines) {
    if (line.ink_area == 0 || line.ink_x1 - line.ink_x0 < 15 * xh) continue;
    const int n = static_cast<int>(line.path.size());
    slopes.push_back((line.path[n - 1 - h_margin / 2] - line.path[h_margin / 2]) / std::max(1, n - 1 - h_margin));
  }
  double slope = 0;
  if (!slopes.empty()) {
    std::nth_element(slopes.begin(), slopes.begin() + static_cast<long>(slopes.size() / 2), slopes.end());
    slope = slopes[slopes.size() / 2];
  }
  std::vector<OrderItem> items;
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    LineBuild& line = lines[i];
    if (line.ink_area == 0 || line.ink_y1 - line.ink_y0 < min_height) continue;
    line.x_mid = 0.5 * (line.ink_x0 + line.ink_x1);
    const double c_mid = line.path[static_cast<int>(line.x_mid) - line.path_x0];
    line.y_ref = c_mid - slope * (line.x_mid - 0.5 * page_w);
    items.push_back({i, line.ink_x0, line.ink_x1, line.y_ref});
  }
  const std::vector<int> order = order_lines(items, xh);

  // --- 8: metrics and crops ------------------------------------------------------------------
  PageContext ctx;
  ctx.w = page_w;
  ctx.h = page_h;
  ctx.grey = pixGetData(grey_in);
  ctx.grey_wpl = pixGetWpl(grey_in);
  ctx.page_paper = page_paper_tone(grey_in, binary_in);
  // Grey fringe around binarised strokes: about a sixth of the x-height on blurred scans.
  const int dilate = std::max(1, static_cast<int>(std::lround(xh / 6)));

  std::vector<LineMetrics> metrics(lines.size());
  std::vector<int> xheights;
  for (int i : order) {
    metrics[i] = line_metrics(pieces, line_pieces[i], lines[i], xh);
    xheights.push_back(metrics[i].dy_baseline - metrics[i].dy_xline + 1);
  }
  std::nth_element(xheights.begin(), xheights.begin() + static_cast<long>(xheights.size() / 2), xheights.end());
  const int page_xh = xheights.empty() ? static_cast<int>(std::lround(xh)) : xheights[xheights.size() / 2];

  for (int i : order) {
    const LineBuild& line = lines[i];
    LineMetrics m = metrics[i];
    int line_xh = m.dy_baseline - m.dy_xline + 1;
    if (line_xh < 0.6 * page_xh || line_xh > 1.6 * page_xh) {
      // All capitals, digits or a lone word: the profile has no clear x-height band. Keep the
      // baseline and take the page's x-height.
      line_xh = page_xh;
      m.dy_xline = m.dy_baseline - line_xh + 1;
    }
    // Ink extent, clamped so that a stray mark attached to the line cannot make it a page tall.
    const int dy_top = std::max(m.dy_top, m.dy_xline - static_cast<int>(std::lround(1.6 * line_xh)));
    const int dy_bottom = std::min(m.dy_bottom, m.dy_baseline + static_cast<int>(std::lround(1.0 * line_xh)));
    const int ink_h = dy_bottom - dy_top + 1;
    const int margin = std::max(1, static_cast<int>(std::lround(kMarginLineShare * ink_h)));
    const int top_off = dy_top - margin;
    const int crop_h = ink_h + 2 * margin;
    const int x0 = line.path_x0;
    const int crop_w = static_cast<int>(line.path.size());
    std::vector<int> shift(crop_w);
    int foot_y0 = 1 << 30, foot_y1 = -(1 << 30);
    for (int x = 0; x < crop_w; ++x) {
      shift[x] = static_cast<int>(std::lround(line.path[x])) + top_off;
      foot_y0 = std::min(foot_y0, shift[x]);
      foot_y1 = std::max(foot_y1, shift[x] + crop_h);
    }
    foot_y0 = std::max(0, foot_y0);
    foot_y1 = std::min(page_h, foot_y1);
    if (foot_y1 <= foot_y0 || crop_w <= 0) continue;

    // Ink ownership over the crop's footprint: 1 = this line, 2 = any other ink (other lines,
    // underlines, specks), grown by `dilate` px so the grey fringe around it goes too.
    const int fw = crop_w;
    const int fh = foot_y1 - foot_y0;
    const int underline_run = static_cast<int>(std::lround(1.2 * line_xh));
    std::vector<std::uint8_t> own(static_cast<std::size_t>(fw) * fh, 0);
    std::vector<std::uint8_t> foreign(static_cast<std::size_t>(fw) * fh, 0);
    // Band of the line's own ink per crop column, relative to the path, for the region.
    std::vector<int> col_top(fw, 1 << 30), col_bottom(fw, -(1 << 30));
    for (int y = foot_y0; y < foot_y1; ++y) {
      for (int pi = piece_row_start[y]; pi < piece_row_start[y + 1]; ++pi) {
        const Piece& p = pieces[pi];
        const int a = std::max(p.x0, x0);
        const int b = std::min(p.x1, x0 + fw);
        if (a >= b) continue;
        // An underline segment that a letter's descender touched came with that letter: long
        // horizontal runs below the baseline are underline, not type, and go like other ink.
        // Rules were kept with a line when they crossed its x-height band (dashes); one that
        // reaches the baseline is an underline after all.
        const double dy = p.y - line.path[std::clamp((p.x0 + p.x1) / 2, x0, x0 + fw - 1) - x0];
        const bool underline = (p.rule && dy > m.dy_baseline - 0.15 * line_xh) ||
                               (p.x1 - p.x0 >= underline_run && dy > m.dy_baseline + 0.1 * line_xh);
        const bool mine = p.line == i && !underline;
        std::uint8_t* row = (mine ? own : foreign).data() + static_cast<std::size_t>(y - foot_y0) * fw;
        std::fill(row + (a - x0), row + (b - x0), std::uint8_t{1});
        if (mine) {
          for (int x = a; x < b; ++x) {
            const int dy = y - static_cast<int>(std::lround(line.path[x - x0]));
            col_top[x - x0] = std::min(col_top[x - x0], dy);
            col_bottom[x - x0] = std::max(col_bottom[x - x0], dy);
          }
        }
      }
    }
    {
      // Square dilation of the foreign mask, separably.
      std::vector<std::uint8_t> tmp(foreign.size(), 0);
      for (int y = 0; y < fh; ++y) {
        const std::uint8_t* s = foreign.data() + static_cast<std::size_t>(y) * fw;
        std::uint8_t* d = tmp.data() + static_cast<std::size_t>(y) * fw;
        int last = -(1 << 30);
        for (int x = 0; x < fw; ++x) {
          if (s[x]) last = x;
          if (x - last <= dilate) d[x] = 1;
        }
        last = 1 << 30;
        for (int x = fw - 1; x >= 0; --x) {
          if (s[x]) last = x;
          if (last - x <= dilate) d[x] = 1;
        }
      }
      std::fill(foreign.begin(), foreign.end(), std::uint8_t{0});
      for (int y = 0; y < fh; ++y) {
        std::uint8_t* d = foreign.data() + static_cast<std::size_t>(y) * fw;
        for (int dy = -dilate; dy <= dilate; ++dy) {
          const int sy = y + dy;
          if (sy < 0 || sy >= fh) continue;
          const std::uint8_t* s = tmp.data() + static_cast<std::size_t>(sy) * fw;
          for (int x = 0; x < fw; ++x) d[x] |= s[x];
        }
      }
    }
    // The line's region, like the polygons of the training crops: per column, the own ink's
    // vertical extent over a window of about one x-height either side (never less than the
    // x-height band), plus the margin.
    std::vector<int> reg_top(fw), reg_bottom(fw);
    {
      const int win = std::max(1, static_cast<int>(std::lround(1.5 * line_xh)));
      // Sliding minimum/maximum with a monotonic queue (linear time).
      auto sliding = [&](const std::vector<int>& v, bool is_min) {
        const int n = static_cast<int>(v.size());
        std::vector<int> out(n);
        std::vector<int> q(n);  // indices; values monotonic from head to tail
        int head = 0, tail = 0, next = 0;
        for (int x = 0; x < n; ++x) {
          for (; next < n && next <= x + win; ++next) {
            while (tail > head && (is_min ? v[q[tail - 1]] >= v[next] : v[q[tail - 1]] <= v[next])) --tail;
            q[tail++] = next;
          }
          while (q[head] < x - win) ++head;
          out[x] = v[q[head]];
        }
        return out;
      };
      const std::vector<int> top = sliding(col_top, true);
      const std::vector<int> bottom = sliding(col_bottom, false);
      for (int x = 0; x < fw; ++x) {
        const int t = top[x] < (1 << 29) ? std::min(top[x], m.dy_xline) : m.dy_xline;
        const int b = bottom[x] > -(1 << 29) ? std::max(bottom[x], m.dy_baseline) : m.dy_baseline;
        reg_top[x] = std::max(t, dy_top) - margin - top_off;
        reg_bottom[x] = std::min(b, dy_bottom) + margin - top_off;
      }
    }
    // Paper tone: median of the background inside the region, else the page's.
    long hist[256] = {0};
    long n_bg = 0;
    for (int x = 0; x < fw; ++x) {
      for (int r = reg_top[x]; r <= reg_bottom[x]; r += 2) {
        const int y = shift[x] + r;
        if (y < foot_y0 || y >= foot_y1) continue;
        const std::size_t o = static_cast<std::size_t>(y - foot_y0) * fw + x;
        if (own[o] || foreign[o]) continue;
        ++hist[ctx.pixel(x0 + x, y)];
        ++n_bg;
      }
    }
    std::uint8_t paper = ctx.page_paper;
    if (n_bg > 50) {
      long acc = 0;
      for (int v = 0; v < 256; ++v) {
        acc += hist[v];
        if (2 * acc >= n_bg) {
          paper = static_cast<std::uint8_t>(v);
          break;
        }
      }
    }

    TextLine out;
    out.image = GreyImage(crop_w, crop_h, paper);
    for (int x = 0; x < fw; ++x) {
      for (int r = std::max(0, reg_top[x]); r <= std::min(crop_h - 1, reg_bottom[x]); ++r) {
        const int y = shift[x] + r;
        if (y < foot_y0 || y >= foot_y1) continue;
        const std::size_t o = static_cast<std::size_t>(y - foot_y0) * fw + x;
        if (foreign[o] && !own[o]) continue;
        out.image.at(x, r) = ctx.pixel(x0 + x, y);
      }
    }
    out.box = Box{x0, foot_y0, crop_w, fh};
    out.baseline = m.dy_baseline - top_off;
    out.x_height = line_xh;
    result.push_back(std::move(out));
  }
  return result;
}

}  // namespace platen
