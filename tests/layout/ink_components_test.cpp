// Tests for src/layout/ink_components.cpp: runs of a binary image and their components.

#include "layout/ink_components.h"

#include <gtest/gtest.h>

#include "image/pix.h"

namespace platen::layout {
namespace {

TEST(InkComponents, RunsMatchPixelsAcrossWordBoundaries) {
  // Runs that start and end inside 32-bit words, span several words, and touch the right
  // edge of a width that is not a multiple of 32.
  PixPtr pix = adopt(pixCreate(70, 3, 1));
  pixRasterop(pix.get(), 3, 0, 5, 1, PIX_SET, nullptr, 0, 0);    // [3, 8)
  pixRasterop(pix.get(), 30, 0, 40, 1, PIX_SET, nullptr, 0, 0);  // [30, 70): to the edge
  pixRasterop(pix.get(), 0, 2, 64, 1, PIX_SET, nullptr, 0, 0);   // [0, 64): two full words
  const InkRuns runs = extract_ink_runs(pix.get());
  ASSERT_EQ(runs.width, 70);
  ASSERT_EQ(runs.height, 3);
  ASSERT_EQ(runs.runs.size(), 3u);
  EXPECT_EQ(runs.runs[0].x0, 3);
  EXPECT_EQ(runs.runs[0].x1, 8);
  EXPECT_EQ(runs.runs[1].x0, 30);
  EXPECT_EQ(runs.runs[1].x1, 70);
  EXPECT_EQ(runs.runs[2].y, 2);
  EXPECT_EQ(runs.runs[2].x0, 0);
  EXPECT_EQ(runs.runs[2].x1, 64);
  EXPECT_EQ(runs.row_start[1], 2);  // row 1 is empty
  EXPECT_EQ(runs.row_start[2], 2);
  EXPECT_EQ(runs.row_start[3], 3);
}

TEST(InkComponents, DiagonalNeighboursJoinAndClassesStayApart) {
  // Two pixels touching only at a corner form one 8-connected component; a separate blob
  // is another.
  PixPtr pix = adopt(pixCreate(20, 10, 1));
  pixSetPixel(pix.get(), 2, 2, 1);
  pixSetPixel(pix.get(), 3, 3, 1);
  pixRasterop(pix.get(), 10, 5, 4, 3, PIX_SET, nullptr, 0, 0);
  const InkRuns runs = extract_ink_runs(pix.get());
  const ComponentLabels labels = label_components(runs);
  ASSERT_EQ(labels.components.size(), 2u);
  EXPECT_EQ(labels.components[0].area, 2);
  EXPECT_EQ(labels.components[0].width(), 2);
  EXPECT_EQ(labels.components[0].height(), 2);
  EXPECT_EQ(labels.components[1].area, 12);
  EXPECT_EQ(labels.components[1].x0, 10);
  EXPECT_EQ(labels.components[1].y1, 8);
  // Run lists per component, in row order.
  EXPECT_EQ(labels.run_start[1] - labels.run_start[0], 2);
  EXPECT_EQ(labels.run_start[2] - labels.run_start[1], 3);

  // A long run (an underline) kept in its own class stays apart from the stroke it crosses.
  PixPtr ul = adopt(pixCreate(40, 10, 1));
  pixRasterop(ul.get(), 5, 0, 2, 8, PIX_SET, nullptr, 0, 0);   // a descender
  pixRasterop(ul.get(), 0, 8, 40, 1, PIX_SET, nullptr, 0, 0);  // the underline below it
  const InkRuns ul_runs = extract_ink_runs(ul.get());
  EXPECT_EQ(label_components(ul_runs).components.size(), 1u);
  std::vector<std::uint8_t> cls(ul_runs.runs.size(), 0);
  for (std::size_t i = 0; i < ul_runs.runs.size(); ++i) cls[i] = ul_runs.runs[i].length() > 20;
  EXPECT_EQ(label_components(ul_runs, &cls).components.size(), 2u);
}

}  // namespace
}  // namespace platen::layout
