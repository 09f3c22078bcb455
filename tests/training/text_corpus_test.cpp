#include "training/text_corpus.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/text.h"
#include "recognition/alphabet.h"
#include "test_paths.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::size_t code_points(const std::string& s) { return utf8_to_utf32(s).size(); }

bool contains_any(const std::vector<std::string>& lines, const std::u32string& chars) {
  for (const auto& l : lines)
    for (char32_t c : utf8_to_utf32(l))
      if (chars.find(c) != std::u32string::npos) return true;
  return false;
}

TEST(FitToAlphabet, FoldsSpacesAndReplacesLookAlikes) {
  const Alphabet alphabet = Alphabet::standard();
  EXPECT_EQ(fit_to_alphabet("  a\u00A0\tb\u2009c  ", alphabet), "a b c");
  EXPECT_EQ(fit_to_alphabet("Zeit\u00ADung", alphabet), "Zeitung");            // soft hyphen
  EXPECT_EQ(fit_to_alphabet("S\u2011A \u2212 5", alphabet), "S-A - 5");         // non-breaking hyphen, minus
  EXPECT_EQ(fit_to_alphabet("Rӓume schӧn", alphabet), "Räume schön");           // Cyrillic look-alikes
  EXPECT_EQ(fit_to_alphabet("Ка\u0301ша", alphabet), "Каша");                   // stress accent
  EXPECT_EQ(fit_to_alphabet("Cafe\u0301", alphabet), "Café");                   // NFC composes
  EXPECT_FALSE(fit_to_alphabet("日本語", alphabet));
  EXPECT_FALSE(fit_to_alphabet("   ", alphabet));
}

TEST(FitToAlphabet, SubstitutesOnlyWhatTheAlphabetLacks) {
  const Alphabet with_ellipsis(U"ab …");
  const Alphabet without(U"ab .");
  EXPECT_EQ(fit_to_alphabet("a…b", with_ellipsis), "a…b");
  EXPECT_EQ(fit_to_alphabet("a…b", without), "a...b");
  EXPECT_FALSE(fit_to_alphabet("abc", without));
}

TEST(SymbolsOutsideAlphabet, ListsWhatFitToAlphabetRefusesOnceInOrder) {
  const Alphabet alphabet(U"ab .");
  EXPECT_EQ(symbols_outside_alphabet("ab ba", alphabet), U"");
  EXPECT_EQ(symbols_outside_alphabet("a…b", alphabet), U"");          // replaced by "..."
  EXPECT_EQ(symbols_outside_alphabet("a\u00A0b", alphabet), U"");     // a space
  EXPECT_EQ(symbols_outside_alphabet("őaßőb", alphabet), U"őß");
  EXPECT_EQ(symbols_outside_alphabet("o\u030B", alphabet), U"ő");     // after NFC
  EXPECT_FALSE(fit_to_alphabet("őaßőb", alphabet));
  EXPECT_EQ(fit_to_alphabet("őaßőb", Alphabet(U"ab .őß")), "őaßőb");
}

TEST(WrapText, LinesStayWithinBoundsAndKeepTheWords) {
  std::mt19937 rng(3);
  std::string text;
  for (int i = 0; i < 300; ++i) text += "wort" + std::to_string(i) + (i % 7 == 0 ? "ßchen " : " ");
  const auto lines = wrap_text(text, 20, 70, rng, 0.0);
  ASSERT_GT(lines.size(), 20u);
  std::string joined;
  for (const auto& l : lines) {
    EXPECT_GE(code_points(l), 20u) << l;
    EXPECT_LE(code_points(l), 70u) << l;
    joined += (joined.empty() ? "" : " ") + l;
  }
  // Without hyphenation, every word arrives whole and in order (the short tail may be cut).
  EXPECT_EQ(text.compare(0, joined.size(), joined), 0);
}

TEST(WrapText, HyphenatedLinesEndInAHyphen) {
  std::mt19937 rng(5);
  std::string text;
  for (int i = 0; i < 400; ++i) text += "Verwaltungsbehörde ";
  int hyphenated = 0;
  for (const auto& l : wrap_text(text, 20, 70, rng, 1.0)) {
    EXPECT_LE(code_points(l), 70u);
    if (l.back() == '-') ++hyphenated;
  }
  EXPECT_GT(hyphenated, 10);
}

TEST(ReadFortunes, SplitsAtPercentLinesAndFoldsWhitespace) {
  const fs::path dir = test::make_temp_dir();
  write_bytes(dir / "f", "Erste Zeile\nzweite Zeile.\n\t\t-- Autor\n%\nNoch eins.\n%\n"
                         "  ___  \n /o o\\ \n |___| ##\n%\n");
  const auto fortunes = read_fortunes((dir / "f").string());
  ASSERT_EQ(fortunes.size(), 2u);  // the ASCII-art one is dropped
  EXPECT_EQ(fortunes[0], "Erste Zeile zweite Zeile. -- Autor");
  EXPECT_EQ(fortunes[1], "Noch eins.");
}

TEST(ReadHunspellWords, StripsCountFlagsAndMorphology) {
  const fs::path dir = test::make_temp_dir();
  write_bytes(dir / "xx.aff", "SET UTF-8\n");
  write_bytes(dir / "xx.dic", "5\nkůň/AB\nüzér/1\t1\n1er/-- po:adj\nžena po:noun\n-ová\n");
  EXPECT_EQ(read_hunspell_words((dir / "xx.dic").string()),
            (std::vector<std::string>{"kůň", "üzér", "žena"}));
}

TEST(ReadHunspellWords, ConvertsTheEncodingNamedInTheAffFile) {
  const fs::path dir = test::make_temp_dir();
  write_bytes(dir / "pl.aff", "SET ISO8859-2\n");
  write_bytes(dir / "pl.dic", "1\n\xBF\xF3\xB3w/X\n");  // "żółw" in ISO-8859-2
  EXPECT_EQ(read_hunspell_words((dir / "pl.dic").string()), (std::vector<std::string>{"żółw"}));
}

TEST(SyntheticLine, CarriesNumbersAndArchiveMatter) {
  std::mt19937 rng(11);
  const std::vector<std::string> words = {"Bericht", "Gemeinde", "Polizei", "Kanzlei"};
  int with_digit = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string line = synthetic_line(words, "de", 50, rng);
    EXPECT_FALSE(line.empty());
    with_digit += line.find_first_of("0123456789") != std::string::npos;
  }
  EXPECT_GT(with_digit, 100);
}

TEST(ReadTextLines, SkipsBlankLinesAndRejectsBadUtf8) {
  const fs::path dir = test::make_temp_dir();
  write_bytes(dir / "ok.txt", "\xEF\xBB\xBF" "eins\r\n\n  \nzwei drei\n");
  EXPECT_EQ(read_text_lines((dir / "ok.txt").string()), (std::vector<std::string>{"eins", "zwei drei"}));
  write_bytes(dir / "bad.txt", "gut\nschl\xE9" "cht\n");
  EXPECT_THROW(read_text_lines((dir / "bad.txt").string()), DataError);
  EXPECT_THROW(read_text_lines((dir / "missing.txt").string()), DataError);
}

/// A tiny fortune tree and two word lists, so the corpus tests run in milliseconds.
CorpusOptions tiny_sources(const fs::path& dir) {
  fs::create_directories(dir / "fortunes" / "de");
  fs::create_directories(dir / "hunspell");
  write_bytes(dir / "fortunes" / "fortunes",
              "The quick brown fox jumps over the lazy dog near the river bank.\n%\n"
              "A penny saved is a penny earned, said the old man to his grandson.\n%\n");
  write_bytes(dir / "fortunes" / "de" / "zitate",
              "Wer anderen eine Grube gräbt, fällt selbst hinein, sagt man.\n%\n");
  write_bytes(dir / "hunspell" / "da_DK.aff", "SET UTF-8\n");
  write_bytes(dir / "hunspell" / "da_DK.dic", "4\nhøst/A\nkøbenhavn\nåbning/B\nærlig\n");
  write_bytes(dir / "hunspell" / "uk_UA.aff", "SET UTF-8\n");
  write_bytes(dir / "hunspell" / "uk_UA.dic", "4\nїжак/A\nґанок\nєдність/B\nмісто\n");
  CorpusOptions o;
  o.fortune_dir = (dir / "fortunes").string();
  o.hunspell_dir = (dir / "hunspell").string();
  o.lines = 300;
  return o;
}

TEST(BuildCorpus, IsAFunctionOfSourcesAndSeed) {
  const fs::path dir = test::make_temp_dir();
  CorpusOptions o = tiny_sources(dir);
  const Alphabet alphabet = Alphabet::standard();
  const Corpus a = build_corpus(o, alphabet), b = build_corpus(o, alphabet);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_FALSE(a.notes.empty());  // the missing languages are reported
  o.seed = 2;
  EXPECT_NE(build_corpus(o, alphabet).lines, a.lines);
  // No duplicates.
  EXPECT_EQ(std::set<std::string>(a.lines.begin(), a.lines.end()).size(), a.lines.size());
}

TEST(BuildCorpus, IncludesGroundTruthLines) {
  const fs::path dir = test::make_temp_dir();
  CorpusOptions o = tiny_sources(dir);
  fs::create_directories(dir / "gt");
  write_bytes(dir / "gt" / "line-001.gt.txt", "Strážmistr Miroslav Humplík konal službu.\n");
  write_bytes(dir / "gt" / "line-001.jpg", "not text");
  o.ground_truth_dirs = {(dir / "gt").string()};
  const Corpus c = build_corpus(o, Alphabet::standard());
  EXPECT_NE(std::find(c.lines.begin(), c.lines.end(), "Strážmistr Miroslav Humplík konal službu."), c.lines.end());
  EXPECT_EQ(c.lines_by_source.at("ground-truth"), 1u);
  o.ground_truth_dirs = {(dir / "nowhere").string()};
  EXPECT_THROW(build_corpus(o, Alphabet::standard()), DataError);
}

TEST(GroundTruthLanguage, NameTagsFirstThenFunctionWords) {
  const std::vector<std::string> czech = {"Byl jsem v táboře, který se nacházel u Olomouce,",
                                          "a také jsme tam byli dva měsíce, než přišel transport."};
  const std::vector<std::string> slovak = {"Bol som v tábore, ktorý sa nachádzal pri Nitre,",
                                           "a aj sme tam boli ešte dva mesiace, už bez jedla."};
  const std::vector<std::string> english = {"The report of the legation was sent to the ministry,",
                                            "which has not yet replied to this letter."};
  EXPECT_EQ(document_language(czech), "cs");
  EXPECT_EQ(document_language(slovak), "sk");
  EXPECT_EQ(document_language(english), "en");
  EXPECT_EQ(document_language({"Что это было, он не знал, но это было только начало."}), "ru");
  EXPECT_EQ(document_language({"Що це було, він не знав, але це було вже після війни."}), "uk");
  EXPECT_EQ(document_language({"1938 12.3. Nr. 17"}), "");
  // A tag in the name wins over the text; untagged names fall back to the text.
  EXPECT_EQ(ground_truth_language("ehri-EHRI-DR-19410127-DK_01-6a9e8e", english), "da");
  EXPECT_EQ(ground_truth_language("ehri-EHRI-DR-19390125-US_02-bfe05b", czech), "en");
  EXPECT_EQ(ground_truth_language("ehri-EHRI-BF-19380421e_SK_02-706506", czech), "sk");
  EXPECT_EQ(ground_truth_language("tapus-8_62d69_default-fd3164", english), "fr");
  EXPECT_EQ(ground_truth_language("ehri-EHRI-ET-JMP018_01-2e4376", czech), "cs");
  EXPECT_EQ(corpus_language_code("ces"), "cs");
  EXPECT_EQ(corpus_language_code("cs"), "cs");
  EXPECT_EQ(corpus_language_code("xyz"), "");
  EXPECT_EQ(corpus_languages().size(), 12u);
}

TEST(BuildCorpus, OneLanguageTakesOnlyItsSourcesAndDocuments) {
  const fs::path dir = test::make_temp_dir();
  CorpusOptions o = tiny_sources(dir);
  fs::create_directories(dir / "gt");
  // An untagged Czech document of two lines (its language is read from the text as a whole)
  // and a tagged German one.
  write_bytes(dir / "gt" / "ehri-EHRI-ET-JMP001_01-aaaaaa-000.gt.txt", "Byl jsem v táboře, který se\n");
  write_bytes(dir / "gt" / "ehri-EHRI-ET-JMP001_01-aaaaaa-001.gt.txt", "nacházel u Olomouce, a také jsme tam byli.\n");
  write_bytes(dir / "gt" / "ehri-EHRI-BF-19381105_DE_01-bbbbbb-000.gt.txt", "An das Amt des Reichsstatthalters\n");
  o.ground_truth_dirs = {(dir / "gt").string()};
  o.language = "deu";
  const Corpus german = build_corpus(o, Alphabet::standard());
  for (const auto& [source, n] : german.lines_by_source)
    EXPECT_TRUE(source == "fortunes:de" || source == "ground-truth") << source;
  EXPECT_EQ(german.lines_by_source.at("ground-truth"), 1u);
  EXPECT_NE(std::find(german.lines.begin(), german.lines.end(), "An das Amt des Reichsstatthalters"),
            german.lines.end());
  // Transcriptions only: both Czech lines, nothing generated.
  o.language = "cs";
  o.lines = 0;
  const Corpus czech = build_corpus(o, Alphabet::standard());
  EXPECT_EQ(czech.lines.size(), 2u);
  EXPECT_EQ(czech.lines_by_source.at("ground-truth"), 2u);
  // A language without transcriptions gives an empty corpus and says so.
  o.language = "ukr";
  const Corpus none = build_corpus(o, Alphabet::standard());
  EXPECT_TRUE(none.lines.empty());
  EXPECT_FALSE(none.notes.empty());
  o.language = "xx";
  EXPECT_THROW(build_corpus(o, Alphabet::standard()), std::invalid_argument);
}

TEST(BuildCorpus, InstalledSourcesCoverLatinDiacriticsAndCyrillic) {
  if (!fs::exists("/usr/share/games/fortunes/ru") || !fs::exists("/usr/share/hunspell/uk_UA.dic"))
    GTEST_SKIP() << "fortunes or hunspell dictionaries not installed";
  CorpusOptions o;
  o.lines = 6000;
  const Alphabet alphabet = Alphabet::standard();
  const Corpus c = build_corpus(o, alphabet);
  ASSERT_GT(c.lines.size(), 5000u);
  std::size_t cyrillic = 0;
  for (const auto& l : c.lines) {
    const std::u32string u = utf8_to_utf32(l);
    for (char32_t ch : u) ASSERT_GE(alphabet.index_of(ch), 0) << "U+" << std::hex << static_cast<unsigned>(ch) << " in " << l;
    EXPECT_LE(u.size(), 70u) << l;
    EXPECT_EQ(to_nfc(l), l);
    cyrillic += std::any_of(u.begin(), u.end(), [](char32_t ch) { return ch >= 0x400 && ch < 0x500; });
  }
  // About a third of the lines are Cyrillic (languages(): ru 22, uk 8, bg 7, be 4 of 120).
  EXPECT_GT(cyrillic, c.lines.size() / 4);
  EXPECT_LT(cyrillic, c.lines.size() / 2);
  // Every language's special letters appear: cs sk, pl, hu, da, de, fr, uk, be, ru, bg.
  for (const char32_t* letters : {U"řůě", U"ľĺô", U"łąż", U"őű", U"øæå", U"äöüß", U"éèçê", U"їєґ", U"ў", U"ыэ", U"ъ"})
    EXPECT_TRUE(contains_any(c.lines, letters)) << utf32_to_utf8(letters);
  EXPECT_TRUE(contains_any(c.lines, U"„“«»–—№§"));
  // A small share of Russian in the pre-reform spelling.
  EXPECT_TRUE(contains_any(c.lines, U"ѣѢ"));
  for (const char* source : {"fortunes:en", "fortunes:de", "fortunes:ru", "words:fr", "words:hu", "words:be", "synthetic"})
    EXPECT_GT(c.lines_by_source.count(source), 0u) << source;
}

}  // namespace
}  // namespace platen
