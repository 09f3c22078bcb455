#include "recognition/alphabet.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace platen {
namespace {

TEST(Alphabet, StandardCoversTheScriptsOfTheIssue) {
  Alphabet a = Alphabet::standard();
  for (char32_t c : std::u32string(U"AzäßéçœčřůľŕøåąłőűЖжЁёІіЇїЄєҐґЎў–—„“”‘’«»№§ 0~"))
    EXPECT_GT(a.index_of(c), 0) << static_cast<unsigned>(c);
  EXPECT_EQ(a.index_of(U'\n'), -1);
  EXPECT_EQ(a.index_of(U'中'), -1);
}

TEST(Alphabet, EncodeDecodeRoundTripAndBlankIsZero) {
  Alphabet a = Alphabet::standard();
  std::string text = "Žluťoučký kůň — Съешь ещё";
  int unknown = -1;
  std::vector<int> labels = a.encode(utf8_to_utf32(text), &unknown);
  EXPECT_EQ(unknown, 0);
  for (int l : labels) EXPECT_GT(l, 0);
  EXPECT_EQ(a.decode(labels), text);
  std::vector<int> with_blanks = {0, labels[0], 0, 0, labels[1]};
  EXPECT_EQ(a.decode(with_blanks), "Žl");
}

TEST(Alphabet, UnknownSymbolsAreSkippedAndCounted) {
  Alphabet a(U"ab");
  int unknown = 0;
  EXPECT_EQ(a.encode(U"axbyb", &unknown), (std::vector<int>{1, 2, 2}));
  EXPECT_EQ(unknown, 2);
  EXPECT_EQ(a.size(), 3);
}

}  // namespace
}  // namespace platen
