#include "layout/reading_order.h"

#include <algorithm>

namespace platen::layout {

namespace {

// Rows top to bottom (lines within half an x-height of a row's first line), left to right
// within a row.
std::vector<int> order_rows(std::vector<OrderItem> items, double xh) {
  std::sort(items.begin(), items.end(), [](const OrderItem& a, const OrderItem& b) { return a.y < b.y; });
  std::vector<int> out;
  for (std::size_t i = 0; i < items.size();) {
    std::size_t j = i + 1;
    while (j < items.size() && items[j].y - items[i].y < 0.5 * xh) ++j;
    std::sort(items.begin() + static_cast<long>(i), items.begin() + static_cast<long>(j),
              [](const OrderItem& a, const OrderItem& b) { return a.x0 < b.x0; });
    for (std::size_t k = i; k < j; ++k) out.push_back(items[k].index);
    i = j;
  }
  return out;
}

}  // namespace

std::vector<int> reading_order(const std::vector<OrderItem>& items, double xh) {
  constexpr int kMinColumnLines = 4;
  if (items.size() < 2 * kMinColumnLines) return order_rows(items, xh);
  int x_min = items[0].x0, x_max = items[0].x1;
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
  const int allowed = std::max(1, static_cast<int>(items.size()) / 20);
  int best_score = 0, best_g0 = 0, best_g1 = 0;
  for (int b = 1; b < nb - 1;) {
    if (cover[b] > allowed) {
      ++b;
      continue;
    }
    int e = b;
    while (e < nb - 1 && cover[e] <= allowed) ++e;
    const int g0 = x_min + b * bin, g1 = x_min + e * bin;
    if (e - b >= 2) {
      int nl = 0, nr = 0;
      double l_top = 1e30, l_bottom = -1e30, r_top = 1e30, r_bottom = -1e30;
      for (const auto& it : items) {
        if (it.x1 <= g0) {
          ++nl;
          l_top = std::min(l_top, it.y);
          l_bottom = std::max(l_bottom, it.y);
        } else if (it.x0 >= g1) {
          ++nr;
          r_top = std::min(r_top, it.y);
          r_bottom = std::max(r_bottom, it.y);
        }
      }
      const double overlap = std::min(l_bottom, r_bottom) - std::max(l_top, r_top);
      const double shorter = std::min(l_bottom - l_top, r_bottom - r_top);
      if (nl >= kMinColumnLines && nr >= kMinColumnLines && overlap > 0.5 * shorter && std::min(nl, nr) > best_score) {
        best_score = std::min(nl, nr);
        best_g0 = g0;
        best_g1 = g1;
      }
    }
    b = e;
  }
  if (best_score == 0) return order_rows(items, xh);

  const double middle = 0.5 * (best_g0 + best_g1);
  double left_x0 = 1e30, right_x1 = -1e30;
  for (const auto& it : items) {
    if (it.x1 <= best_g0) left_x0 = std::min(left_x0, static_cast<double>(it.x0));
    if (it.x0 >= best_g1) right_x1 = std::max(right_x1, static_cast<double>(it.x1));
  }
  double columns_top = 1e30, columns_bottom = -1e30;
  for (const auto& it : items) {
    if (it.x1 <= best_g0 || it.x0 >= best_g1) {
      columns_top = std::min(columns_top, it.y);
      columns_bottom = std::max(columns_bottom, it.y);
    }
  }
  // Spanning: across over half of both columns, or across the gutter above or below all of
  // both columns (a title, a closing line).
  const auto spans_both = [&](const OrderItem& it) {
    if (!(it.x1 > best_g0 && it.x0 < best_g1)) return false;
    if (it.y < columns_top || it.y > columns_bottom) return true;
    return it.x0 < best_g0 && it.x1 > best_g1 && best_g0 - it.x0 >= 0.5 * (best_g0 - left_x0) &&
           it.x1 - best_g1 >= 0.5 * (right_x1 - best_g1);
  };
  std::vector<OrderItem> spanning;
  for (const auto& it : items) {
    if (spans_both(it)) spanning.push_back(it);
  }
  std::sort(spanning.begin(), spanning.end(), [](const OrderItem& a, const OrderItem& b) { return a.y < b.y; });
  std::vector<int> out;
  double band_top = -1e30;
  for (std::size_t c = 0; c <= spanning.size(); ++c) {
    const double band_bottom = c < spanning.size() ? spanning[c].y : 1e30;
    std::vector<OrderItem> left, right;
    for (const auto& it : items) {
      if (it.y < band_top || it.y >= band_bottom || spans_both(it)) continue;
      (0.5 * (it.x0 + it.x1) < middle ? left : right).push_back(it);
    }
    for (int i : reading_order(left, xh)) out.push_back(i);
    for (int i : reading_order(right, xh)) out.push_back(i);
    if (c < spanning.size()) out.push_back(spanning[c].index);
    band_top = band_bottom;
  }
  return out;
}

}  // namespace platen::layout
