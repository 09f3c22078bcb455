#include "recognition/char_ngram_model.h"
#include "recognition/ctc_beam_search.h"
#include "recognition/language_model.h"
#include "recognition/language_model_folder.h"
#include "recognition/language_pack.h"
#include "recognition/script_evidence.h"
#include "recognition/word_list.h"

#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <limits>
#include <memory>
#include <random>
#include <set>

#include "core/binary_io.h"
#include "core/errors.h"
#include "recognition/alphabet.h"
#include "recognition/ctc.h"
#include "test_paths.h"

namespace platen {
namespace {

const std::vector<std::u32string> kEnglish = {
    U"hello world",         U"the little bell rang all day",  U"hello again, hello",
    U"all is well",         U"tell me a tale",                U"the small hall",
    U"we will fill it all", U"hello there, little fellow",    U"a yellow balloon",
};

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

// ---- beam search -------------------------------------------------------------------------

/// T×C log posteriors with `peak` on each frame's class and the rest shared evenly, except
/// where `split` gives two classes their own probabilities.
struct Posteriors {
  int classes;
  std::vector<float> log_probs;
  void frame(int best, double peak = 0.97) {
    double rest = (1 - peak) / (classes - 1);
    for (int c = 0; c < classes; ++c) log_probs.push_back(static_cast<float>(std::log(c == best ? peak : rest)));
  }
  void split(int a, double pa, int b, double pb) {
    double rest = (1 - pa - pb) / (classes - 2);
    for (int c = 0; c < classes; ++c)
      log_probs.push_back(static_cast<float>(std::log(c == a ? pa : c == b ? pb : rest)));
  }
  int frames() const { return static_cast<int>(log_probs.size()) / classes; }
};

/// Frames for `text`: each symbol on one frame, followed by a blank frame.
void spell(Posteriors& p, const Alphabet& alphabet, const std::u32string& text) {
  for (char32_t c : text) {
    p.frame(alphabet.index_of(c));
    p.frame(kCtcBlank);
  }
}

std::u32string best_path_text(const Posteriors& p, const Alphabet& alphabet) {
  std::u32string text;
  for (const DecodedSymbol& d : ctc_best_path(p.log_probs.data(), p.frames(), p.classes))
    text.push_back(alphabet.symbol(d.label));
  return text;
}

/// Beam options with the case and digit rules off: without a language model the beam then
/// reads what the image says.
LmDecodeOptions image_alone() {
  LmDecodeOptions options;
  options.case_switch_penalty = 0;
  options.digit_context_penalty = 0;
  return options;
}

TEST(BeamSearch, WithoutLanguageModelEqualsBestPathOnPeakedPosteriors) {
  Alphabet alphabet(U" abcdefghijklmnopqrstuvwxyz.,1");
  const int C = alphabet.size();
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> pick(0, C - 1);
  std::uniform_real_distribution<double> peak(0.6, 0.99);
  for (int trial = 0; trial < 20; ++trial) {
    Posteriors p{C, {}};
    for (int t = 0; t < 60; ++t) p.frame(t % 3 == 0 ? kCtcBlank : pick(rng), peak(rng));
    std::vector<float> confidences;
    LmDecodeOptions options = image_alone();
    std::u32string text = beam_search(p.log_probs.data(), p.frames(), C, alphabet, nullptr, options, &confidences);
    EXPECT_EQ(text, best_path_text(p, alphabet)) << "trial " << trial;
    ASSERT_EQ(confidences.size(), text.size());
    std::vector<DecodedSymbol> greedy = ctc_best_path(p.log_probs.data(), p.frames(), C);
    for (std::size_t i = 0; i < greedy.size() && i < confidences.size(); ++i)
      EXPECT_NEAR(confidences[i], greedy[i].confidence, 1e-5);
  }
  EXPECT_TRUE(beam_search(nullptr, 0, C, alphabet, nullptr, {}, nullptr).empty());
  EXPECT_THROW(beam_search(nullptr, 0, C + 1, alphabet, nullptr, {}, nullptr), std::invalid_argument);
}

TEST(BeamSearch, LanguageModelResolvesAmbiguousOneVersusEll) {
  Alphabet alphabet(U" abcdefghijklmnopqrstuvwxyz.,1");
  LanguageModel lm(std::make_shared<LanguagePack>(LanguagePack::train("eng", kEnglish, 5, 1)));
  Posteriors p{alphabet.size(), {}};
  spell(p, alphabet, U"hel");
  p.split(alphabet.index_of(U'1'), 0.52, alphabet.index_of(U'l'), 0.46);  // the second 'l'
  p.frame(kCtcBlank);
  spell(p, alphabet, U"o");
  EXPECT_EQ(best_path_text(p, alphabet), U"hel1o");
  LmDecodeOptions options = image_alone();
  EXPECT_EQ(beam_search(p.log_probs.data(), p.frames(), p.classes, alphabet, nullptr, options, nullptr), U"hel1o");
  std::vector<float> confidences;
  EXPECT_EQ(beam_search(p.log_probs.data(), p.frames(), p.classes, alphabet, &lm, options, &confidences),
            U"hello");
  ASSERT_EQ(confidences.size(), 5u);
  EXPECT_NEAR(confidences[3], 0.46, 1e-4);  // the image's word for the symbol chosen
  EXPECT_NEAR(confidences[0], 0.97, 1e-4);
}

TEST(BeamSearch, WordListBonusBreaksATie) {
  Alphabet alphabet(U" abcdefghijklmnopqrstuvwxyz");
  // Both readings are equally likely to the image and to the (flat) character model.
  auto pack = std::make_shared<LanguagePack>();
  pack->language = "x";
  pack->chars = CharLanguageModel::train({U"a"}, 1);
  pack->words.add(U"cot");
  LanguageModel lm(pack);
  Posteriors p{alphabet.size(), {}};
  spell(p, alphabet, U"co");
  p.split(alphabet.index_of(U'd'), 0.48, alphabet.index_of(U't'), 0.48);
  p.frame(kCtcBlank);
  LmDecodeOptions options;
  EXPECT_EQ(beam_search(p.log_probs.data(), p.frames(), p.classes, alphabet, &lm, options, nullptr), U"cot");
  pack->words = WordList();
  pack->words.add(U"cod");
  EXPECT_EQ(beam_search(p.log_probs.data(), p.frames(), p.classes, alphabet, &lm, options, nullptr), U"cod");
}

TEST(BeamSearch, MixedScriptWordComesOutInOneScript) {
  // Latin o (U+006F) and Cyrillic о (U+043E) look the same on a typewriter.
  Alphabet alphabet(U" abcdefghijklmnopqrstuvwxyz\u0430\u0431\u0432\u0433\u0434\u0435\u043a\u043b"
                    U"\u043c\u043d\u043e\u043f\u0440\u0441\u0442");
  const int latin_o = alphabet.index_of(U'o'), cyrillic_o = alphabet.index_of(U'\u043e');
  // "кот" whose middle frame slightly prefers the Latin letter.
  Posteriors p{alphabet.size(), {}};
  spell(p, alphabet, U"\u043a");
  p.split(latin_o, 0.55, cyrillic_o, 0.43);
  p.frame(kCtcBlank);
  spell(p, alphabet, U"\u0442 dog");
  EXPECT_EQ(best_path_text(p, alphabet), U"\u043ao\u0442 dog");
  LmDecodeOptions options;
  EXPECT_EQ(beam_search(p.log_probs.data(), p.frames(), p.classes, alphabet, nullptr, options, nullptr),
            U"\u043a\u043e\u0442 dog");
  // In a Latin word the same frame stays Latin, even when it leans Cyrillic.
  Posteriors q{alphabet.size(), {}};
  spell(q, alphabet, U"d");
  q.split(cyrillic_o, 0.55, latin_o, 0.43);
  q.frame(kCtcBlank);
  spell(q, alphabet, U"g");
  EXPECT_EQ(beam_search(q.log_probs.data(), q.frames(), q.classes, alphabet, nullptr, options, nullptr), U"dog");
  // The image can still insist: when it rules the Cyrillic letter out, the mixed word stands.
  Posteriors r{alphabet.size(), {}};
  spell(r, alphabet, U"\u043a");
  r.frame(latin_o, 0.99999);
  r.frame(kCtcBlank);
  spell(r, alphabet, U"\u0442");
  EXPECT_EQ(beam_search(r.log_probs.data(), r.frames(), r.classes, alphabet, nullptr, options, nullptr),
            U"\u043ao\u0442");
}

// ---- script, case and digit rules --------------------------------------------------------

/// Latin and Cyrillic in both cases, digits and a few marks, as a model of both scripts has.
const Alphabet& two_script_alphabet() {
  static const Alphabet alphabet(
      U" .abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      U"\u0430\u0431\u0432\u0433\u0434\u0435\u0436\u0437\u0438\u043a\u043b\u043c\u043d\u043e"
      U"\u043f\u0440\u0441\u0442\u0443\u0444\u0445\u0446\u0447\u0448\u044b\u044c\u044f"
      U"\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425");
  return alphabet;
}

/// Posteriors spelling `text`, where each symbol of `text` that has an entry in `doubt` is a
/// frame split between the image's choice (doubt's value, probability `lead`) and the
/// symbol itself (`trail`).
Posteriors spelt_with_doubts(const Alphabet& alphabet, const std::u32string& text,
                             const std::u32string& from, const std::u32string& to, double lead,
                             double trail) {
  Posteriors p{alphabet.size(), {}};
  for (char32_t c : text) {
    const std::size_t at = from.find(c);
    if (at == std::u32string::npos) {
      p.frame(alphabet.index_of(c));
    } else {
      p.split(alphabet.index_of(to[at]), lead, alphabet.index_of(c), trail);
    }
    p.frame(kCtcBlank);
  }
  return p;
}

std::u32string beam_text(const Posteriors& p, const Alphabet& alphabet, const LmDecodeOptions& options,
                         const LanguageModel* lm = nullptr) {
  return beam_search(p.log_probs.data(), p.frames(), p.classes, alphabet, lm, options, nullptr);
}

TEST(BeamSearchScript, AWordOfTwinsTakesTheScriptOfItsLine) {
  const Alphabet& alphabet = two_script_alphabet();
  // "дом НС был": the image leans to Latin H and C (0.55 against 0.43) in the middle word.
  const Posteriors p = spelt_with_doubts(alphabet, U"\u0434\u043e\u043c \u041d\u0421 \u0431\u044b\u043b",
                                         U"\u041d\u0421", U"HC", 0.55, 0.43);
  LmDecodeOptions off = image_alone();
  off.script_switch_penalty = 0;
  EXPECT_EQ(beam_text(p, alphabet, off), U"\u0434\u043e\u043c HC \u0431\u044b\u043b");
  EXPECT_EQ(beam_text(p, alphabet, image_alone()), U"\u0434\u043e\u043c \u041d\u0421 \u0431\u044b\u043b");
  // The line's first word has no neighbour before it: the line's own letters decide.
  const Posteriors q = spelt_with_doubts(alphabet, U"\u041d\u0421 \u0431\u044b\u043b \u0434\u043e\u043c",
                                         U"\u041d\u0421", U"HC", 0.55, 0.43);
  EXPECT_EQ(beam_text(q, alphabet, image_alone()), U"\u041d\u0421 \u0431\u044b\u043b \u0434\u043e\u043c");
}

TEST(BeamSearchScript, ALatinAcronymTheNetworkIsSureOfStaysLatinInRussian) {
  const Alphabet& alphabet = two_script_alphabet();
  // "дом TOP был" with T, O, P at 0.97 Latin; the Cyrillic twins share what is left.
  const Posteriors p = spelt_with_doubts(alphabet, U"\u0434\u043e\u043c TOP \u0431\u044b\u043b", U"", U"", 0, 0);
  EXPECT_EQ(beam_text(p, alphabet, image_alone()), U"\u0434\u043e\u043c TOP \u0431\u044b\u043b");
  // A Roman numeral stays Latin even where the image cannot tell: "в XX веке".
  const Posteriors q = spelt_with_doubts(alphabet, U"\u0432 XX \u0432\u0435\u043a\u0435", U"X",
                                         U"\u0425", 0.43, 0.55);
  EXPECT_EQ(beam_text(q, alphabet, image_alone()), U"\u0432 XX \u0432\u0435\u043a\u0435");
}

TEST(BeamSearchScript, AnEnglishHeadingOfTwinLettersStaysLatin) {
  const Alphabet& alphabet = two_script_alphabet();
  // "the TOP" with each capital leaning Cyrillic (0.55 against 0.43): the line is Latin.
  const Posteriors p = spelt_with_doubts(alphabet, U"the TOP", U"TOP", U"\u0422\u041e\u0420", 0.55, 0.43);
  EXPECT_EQ(beam_text(p, alphabet, image_alone()), U"the TOP");
}

TEST(BeamSearchScript, ScriptEvidenceCountsOnlyLettersWithoutTwins) {
  const Alphabet& alphabet = two_script_alphabet();
  // "Но дом": Н and о have Latin twins, д and м do not; "HC OK" is all twins.
  const Posteriors russian = spelt_with_doubts(alphabet, U"\u041d\u043e \u0434\u043e\u043c", U"", U"", 0, 0);
  const ScriptEvidence r = script_evidence(russian.log_probs.data(), russian.frames(), russian.classes, alphabet);
  EXPECT_EQ(r.cyrillic, 2);
  EXPECT_EQ(r.latin, 0);
  EXPECT_EQ(r.script(), 2);
  const Posteriors twins = spelt_with_doubts(alphabet, U"HC OK", U"", U"", 0, 0);
  const ScriptEvidence t = script_evidence(twins.log_probs.data(), twins.frames(), twins.classes, alphabet);
  EXPECT_EQ(t.latin + t.cyrillic, 0);
  EXPECT_EQ(t.script(), 0);
  const Posteriors english = spelt_with_doubts(alphabet, U"dog", U"", U"", 0, 0);
  EXPECT_EQ(script_evidence(english.log_probs.data(), english.frames(), english.classes, alphabet).script(), 1);
  EXPECT_THROW(script_evidence(english.log_probs.data(), english.frames(), english.classes - 1, alphabet),
               std::invalid_argument);
}

TEST(BeamSearchScript, ALineOfTwinsAloneTakesTheScriptGivenForItsPage) {
  const Alphabet& alphabet = two_script_alphabet();
  // A line holding only "а" (the image leaning Cyrillic, 0.55 against 0.43): by itself it has
  // no evidence, so it reads as the image leans; on a Latin page (line_script 1, what the
  // recognizer passes when the page's other lines are Latin) it is the Latin a, and on a
  // Russian page the Cyrillic а.
  const Posteriors p = spelt_with_doubts(alphabet, U"a", U"a", U"\u0430", 0.55, 0.43);
  EXPECT_EQ(beam_text(p, alphabet, image_alone()), U"\u0430");
  LmDecodeOptions latin_page = image_alone();
  latin_page.line_script = 1;
  EXPECT_EQ(beam_text(p, alphabet, latin_page), U"a");
  const Posteriors q = spelt_with_doubts(alphabet, U"\u0430", U"\u0430", U"a", 0.55, 0.43);
  LmDecodeOptions russian_page = image_alone();
  russian_page.line_script = 2;
  EXPECT_EQ(beam_text(q, alphabet, russian_page), U"\u0430");
  EXPECT_EQ(beam_text(q, alphabet, image_alone()), U"a");
}

TEST(BeamSearchCase, TheLanguageModelDoesNotPullCapitalsToLowerCase) {
  const Alphabet& alphabet = two_script_alphabet();
  // Text where the capital C is rare: on its own, the model makes a doubtful capital small.
  LanguageModel lm(std::make_shared<LanguagePack>(LanguagePack::train(
      "eng", {U"Cows eat grass", U"cows sleep", U"cows walk", U"cows eat", U"cows eat hay"}, 4, 1)));
  // "Cows eat" with the image leaning (0.6) to the capital C, and a code "SOS 12" whose
  // capitals lean (0.55) against their small twins.
  const Posteriors p = spelt_with_doubts(alphabet, U"cows eat", U"c", U"C", 0.6, 0.38);
  LmDecodeOptions cased;
  cased.case_blind_letters = false;
  EXPECT_EQ(beam_text(p, alphabet, cased, &lm), U"cows eat");
  EXPECT_EQ(beam_text(p, alphabet, LmDecodeOptions{}, &lm), U"Cows eat");
  const Posteriors q = spelt_with_doubts(alphabet, U"sos 12", U"so", U"SO", 0.55, 0.43);
  EXPECT_EQ(beam_text(q, alphabet, LmDecodeOptions{}, &lm), U"SOS 12");
  // Within a word the case does not flip on a doubt: "SOs" pays for its switch.
  const Posteriors r = spelt_with_doubts(alphabet, U"SOs", U"s", U"s", 0.55, 0.43);
  EXPECT_EQ(beam_text(spelt_with_doubts(alphabet, U"SOS", U"S", U"s", 0.45, 0.53), alphabet, LmDecodeOptions{}), U"SOS");
  EXPECT_EQ(beam_text(r, alphabet, LmDecodeOptions{}), U"SOs");  // the image is sure of its s
}

TEST(BeamSearchDigits, NumbersKeepTheirDigitsAndWordsTheirLetters) {
  const Alphabet& alphabet = two_script_alphabet();
  // "1938" whose first frame leans to l, "cool" whose second leans to 0.
  const Posteriors year = spelt_with_doubts(alphabet, U"1938", U"1", U"l", 0.55, 0.43);
  const Posteriors word = spelt_with_doubts(alphabet, U"cool", U"o", U"0", 0.55, 0.43);
  EXPECT_EQ(beam_text(year, alphabet, image_alone()), U"l938");
  EXPECT_EQ(beam_text(word, alphabet, image_alone()), U"c00l");
  EXPECT_EQ(beam_text(year, alphabet, LmDecodeOptions{}), U"1938");
  EXPECT_EQ(beam_text(word, alphabet, LmDecodeOptions{}), U"cool");
  // Where the image is sure, the rule yields: a model number "A10".
  EXPECT_EQ(beam_text(spelt_with_doubts(alphabet, U"A10", U"", U"", 0, 0), alphabet, LmDecodeOptions{}), U"A10");
}

TEST(BeamSearch, PruningKeepsTheTextOfTheFullSearch) {
  // Posteriors shaped like the network's: each symbol on one to three frames, with part of
  // the mass on the blank and on another class, often with an edge frame on either side
  // where the blank has 0.9-0.999; between symbols, blank frames leaking 1e-6 to 0.1 to a
  // random class. A third of the lines are misspelt so that the language model has work.
  Alphabet alphabet(U" abcdefghijklmnopqrstuvwxyz.,1");
  const int C = alphabet.size();
  LanguageModel lm(std::make_shared<LanguagePack>(LanguagePack::train("eng", kEnglish, 5, 1)));
  std::mt19937 rng(23);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<int> any_class(1, C - 1);
  LmDecodeOptions full;
  full.blank_log_prob = 0;
  full.score_margin = std::numeric_limits<double>::infinity();
  const LmDecodeOptions pruned;
  for (int trial = 0; trial < 40; ++trial) {
    std::u32string text = kEnglish[trial % kEnglish.size()];
    if (trial % 3 == 0) text[rng() % text.size()] = alphabet.symbol(any_class(rng));
    Posteriors p{C, {}};
    // One frame: `share` on `label`, the rest on the blank (`to_blank` of it) and on a
    // random class, less 1e-6 spread over all classes.
    auto frame = [&](int label, double share, double to_blank) {
      std::vector<double> mass(C, 1e-6 / C);
      const double rest = 1 - 1e-6 - share;
      mass[label] += share;
      mass[kCtcBlank] += rest * to_blank;
      mass[any_class(rng)] += rest * (1 - to_blank);
      for (double m : mass) p.log_probs.push_back(static_cast<float>(std::log(m)));
    };
    for (char32_t c : text) {
      const int label = alphabet.index_of(c);
      if (unit(rng) < 0.5) frame(label, 0.001 + 0.099 * unit(rng), 1.0);
      for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k)
        frame(label, 0.4 + 0.599 * unit(rng), 0.7);
      if (unit(rng) < 0.5) frame(label, 0.001 + 0.099 * unit(rng), 1.0);
      for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k)
        frame(kCtcBlank, 1 - std::pow(10.0, -1 - 5 * unit(rng)), 0.0);
    }
    std::vector<float> full_confidences, pruned_confidences;
    const std::u32string expected =
        beam_search(p.log_probs.data(), p.frames(), C, alphabet, &lm, full, &full_confidences);
    const std::u32string got =
        beam_search(p.log_probs.data(), p.frames(), C, alphabet, &lm, pruned, &pruned_confidences);
    EXPECT_EQ(got, expected) << "trial " << trial;
    if (got == expected) {
      EXPECT_EQ(pruned_confidences, full_confidences);
    }
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
