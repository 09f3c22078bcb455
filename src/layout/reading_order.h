#pragma once
// The reading order of a page's text lines: columns found from vertical gutters, rows top to
// bottom, cells of a table row left to right.

#include <vector>

namespace platen::layout {

/// One text line as the reading order sees it.
struct OrderItem {
  int index;   ///< the line's index, what reading_order() returns
  int x0, x1;  ///< ink extent, px
  double y;    ///< centre height, moved to the page's middle column along the page's slope, px
};

/// Indices of `items` in reading order. When a vertical gutter at least two x-heights wide, crossed
/// by at most 5 % of the lines (titles), has four or more lines on either side with overlapping
/// heights, the page has columns. A line goes to the column its middle lies in: a line reaching
/// into the gutter (an indented first line, a long last word), a speck in it or a short heading
/// across it stays in the flow of its column. Only a line that spans both columns, over half of
/// each column's width (a paragraph typed across the page), or crosses the gutter above or below
/// both columns (a title, a closing line), splits the columns into bands: each band gives its left
/// column, then its right column (recursively, so three columns work), then the spanning line.
/// Otherwise rows.
/// `xh`: the page's x-height, px (rows are lines within half of it; gutters at least two).
/// Pure function of its arguments: thread-safe, never throws (beyond std::bad_alloc).
std::vector<int> reading_order(const std::vector<OrderItem>& items, double xh);

}  // namespace platen::layout
