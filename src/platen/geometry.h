#pragma once
// Plain geometry shared by the page result and every stage: integer page pixels, origin at the
// top-left corner of the page, x to the right, y down.

#include <vector>

namespace platen {

/// A point in page pixels.
struct Point {
  int x = 0;
  int y = 0;
  friend bool operator==(const Point& a, const Point& b) { return a.x == b.x && a.y == b.y; }
};

/// Axis-aligned rectangle in page pixels; x, y is the top-left corner, width and height ≥ 0.
/// The pixels covered are x ≤ px < right(), y ≤ py < bottom().
struct Box {
  int x = 0, y = 0, width = 0, height = 0;
  int right() const { return x + width; }
  int bottom() const { return y + height; }
  bool empty() const { return width <= 0 || height <= 0; }
  friend bool operator==(const Box& a, const Box& b) {
    return a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height;
  }
};

/// A closed polygon (or, for a baseline, an open polyline) in page pixels, in drawing order.
using Polygon = std::vector<Point>;

}  // namespace platen
