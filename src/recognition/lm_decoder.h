#pragma once
// Decoding CTC posteriors with language knowledge: a character n-gram model, word lists and
// a script-consistency rule, combined in a CTC prefix beam search.
//
// Files: one language per file, `lang-<code>.lm` (Tesseract codes: eng, deu, fra, ces, rus…),
// plus optionally `lang-all.lm` trained on every language together. Each file holds one
// LanguagePack: magic "PLATENLM", format version, language code, the n-gram table and the
// word list, little-endian (core/binary_io.h), ending in a CRC-32.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace platen {

class Alphabet;
struct SymbolSpan;
class BinaryReader;
class BinaryWriter;

/// Character n-gram language model with interpolated Witten-Bell smoothing (Witten & Bell
/// 1991; as formulated in Chen & Goodman 1998, §2.4), stored in backoff form: each seen
/// n-gram keeps its interpolated log probability, each seen context its backoff weight, in
/// one open-addressed hash table keyed by a 64-bit hash of the code points (16 bytes per
/// entry; hash collisions are ignored, at odds of about n²/2⁶⁴).
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

/// Whether `c` belongs to a word for word lists and the script rule: letters and combining
/// marks (ICU general categories L* and M*). Digits and punctuation split words.
bool is_word_char(char32_t c);

/// A set of words, stored as 64-bit hashes of their case-folded code points (8 bytes per
/// word; the words themselves cannot be listed back). Lookups are case-insensitive.
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

/// One language's decoding knowledge, as stored in one `lang-<code>.lm` file.
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

/// Language codes of the `lang-<code>.lm` files in `models_dir`, sorted; empty when there
/// are none or the folder cannot be read. Never throws.
std::vector<std::string> language_codes_in(const std::string& models_dir);

/// The languages used for one decoding run: one pack, or several mixed with equal weights
/// (linear interpolation of their character probabilities; a word is known when any
/// pack knows it). Cheap to copy (packs are shared). Thread-safe for concurrent reads.
class LanguageModel {
 public:
  /// No languages: decoding uses the image alone (plus the script rule).
  LanguageModel() = default;
  explicit LanguageModel(std::shared_ptr<const LanguagePack> pack) { add(std::move(pack)); }
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

/// Settings of the beam search. The defaults were checked by a sweep (α 0.3–1.4, β 0–3, word
/// bonus 0–2, beam 8–64) on 861 training lines of 37 pages held out of the language models
/// (scripts/build-language-models without those pages), for three successive models. With
/// the one shipped: best path CER 4.70 %, with lang-all 3.66 %, with the page's language
/// 3.68 %. The optimum is flat and moves from model to model (α 0.4–0.5, β 1–1.5, word bonus
/// 0.5–1.5 all lie within 0.1 % of each model's best); these values were the best for the
/// shipped model and within 0.2 % for the others. Beam 32 gains 0.01 % with it (0.1 % with a
/// weaker model) for 2.5 times the decoding time. Re-tune when the model changes much.
struct LmDecodeOptions {
  int beam_width = 16;              ///< prefixes kept after each frame
  float lm_weight = 0.5f;           ///< α: weight of the n-gram log probability
  float char_bonus = 1.0f;          ///< β: nats added per emitted symbol when an LM is used,
                                    ///< offsetting the LM's cost of every extra character
  float word_bonus = 0.5f;          ///< nats added when a word of ≥ 2 letters in a word list ends
  float mixed_script_penalty = 10;  ///< nats subtracted once per word mixing Latin and Cyrillic
  /// Nats subtracted when a word's first Latin or Cyrillic letter is of another script than
  /// the line's last word with letters (or, for a line's first word, than `line_script`).
  /// Typewritten text keeps its script from word to word; a word whose letters all have
  /// twins in the other script (НС / HC, А / A) then takes its neighbours' script unless the
  /// image prefers the other by more than this over the whole word (a Latin acronym the
  /// network is sure of stays Latin inside Russian text; words with letters that have no
  /// twin pay it in every reading, so it changes nothing for them). A Roman numeral (XX, IV)
  /// is Latin in any text: its cost is refunded when it ends. On 400 rendered Russian lines
  /// in the faces kept out of training, CER with the language model: 6.92 % without the
  /// rule, 5.81 % at 4, 5.56 % at 6, 5.55 % at 8; Latin/Cyrillic substitutions 134 → 27
  /// at 6. The dev lines stay at 1.83 %, 400 rendered Latin lines go from 3.32 to 3.26 %.
  float script_switch_penalty = 6;
  /// The script taken to precede a line's first word: 0 none (no cost for the first word),
  /// 1 Latin, 2 Cyrillic (e.g. the page's), −1 the line's own by the image: the script with
  /// more letters that have no twin in the other script on its best path (none on a tie).
  int line_script = -1;
  /// A letter whose capital and small forms differ only in size on a typewriter (c o s v w
  /// x z, Cyrillic в г ж з и й к л м н о п с т х ц ч ш щ ъ ы ь э ю я) is scored by the n-gram
  /// model as the likelier of its two cases: its case comes from the image and from
  /// case_switch_penalty, so that the model's lower-case majority does not pull a capital of
  /// an all-capital word or code, a sentence start or an initial to lower case. The other
  /// letters keep their case in the model, which tells i/l/I and the like apart. false: the
  /// n-grams as trained. (Case-folded n-grams were tried instead: dev lines 1.83 → 1.86 %,
  /// as German nouns and the case of s/S, v/V lost their evidence.)
  bool case_blind_letters = true;
  /// Nats subtracted when a letter's case differs from the letter before it in the same word,
  /// except a capital followed by lower case (Word, Ivanov): "WORD", "Word" and "word" are
  /// free, "wORD" or "WoRD" pay per switch.
  float case_switch_penalty = 2.0f;
  /// Nats subtracted where a letter that looks like a digit (O o О о l I І і З) touches a
  /// digit, or a digit that looks like a letter (0 1 3) touches a letter, inside one run of
  /// non-space characters: amounts, dates and numbers keep their digits (1938, not l938 or
  /// 19З8), words their letters (cool, not c0ol).
  float digit_context_penalty = 2.0f;
  /// Classes below this log posterior are not tried at a frame. −8 (posterior 3.4e−4)
  /// rather than −9: 6 % less decoding time, and of the 4071 lines of the 100 benchmark
  /// pages 8 read differently, with the same page CER (2.78 %); the dev lines are unchanged.
  float candidate_log_prob = -8;
  int max_candidates = 12;          ///< at most this many non-blank classes tried per frame
  /// A frame whose blank has at least this log posterior starts no symbol: the beam's
  /// prefixes only stay (≥ 0 turns the rule off). Another symbol there would have a
  /// posterior of at most 1 − e^blank_log_prob; where it belongs, the neighbouring frames
  /// carry it. At −0.03 (posterior 0.97) 54 % of the benchmark pages' frames take that
  /// short step instead of 40 %, and decoding takes 8 % less time. Of the 4071 lines of the
  /// 100 benchmark pages, against no skipping: at posterior 0.999 one line reads
  /// differently, at 0.99 five, at 0.97 fourteen, at 0.9 forty-three; page CER 2.78 % down
  /// to 0.97 (5 edits fewer in all). The dev lines stay the same down to 0.97 and lose 3
  /// characters at 0.9.
  float blank_log_prob = -0.03f;
  /// Prefixes scoring more than this many nats below the best of their frame are dropped
  /// even when the beam has room, and new ones are not made (threshold pruning beside the
  /// beam's count, as in speech decoders). It must exceed mixed_script_penalty by a margin:
  /// the same-script twin of a look-alike can trail that far before the penalty falls due.
  /// At 15 (and 13) the decoded text of the dev lines and the benchmark pages is that of no
  /// margin, in 7 % less time; at 12 three lines of the pages lose a character, at 10 five,
  /// and their CER rises from 2.78 % to 2.79 %.
  double score_margin = 15;
};

/// CTC prefix beam search with a character language model (Graves 2012, "Supervised Sequence
/// Labelling with RNNs", §7.5; Hannun et al. 2014, "First-pass large vocabulary continuous
/// speech recognition using bi-directional recurrent DNNs", Algorithm 1).
///
/// `log_probs`: T×C row-major log posteriors (log-softmax of the network's scores, e.g. by
/// log_softmax_rows), class 0 = blank, class i ≥ 1 = `alphabet.symbol(i)`; C must equal
/// alphabet.size(), else throws std::invalid_argument. `lm` may be null or empty.
/// Each prefix is ranked by log P_ctc(prefix) + α·log P_lm(prefix) + β·|prefix| + word
/// bonuses − script penalties; the line-end probability and the last word's bonus are added
/// before the final choice. Returns the best prefix as code points; when `confidences` is
/// given it receives one value per code point, in [0,1]: the highest posterior of that symbol
/// over its run of frames in the most probable alignment of the result (as ctc_best_path);
/// `spans`, when given, receives that alignment (ctc_align), one span per code point.
/// Cost: O(T·(C + B·K)) time, B = beam width, K = candidates per frame, plus O(T·L) for the
/// confidences or spans; per-frame buffers are reused, only the prefix tree grows.
std::u32string beam_search(const float* log_probs, int frames, int classes,
                           const Alphabet& alphabet, const LanguageModel* lm,
                           const LmDecodeOptions& options, std::vector<float>* confidences,
                           std::vector<SymbolSpan>* spans = nullptr);

/// How many letters of a line's CTC best path have no look-alike in the other script
/// (АВЕКМНОРСТХ / ABEKMHOPCTX … are not counted), per script: the image's own evidence of
/// the line's script.
struct ScriptEvidence {
  int latin = 0;
  int cyrillic = 0;
  /// 1 Latin, 2 Cyrillic (LmDecodeOptions::line_script's codes), whichever has more; 0 on a tie.
  int script() const { return latin > cyrillic ? 1 : cyrillic > latin ? 2 : 0; }
  ScriptEvidence& operator+=(const ScriptEvidence& o) {
    latin += o.latin;
    cyrillic += o.cyrillic;
    return *this;
  }
};

/// The script evidence of a line from its network output: `scores` are `frames` rows of
/// `classes` logits or log posteriors (the argmax is the same), class 0 the CTC blank.
/// Thread-safe. Throws std::invalid_argument when `classes` is not the alphabet's size.
ScriptEvidence script_evidence(const float* scores, int frames, int classes, const Alphabet& alphabet);

}  // namespace platen
