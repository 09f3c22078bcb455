#pragma once
// The languages one decoding run uses: one or more language packs mixed, as the beam search
// queries them.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "recognition/language_pack.h"

namespace platen {

/// The languages used for one decoding run: one pack, or several mixed with equal weights
/// (linear interpolation of their character probabilities; a word is known when any
/// pack knows it). Cheap to copy (packs are shared). Thread-safe for concurrent reads.
class LanguageModel {
 public:
  /// No languages: decoding uses the image alone (plus the script rule).
  LanguageModel() = default;
  explicit LanguageModel(std::shared_ptr<const LanguagePack> pack) { add(std::move(pack)); }
  /// Adds `pack` (shared, not copied) with the same weight as the others; null is ignored.
  /// Not thread-safe: add packs before sharing the model.
  void add(std::shared_ptr<const LanguagePack> pack);

  /// Loads the packs for `languages` (codes like "eng", "deu") from `models_dir`, reading
  /// `lang-<code>.lm` for each. With no languages given it loads `lang-all.lm` when present,
  /// else every `lang-*.lm` of the directory; a directory without any gives an empty model.
  /// Throws ModelError when a requested language has no file (the message lists the
  /// languages that do) or a file is unreadable.
  static LanguageModel load(const std::string& models_dir,
                            const std::vector<std::string>& languages);

  bool empty() const { return packs_.empty(); }
  /// Highest n-gram order among the packs (0 when empty).
  int order() const { return order_; }
  /// log of the packs' mean probability of `next` after `context`
  /// (see CharLanguageModel::log_prob); 0 when empty.
  float log_prob(std::u32string_view context, char32_t next) const;
  /// Whether any pack's word list holds the word with this WordList hash.
  bool contains_word_hash(std::uint64_t hash) const;
  /// Codes of the loaded packs, in load order.
  std::vector<std::string> languages() const;

 private:
  std::vector<std::shared_ptr<const LanguagePack>> packs_;
  int order_ = 0;
};

}  // namespace platen
