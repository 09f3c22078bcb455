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
};

/// A built corpus and an account of where its lines came from.
struct Corpus {
  std::vector<std::string> lines;                     ///< UTF-8, NFC, shuffled, no duplicates
  std::map<std::string, std::size_t> lines_by_source; ///< e.g. "fortunes:de", "words:hu", "synthetic", "ground-truth"
  std::vector<std::string> notes;                     ///< sources that were missing or unreadable
};

/// Builds the corpus: for each of en de fr cs da sk pl hu ru uk be bg a share of
/// `options.lines` (weights favour the archive's languages en de fr cs; Cyrillic is about a
/// fifth), taken from fortunes where they exist and otherwise from pseudo-sentences of Hunspell
/// words; plus synthetic_share of generated number-and-abbreviation lines; plus every real
/// transcription. Lines are passed through fit_to_alphabet, deduplicated and shuffled.
/// Missing sources are skipped and listed in Corpus::notes. Throws DataError when no line at
/// all could be made, or a ground-truth folder is unreadable.
Corpus build_corpus(const CorpusOptions& options, const Alphabet& alphabet);

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

/// NFC-normalises `line`, folds whitespace (tabs, no-break and thin spaces) and trims, drops
/// soft hyphens and zero-width characters, and replaces what the alphabet lacks by its
/// typewriter equivalent where there is one (… → ..., ‐ and − → -, ‚ → ,, modifier apostrophe
/// → ', the Cyrillic ӓ ӧ transcribers type for Latin ä ö → ä ö; stray combining marks such as
/// Russian stress accents are dropped). Returns nothing when the result is empty or still
/// holds a code point outside `alphabet`.
std::optional<std::string> fit_to_alphabet(const std::string& line, const Alphabet& alphabet);

/// Reads a corpus file: UTF-8, one line per line, blank lines skipped, CR stripped.
/// Throws DataError naming the file (and line) when it is unreadable or not UTF-8.
std::vector<std::string> read_text_lines(const std::string& path);

/// Writes lines, '\n'-terminated. Throws DataError when the file cannot be written.
void write_text_lines(const std::string& path, const std::vector<std::string>& lines);

}  // namespace platen
