#include "recognition/line_normaliser.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace platen {

namespace {

/// Weights of a 1-D resampling from `in` to `out` samples with scale out/in: a triangle
/// filter whose support widens when shrinking, so downscaling averages (no aliasing) and
/// upscaling interpolates linearly.
struct Resampler {
  std::vector<int> first;       // first source index per output sample
  std::vector<int> count;       // taps per output sample
  std::vector<float> weights;   // count[i] weights per output sample, concatenated
  std::vector<int> offset;      // start of each output sample's weights

  Resampler(int out, double scale, double shift) {
    // Source coordinate of output sample i: (i + 0.5) / scale - 0.5 + shift.
    double support = std::max(1.0, 1.0 / scale);
    first.resize(out);
    count.resize(out);
    offset.resize(out);
    for (int i = 0; i < out; ++i) {
      double centre = (i + 0.5) / scale - 0.5 + shift;
      int lo = static_cast<int>(std::floor(centre - support)) + 1;
      int hi = static_cast<int>(std::ceil(centre + support)) - 1;
      offset[i] = static_cast<int>(weights.size());
      first[i] = lo;
      float sum = 0;
      for (int j = lo; j <= hi; ++j) {
        float w = static_cast<float>(std::max(0.0, 1.0 - std::abs(j - centre) / support));
        // Outside the source is paper (0 ink): the tap stays but reads zero.
        weights.push_back(w);
        sum += w;
      }
      count[i] = hi - lo + 1;
      if (sum > 0)
        for (int k = 0; k < count[i]; ++k) weights[offset[i] + k] /= sum;
    }
  }
};

/// Row sums of ink over columns [x0, x1). Each row is summed left to right; four rows go
/// side by side so that the additions do not wait on each other.
std::vector<float> row_profile(const std::vector<float>& ink, int w, int h, int x0, int x1) {
  std::vector<float> profile(h, 0.0f);
  int y = 0;
  for (; y + 4 <= h; y += 4) {
    const float* r0 = &ink[static_cast<std::size_t>(y) * w];
    const float* r1 = r0 + w;
    const float* r2 = r1 + w;
    const float* r3 = r2 + w;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int x = x0; x < x1; ++x) {
      s0 += r0[x];
      s1 += r1[x];
      s2 += r2[x];
      s3 += r3[x];
    }
    profile[y] = s0, profile[y + 1] = s1, profile[y + 2] = s2, profile[y + 3] = s3;
  }
  for (; y < h; ++y) {
    const float* r = &ink[static_cast<std::size_t>(y) * w];
    float s = 0;
    for (int x = x0; x < x1; ++x) s += r[x];
    profile[y] = s;
  }
  return profile;
}

/// The x-height band of a row profile: lower-case letters fill the rows between the x-height
/// line and the baseline, so the profile has a dense plateau there. Crops often hold parts of
/// the neighbouring lines at the top or bottom, so the peak is sought with a prior that
/// favours the middle of the crop; the band then grows over rows above a third of the peak.
struct Band {
  int top = 0, bottom = 0;
  int peak = 0;           ///< row of the (prior-weighted) densest row
  float strength = 0;  ///< smoothed ink of the peak row
};

Band x_height_band(const std::vector<float>& profile, int h) {
  std::vector<float> smooth(h, 0.0f);
  for (int y = 0; y < h; ++y) {
    float s = 0;
    int c = 0;
    for (int k = -1; k <= 1; ++k)
      if (y + k >= 0 && y + k < h) s += profile[y + k], ++c;
    smooth[y] = s / c;
  }
  int peak = 0;
  float best = -1;
  const float mid = 0.5f * h, sigma = 0.3f * h;
  for (int y = 0; y < h; ++y) {
    float d = (y + 0.5f - mid) / sigma;
    float score = smooth[y] * std::exp(-0.5f * d * d);
    if (score > best) best = score, peak = y;
  }
  Band band;
  band.peak = peak;
  band.strength = smooth[peak];
  // A third of the peak, not half: typewriter faces with slab serifs put most ink on the
  // x-height line and the baseline, and a half-peak cut splits the band there (measured on
  // the dev lines: the spread of x-height estimates within a page fell from 33 % to 23 %).
  float threshold = 0.35f * smooth[peak];
  // The peak is found on the smoothed profile, the edges on the raw one (smoothing would
  // widen the band by a row at each edge); a single thin row below the threshold inside
  // the band does not end it.
  auto above = [&](int y) { return y >= 0 && y < h && profile[y] >= threshold; };
  band.top = band.bottom = peak;
  while (above(band.top - 1) || (above(band.top - 2) && band.top - 2 >= 0)) --band.top;
  while (above(band.bottom + 1) || above(band.bottom + 2)) ++band.bottom;
  return band;
}

/// Shifts each column vertically by slope·(x − middle column), so that a line with that
/// slope (rows per column) runs level through the middle column's rows. Linear
/// interpolation between the two source rows; outside the image is paper (0).
std::vector<float> shear_level(const std::vector<float>& ink, int w, int h, double slope) {
  if (slope == 0) return ink;
  const double mid = 0.5 * (w - 1);
  // Per column: source row = output row + whole + frac. Columns sharing `whole` form spans,
  // so that the output is written row by row from two whole source rows.
  std::vector<int> whole(w);
  std::vector<float> frac(w);
  for (int x = 0; x < w; ++x) {
    const double shift = slope * (x - mid);
    whole[x] = static_cast<int>(std::floor(shift));
    frac[x] = static_cast<float>(shift - whole[x]);
  }
  std::vector<float> out(ink.size(), 0.0f);
  for (int xa = 0; xa < w;) {
    int xb = xa + 1;
    while (xb < w && whole[xb] == whole[xa]) ++xb;
    for (int y = 0; y < h; ++y) {
      const int sy0 = y + whole[xa], sy1 = sy0 + 1;
      float* dst = &out[static_cast<std::size_t>(y) * w];
      const bool in0 = sy0 >= 0 && sy0 < h, in1 = sy1 >= 0 && sy1 < h;
      const float* a = in0 ? &ink[static_cast<std::size_t>(sy0) * w] : nullptr;
      const float* b = in1 ? &ink[static_cast<std::size_t>(sy1) * w] : nullptr;
      if (in0 && in1) {
        for (int x = xa; x < xb; ++x) dst[x] = (1 - frac[x]) * a[x] + frac[x] * b[x];
      } else if (in0) {
        for (int x = xa; x < xb; ++x) dst[x] = (1 - frac[x]) * a[x] + frac[x] * 0.0f;
      } else if (in1) {
        for (int x = xa; x < xb; ++x) dst[x] = (1 - frac[x]) * 0.0f + frac[x] * b[x];
      }
    }
    xa = xb;
  }
  return out;
}

/// Shifts each column vertically so the line's x-height band is level: band centres of
/// chunks about two line-heights wide, fitted by weighted least squares to a straight line
/// (slope within ±0.1, about ±6°), are moved to the crop's middle row. Sets *slope_out to
/// the fitted slope (rows per column; 0 when too few chunks hold text).
std::vector<float> straighten(const std::vector<float>& ink, int w, int h, double* slope_out) {
  const int chunk = std::max(8, 2 * h);
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  int chunks = 0;
  for (int x0 = 0; x0 < w; x0 += chunk) {
    int x1 = std::min(w, x0 + chunk);
    if (x1 - x0 < chunk / 2 && x0 > 0) break;
    Band b = x_height_band(row_profile(ink, w, h, x0, x1), h);
    float weight = b.strength;
    if (weight <= 0.5f) continue;
    double cx = 0.5 * (x0 + x1), cy = 0.5 * (b.top + b.bottom + 1);
    sw += weight, sx += weight * cx, sy += weight * cy, sxx += weight * cx * cx, sxy += weight * cx * cy;
    ++chunks;
  }
  if (chunks < 2) return ink;
  double denom = sw * sxx - sx * sx;
  if (denom <= 1e-9) return ink;
  *slope_out = std::clamp((sw * sxy - sx * sy) / denom, -0.1, 0.1);
  return shear_level(ink, w, h, *slope_out);
}

/// A connected group of ink pixels (8-connected, darkness ≥ 0.35); box in px, inclusive.
struct Blob {
  int left = 0, top = 0, right = 0, bottom = 0;
  int area = 0;
  int height() const { return bottom - top + 1; }
  int width() const { return right - left + 1; }
};

/// The ink blobs of a darkness image (H×W), in the order of their first pixel (top row,
/// then leftmost). Runs of ink on each row are joined to the runs they touch on the row above
/// by union-find, keeping the earliest run as each set's root (the run-based labelling of
/// Rosenfeld & Pfaltz 1966).
std::vector<Blob> ink_blobs(const std::vector<float>& ink, int w, int h) {
  struct Run {
    int y, x0, x1;  // [x0, x1)
  };
  std::vector<Run> runs;
  std::vector<int> row_start(h + 1, 0);
  // Each row as bytes (1 = ink), with eight bytes of paper past its end; runs are found eight
  // bytes at a time, mostly paper being skipped a word at a time.
  std::vector<std::uint8_t> row(static_cast<std::size_t>(w) + 8, 0);
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  auto word_at = [&](int x) {
    std::uint64_t v;
    std::memcpy(&v, row.data() + x, 8);
    return v;
  };
  // Index of the first byte that is set in `v` (bytes in memory order).
  auto first_set = [](std::uint64_t v) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return __builtin_ctzll(v) >> 3;
#else
    return __builtin_clzll(v) >> 3;
#endif
  };
  for (int y = 0; y < h; ++y) {
    row_start[y] = static_cast<int>(runs.size());
    const float* r = &ink[static_cast<std::size_t>(y) * w];
    for (int x = 0; x < w; ++x) row[x] = r[x] >= 0.35f;
    for (int x = 0; x < w;) {
      const std::uint64_t v = word_at(x);
      if (!v) {
        x += 8;
        continue;
      }
      x += first_set(v);
      if (x >= w) break;
      const int x0 = x;
      for (;;) {  // the paper past the row's end ends every run
        const std::uint64_t paper = ~word_at(x) & kOnes;
        if (paper) {
          x += first_set(paper);
          break;
        }
        x += 8;
      }
      runs.push_back({y, x0, x});
    }
  }
  row_start[h] = static_cast<int>(runs.size());
  const int n = static_cast<int>(runs.size());
  std::vector<int> parent(n);
  for (int i = 0; i < n; ++i) parent[i] = i;
  auto root = [&](int i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (int y = 1; y < h; ++y) {
    int a = row_start[y - 1], b = row_start[y];
    while (a < row_start[y] && b < row_start[y + 1]) {
      // 8-connected: [x0, x1) ranges touch when they overlap after widening by one.
      if (runs[a].x0 <= runs[b].x1 && runs[b].x0 <= runs[a].x1) {
        const int ra = root(a), rb = root(b);
        if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
      }
      if (runs[a].x1 < runs[b].x1) {
        ++a;
      } else {
        ++b;
      }
    }
  }
  std::vector<Blob> blobs;
  std::vector<int> blob_of(n);
  for (int i = 0; i < n; ++i) {
    const int r = root(i);
    const Run& run = runs[i];
    if (r == i) {
      blob_of[i] = static_cast<int>(blobs.size());
      Blob b;
      b.left = run.x0, b.right = run.x1 - 1, b.top = b.bottom = run.y;
      blobs.push_back(b);
    } else {
      blob_of[i] = blob_of[r];  // the root comes first, so it is numbered already
    }
    Blob& b = blobs[blob_of[i]];
    b.left = std::min(b.left, run.x0), b.right = std::max(b.right, run.x1 - 1);
    b.bottom = std::max(b.bottom, run.y);
    b.area += run.x1 - run.x0;
  }
  return blobs;
}

/// The line through the glyphs that cross the centre line `start_row` (level), refined
/// from the fitted baseline twice; *support is the ink area of its whole glyphs (those not
/// cut by the crop's top or bottom edge). has_text = false when fewer than four glyphs
/// cross it.
LineGeometry fit_line_from(const std::vector<Blob>& blobs, int w, int h, double start_row, double* support) {
  LineGeometry g;
  *support = 0;
  double slope = 0, intercept = start_row;  // centre line: row = intercept + slope · column
  double x_height = 0, baseline_slope = 0, baseline_at_0 = 0;
  std::vector<const Blob*> glyphs;
  for (int round = 0; round < 3; ++round) {
    glyphs.clear();
    for (const Blob& b : blobs) {
      double centre_row = intercept + slope * 0.5 * (b.left + b.right);
      if (b.top <= centre_row && centre_row <= b.bottom + 1) glyphs.push_back(&b);
    }
    if (glyphs.size() < 4) return g;
    // Glyphs cut by the crop's edge are not whole; they only count when nothing else does.
    std::vector<int> heights;
    for (const Blob* b : glyphs)
      if (b->top > 0 && b->bottom < h - 1) heights.push_back(b->height());
    if (heights.size() < 4)
      for (const Blob* b : glyphs) heights.push_back(b->height());
    auto percentile = [](std::vector<int> v, double q) {
      auto nth = v.begin() + static_cast<std::ptrdiff_t>(q * (v.size() - 1));
      std::nth_element(v.begin(), nth, v.end());
      return static_cast<double>(*nth);
    };
    const double median = percentile(heights, 0.5);
    std::vector<int> whole;
    for (int v : heights)
      if (v >= 0.6 * median) whole.push_back(v);
    x_height = percentile(whole, 0.4);
    if (x_height < 3) return g;

    std::vector<std::pair<double, double>> points;  // (centre column, row below the glyph)
    for (const Blob* b : glyphs)
      if (b->height() >= 0.75 * x_height && b->height() <= 1.3 * x_height)
        points.emplace_back(0.5 * (b->left + b->right), b->bottom + 1.0);
    if (points.size() < 2) return g;
    auto fit = [&](double max_residual) {
      double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (auto [x, y] : points) {
        if (max_residual > 0 && std::abs(y - (baseline_at_0 + baseline_slope * x)) > max_residual) continue;
        n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
      }
      if (n < 1) return;
      double denom = n * sxx - sx * sx;
      // Glyphs spanning less than a few x-heights do not tell a slope.
      bool spread = n >= 2 && denom / (n * n) > 4.0 * x_height * x_height;
      baseline_slope = spread ? std::clamp((n * sxy - sx * sy) / denom, -0.1, 0.1) : 0.0;
      baseline_at_0 = (sy - baseline_slope * sx) / n;
    };
    fit(0);
    fit(0.25 * x_height);
    slope = baseline_slope;
    intercept = baseline_at_0 - 0.5 * x_height;
  }
  for (const Blob* b : glyphs)
    if (b->top > 0 && b->bottom < h - 1) *support += b->area;
  g.has_text = true;
  g.x_height = x_height;
  g.slope = slope;
  // Levelling keeps the middle column fixed.
  g.centre = intercept + slope * 0.5 * (w - 1);
  return g;
}

/// Line geometry from the glyphs themselves. The blobs that cross a line's centre line are
/// its glyphs: the neighbours' ascenders and descenders that reach into a loose crop do not
/// cross it. The x-height is a low percentile of their heights (after dropping fragments of
/// broken glyphs), since glyphs without ascenders or descenders are the majority in every
/// script here; the baseline is a least-squares line through the bottoms of the x-height
/// glyphs. Loose crops hold parts of the neighbouring lines, so a line is fitted from each
/// of the densest rows of the profile, and the one with the most ink in whole glyphs, with
/// a prior for the crop's middle, is the crop's line. Unlike a profile threshold, this does
/// not merge two close lines into one band nor split a slab-serif face at its thin middle
/// rows. has_text = false when there are too few glyphs to tell.
/// The best line of `blobs` in the ink (H×W): fitted from each of the four densest rows of the
/// smoothed row profile, scored by the ink of its whole glyphs with a prior for the middle.
LineGeometry best_line_fit(const std::vector<Blob>& blobs, const std::vector<float>& ink, int w, int h) {
  // Start rows: local maxima of the smoothed row profile, densest first.
  std::vector<float> profile = row_profile(ink, w, h, 0, w), smooth(h, 0.0f);
  for (int y = 0; y < h; ++y)
    for (int k = std::max(0, y - 2); k <= std::min(h - 1, y + 2); ++k) smooth[y] += profile[k];
  std::vector<int> starts;
  for (int y = 0; y < h; ++y)
    if ((y == 0 || smooth[y] > smooth[y - 1]) && (y == h - 1 || smooth[y] >= smooth[y + 1])) starts.push_back(y);
  std::sort(starts.begin(), starts.end(), [&](int a, int b) { return smooth[a] > smooth[b]; });
  if (starts.size() > 4) starts.resize(4);

  LineGeometry best;
  double best_score = 0;
  for (int start : starts) {
    double support = 0;
    LineGeometry g = fit_line_from(blobs, w, h, start, &support);
    if (!g.has_text) continue;
    double d = (g.centre - 0.5 * h) / (0.3 * h);
    double score = support * std::exp(-0.5 * d * d);
    if (score > best_score) best_score = score, best = g;
  }
  return best;
}

/// The glyph-sized pieces of a run of glyphs joined by ink spread: cuts `run` into pieces about
/// `piece` columns wide, each boxed to the ink of `ink` (H×W) inside the run's box.
void add_pieces_of(const Blob& run, int piece, const std::vector<float>& ink, int w, std::vector<Blob>& out) {
  const int count = std::max(1, static_cast<int>(std::lround(run.width() / double(piece))));
  for (int k = 0; k < count; ++k) {
    const int x0 = run.left + k * run.width() / count, x1 = run.left + (k + 1) * run.width() / count;  // [x0, x1)
    Blob b;
    b.left = x0, b.right = x1 - 1, b.top = run.bottom + 1, b.bottom = run.top - 1;
    for (int y = run.top; y <= run.bottom; ++y)
      for (int x = x0; x < x1; ++x)
        if (ink[static_cast<std::size_t>(y) * w + x] >= 0.35f) {
          ++b.area;
          b.top = std::min(b.top, y), b.bottom = std::max(b.bottom, y);
        }
    if (b.area >= 6 && b.height() >= 3) out.push_back(b);
  }
}

/// How much the x-height band of `g` stands out in the ink (H×W, not levelled): mean ink inside
/// the band along the fitted line, less the mean of the two bands half as tall above and below.
double band_contrast(const LineGeometry& g, const std::vector<float>& ink, int w, int h) {
  double inside = 0, outside = 0;
  int n_inside = 0, n_outside = 0;
  const double half = 0.5 * g.x_height;
  for (int x = 0; x < w; ++x) {
    const double centre = g.centre + g.slope * (x - 0.5 * (w - 1));
    const int top = static_cast<int>(std::lround(centre - half)), bottom = static_cast<int>(std::lround(centre + half));
    const int reach = static_cast<int>(std::lround(half));
    for (int y = std::max(0, top - reach); y < std::min(h, bottom + reach); ++y) {
      const float v = ink[static_cast<std::size_t>(y) * w + x];
      if (y >= top && y < bottom) inside += v, ++n_inside;
      else outside += v, ++n_outside;
    }
  }
  return (n_inside ? inside / n_inside : 0) - (n_outside ? outside / n_outside : 0);
}

LineGeometry blob_geometry(const std::vector<float>& ink, int w, int h) {
  std::vector<Blob> blobs, runs;
  double all_ink = 0, glyph_ink = 0;
  for (const Blob& b : ink_blobs(ink, w, h)) {
    if (b.height() < 3 || b.area < 6) continue;  // specks
    all_ink += b.area;
    // Underlines and runs of glyphs joined by ink spread are far wider than tall.
    if (b.width() <= 3 * b.height()) {
      blobs.push_back(b);
      glyph_ink += b.area;
    } else {
      runs.push_back(b);
    }
  }
  LineGeometry best = best_line_fit(blobs, ink, w, h);
  // Heavy ink joins whole words into runs: when runs hold most of the ink, the separate blobs
  // may be punctuation and a few letters, whose heights say nothing of the x-height. Such a
  // fit shows itself by an x-height under 0.45 of the runs' typical height (glyphs with
  // ascenders and descenders span at most about 2.2 x-heights) or by a band no darker than
  // the rows beside it. The runs are then cut into glyph-sized pieces and the line fitted again
  // with them; the fit kept is the one whose band stands out more. (A run taller than that
  // because the glyphs touch an underline keeps the first fit: its band stands out.)
  if (best.has_text && !runs.empty() && glyph_ink < 0.5 * all_ink) {
    std::vector<int> heights;
    for (const Blob& r : runs) heights.push_back(r.height());
    std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
    const int typical = heights[heights.size() / 2];
    const double contrast = band_contrast(best, ink, w, h);
    if (best.x_height < 0.45 * typical || contrast < 0.05) {
      for (const Blob& r : runs) add_pieces_of(r, std::max(3, static_cast<int>(0.6 * r.height())), ink, w, blobs);
      const LineGeometry pieces = best_line_fit(blobs, ink, w, h);
      if (pieces.has_text && band_contrast(pieces, ink, w, h) > contrast) best = pieces;
    }
  }
  return best;
}

/// Ink darkness in [0, 1] per pixel (H×W, row-major), or empty when the crop is blank.
/// Paper is the bright majority, ink the darkest few percent: percentiles rather than
/// min/max so specks and a stray black border pixel do not set the scale.
std::vector<float> darkness_of(const GreyImage& line) {
  // Four histograms side by side, so that runs of one grey value do not serialise the counts.
  std::array<std::array<int, 256>, 4> parts{};
  const std::size_t n = line.pixels.size();
  const std::uint8_t* p = line.pixels.data();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    // Crops are mostly flat paper outside the line's region: eight equal bytes count at once.
    std::uint64_t v;
    std::memcpy(&v, p + i, 8);
    if (v == p[i] * 0x0101010101010101ull) {
      parts[0][p[i]] += 8;
      continue;
    }
    for (std::size_t k = i; k < i + 8; k += 4) {
      ++parts[0][p[k]];
      ++parts[1][p[k + 1]];
      ++parts[2][p[k + 2]];
      ++parts[3][p[k + 3]];
    }
  }
  for (; i < n; ++i) ++parts[0][p[i]];
  std::array<int, 256> histogram{};
  for (int v = 0; v < 256; ++v) histogram[v] = parts[0][v] + parts[1][v] + parts[2][v] + parts[3][v];
  auto percentile = [&](double q) {
    std::size_t target = static_cast<std::size_t>(q * (n - 1)), seen = 0;
    for (int v = 0; v < 256; ++v) {
      seen += histogram[v];
      if (seen > target) return v;
    }
    return 255;
  };
  const float paper = static_cast<float>(percentile(0.75));
  const float ink = static_cast<float>(percentile(0.01));
  // A near-uniform crop has no text; stretching it would turn paper grain into strokes.
  if (paper - ink < 24.0f) return {};
  const float range = paper - ink;
  // Darkness depends on the grey value alone: one table of 256.
  std::array<float, 256> of;
  for (int v = 0; v < 256; ++v) of[v] = std::clamp((paper - static_cast<std::uint8_t>(v)) / range, 0.0f, 1.0f);
  std::vector<float> darkness(n);
  for (std::size_t k = 0; k < n; ++k) darkness[k] = of[p[k]];
  return darkness;
}

/// The geometry of a straightened darkness image, or has_text = false.
LineGeometry geometry_of(const std::vector<float>& straight, int w, int h, double slope) {
  LineGeometry g;
  g.slope = slope;
  Band band = x_height_band(row_profile(straight, w, h, 0, w), h);
  if (band.strength <= 0.5f) return g;
  double x_height = band.bottom - band.top + 1;
  // Guard against a band that is mostly a thick underline or a capital-only run.
  x_height = std::clamp(x_height, 0.15 * h, 0.7 * h);
  g.x_height = std::max(x_height, 3.0);
  g.centre = 0.5 * (band.top + band.bottom + 1);
  g.has_text = true;
  return g;
}

/// Measures the line in a darkness image (H×W) and levels it in place: the glyph-based
/// geometry where there are enough glyphs, else the x-height band of the row profile.
LineGeometry measure_and_level(std::vector<float>& darkness, int w, int h) {
  LineGeometry g = blob_geometry(darkness, w, h);
  if (g.has_text) {
    if (g.slope != 0) darkness = shear_level(darkness, w, h, g.slope);
    return g;
  }
  double slope = 0;
  darkness = straighten(darkness, w, h, &slope);
  return geometry_of(darkness, w, h, slope);
}

}  // namespace

LineGeometry measure_line(const GreyImage& line) {
  if (line.empty()) return {};
  std::vector<float> darkness = darkness_of(line);
  if (darkness.empty()) return {};
  return measure_and_level(darkness, line.width, line.height);
}

NormalisedLine normalise_line(const GreyImage& line, int height) {
  NormalisedLine out;
  out.height = height;
  auto blank = [&](int width) {
    out.width = width;
    out.pixels.assign(static_cast<std::size_t>(width) * height, 0.0f);
    return out;
  };
  if (line.empty()) return blank(8);
  std::vector<float> darkness = darkness_of(line);
  if (darkness.empty()) return blank(8);
  const int w = line.width, h = line.height;

  // Skewed or slightly curved crops smear the x-height band over many rows; straighten the
  // line first by shifting each column so the band's centre runs level (a centre-line
  // normaliser in the manner of OCRopus/kraken, with a straight-line fit).
  const LineGeometry geometry = measure_and_level(darkness, w, h);
  if (!geometry.has_text) return blank(8);
  const double x_height = geometry.x_height, centre = geometry.centre;

  const double scale = kXHeightShare * height / x_height;
  const int body = std::max(1, static_cast<int>(std::lround(w * scale)));
  const int out_w = std::max(8, body + 2 * kLinePadding);

  // Separable resampling: rows first (to the output height), then columns.
  const double y_shift = centre - 0.5 * height / scale;
  Resampler vertical(height, scale, y_shift);
  std::vector<float> rows(static_cast<std::size_t>(height) * w, 0.0f);
  for (int oy = 0; oy < height; ++oy) {
    float* dst = &rows[static_cast<std::size_t>(oy) * w];
    for (int k = 0; k < vertical.count[oy]; ++k) {
      int sy = vertical.first[oy] + k;
      if (sy < 0 || sy >= h) continue;
      float wgt = vertical.weights[vertical.offset[oy] + k];
      if (wgt == 0) continue;
      const float* src = &darkness[static_cast<std::size_t>(sy) * w];
      for (int x = 0; x < w; ++x) dst[x] += wgt * src[x];
    }
  }
  Resampler horizontal(body, scale, 0.0);
  out.width = out_w;
  out.scale = scale;
  out.pixels.assign(static_cast<std::size_t>(out_w) * height, 0.0f);
  // Taps clipped to the source once, not per row.
  std::vector<int> tap_first(body), tap_end(body);
  for (int ox = 0; ox < body; ++ox) {
    const int lo = horizontal.first[ox];
    tap_first[ox] = std::max(0, -lo);
    tap_end[ox] = std::min(horizontal.count[ox], w - lo);
  }
  // Four output rows side by side: each sum still runs over its taps in order, but the four
  // do not wait on each other.
  constexpr int kSide = 4;
  for (int oy0 = 0; oy0 < height; oy0 += kSide) {
    const int n = std::min(kSide, height - oy0);
    const float* src[kSide];
    float* dst[kSide];
    for (int j = 0; j < kSide; ++j) {
      const int oy = oy0 + std::min(j, n - 1);  // a short last group repeats its last row
      src[j] = &rows[static_cast<std::size_t>(oy) * w];
      dst[j] = &out.pixels[static_cast<std::size_t>(oy) * out_w + kLinePadding];
    }
    for (int ox = 0; ox < body; ++ox) {
      const int lo = horizontal.first[ox];
      const float* wgt = horizontal.weights.data() + horizontal.offset[ox];
      float sum[kSide] = {0, 0, 0, 0};
      for (int k = tap_first[ox]; k < tap_end[ox]; ++k) {
        for (int j = 0; j < kSide; ++j) sum[j] += wgt[k] * src[j][lo + k];
      }
      for (int j = 0; j < kSide; ++j) dst[j][ox] = sum[j];
    }
  }
  return out;
}

}  // namespace platen
