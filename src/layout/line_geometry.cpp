#include "layout/line_geometry.h"

#include <algorithm>
#include <cmath>

namespace platen::layout {

namespace {

// Index of the largest value of s[lo..hi] (clamped to s), -1 when the range is empty or all zero.
int argmax_in(const std::vector<double>& s, int lo, int hi) {
  lo = std::max(lo, 0);
  hi = std::min(hi, static_cast<int>(s.size()) - 1);
  int best = -1;
  for (int i = lo; i <= hi; ++i) {
    if (s[i] > 0 && (best < 0 || s[i] > s[best])) best = i;
  }
  return best;
}

std::vector<double> smoothed(const std::vector<double>& h) {
  std::vector<double> s(h.size(), 0.0);
  for (std::size_t i = 0; i < h.size(); ++i) {
    s[i] = 2 * h[i] + (i > 0 ? h[i - 1] : 0.0) + (i + 1 < h.size() ? h[i + 1] : 0.0);
  }
  return s;
}

int x_height_of(const LineMetrics& m) { return m.dy_baseline - m.dy_xline + 1; }

}  // namespace

LineMetrics measure_line_by_columns(const PagePieces& pieces, const std::vector<int>& own, const CentrePath& path,
                                    double ref_xh) {
  LineMetrics m;
  const int n = static_cast<int>(path.path.size());
  if (n == 0) return m;
  const int reach = static_cast<int>(std::ceil(4 * ref_xh)) + 2;
  constexpr int kNone = 1 << 30;
  std::vector<int> top(n, kNone), bottom(n, -kNone);
  for (int pi : own) {
    const LinePiece& p = pieces.pieces[pi];
    if (p.rule) continue;
    const int a = std::max(p.x0, path.x0), b = std::min(p.x1, path.x0 + n);
    for (int x = a; x < b; ++x) {
      const int dy = static_cast<int>(std::lround(p.y - path.at(x)));
      if (dy < -reach || dy > reach) continue;
      int& t = top[x - path.x0];
      int& u = bottom[x - path.x0];
      t = std::min(t, dy);
      u = std::max(u, dy);
    }
  }
  std::vector<double> tops(2 * reach + 1, 0.0), bottoms(2 * reach + 1, 0.0);
  int dy_min = kNone, dy_max = -kNone;
  for (int x = 0; x < n; ++x) {
    if (top[x] == kNone) continue;
    tops[top[x] + reach] += 1;
    bottoms[bottom[x] + reach] += 1;
    dy_min = std::min(dy_min, top[x]);
    dy_max = std::max(dy_max, bottom[x]);
  }
  if (dy_min > dy_max) return m;
  const int base = argmax_in(smoothed(bottoms), 0, 2 * reach);
  const std::vector<double> t = smoothed(tops);
  int xline = argmax_in(t, base - static_cast<int>(std::lround(1.5 * ref_xh)),
                        base - static_cast<int>(std::lround(0.45 * ref_xh)));
  if (xline >= 0) {
    // Where the stems of l, 1, I, b, d, h, k and capitals start may outnumber the x-line
    // (text dense in them): the x-line is the lower mode, 0.55–0.85 of the other's height,
    // when it is a clear peak of its own.
    const int high = base - xline;
    int lower = -1;
    for (int h = static_cast<int>(std::ceil(0.55 * high)); h <= static_cast<int>(0.85 * high); ++h) {
      const int i = base - h;
      if (i <= 0 || i + 1 >= static_cast<int>(t.size()) || t[i] < t[i - 1] || t[i] < t[i + 1]) continue;
      if (t[i] >= 0.35 * t[xline] && (lower < 0 || t[i] > t[lower])) lower = i;
    }
    if (lower >= 0) xline = lower;
  }
  m.dy_baseline = base - reach;
  m.dy_xline = xline >= 0 ? xline - reach : m.dy_baseline - static_cast<int>(std::lround(ref_xh)) + 1;
  m.dy_top = dy_min;
  m.dy_bottom = dy_max;
  return m;
}

CheckedMetrics check_line_metrics(const LineMetrics& profile, const LineMetrics& columns, double ref_xh) {
  CheckedMetrics out{profile, false};
  if (ref_xh <= 0) return out;
  const int ink_h = profile.dy_bottom - profile.dy_top + 1;
  auto plausible = [&](const LineMetrics& m) {
    const int xh = x_height_of(m);
    return xh >= 0.6 * ref_xh && xh <= 1.45 * ref_xh && xh <= ink_h;
  };
  if (plausible(profile)) return out;
  out.remeasured = true;
  const bool c_ok = plausible(columns);
  out.metrics.dy_top = profile.dy_top;
  out.metrics.dy_bottom = profile.dy_bottom;
  // A collapsed band usually sits on the right baseline (the serifs stand on it): kept when
  // the columns agree, so only the x-line moves.
  const bool same_baseline = std::abs(profile.dy_baseline - columns.dy_baseline) <= std::max(2.0, 0.2 * ref_xh);
  const int baseline = same_baseline ? profile.dy_baseline : columns.dy_baseline;
  const int xh = c_ok ? x_height_of(columns) : static_cast<int>(std::lround(ref_xh));
  out.metrics.dy_baseline = baseline;
  out.metrics.dy_xline = baseline - xh + 1;
  return out;
}

std::vector<LineMetrics> checked_line_metrics(const PagePieces& pieces, const std::vector<std::vector<int>>& own,
                                              const std::vector<CentrePath>& paths, const std::vector<int>& order,
                                              double ref_xh, int* remeasured) {
  std::vector<LineMetrics> metrics(own.size());
  std::vector<int> xheights;
  for (int i : order) {
    metrics[i] = measure_line(pieces, own[i], paths[i], ref_xh);
    xheights.push_back(x_height_of(metrics[i]));
  }
  if (remeasured) *remeasured = 0;
  if (xheights.empty() || ref_xh <= 0) return metrics;
  std::nth_element(xheights.begin(), xheights.begin() + static_cast<long>(xheights.size() / 2), xheights.end());
  const int median = xheights[xheights.size() / 2];
  if (median >= 0.6 * ref_xh && median <= 1.45 * ref_xh) return metrics;
  for (int i : order) {
    const CheckedMetrics c =
        check_line_metrics(metrics[i], measure_line_by_columns(pieces, own[i], paths[i], ref_xh), ref_xh);
    metrics[i] = c.metrics;
    if (remeasured && c.remeasured) ++*remeasured;
  }
  return metrics;
}

}  // namespace platen::layout
