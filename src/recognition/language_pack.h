#pragma once
// The `lang-<code>.lm` file: one language's n-gram model and word list.
//
// Files: one language per file, `lang-<code>.lm` (Tesseract codes: eng, deu, fra, ces, rus…),
// plus optionally `lang-all.lm` trained on every language together (language_model_folder.h
// finds them). Each file holds one LanguagePack: magic "PLATENLM", format version, language
// code, the n-gram table (CharLanguageModel::save) and the word list (WordList::save),
// little-endian (core/binary_io.h), ending in a CRC-32.

#include <cstdint>
#include <string>
#include <vector>

#include "recognition/char_ngram_model.h"
#include "recognition/word_list.h"

namespace platen {

/// One language's decoding knowledge, as stored in one `lang-<code>.lm` file.
/// Owns its model and list; immutable once built or loaded, so safe to read from many threads
/// (LanguageModel shares packs between threads).
struct LanguagePack {
  std::string language;     ///< Tesseract-style code ("eng", "deu"…) or "all"
  CharLanguageModel chars;
  WordList words;

  /// Trains the n-gram model (order `order`, n-grams of order ≥ 3 seen fewer than
  /// `min_ngram_count` times pruned) and the word list (words seen at least `min_word_count`
  /// times) from the same text. Order 5 had the lowest held-out perplexity
  /// on the 240k-character typewritten training text (2.09 nats/char; 6: 2.11, 4: 2.19);
  /// larger corpora favour 6.
  static LanguagePack train(const std::string& language, const std::vector<std::u32string>& lines,
                            int order = 5, int min_word_count = 2, int min_ngram_count = 1);
  /// The file's bytes: magic, version, code, n-grams, words, CRC-32.
  std::vector<std::uint8_t> to_bytes() const;
  /// Parses what to_bytes() made. Throws ModelError naming `name` when the data is not a
  /// Platen language model, of another format version, truncated or corrupt.
  static LanguagePack from_bytes(const std::vector<std::uint8_t>& bytes, const std::string& name);
  /// Writes the file atomically. Throws platen::Error naming `path` when it cannot.
  void save(const std::string& path) const;
  /// Reads a file written by save(). Throws ModelError naming `path` when it is missing or
  /// from_bytes() refuses it.
  static LanguagePack load(const std::string& path);
};

}  // namespace platen
