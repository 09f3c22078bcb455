#pragma once
// The set of symbols a model can emit. Index 0 is the CTC blank; every other index is one
// Unicode code point in NFC (precomposed: é, č, й are single symbols).

#include <string>
#include <unordered_map>
#include <vector>

namespace platen {

/// Ordered symbol set; index 0 = CTC blank.
class Alphabet {
 public:
  Alphabet() = default;
  /// Builds an alphabet from code points (order kept, duplicates dropped); the blank is added
  /// in front.
  explicit Alphabet(const std::u32string& symbols);

  /// The default alphabet: printable ASCII; Latin letters with the diacritics of en de fr cs
  /// sk da pl hu; Russian, Ukrainian, Belarusian and Bulgarian Cyrillic; typographic
  /// punctuation (– — „ “ ” ‘ ’ « » № §); the pre-reform Russian ѣ ѳ ѵ (last, so older models
  /// keep their class numbers).
  static Alphabet standard();

  /// Number of classes including the blank.
  int size() const { return static_cast<int>(symbols_.size()) + 1; }
  /// Code point of class `index` (1 ≤ index < size()).
  char32_t symbol(int index) const { return symbols_[index - 1]; }
  /// Class index of `c`, or -1 when the alphabet lacks it.
  int index_of(char32_t c) const;
  /// Class indices of `text` (NFC expected); unknown code points are skipped and counted in
  /// `unknown` when given.
  std::vector<int> encode(const std::u32string& text, int* unknown = nullptr) const;
  /// UTF-8 text of class indices (blank ignored).
  std::string decode(const std::vector<int>& labels) const;
  /// All symbols, without the blank.
  const std::u32string& symbols() const { return symbols_; }

 private:
  std::u32string symbols_;
  std::unordered_map<char32_t, int> index_;
};

}  // namespace platen
