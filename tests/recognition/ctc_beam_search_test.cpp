// The CTC beam search: with and without a language model, its script, case and digit rules,
// its pruning, and the script evidence it starts a line from.
#include "recognition/ctc_beam_search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <limits>
#include <memory>
#include <random>

#include "core/errors.h"
#include "english_lines.h"
#include "recognition/alphabet.h"
#include "recognition/ctc.h"
#include "recognition/language_model.h"
#include "recognition/language_pack.h"
#include "recognition/script_evidence.h"
#include "recognition/word_list.h"

namespace platen {
namespace {

using test::kEnglish;

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
}  // namespace platen
