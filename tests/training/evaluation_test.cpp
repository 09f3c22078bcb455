#include "training/evaluation.h"

#include <gtest/gtest.h>

namespace platen {
namespace {

TEST(Evaluation, CerIsEditsOverReferenceCharacters) {
  ErrorCounts c = score_text("kitten", "sitting");  // k→s, e→i, +g
  EXPECT_EQ(c.char_edits, 3u);
  EXPECT_EQ(c.reference_chars, 6u);
  EXPECT_DOUBLE_EQ(c.cer(), 0.5);
}

TEST(Evaluation, WerIsWordEditsOverReferenceWords) {
  ErrorCounts c = score_text("the cat sat", "the bat sat on");  // cat→bat, +on
  EXPECT_EQ(c.word_edits, 2u);
  EXPECT_EQ(c.reference_words, 3u);
  EXPECT_DOUBLE_EQ(c.wer(), 2.0 / 3.0);
  EXPECT_EQ(c.char_edits, 4u);  // c→b, " on"
  EXPECT_EQ(c.reference_chars, 11u);
}

TEST(Evaluation, ComposedAndDecomposedAccentsAreEqual) {
  ErrorCounts c = score_text("caf\u00e9 \u010desk\u00fd", "cafe\u0301 c\u030cesky\u0301");
  EXPECT_EQ(c.char_edits, 0u);
  EXPECT_EQ(c.reference_chars, 10u);  // code points after NFC
  EXPECT_EQ(c.word_edits, 0u);
}

TEST(Evaluation, WhitespaceRunsFoldAndEndsTrim) {
  ErrorCounts c = score_text("  one\ttwo\n\nthree ", "one two three");
  EXPECT_EQ(c.char_edits, 0u);
  EXPECT_EQ(c.reference_chars, 13u);
  EXPECT_EQ(c.reference_words, 3u);
  // A missing space between words is one character edit but two word edits.
  ErrorCounts d = score_text("one two", "onetwo");
  EXPECT_EQ(d.char_edits, 1u);
  EXPECT_EQ(d.word_edits, 2u);
}

TEST(Evaluation, EmptyReferenceRates) {
  EXPECT_DOUBLE_EQ(score_text("", "").cer(), 0.0);
  EXPECT_DOUBLE_EQ(score_text(" \n", "x").cer(), 1.0);
  EXPECT_DOUBLE_EQ(score_text("", "x y").wer(), 1.0);
}

TEST(Evaluation, TotalsPoolEditsNotRates) {
  Evaluation e;
  e.add("a", "abcd", "abcx");      // 1 / 4
  e.add("b", "ab", "ab");          // 0 / 2
  e.add("c", "xy zz", "xy  zq");   // 1 / 5, words 1 / 2
  ASSERT_EQ(e.files().size(), 3u);
  EXPECT_EQ(e.files()[0].name, "a");
  EXPECT_DOUBLE_EQ(e.files()[0].counts.cer(), 0.25);
  EXPECT_DOUBLE_EQ(e.files()[2].counts.wer(), 0.5);
  EXPECT_EQ(e.total().char_edits, 2u);
  EXPECT_EQ(e.total().reference_chars, 11u);
  EXPECT_DOUBLE_EQ(e.total().cer(), 2.0 / 11.0);
  EXPECT_EQ(e.total().word_edits, 2u);
  EXPECT_EQ(e.total().reference_words, 4u);
}

TEST(Evaluation, AlignmentBacktraceGivesEditOperations) {
  std::vector<AlignedPair> path = align(U"abcd", U"axcde");
  ASSERT_EQ(path.size(), 5u);
  EXPECT_EQ(path[1].ref, U'b');
  EXPECT_EQ(path[1].hyp, U'x');
  EXPECT_EQ(path[4].ref, 0u);
  EXPECT_EQ(path[4].hyp, U'e');
  path = align(U"abc", U"ac");
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path[1].ref, U'b');
  EXPECT_EQ(path[1].hyp, 0u);
  EXPECT_TRUE(align(U"", U"").empty());
}

TEST(Evaluation, ConfusionTableCountsLookAlikeSubstitutions) {
  ConfusionTable t;
  // l→1, 1→l, 0→O, rn→m, ,→., Cyrillic а→Latin a and о→o; plus an unrelated b→d.
  t.add(U"all 10 corn x, \u043c\u0430\u043b\u043e b", U"a1l lO com x. \u043ca\u043bo d");
  EXPECT_EQ(t.total(LookAlike::kStroke), 2u);
  EXPECT_EQ(t.count(LookAlike::kStroke, U"l", U"1"), 1u);
  EXPECT_EQ(t.count(LookAlike::kStroke, U"1", U"l"), 1u);
  EXPECT_EQ(t.total(LookAlike::kRound), 1u);
  EXPECT_EQ(t.count(LookAlike::kRound, U"0", U"O"), 1u);
  EXPECT_EQ(t.total(LookAlike::kRnM), 1u);
  EXPECT_EQ(t.count(LookAlike::kRnM, U"rn", U"m"), 1u);
  EXPECT_EQ(t.total(LookAlike::kCommaPeriod), 1u);
  EXPECT_EQ(t.count(LookAlike::kCommaPeriod, U",", U"."), 1u);
  EXPECT_EQ(t.total(LookAlike::kLatinCyrillic), 2u);
  EXPECT_EQ(t.count(LookAlike::kLatinCyrillic, U"\u0430", U"a"), 1u);
  EXPECT_EQ(t.count(LookAlike::kLatinCyrillic, U"\u043e", U"o"), 1u);

  ConfusionTable u;
  u.add(U"modem", U"rnodem");  // m→rn at the start
  u.add(U"I", U"|");
  t.merge(u);
  EXPECT_EQ(t.count(LookAlike::kRnM, U"m", U"rn"), 1u);
  EXPECT_EQ(t.total(LookAlike::kRnM), 2u);
  EXPECT_EQ(t.total(LookAlike::kStroke), 3u);
  EXPECT_EQ(t.unaligned(), 0u);
}

TEST(Evaluation, EvaluationCollectsConfusionsAfterNormalising) {
  Evaluation e;
  e.add("x", "Il  O", "ll\nO");  // I→l after whitespace folding
  EXPECT_EQ(e.confusions().count(LookAlike::kStroke, U"I", U"l"), 1u);
  EXPECT_EQ(e.total().char_edits, 1u);
}

}  // namespace
}  // namespace platen

namespace platen {
namespace {

TEST(Evaluation, CountsWordsMixingLatinAndCyrillic) {
  // "кoт" with a Latin o mixes; "кот", "cat" and digits do not. Words are runs between
  // spaces, so "NATO-шный" is one mixed word, "NATO шный" two plain ones.
  EXPECT_EQ(mixed_script_words(U"\u043ao\u0442 \u043a\u043e\u0442 cat 12"), 1u);
  EXPECT_EQ(mixed_script_words(U"NATO-\u0448\u043d\u044b\u0439"), 1u);
  EXPECT_EQ(mixed_script_words(U"NATO \u0448\u043d\u044b\u0439 1938"), 0u);
  EXPECT_EQ(mixed_script_words(U""), 0u);
  Evaluation eval;
  eval.add("a", "\u043a\u043e\u0442 \u0434\u043e\u043c", "\u043ao\u0442 \u0434o\u043c");
  eval.add("b", "cat", "cat");
  EXPECT_EQ(eval.mixed_script_hypothesis_words(), 2u);
  EXPECT_EQ(eval.mixed_script_reference_words(), 0u);
}

}  // namespace
}  // namespace platen
