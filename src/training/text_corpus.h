#pragma once
// Text for synthetic training lines, built from what Debian installs: fortune files (en de cs
// sk pl ru bg), Hunspell word lists (for every language, and the only source for da fr hu uk
// be), the transcriptions of the real training lines, and generated lines full of the things
// archive documents have and prose lacks — dates, amounts, file numbers, abbreviations,
// typographic quotes and dashes. Every line is NFC and uses only the model alphabet's symbols.

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace platen {

class Alphabet;

/// Where corpus text comes from and how much to make.
struct CorpusOptions {
  std::string fortune_dir = "/usr/share/games/fortunes";  ///< Debian's fortunes (+ de/ cs/ pl/ ru/ bg/)
  std::string hunspell_dir = "/usr/share/hunspell";       ///< Hunspell .dic/.aff pairs
  /// Folders of real line transcriptions (*.gt.txt), all included once. Training lines only:
  /// never pass an evaluation set here.
  std::vector<std::string> ground_truth_dirs;
  std::size_t lines = 200000;  ///< generated lines (the ground truth comes on top)
  int min_chars = 20;          ///< shortest wrapped prose line, code points
  int max_chars = 70;          ///< longest line, code points
  double synthetic_share = 0.12;  ///< share of lines with dates, amounts, numbers, abbreviations
  std::uint32_t seed = 1;      ///< the corpus is a function of the inputs and this seed
  /// One language only (Tesseract "ces" or ISO 639-1 "cs"; see corpus_language_code): its
  /// fortunes, word list and generated lines, and the real transcriptions of its documents
  /// (ground_truth_language). Empty = every language. Used for per-language LM text.
  std::string language;
};

/// A built corpus and an account of where its lines came from.
struct Corpus {
  std::vector<std::string> lines;                     ///< UTF-8, NFC, shuffled, no duplicates
  std::map<std::string, std::size_t> lines_by_source; ///< e.g. "fortunes:de", "words:hu", "synthetic", "ground-truth"
  std::vector<std::string> notes;                     ///< sources that were missing or unreadable
};

/// Builds the corpus: for each of en de fr cs da sk pl hu ru uk be bg (only
/// `options.language` when set, which then gets all of them) a share of
/// `options.lines` (weights favour the archive's languages en de fr cs; Cyrillic is about a
/// third: ru most, then uk bg be), taken from fortunes where they exist and otherwise from pseudo-sentences of Hunspell
/// words; plus synthetic_share of generated number-and-abbreviation lines; plus every real
/// transcription (of that language's documents only, with a language set). Lines are passed
/// through fit_to_alphabet, deduplicated and shuffled. Missing sources are skipped and listed
/// in Corpus::notes. Throws DataError when no line at all could be made (unless only the
/// transcriptions were asked for: `options.lines` 0 and ground-truth folders given, which may
/// hold none of the language), or a ground-truth folder is unreadable; std::invalid_argument
/// when `options.language` is not a corpus language.
Corpus build_corpus(const CorpusOptions& options, const Alphabet& alphabet);

// ---- Languages ------------------------------------------------------------------------------

/// The corpus languages as Tesseract codes (the names of `lang-<code>.lm` files and of
/// `ocr -l`): eng deu fra ces dan slk pol hun rus ukr bel bul.
std::vector<std::string> corpus_languages();

/// The ISO 639-1 code ("cs") of a corpus language given by its Tesseract code ("ces") or its
/// ISO 639-1 code; "" when `code` names no corpus language.
std::string corpus_language_code(const std::string& code);

/// The corpus language (ISO 639-1) a document's `lines` are most likely in, by counting each
/// language's commonest function words (the, und, že, sa, og, что, що…); "" when none occurs.
/// Reliable for a page of text, not for a single short line (page_renderer.h's
/// guess_language looks at letters for that).
std::string document_language(const std::vector<std::string>& lines);

/// The language (ISO 639-1) of a document of real transcriptions named `document` (a file
/// name without its line number): French for TapusCorpus ("tapus-…"); for EHRI names, the
/// country or language tag they carry (_EN_ -US_ _DE_ _CZ_ _SK_ _DA_ -DK_ …: the reports
/// from Czechoslovakia and Denmark are in Czech, Slovak and Danish); for names without a tag
/// ("ehri-EHRI-ET-JMP018_01"), document_language(lines).
std::string ground_truth_language(const std::string& document, const std::vector<std::string>& lines);

// ---- Building blocks, public for tests and for other corpus tools ----------------------------

/// The fortunes of one fortune file: text between lines holding only '%', each with its runs
/// of whitespace (line breaks, the tabs before "-- Author") folded to one space. Fortunes that
/// are mostly not letters (ASCII art, code) are left out. Throws DataError if unreadable.
std::vector<std::string> read_fortunes(const std::string& path);

/// Words of a Hunspell dictionary: the count on the first line skipped, "/FLAGS" and
/// morphological fields stripped, converted to UTF-8 from the encoding named by the SET line
/// of the .aff file beside it (ICU converters). Keeps only words of letters with inner '-' or
/// apostrophes, 1–24 code points. Throws DataError if unreadable.
std::vector<std::string> read_hunspell_words(const std::string& dic_path);

/// Splits `text` at spaces into lines of `min_chars`–`max_chars` code points (each line's
/// target length drawn from `rng`, favouring the long lines of typewritten pages). With
/// probability `hyphenate_rate` a line ends in a word broken with '-', as typists did. A short
/// remainder is dropped; words longer than `max_chars` are skipped.
std::vector<std::string> wrap_text(const std::string& text, int min_chars, int max_chars,
                                   std::mt19937& rng, double hyphenate_rate = 0.0);

/// A pseudo-sentence of 4–14 random `words`: capitalised, with commas, an occasional
/// parenthesis or quotation in `language`'s quote marks, ending in . ? ! : or ... Language codes
/// are ISO 639-1 (en de fr cs da sk pl hu ru uk be bg); unknown codes get English conventions.
std::string pseudo_sentence(const std::vector<std::string>& words, const std::string& language,
                            std::mt19937& rng);

/// A line of archive matter about `target_chars` long: `words` mixed with dates (12.3.1938,
/// 3/4/39, "12. března 1938"), amounts, file numbers (Nr. 1234/38, № 17, § 12), times,
/// abbreviations (Dr., S.A., z.B., т.е.), quotes „…“ «…» and dashes – —.
std::string synthetic_line(const std::vector<std::string>& words, const std::string& language,
                           int target_chars, std::mt19937& rng);

/// A line of Cyrillic office matter (`language` ru uk be bg) about `target_chars` long, as in
/// the Russian documents of the archives: `words` mixed with initials before or after a
/// surname ("А. П. Чехов", "Иванову И.И."), abbreviations with and without spaces (т.к.,
/// т. е., г., гг., №, тов., и т. д.), numbers and dates, Cyrillic acronyms (СССР, НКВД,
/// ВКП(б)), and Latin inside the Cyrillic: acronyms (UNRRA, USA), Roman numerals (XIX в.,
/// гл. IV), Latin terms and names (de facto, status quo, Siemens); now and then an all-capital
/// heading word (СЕКРЕТНО, ПРОТОКОЛ).
std::string cyrillic_office_line(const std::vector<std::string>& words, const std::string& language,
                                 int target_chars, std::mt19937& rng);

/// Modern Russian `line` respelt in the pre-1918 orthography of the émigré archives, by rule
/// and a list of common stems: ъ after a final hard consonant (въ, домъ, but not in
/// abbreviations "г." or acronyms "СССР"), і for и before a vowel or й (Россія, линій), ѣ in
/// common stems (хлѣбъ, мѣсто, дѣло, гдѣ, нѣтъ, человѣкъ, …), ѳ in Greek names and words
/// (Ѳедоръ, Аѳины, ариѳметика), ѵ in мѵро and сѵнодъ, ё written е. Case is kept
/// (ДОМЪ, Іюнь). Approximate: rules the reform removed by grammar (-аго, ѣ in endings) are
/// not applied.
std::string pre_reform_spelling(const std::string& line);

/// NFC-normalises `line`, folds whitespace (tabs, no-break and thin spaces) and trims, drops
/// soft hyphens and zero-width characters, and replaces what the alphabet lacks by its
/// typewriter equivalent where there is one (… → ..., ‐ and − → -, ‚ → ,, modifier apostrophe
/// → ', the Cyrillic ӓ ӧ transcribers type for Latin ä ö → ä ö; stray combining marks such as
/// Russian stress accents are dropped). Returns nothing when the result is empty or still
/// holds a code point outside `alphabet`.
std::optional<std::string> fit_to_alphabet(const std::string& line, const Alphabet& alphabet);

/// The code points that make fit_to_alphabet refuse `line`: those left outside `alphabet`
/// after its folding and replacements, in order of first appearance, each once ("" when the
/// line fits, or is empty). What a model's alphabet would need to learn the line.
std::u32string symbols_outside_alphabet(const std::string& line, const Alphabet& alphabet);

/// Reads a corpus file: UTF-8, one line per line, blank lines skipped, CR stripped.
/// Throws DataError naming the file (and line) when it is unreadable or not UTF-8.
std::vector<std::string> read_text_lines(const std::string& path);

/// Writes lines, '\n'-terminated. Throws DataError when the file cannot be written.
void write_text_lines(const std::string& path, const std::vector<std::string>& lines);

}  // namespace platen
