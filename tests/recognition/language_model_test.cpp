// The language models: character n-grams, word lists, the lang-<code>.lm file and its
// damage, and the packs of a folder mixed for one run.
#include "recognition/language_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <random>
#include <set>

#include "core/binary_io.h"
#include "core/errors.h"
#include "english_lines.h"
#include "recognition/char_ngram_model.h"
#include "recognition/language_model_folder.h"
#include "recognition/language_pack.h"
#include "recognition/word_list.h"
#include "test_paths.h"

namespace platen {
namespace {

using test::kEnglish;

double sequence_log_prob(const CharLanguageModel& lm, const std::u32string& text) {
  double sum = 0;
  for (std::size_t i = 0; i < text.size(); ++i) sum += lm.log_prob(text.substr(0, i), text[i]);
  return sum + lm.log_prob(text, CharLanguageModel::kLineEnd);
}

TEST(CharLanguageModel, PrefersSeenText) {
  CharLanguageModel lm = CharLanguageModel::train(kEnglish, 5);
  EXPECT_EQ(lm.order(), 5);
  EXPECT_GT(lm.size(), 100u);
  EXPECT_GT(sequence_log_prob(lm, U"hello"), sequence_log_prob(lm, U"he1lo") + 5.0);
  EXPECT_GT(sequence_log_prob(lm, U"all well"), sequence_log_prob(lm, U"a1l wel1") + 5.0);
  // After "hel", 'l' was always next in training; '1' never appeared at all.
  EXPECT_GT(lm.log_prob(U"hel", U'l'), std::log(0.5));
  EXPECT_LT(lm.log_prob(U"hel", U'1'), std::log(0.01));
}

TEST(CharLanguageModel, ProbabilitiesSumToOne) {
  CharLanguageModel lm = CharLanguageModel::train(kEnglish, 4);
  std::set<char32_t> vocabulary{CharLanguageModel::kLineEnd};
  for (const auto& line : kEnglish) vocabulary.insert(line.begin(), line.end());
  // Every seen symbol plus the single slot shared by all unseen ones ('§' stands for it).
  for (const std::u32string& context : {std::u32string(), std::u32string(U"hel"),
                                        std::u32string(U"xq"), std::u32string(U"the little b")}) {
    double sum = std::exp(lm.log_prob(context, U'\u00a7'));
    for (char32_t c : vocabulary) sum += std::exp(lm.log_prob(context, c));
    EXPECT_NEAR(sum, 1.0, 1e-4) << "context of " << context.size() << " code points";
  }
}

TEST(CharLanguageModel, PruningShrinksTheTableAndKeepsProbabilitiesSummingToOne) {
  const CharLanguageModel full = CharLanguageModel::train(kEnglish, 5);
  const CharLanguageModel pruned = CharLanguageModel::train(kEnglish, 5, 3);
  EXPECT_LT(pruned.size(), full.size() / 2);
  EXPECT_EQ(CharLanguageModel::train(kEnglish, 5, 1).size(), full.size());
  std::set<char32_t> vocabulary{CharLanguageModel::kLineEnd};
  for (const auto& line : kEnglish) vocabulary.insert(line.begin(), line.end());
  // Contexts whose followers were all, some or none pruned.
  for (const std::u32string& context : {std::u32string(), std::u32string(U"hel"), std::u32string(U"ye"),
                                        std::u32string(U"the little b"), std::u32string(U"all")}) {
    double sum = std::exp(pruned.log_prob(context, U'\u00a7'));
    for (char32_t c : vocabulary) sum += std::exp(pruned.log_prob(context, c));
    EXPECT_NEAR(sum, 1.0, 1e-4) << "context of " << context.size() << " code points";
  }
  // What was seen often enough still stands out.
  EXPECT_GT(sequence_log_prob(pruned, U"hello"), sequence_log_prob(pruned, U"he1lo") + 5.0);
  EXPECT_THROW(CharLanguageModel::train(kEnglish, 5, 0), std::invalid_argument);
}

TEST(CharLanguageModel, LineStartIsPartOfTheContext) {
  CharLanguageModel lm = CharLanguageModel::train({U"ab", U"ab", U"cb xa"}, 3);
  // 'a' begins two of three lines, but follows "x" elsewhere: the start context matters.
  EXPECT_GT(lm.log_prob(U"", U'a'), lm.log_prob(U"", U'c'));
  EXPECT_GT(lm.log_prob(U"", U'a'), lm.log_prob(U"b ", U'a'));
}

TEST(CharLanguageModel, EmptyModelIsNeutral) {
  CharLanguageModel lm;
  EXPECT_TRUE(lm.empty());
  EXPECT_EQ(lm.log_prob(U"abc", U'd'), 0.0f);
  EXPECT_THROW(CharLanguageModel::train(kEnglish, 0), std::invalid_argument);
  EXPECT_THROW(CharLanguageModel::train(kEnglish, CharLanguageModel::kMaxOrder + 1),
               std::invalid_argument);
}

TEST(WordList, LooksUpCaseInsensitively) {
  WordList words = WordList::from_text({U"Hello World, hello", U"don't \u0414\u043e\u043c"}, 1);
  EXPECT_EQ(words.size(), 5u);  // hello, world, don, t, дом
  EXPECT_TRUE(words.contains(U"HELLO"));
  EXPECT_TRUE(words.contains(U"\u0434\u043e\u043c"));
  EXPECT_FALSE(words.contains(U"hell"));
  WordList frequent = WordList::from_text({U"Hello World, hello"}, 2);
  EXPECT_TRUE(frequent.contains(U"hello"));
  EXPECT_FALSE(frequent.contains(U"world"));
}

TEST(WordList, FindsEveryWordOfALargeListAndNoOther) {
  // Enough words for a bucket index of many bits, added one by one and read back from bytes.
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> letter(U'a', U'z');
  std::set<std::u32string> seen, unseen;
  while (seen.size() < 3000 || unseen.size() < 3000) {
    std::u32string w;
    for (int i = 0, n = 3 + static_cast<int>(rng() % 6); i < n; ++i)
      w.push_back(static_cast<char32_t>(letter(rng)));
    (rng() % 2 ? seen : unseen).insert(w);
  }
  for (const std::u32string& w : seen) unseen.erase(w);
  WordList words;
  for (const std::u32string& w : seen) words.add(w);
  LanguagePack pack;
  pack.language = "x";
  pack.words = words;
  const WordList back = LanguagePack::from_bytes(pack.to_bytes(), "x.lm").words;
  for (const WordList* list : {static_cast<const WordList*>(&words), &back}) {
    EXPECT_EQ(list->size(), seen.size());
    for (const std::u32string& w : seen) EXPECT_TRUE(list->contains(w));
    for (const std::u32string& w : unseen) EXPECT_FALSE(list->contains(w));
  }
  EXPECT_FALSE(WordList().contains(U"a"));
}

TEST(LanguagePack, RoundTripsThroughBytesAndRefusesDamage) {
  LanguagePack pack = LanguagePack::train("eng", kEnglish, 5, 1);
  std::vector<std::uint8_t> bytes = pack.to_bytes();
  LanguagePack back = LanguagePack::from_bytes(bytes, "lang-eng.lm");
  EXPECT_EQ(back.language, "eng");
  EXPECT_EQ(back.chars.order(), 5);
  EXPECT_EQ(back.chars.size(), pack.chars.size());
  EXPECT_TRUE(back.words.contains(U"balloon"));
  for (const std::u32string& ctx : {std::u32string(U"hel"), std::u32string(U"zz"), std::u32string()})
    for (char32_t c : {U'l', U'o', U'1', CharLanguageModel::kLineEnd})
      EXPECT_EQ(back.chars.log_prob(ctx, c), pack.chars.log_prob(ctx, c));
  EXPECT_EQ(back.to_bytes(), bytes);  // deterministic layout

  std::vector<std::uint8_t> damaged = bytes;
  damaged[damaged.size() / 2] ^= 0x40;
  EXPECT_THROW(LanguagePack::from_bytes(damaged, "x.lm"), ModelError);
  std::vector<std::uint8_t> cut(bytes.begin(), bytes.end() - 9);
  EXPECT_THROW(LanguagePack::from_bytes(cut, "x.lm"), ModelError);
  std::vector<std::uint8_t> other(bytes.size(), 0);
  EXPECT_THROW(LanguagePack::from_bytes(other, "x.lm"), ModelError);
}

TEST(LanguageModel, LoadsRequestedLanguagesFromADirectory) {
  std::string dir = test::make_temp_dir();
  LanguagePack::train("eng", kEnglish, 4).save(dir + "/lang-eng.lm");
  LanguagePack::train("deu", {U"hallo welt", U"alle wollen"}, 4).save(dir + "/lang-deu.lm");
  EXPECT_EQ(LanguageModel::load(dir, {"eng"}).languages(), std::vector<std::string>{"eng"});
  EXPECT_EQ(LanguageModel::load(dir, {}).languages(), (std::vector<std::string>{"deu", "eng"}));
  try {
    LanguageModel::load(dir, {"fra"});
    FAIL() << "a missing language must throw";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("available: deu, eng"), std::string::npos) << e.what();
  }
  LanguagePack::train("all", kEnglish, 4).save(dir + "/lang-all.lm");
  EXPECT_EQ(LanguageModel::load(dir, {}).languages(), std::vector<std::string>{"all"});
  EXPECT_TRUE(LanguageModel::load(test::make_temp_dir(), {}).empty());
}

TEST(LanguageModel, MixesPacksByAveragingProbabilities) {
  auto eng = std::make_shared<LanguagePack>(LanguagePack::train("eng", kEnglish, 4));
  auto deu = std::make_shared<LanguagePack>(LanguagePack::train("deu", {U"hallo welt"}, 4));
  LanguageModel mix;
  mix.add(eng);
  mix.add(deu);
  for (char32_t c : {U'e', U'a', U'q'}) {
    double expected = std::log(0.5 * std::exp(eng->chars.log_prob(U"h", c)) +
                               0.5 * std::exp(deu->chars.log_prob(U"h", c)));
    EXPECT_NEAR(mix.log_prob(U"h", c), expected, 1e-5);
  }
}

}  // namespace
// Damage that keeps the checksum valid (as a fuzzer's does once it fixes the CRC up):
// misaligned or colliding n-gram entries are refused by load() before or while the table is
// built, never after filling it (which once took 1.7 s of probing for a corrupt file).
class DamagedLanguageModel : public ::testing::Test {
 protected:
  // Offset of the first n-gram entry: magic, version, code "eng", order, two floats, count.
  static constexpr std::size_t kFirstEntry = 8 + 4 + (4 + 3) + 4 + 4 + 4 + 8;

  static std::vector<std::uint8_t> with_crc(std::vector<std::uint8_t> bytes) {
    const std::size_t body = bytes.size() - 4;
    const std::uint32_t crc = crc32_of(bytes.data(), body);
    for (int i = 0; i < 4; ++i) bytes[body + i] = static_cast<std::uint8_t>(crc >> (8 * i));
    return bytes;
  }
  static std::string refusal(const std::vector<std::uint8_t>& bytes) {
    try {
      LanguagePack::from_bytes(bytes, "x.lm");
    } catch (const ModelError& e) {
      return e.what();
    }
    return "";
  }
  // Over 256 n-grams, so a pile-up of keys can exceed the probe limit.
  static LanguagePack big_pack() {
    std::mt19937 random(3);
    std::vector<std::u32string> lines;
    for (int l = 0; l < 40; ++l) {
      std::u32string line;
      for (int c = 0; c < 30; ++c) line += static_cast<char32_t>(U'a' + random() % 20);
      lines.push_back(line);
    }
    return LanguagePack::train("eng", lines, 3, 1, 1);
  }
};

TEST_F(DamagedLanguageModel, MisalignedEntriesAreRefusedAsOutOfOrder) {
  const LanguagePack pack = big_pack();
  ASSERT_GT(pack.chars.size(), 300u);
  std::vector<std::uint8_t> bytes = pack.to_bytes();
  ASSERT_NO_THROW(LanguagePack::from_bytes(bytes, "x.lm"));
  // Four bytes inserted inside the table: every later key is made of a float and half a key.
  bytes.insert(bytes.begin() + kFirstEntry + 16 * 100 + 4, 4, 0);
  EXPECT_NE(refusal(with_crc(bytes)).find("out of order"), std::string::npos) << refusal(with_crc(bytes));
}

TEST_F(DamagedLanguageModel, KeysSharingTheirLowBitsAreRefusedAsColliding) {
  const LanguagePack pack = big_pack();
  std::vector<std::uint8_t> bytes = pack.to_bytes();
  // Ascending keys i << 32: all of them hash to slot 0 of the table.
  for (std::size_t i = 0; i < pack.chars.size(); ++i) {
    const std::uint64_t key = static_cast<std::uint64_t>(i + 1) << 32;
    for (int b = 0; b < 8; ++b) bytes[kFirstEntry + 16 * i + b] = static_cast<std::uint8_t>(key >> (8 * b));
  }
  EXPECT_NE(refusal(with_crc(bytes)).find("collide"), std::string::npos) << refusal(with_crc(bytes));
}

}  // namespace platen
