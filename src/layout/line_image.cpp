#include "layout/line_image.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace platen::layout {

namespace {

// A straight line through the per-bin heights by weighted least squares, plus the residuals
// smoothed by a weighted moving average over ±3 bins. Bins holding a single comma weigh little.
std::vector<double> straight_plus_smooth(const std::vector<double>& centre, const std::vector<double>& weight) {
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
  constexpr int kRadius = 3;
  std::vector<double> out(n);
  for (int i = 0; i < n; ++i) {
    double num = 0, den = 0;
    for (int j = std::max(0, i - kRadius); j <= std::min(n - 1, i + kRadius); ++j) {
      num += weight[j] * (centre[j] - (offset + slope * j));
      den += weight[j];
    }
    out[i] = offset + slope * i + (den > 0 ? num / den : 0.0);
  }
  return out;
}

// Median of a histogram's counts, or `fallback` when it holds fewer than `min_count`.
std::uint8_t histogram_median(const long (&hist)[256], long count, long min_count, std::uint8_t fallback) {
  if (count < min_count) return fallback;
  long acc = 0;
  for (int v = 0; v < 256; ++v) {
    acc += hist[v];
    if (2 * acc >= count) return static_cast<std::uint8_t>(v);
  }
  return fallback;
}

// std::lround for doubles well within the int range, without the call into libm: the
// fraction left after truncation is exact, so ties round away from zero exactly as lround.
inline int round_half_away(double v) {
  int t = static_cast<int>(v);
  const double f = v - t;
  if (f >= 0.5) {
    ++t;
  } else if (f <= -0.5) {
    --t;
  }
  return t;
}

// Copies `n` pixels of an 8 bpp Leptonica row from column `x` on into `dst`. Leptonica keeps
// each 32-bit word's pixels in big-endian order, so whole words are byte-swapped rather than
// read pixel by pixel.
void copy_grey_row(const l_uint32* line, int x, int n, std::uint8_t* dst) {
  int i = 0;
  for (; i < n && ((x + i) & 3); ++i) dst[i] = GET_DATA_BYTE(line, x + i);
  for (; i + 4 <= n; i += 4) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const std::uint32_t word = __builtin_bswap32(line[(x + i) >> 2]);
#else
    const std::uint32_t word = line[(x + i) >> 2];
#endif
    std::memcpy(dst + i, &word, 4);
  }
  for (; i < n; ++i) dst[i] = GET_DATA_BYTE(line, x + i);
}

// Ownership bits of the crop's footprint: the line's own ink, and other ink grown by the fringe.
constexpr std::uint8_t kOwn = 1, kForeign = 2;

// mask[i] |= bit for i in [0, n).
void mark(std::uint8_t* mask, int n, std::uint8_t bit) {
  for (int i = 0; i < n; ++i) mask[i] |= bit;
}

// dst[i] = paper where mask[i] is other ink alone, i in [0, n).
void paper_over_foreign(std::uint8_t* __restrict dst, const std::uint8_t* __restrict mask, int n,
                        std::uint8_t paper) {
  for (int i = 0; i < n; ++i) dst[i] = mask[i] == kForeign ? paper : dst[i];
}

// Adds the grey values of the `n` pixels whose mask byte is 0 to four interleaved
// histograms (so that a run of one value does not serialise the counts). Masked pixels go to
// bins 256 and up, which are not read: no branch on the mask.
void count_background(const std::uint8_t* grey, const std::uint8_t* mask, int n, long (&part)[4][512]) {
  auto bin = [&](int i) { return grey[i] | (mask[i] != 0) << 8; };
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    ++part[0][bin(i)];
    ++part[1][bin(i + 1)];
    ++part[2][bin(i + 2)];
    ++part[3][bin(i + 3)];
  }
  for (; i < n; ++i) ++part[0][bin(i)];
}

// Sliding minimum (or maximum) over a window of ±`win` with a monotonic queue, linear time.
std::vector<int> sliding_extreme(const std::vector<int>& v, int win, bool minimum) {
  const int n = static_cast<int>(v.size());
  std::vector<int> out(n);
  std::vector<int> q(n);  // indices; values monotonic from head to tail
  int head = 0, tail = 0, next = 0;
  for (int x = 0; x < n; ++x) {
    for (; next < n && next <= x + win; ++next) {
      while (tail > head && (minimum ? v[q[tail - 1]] >= v[next] : v[q[tail - 1]] <= v[next])) --tail;
      q[tail++] = next;
    }
    while (q[head] < x - win) ++head;
    out[x] = v[q[head]];
  }
  return out;
}

}  // namespace

CentrePath fit_centre_path(const PagePieces& pieces, const std::vector<int>& own, int ink_x0, int ink_x1,
                           int margin, int page_w, double xh) {
  // The line's own ink rather than the density cores it was found with: a core can waver
  // where a run of capitals or descenders pulls it.
  const int bin = std::max(2, static_cast<int>(std::lround(2 * xh)));
  const int nbins = std::max(1, (ink_x1 - ink_x0 + bin - 1) / bin);
  // (row, px) samples, bin by bin: bin b's are sample[start[b] .. start[b + 1]).
  std::vector<int> start(nbins + 1, 0);
  for (int pi : own) {
    const LinePiece& p = pieces.pieces[pi];
    for (int b = (p.x0 - ink_x0) / bin, last = (p.x1 - 1 - ink_x0) / bin; b <= last; ++b) ++start[b + 1];
  }
  for (int b = 0; b < nbins; ++b) start[b + 1] += start[b];
  std::vector<std::pair<int, int>> sample(start[nbins]);
  std::vector<int> fill(start.begin(), start.end() - 1);
  for (int pi : own) {
    const LinePiece& p = pieces.pieces[pi];
    for (int b = (p.x0 - ink_x0) / bin, last = (p.x1 - 1 - ink_x0) / bin; b <= last; ++b) {
      const int a = std::max(p.x0, ink_x0 + b * bin);
      const int e = std::min(p.x1, ink_x0 + (b + 1) * bin);
      sample[fill[b]++] = {p.y, e - a};
    }
  }
  std::vector<double> centre(nbins, -1.0);
  std::vector<double> weight(nbins, 0.0);
  for (int b = 0; b < nbins; ++b) {
    const auto lo = sample.begin() + start[b], hi = sample.begin() + start[b + 1];
    if (lo == hi) continue;
    // The weighted median row. Pieces come row by row, so the samples are usually in row
    // order already (their order within a row does not change the median).
    if (!std::is_sorted(lo, hi, [](const auto& p, const auto& q) { return p.first < q.first; })) std::sort(lo, hi);
    long total = 0;
    for (auto e = lo; e != hi; ++e) total += e->second;
    weight[b] = static_cast<double>(total);
    long acc = 0;
    for (auto e = lo; e != hi; ++e) {
      acc += e->second;
      if (2 * acc >= total) {
        centre[b] = e->first;
        break;
      }
    }
  }
  // Bins without ink (word gaps wider than a bin) are interpolated, ends held level.
  int first = -1;
  for (int i = 0; i < nbins; ++i) {
    if (centre[i] < 0) continue;
    if (first < 0) {
      std::fill(centre.begin(), centre.begin() + i, centre[i]);
    } else {
      for (int j = first + 1; j < i; ++j) {
        centre[j] = centre[first] + (centre[i] - centre[first]) * (j - first) / (i - first);
      }
    }
    first = i;
  }
  if (first < 0) std::fill(centre.begin(), centre.end(), 0.0);
  for (int j = first + 1; j < nbins && first >= 0; ++j) centre[j] = centre[first];
  centre = straight_plus_smooth(centre, weight);
  // A path within a fifth of an x-height is a level line: keep it exactly level rather than
  // shifting columns by a pixel here and there.
  const auto [lo, hi] = std::minmax_element(centre.begin(), centre.end());
  if (*hi - *lo < 0.2 * xh) {
    double sum = 0, wsum = 0;
    for (int i = 0; i < nbins; ++i) {
      sum += weight[i] * centre[i];
      wsum += weight[i];
    }
    std::fill(centre.begin(), centre.end(), wsum > 0 ? sum / wsum : *lo);
  }
  CentrePath out;
  out.x0 = std::max(0, ink_x0 - margin);
  const int x1 = std::min(page_w, ink_x1 + margin);
  out.path.assign(std::max(0, x1 - out.x0), 0.0);
  for (int x = out.x0; x < x1; ++x) {
    // Linear interpolation between bin mid-points.
    const double g = (x + 0.5 - ink_x0) / bin - 0.5;
    const int i0 = std::clamp(static_cast<int>(std::floor(g)), 0, nbins - 1);
    const int i1 = std::min(i0 + 1, nbins - 1);
    const double t = std::clamp(g - i0, 0.0, 1.0);
    out.path[x - out.x0] = (1 - t) * centre[i0] + t * centre[i1];
  }
  return out;
}

LineMetrics measure_line(const PagePieces& pieces, const std::vector<int>& own, const CentrePath& path,
                         double xh) {
  const int reach = static_cast<int>(std::ceil(4 * xh)) + 2;
  std::vector<double> hist(2 * reach + 1, 0.0);
  int dy_min = reach, dy_max = -reach;
  // Where the path is level (most lines are kept exactly level), a piece's pixels share one
  // row offset: same_until[i] is the end of the stretch of equal path values from path[i] on.
  const int n = static_cast<int>(path.path.size());
  std::vector<int> same_until(n);
  for (int i = n - 1; i >= 0; --i) {
    same_until[i] = i + 1 < n && path.path[i + 1] == path.path[i] ? same_until[i + 1] : i + 1;
  }
  for (int pi : own) {
    const LinePiece& p = pieces.pieces[pi];
    if (p.rule) continue;
    for (int x = p.x0; x < p.x1;) {
      const int end = std::min(p.x1, path.x0 + same_until[x - path.x0]);
      const int dy = round_half_away(p.y - path.at(x));
      if (dy >= -reach && dy <= reach) {
        hist[dy + reach] += end - x;  // whole numbers: the same as adding one pixel at a time
        dy_min = std::min(dy_min, dy);
        dy_max = std::max(dy_max, dy);
      }
      x = end;
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
    if (s[i + 1] - s[i] < steepest) {
      steepest = s[i + 1] - s[i];
      base = i;
    }
  }
  int top = peak;
  steepest = 0;
  for (int i = peak - 1; i >= 0 && i >= peak - span; --i) {
    if (s[i + 1] - s[i] > steepest) {
      steepest = s[i + 1] - s[i];
      top = i + 1;
    }
  }
  m.dy_xline = top - reach;
  m.dy_baseline = base - reach;
  m.dy_top = dy_min;
  m.dy_bottom = dy_max;
  return m;
}

std::uint8_t paper_tone(Pix* grey, Pix* binary) {
  const int w = pixGetWidth(grey);
  const int h = pixGetHeight(grey);
  const l_uint32* g = pixGetData(grey);
  const l_uint32* b = pixGetData(binary);
  const int gwpl = pixGetWpl(grey);
  const int bwpl = pixGetWpl(binary);
  // Four histograms side by side, so that runs of one grey value do not serialise the counts.
  long part[4][256] = {{0}};
  for (int y = 0; y < h; y += 3) {
    const l_uint32* grow = g + static_cast<std::size_t>(y) * gwpl;
    const l_uint32* brow = b + static_cast<std::size_t>(y) * bwpl;
    for (int x = 0, k = 0; x < w; x += 3, k = (k + 1) & 3) {
      if (GET_DATA_BIT(brow, x)) continue;
      ++part[k][GET_DATA_BYTE(grow, x)];
    }
  }
  long hist[256] = {0};
  long n = 0;
  for (int v = 0; v < 256; ++v) {
    hist[v] = part[0][v] + part[1][v] + part[2][v] + part[3][v];
    n += hist[v];
  }
  return histogram_median(hist, n, 1, 255);
}

CutLine cut_line(const PagePieces& pieces, int line, const CentrePath& path, const LineMetrics& m, int x_height,
                 const CutSettings& settings) {
  CutLine out;
  const int page_h = pixGetHeight(settings.grey);
  const l_uint32* grey = pixGetData(settings.grey);
  const int wpl = pixGetWpl(settings.grey);

  // Ink extent, clamped so that a stray mark attached to the line cannot make it a page tall.
  const int dy_top = std::max(m.dy_top, m.dy_xline - static_cast<int>(std::lround(1.6 * x_height)));
  const int dy_bottom = std::min(m.dy_bottom, m.dy_baseline + x_height);
  const int ink_h = std::max(1, dy_bottom - dy_top + 1);
  const int margin = std::max(1, static_cast<int>(std::lround(settings.margin_share * ink_h)));
  const int top_off = dy_top - margin;  // image row 0, relative to the path
  const int crop_h = ink_h + 2 * margin;
  const int x0 = path.x0;
  const int fw = static_cast<int>(path.path.size());
  if (fw <= 0) return out;

  // The path's row in each column, and the footprint's rows.
  std::vector<int> centre(fw);
  int foot_y0 = 1 << 30, foot_y1 = -(1 << 30);
  for (int x = 0; x < fw; ++x) {
    centre[x] = round_half_away(path.path[x]);
    foot_y0 = std::min(foot_y0, centre[x] + top_off);
    foot_y1 = std::max(foot_y1, centre[x] + top_off + crop_h);
  }
  foot_y0 = std::max(0, foot_y0);
  foot_y1 = std::min(page_h, foot_y1);
  if (foot_y1 <= foot_y0) return out;
  const int fh = foot_y1 - foot_y0;

  // Who owns the ink of the footprint: this line (kOwn), or anything else (other lines,
  // underlines, specks, noise), the latter grown by the fringe so its grey halo goes too
  // (kForeign): each foreign run, lengthened by the fringe, is drawn on the rows within the
  // fringe of its own, which is a square dilation clipped to the footprint. Only runs on the
  // footprint's rows count.
  const int fringe = std::max(0, settings.fringe);
  const int underline_run = static_cast<int>(std::lround(1.2 * x_height));
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(fw) * fh, 0);
  std::vector<int> col_top(fw, 1 << 30), col_bottom(fw, -(1 << 30));  // own ink per column
  for (int y = foot_y0; y < foot_y1; ++y) {
    std::uint8_t* own_row = mask.data() + static_cast<std::size_t>(y - foot_y0) * fw;
    for (int pi = pieces.row_start[y]; pi < pieces.row_start[y + 1]; ++pi) {
      const LinePiece& p = pieces.pieces[pi];
      const int a = std::max(p.x0, x0);
      const int b = std::min(p.x1, x0 + fw);
      if (a >= b) continue;
      // Underlines stay out of the line: a rule kept with the line because it crossed the
      // x-height band (a typed dash) is an underline after all when it reaches the baseline,
      // and a long horizontal run below the baseline is an underline segment that came with
      // the descender it touched.
      const double dy = p.y - path.at(std::clamp((p.x0 + p.x1) / 2, x0, x0 + fw - 1));
      const bool underline = (p.rule && dy > m.dy_baseline - 0.15 * x_height) ||
                             (p.x1 - p.x0 >= underline_run && dy > m.dy_baseline + 0.1 * x_height);
      if (p.line == line && !underline) {
        mark(own_row + (a - x0), b - a, kOwn);
        for (int x = a - x0; x < b - x0; ++x) {
          const int d = y - centre[x];
          col_top[x] = std::min(col_top[x], d);
          col_bottom[x] = std::max(col_bottom[x], d);
        }
      } else {
        const int ga = std::max(0, a - x0 - fringe), gb = std::min(fw, b - x0 + fringe);
        for (int r = std::max(foot_y0, y - fringe); r <= std::min(foot_y1 - 1, y + fringe); ++r) {
          mark(mask.data() + static_cast<std::size_t>(r - foot_y0) * fw + ga, gb - ga, kForeign);
        }
      }
    }
  }

  // The line's region, like the polygons the training crops were cut along: per column, the
  // own ink's extent over about ±1.5 x-heights, never less than the x-height band, plus the
  // margin; in image rows, [row_lo, row_hi], also clipped to the footprint.
  const int win = std::max(1, static_cast<int>(std::lround(1.5 * x_height)));
  const std::vector<int> top = sliding_extreme(col_top, win, true);
  const std::vector<int> bottom = sliding_extreme(col_bottom, win, false);
  std::vector<int> reg_top(fw), row_lo(fw), row_hi(fw);
  for (int x = 0; x < fw; ++x) {
    const int t = top[x] < (1 << 29) ? std::min(top[x], m.dy_xline) : m.dy_xline;
    const int b = bottom[x] > -(1 << 29) ? std::max(bottom[x], m.dy_baseline) : m.dy_baseline;
    const int shift = centre[x] + top_off;  // page row of image row 0
    reg_top[x] = std::max(0, std::max(t, dy_top) - margin - top_off);
    row_lo[x] = std::max(reg_top[x], foot_y0 - shift);
    row_hi[x] = std::min({crop_h - 1, std::min(b, dy_bottom) + margin - top_off, foot_y1 - 1 - shift});
  }

  // Columns alike in path row, region rows and parity of the region's top form spans; within
  // a span every image row is one stretch of one page row, read along memory.
  struct Span {
    int xa, xb;  // columns [xa, xb)
  };
  std::vector<Span> spans;  // spans with region rows; the other columns are all paper
  for (int x = 0; x < fw;) {
    const int xa = x;
    while (++x < fw && centre[x] == centre[xa] && row_lo[x] == row_lo[xa] && row_hi[x] == row_hi[xa] &&
           ((reg_top[x] ^ reg_top[xa]) & 1) == 0) {
    }
    if (row_lo[xa] <= row_hi[xa]) spans.push_back({xa, x});
  }

  // The region's grey, first as it is on the page.
  out.image = GreyImage(fw, crop_h, 0);
  for (const Span& sp : spans) {
    const int shift = centre[sp.xa] + top_off;  // page row of image row 0
    for (int r = row_lo[sp.xa]; r <= row_hi[sp.xa]; ++r) {
      copy_grey_row(grey + static_cast<std::size_t>(shift + r) * wpl, x0 + sp.xa, sp.xb - sp.xa,
                    out.image.row(r) + sp.xa);
    }
  }

  // Paper: the median of the region's background (every other row from the region's top),
  // else the page's. Four histograms by column, so that a run of one grey value does not
  // serialise the counts.
  long part[4][512] = {{0}};
  for (const Span& sp : spans) {
    const int shift = centre[sp.xa] + top_off;
    const int first = row_lo[sp.xa] + ((row_lo[sp.xa] - reg_top[sp.xa]) & 1);
    for (int r = first; r <= row_hi[sp.xa]; r += 2) {
      const std::uint8_t* mrow = mask.data() + static_cast<std::size_t>(shift + r - foot_y0) * fw;
      count_background(out.image.row(r) + sp.xa, mrow + sp.xa, sp.xb - sp.xa, part);
    }
  }
  long hist[256] = {0};
  long n_bg = 0;
  for (int v = 0; v < 256; ++v) {
    hist[v] = part[0][v] + part[1][v] + part[2][v] + part[3][v];
    n_bg += hist[v];
  }
  const std::uint8_t paper =
      n_bg < 50 ? (settings.page_paper ? settings.page_paper->tone() : 255) : histogram_median(hist, n_bg, 50, 255);

  // Within the region, other ink (kForeign alone) becomes paper; outside it, everything.
  std::vector<std::uint8_t> in_region(fw, 0);
  for (const Span& sp : spans) {
    const int shift = centre[sp.xa] + top_off;
    const int n = sp.xb - sp.xa;
    for (int r = 0; r < row_lo[sp.xa]; ++r) std::fill_n(out.image.row(r) + sp.xa, n, paper);
    for (int r = row_lo[sp.xa]; r <= row_hi[sp.xa]; ++r) {
      const std::uint8_t* mrow = mask.data() + static_cast<std::size_t>(shift + r - foot_y0) * fw;
      paper_over_foreign(out.image.row(r) + sp.xa, mrow + sp.xa, n, paper);
    }
    for (int r = row_hi[sp.xa] + 1; r < crop_h; ++r) std::fill_n(out.image.row(r) + sp.xa, n, paper);
    std::fill_n(in_region.begin() + sp.xa, n, std::uint8_t{1});
  }
  if (std::find(in_region.begin(), in_region.end(), 0) != in_region.end()) {
    for (int r = 0; r < crop_h; ++r) {
      std::uint8_t* row = out.image.row(r);
      for (int x = 0; x < fw; ++x) row[x] = in_region[x] ? row[x] : paper;
    }
  }
  out.box_x = x0;
  out.box_y = foot_y0;
  out.box_w = fw;
  out.box_h = fh;
  out.baseline = m.dy_baseline - top_off;
  out.x_height = x_height;
  out.top_rows.resize(fw);
  for (int x = 0; x < fw; ++x) out.top_rows[x] = centre[x] + top_off;
  return out;
}

}  // namespace platen::layout
