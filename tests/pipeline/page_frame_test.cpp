#include "pipeline/page_frame.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace platen {
namespace {

TEST(PageFrame, UndoesEachQuarterTurn) {
  // A 100 × 60 page; the box x 10–30, y 5–15 on it, seen after each clockwise turn.
  const Box original{10, 5, 20, 10};
  const Box turned[4] = {{10, 5, 20, 10}, {45, 10, 10, 20}, {70, 45, 20, 10}, {5, 70, 10, 20}};
  for (int q = 0; q < 4; ++q) {
    SCOPED_TRACE(q * 90);
    const Box b = PageFrame{100, 60, q * 90, 0.0}.stored_box(turned[q]);
    EXPECT_EQ(b.x, original.x);
    EXPECT_EQ(b.y, original.y);
    EXPECT_EQ(b.width, original.width);
    EXPECT_EQ(b.height, original.height);
  }
}

TEST(PageFrame, UndoesTheDeskewAboutThePageCentreAndClipsToThePage) {
  // A point-like box right of the centre of a 200 × 200 page, after a 90° clockwise deskew
  // turn, is below the centre; mapped back it is right of the centre again.
  const Box b = PageFrame{200, 200, 0, 90.0}.stored_box(Box{99, 149, 2, 2});
  EXPECT_NEAR(b.x + b.width / 2.0, 150, 1.5);
  EXPECT_NEAR(b.y + b.height / 2.0, 100, 1.5);
  // A small skew widens a long line's box a little and keeps it inside the page.
  const Box wide = PageFrame{200, 100, 0, 2.0}.stored_box(Box{0, 40, 200, 20});
  EXPECT_GE(wide.x, 0);
  EXPECT_LE(wide.right(), 200);
  EXPECT_GT(wide.height, 20);
  EXPECT_LT(wide.height, 30);
}

TEST(PageFrame, StoredBoxIsTheBoundOfTheStoredCorners) {
  // The box mapping and the point mapping are one: a box's stored corners lie on its
  // stored box's edges, on a turned and skewed page.
  const PageFrame frame{300, 200, 90, 3.0};
  const Box prepared{40, 60, 80, 30};
  const Box b = frame.stored_box(prepared);
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const PagePoint corner : {PagePoint{40, 60}, PagePoint{120, 60}, PagePoint{40, 90}, PagePoint{120, 90}}) {
    const PagePoint p = frame.stored_point(corner);
    x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  }
  EXPECT_EQ(b.x, static_cast<int>(std::floor(x0)));
  EXPECT_EQ(b.y, static_cast<int>(std::floor(y0)));
  EXPECT_EQ(b.right(), static_cast<int>(std::ceil(x1)));
  EXPECT_EQ(b.bottom(), static_cast<int>(std::ceil(y1)));
}

}  // namespace
}  // namespace platen
