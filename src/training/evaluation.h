#pragma once
// Scoring recognised text against ground truth: character and word error rates, and which
// look-alike glyphs get confused.
//
// Both texts are first put in scoring form (core/text.h: NFC, whitespace runs folded to one
// space, trimmed), so composed and decomposed accents, line breaks and spacing do not count.

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace platen {

/// Edit counts of hypotheses against references; add them up over lines, files and sets.
struct ErrorCounts {
  std::size_t char_edits = 0;       ///< Levenshtein distance over code points
  std::size_t reference_chars = 0;  ///< code points of the reference (spaces included)
  std::size_t word_edits = 0;       ///< Levenshtein distance over whitespace-split words
  std::size_t reference_words = 0;  ///< words of the reference

  /// Character error rate: char_edits / reference_chars. With an empty reference: 0 when
  /// there were no edits, else 1 (all of the hypothesis is wrong).
  double cer() const;
  /// Word error rate: word_edits / reference_words, same convention for empty references.
  double wer() const;
  ErrorCounts& operator+=(const ErrorCounts& other);
};

/// Scores one hypothesis against its reference (both UTF-8, any normalisation).
ErrorCounts score_text(const std::string& reference, const std::string& hypothesis);

/// One step of an alignment: a match or substitution (both set), a deletion (hyp = 0) or an
/// insertion (ref = 0).
struct AlignedPair {
  char32_t ref = 0;
  char32_t hyp = 0;
};

/// Optimal Levenshtein alignment (unit costs) by dynamic programming and backtrace
/// (Wagner & Fischer 1974). Ties prefer match/substitution, then deletion, then insertion.
/// Cost O(|ref|·|hyp|) time and bytes; see kMaxAlignmentCells.
std::vector<AlignedPair> align(const std::u32string& reference, const std::u32string& hypothesis);

/// Largest |ref|·|hyp| that ConfusionTable aligns (64 M cells ≈ 64 MB, a 8000-character page
/// against itself); larger pairs are counted in ConfusionTable::unaligned() instead.
constexpr std::size_t kMaxAlignmentCells = std::size_t{64} << 20;

/// Groups of glyphs that typewriter faces, worn ribbons and scans make look alike.
enum class LookAlike : int {
  kStroke = 0,     ///< l 1 I |
  kRound,          ///< O 0 o
  kRnM,            ///< rn ↔ m (two reference symbols read as one, or the reverse)
  kCommaPeriod,    ///< , .
  kLatinCyrillic,  ///< Latin a e o p c x y, A B C E H K M O P T X ↔ their Cyrillic twins
};
constexpr int kLookAlikeGroups = 5;

/// Short printable name of a group, e.g. "l/1/I/|".
const char* look_alike_name(LookAlike group);

/// Counts, per look-alike group, the substitutions between members of the group found in
/// the alignment of reference against hypothesis; keyed by (reference, hypothesis) text.
class ConfusionTable {
 public:
  using PairCounts = std::map<std::pair<std::u32string, std::u32string>, std::size_t>;

  /// Aligns two texts (use scoring form: score_text's normalisation) and counts their
  /// look-alike substitutions. Error runs between matches that read exactly "rn" for "m" (or
  /// the reverse) count as kRnM; otherwise each single substitution is checked against the
  /// one-glyph groups. Pairs over kMaxAlignmentCells are skipped and counted in unaligned().
  void add(const std::u32string& reference, const std::u32string& hypothesis);
  /// Adds another table's counts.
  void merge(const ConfusionTable& other);

  /// Substitutions counted in `group`.
  std::size_t total(LookAlike group) const;
  /// Times `reference` was read as `hypothesis` in `group`.
  std::size_t count(LookAlike group, const std::u32string& reference,
                    const std::u32string& hypothesis) const;
  /// All (reference, hypothesis) pairs of `group` with their counts.
  const PairCounts& pairs(LookAlike group) const { return pairs_[static_cast<int>(group)]; }
  /// Text pairs skipped because they were too long to align.
  std::size_t unaligned() const { return unaligned_; }

 private:
  std::array<PairCounts, kLookAlikeGroups> pairs_;
  std::size_t unaligned_ = 0;
};

/// Words (runs of non-space code points) of `text` holding both Latin and Cyrillic letters
/// (ICU script of each letter). Typewritten words never mix the two, so each one counted is a
/// look-alike read in the wrong script somewhere inside a word (кoт with a Latin o).
std::size_t mixed_script_words(const std::u32string& text);

/// Scores of one file (for line images: one line).
struct FileScore {
  std::string name;
  ErrorCounts counts;
};

/// Accumulates scores per file and in total, with the confusions of all files.
class Evaluation {
 public:
  /// Scores `hypothesis` against `reference` (UTF-8), records them under `name`, and adds them
  /// to the totals and the confusion table.
  void add(const std::string& name, const std::string& reference, const std::string& hypothesis);

  const std::vector<FileScore>& files() const { return files_; }
  const ErrorCounts& total() const { return total_; }
  const ConfusionTable& confusions() const { return confusions_; }
  /// mixed_script_words() summed over the hypotheses, and over the references.
  std::size_t mixed_script_hypothesis_words() const { return mixed_hypothesis_; }
  std::size_t mixed_script_reference_words() const { return mixed_reference_; }

 private:
  std::vector<FileScore> files_;
  ErrorCounts total_;
  ConfusionTable confusions_;
  std::size_t mixed_hypothesis_ = 0, mixed_reference_ = 0;
};

}  // namespace platen
