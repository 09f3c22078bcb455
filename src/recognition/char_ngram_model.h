#pragma once
// The character n-gram model of a language: trained from text, queried by the beam search
// one symbol at a time, saved as one section of a `lang-<code>.lm` file (language_pack.h).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace platen {

class BinaryReader;
class BinaryWriter;

/// Character n-gram language model with interpolated Witten-Bell smoothing (Witten & Bell
/// 1991; as formulated in Chen & Goodman 1998, §2.4), stored in backoff form: each seen
/// n-gram keeps its interpolated log probability, each seen context its backoff weight, in
/// one open-addressed hash table keyed by a 64-bit hash of the code points (16 bytes per
/// entry; hash collisions are ignored, at odds of about n²/2⁶⁴).
///
/// Thread safety: a trained or loaded model is immutable; concurrent log_prob() calls are safe.
class CharLanguageModel {
 public:
  /// Highest order supported (contexts of up to kMaxOrder − 1 code points).
  static constexpr int kMaxOrder = 8;
  /// Pseudo-symbols marking the start and end of a line in n-grams; never in real text.
  static constexpr char32_t kLineStart = 0x0002;
  static constexpr char32_t kLineEnd = 0x0003;

  /// An empty model: log_prob() is 0 for everything (no language knowledge).
  CharLanguageModel() = default;

  /// Counts every n-gram of orders 1..`order` in `lines` (each line padded with kLineStart and
  /// kLineEnd) and computes the smoothed probabilities.
  /// `lines`: NFC text; runs of whitespace are folded to one space, ends trimmed, control
  /// characters dropped; empty lines are skipped. `order` in [1, kMaxOrder], else throws
  /// std::invalid_argument. Memory while training: 120–350 bytes per distinct n-gram.
  /// `min_count` > 1 prunes: n-grams of order ≥ 3 seen fewer times are left out and their
  /// contexts' backoff weights renormalised (Katz 1987). On 4.6 M characters of Czech, order
  /// 5: 11.2 MB unpruned, 5.9 MB at 2, 2.6 MB at 6, and held-out text no less likely (Witten-
  /// Bell trusts rare n-grams too much). < 1 throws std::invalid_argument.
  static CharLanguageModel train(const std::vector<std::u32string>& lines, int order,
                                 int min_count = 1);

  /// Natural-log probability of `next` after `context`.
  /// `context`: the line's text before `next`, from the line start; only its last order − 1
  /// code points are used, and when it is shorter than that the line start is taken to
  /// precede it. `next` may be kLineEnd. A code point never seen in training gets its share of
  /// the uniform floor (1/(V+1) of the unigram model's unseen mass, V = distinct symbols), so
  /// nothing in the alphabet is impossible. Returns 0 for an empty model.
  float log_prob(std::u32string_view context, char32_t next) const;

  int order() const { return order_; }
  bool empty() const { return order_ == 0; }
  /// Number of stored n-grams and contexts.
  std::size_t size() const { return count_; }

  /// Appends the model to `out` (sorted entries, so equal models give equal bytes).
  void save(BinaryWriter& out) const;
  /// Reads a model written by save(). Throws ModelError (naming the reader's file) when the
  /// data is truncated or inconsistent.
  static CharLanguageModel load(BinaryReader& in);

 private:
  struct Entry {
    std::uint64_t key = 0;  ///< hash of the code points; 0 marks an empty slot
    float log_prob = 1;     ///< as an n-gram (event); > 0 when only seen as a context
    float backoff = 0;      ///< log backoff weight as a context; 0 when never a context
  };
  const Entry* find(std::uint64_t key) const;
  /// Fills table_ with `entries`; false (table unusable) when inserting one takes more than
  /// `max_probes` probes.
  bool build_table(const std::vector<Entry>& entries, std::size_t max_probes = SIZE_MAX);

  int order_ = 0;
  float log_uniform_ = 0;   ///< log 1/(V+1)
  float root_backoff_ = 0;  ///< log weight of the uniform floor in the unigram model
  std::size_t count_ = 0;
  std::vector<Entry> table_;  ///< open addressing, power-of-two size, linear probing
};

}  // namespace platen
