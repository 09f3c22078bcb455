#pragma once
// Word lists of a language: which decoded words are known, for the beam search's word bonus;
// saved as one section of a `lang-<code>.lm` file (language_pack.h).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace platen {

class BinaryReader;
class BinaryWriter;

/// Whether `c` belongs to a word for word lists and the script rule: letters and combining
/// marks (ICU general categories L* and M*). Digits and punctuation split words.
bool is_word_char(char32_t c);

/// A set of words, stored as 64-bit hashes of their case-folded code points (8 bytes per
/// word; the words themselves cannot be listed back). Lookups are case-insensitive.
/// Thread safety: const members are safe to call concurrently; add() is not.
class WordList {
 public:
  /// Collects the words (maximal runs of is_word_char) of `lines` seen at least `min_count`
  /// times.
  static WordList from_text(const std::vector<std::u32string>& lines, int min_count = 1);

  /// Adds one word (case-folded here).
  void add(std::u32string_view word);
  /// Whether `word` (any case) is in the list.
  bool contains(std::u32string_view word) const;
  std::size_t size() const { return hashes_.size(); }

  /// Incremental hash used for lookups while a word grows one code point at a time:
  /// hash = extend_hash(...extend_hash(kEmptyHash, c1)..., cn) with each c already case-folded
  /// by fold_case(). contains_hash(hash) then equals contains(word).
  static constexpr std::uint64_t kEmptyHash = 0x5bd1e9955bd1e995ULL;
  static std::uint64_t extend_hash(std::uint64_t hash, char32_t folded);
  static char32_t fold_case(char32_t c);
  bool contains_hash(std::uint64_t hash) const;

  /// Appends the list to `out`; load() reads it back, throwing ModelError when inconsistent.
  void save(BinaryWriter& out) const;
  static WordList load(BinaryReader& in);

 private:
  /// Rebuilds `first_` after `hashes_` changed.
  void index();

  std::vector<std::uint64_t> hashes_;  ///< sorted, unique
  /// first_[b]: index of the first hash whose top index_bits_ bits are ≥ b; one more entry
  /// at the end. The hashes are uniform, so a bucket holds one or two and a lookup reads two
  /// cache lines instead of a binary search's twenty (most of them misses in the megabytes
  /// of a large list).
  std::vector<std::uint32_t> first_;
  int index_bits_ = 0;
};

}  // namespace platen
