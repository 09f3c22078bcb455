#include "output/txt_writer.h"

#include <gtest/gtest.h>

#include "output/sample_document.h"

namespace platen {
namespace {

using namespace platen::test;

TEST(TxtWriter, PagesSeparatedByFormFeedFailedPageEmpty) {
  const Document document = sample_document();
  EXPECT_EQ(TxtWriter().write(document).bytes, document.pages[0].text + "\f");
  Document single = sample_document(false);
  EXPECT_EQ(TxtWriter().write(single).bytes, single.pages[0].text);
}

TEST(TxtWriter, PreserveSpacingPutsWordsOnThePitchGrid) {
  const Document document = sample_document(false);
  const PitchGrid grid = find_pitch_grid(document.pages[0]);
  EXPECT_NEAR(grid.pitch, kPitch, 0.01);
  const std::string expected =
      "Příliš žluťoučký kůň, Ærø & «Straße»\n"
      "Съешь же ещё этих мягких булок\n"
      "    Tab.  1      2.50   <x>\n"
      "a line that ends in a hyph-\n";
  EXPECT_EQ(TxtWriter(true).write(document).bytes, expected);
}

TEST(TxtWriter, ProportionalWordsKeepSingleSpaces) {
  Document document = sample_document(false);
  // Word widths unrelated to their lengths: no pitch.
  int i = 0;
  for (Line& line : document.pages[0].lines)
    for (Word& w : line.words) w.box.width = 40 + 37 * (i++ % 5);
  EXPECT_EQ(find_pitch_grid(document.pages[0]).pitch, 0.0);
  EXPECT_EQ(TxtWriter(true).write(document).bytes, document.pages[0].text);
}

TEST(WordsOf, SplitsALineWithoutWordsByItsText) {
  Line line;
  line.text = "ab cd";
  line.box = Box{100, 10, 50, 20};
  const auto words = words_of(line);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].text, "ab");
  EXPECT_EQ(words[0].box, (Box{100, 10, 20, 20}));
  EXPECT_EQ(words[1].box, (Box{130, 10, 20, 20}));
}

}  // namespace
}  // namespace platen
