#pragma once
// Unicode helpers shared by recognition, training and evaluation. Normalisation uses ICU.

#include <string>
#include <vector>

namespace platen {

/// Splits UTF-8 text into code points. Invalid bytes become U+FFFD.
std::u32string utf8_to_utf32(const std::string& text);

/// Encodes code points as UTF-8.
std::string utf32_to_utf8(const std::u32string& text);

/// Unicode NFC of UTF-8 text (ICU's Normalizer2). Throws platen::Error if ICU fails.
std::string to_nfc(const std::string& text);

/// Text as CER/WER compare it: NFC, runs of whitespace folded to one space, trimmed.
std::string normalise_for_scoring(const std::string& text);

/// Splits on runs of whitespace; no empty words.
std::vector<std::string> split_words(const std::string& text);

/// Levenshtein distance (unit costs) between two sequences.
template <typename Seq>
std::size_t edit_distance(const Seq& a, const Seq& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      std::size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace platen
