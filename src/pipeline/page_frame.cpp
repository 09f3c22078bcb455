#include "pipeline/page_frame.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace platen {

PagePoint PageFrame::stored_point(PagePoint p) const {
  const int quarter_turns = ((orientation_degrees / 90) % 4 + 4) % 4;
  const bool sideways = quarter_turns % 2 == 1;
  const double turned_w = sideways ? stored_height : stored_width;
  const double turned_h = sideways ? stored_width : stored_height;
  // Leptonica's pixRotate turns about (w/2, h/2), clockwise for a positive angle; undone by
  // the opposite turn. Then pixRotateOrth's clockwise quarter turns, (x, y) → (H − y, x) each.
  const double a = skew_degrees * 3.14159265358979323846 / 180.0;
  const double c = std::cos(a), s = std::sin(a);
  const double cx = turned_w / 2, cy = turned_h / 2;
  const double dx = p.x - cx, dy = p.y - cy;
  const double tx = cx + dx * c + dy * s, ty = cy - dx * s + dy * c;
  switch (quarter_turns) {
    case 1: return {ty, stored_height - tx};
    case 2: return {stored_width - tx, stored_height - ty};
    case 3: return {stored_width - ty, tx};
    default: return {tx, ty};
  }
}

Box PageFrame::stored_box(const Box& box) const {
  // Corners are pixel edges (continuous coordinates).
  const std::array<PagePoint, 4> corners = {{{double(box.x), double(box.y)},
                                             {double(box.right()), double(box.y)},
                                             {double(box.x), double(box.bottom())},
                                             {double(box.right()), double(box.bottom())}}};
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const PagePoint& corner : corners) {
    const PagePoint o = stored_point(corner);
    x0 = std::min(x0, o.x);
    y0 = std::min(y0, o.y);
    x1 = std::max(x1, o.x);
    y1 = std::max(y1, o.y);
  }
  const int left = std::clamp(static_cast<int>(std::floor(x0 + 1e-6)), 0, stored_width);
  const int top = std::clamp(static_cast<int>(std::floor(y0 + 1e-6)), 0, stored_height);
  const int right = std::clamp(static_cast<int>(std::ceil(x1 - 1e-6)), 0, stored_width);
  const int bottom = std::clamp(static_cast<int>(std::ceil(y1 - 1e-6)), 0, stored_height);
  return Box{left, top, std::max(0, right - left), std::max(0, bottom - top)};
}

}  // namespace platen
