#include "recognition/ctc_beam_search.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <unicode/uchar.h>

#include "recognition/alphabet.h"
#include "recognition/code_point_hash.h"
#include "recognition/ctc.h"
#include "recognition/ctc_alignment.h"
#include "recognition/language_model.h"
#include "recognition/script_evidence.h"
#include "recognition/word_list.h"

namespace platen {

namespace {

using code_point_hash::mix;
using code_point_hash::nonzero;

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr int kMaxContext = CharLanguageModel::kMaxOrder - 1;
constexpr std::uint8_t kLatin = kLatinScript, kCyrillic = kCyrillicScript;

/// Terms further apart than this many nats add nothing in double precision to a log
/// probability of magnitude ≥ 1 (log1p(e^−37) ≈ 8.5e−17 is under half an ulp of 1), so
/// log_add returns the larger one without calling exp and log1p.
constexpr double kLogAddCutoff = 37;

/// log(1 + e^d) for −kLogAddCutoff < d ≤ 0, at half the cost of std::log1p(std::exp(d)) and
/// as accurate (within 1.3e−16 of the exact value at 20 M random points; the libm pair within
/// 1.1e−16). A table at steps of 1/32 nat holds the value and the logistic σ(x) = 1/(1+e^−x)
/// at each node; the Taylor series to the sixth order covers |h| ≤ 1/64 between them, its
/// derivatives being polynomials in σ: f′ = σ, f″ = q = σ(1−σ), f‴ = q·r with r = 1−2σ,
/// f⁗ = q(1−6q), f⁽⁵⁾ = q·r(1−12q), f⁽⁶⁾ = q(r²(1−12q) + q(72q−14)).
class Softplus {
 public:
  Softplus() {
    for (int i = 0; i < kNodes; ++i) {
      const double x = -static_cast<double>(i) / kPerNat;
      value_[i] = std::log1p(std::exp(x));
      sigma_[i] = 1 / (1 + std::exp(-x));
    }
  }
  double operator()(double d) const {
    const int i = static_cast<int>(-d * kPerNat + 0.5);
    const double h = d + static_cast<double>(i) / kPerNat;
    const double s = sigma_[i], q = s * (1 - s), r = 1 - 2 * s, v = r * (1 - 12 * q);
    const double w = r * v + q * (72 * q - 14);
    return value_[i] +
           h * (s + h * (q / 2 + h * (q * r / 6 + h * (q * (1 - 6 * q) / 24 +
                                                       h * (q * v / 120 + h * (q * w / 720))))));
  }

 private:
  static constexpr int kPerNat = 32;
  static constexpr int kNodes = static_cast<int>(kLogAddCutoff) * kPerNat + 2;
  double value_[kNodes], sigma_[kNodes];
};
const Softplus softplus;

/// log(e^a + e^b), exact when either side is −inf.
inline double log_add(double a, double b) {
  if (a < b) std::swap(a, b);
  const double d = b - a;
  if (!(d > -kLogAddCutoff)) return a;  // also b = −inf (d is −inf, or NaN when a is −inf too)
  return a + softplus(d);
}

/// Letter case of a symbol for the case rule.
constexpr std::uint8_t kUncased = 0, kLower = 1, kUpper = 2;
/// How a symbol stands to the digit rule (LmDecodeOptions::digit_context_penalty).
constexpr std::uint8_t kOther = 0, kDigit = 1, kLetter = 2;

/// What the decoder needs to know about each class.
struct SymbolInfo {
  char32_t code = 0;
  char32_t folded = 0;
  char32_t case_twin = 0;   // the same letter in the other case when they look alike, else 0
  std::uint8_t roman = 0;   // Latin capital Roman digits: 1 for C D M, 3 for I V X L
  bool word = false;
  std::uint8_t script = 0;  // kLatin, kCyrillic or 0
  std::uint8_t letter_case = kUncased;
  std::uint8_t kind = kOther;  // kDigit, kLetter or kOther (punctuation, space…)
  bool digit_twin = false;     // a letter that looks like a digit, or a digit like a letter
};

/// Letters typed like digits and digits typed like letters (Latin, Cyrillic, Ukrainian і).
bool looks_like_digit_or_letter(char32_t c) {
  switch (c) {
    case U'0': case U'1': case U'3':
    case U'O': case U'o': case U'l': case U'I':
    case U'\u041e': case U'\u043e':  // О о
    case U'\u0406': case U'\u0456':  // І і
    case U'\u0417':                   // З
      return true;
    default:
      return false;
  }
}

/// A node of the prefix tree: one prefix, identified by its parent and last label. The
/// language score is a function of the prefix alone, so it is computed once, at creation.
struct Node {
  int parent = -1;
  int label = kCtcBlank;
  double language = 0;  // α·log P_lm + β·length + word bonuses − script penalties
  std::uint64_t word_hash = WordList::kEmptyHash;  // the current (unfinished) word
  std::uint64_t context_key = 0;  // LanguageMemo key of the n-gram context (`tail`)
  int word_length = 0;
  std::uint8_t scripts = 0;  // scripts seen in the current word
  std::uint8_t line_script = 0;  // script of the line's last word with letters (0: none yet)
  // Of the current word so far: bit 0 all its letters are Roman digits, bit 1 one of them is
  // I, V, X or L (С, М alone are Russian words).
  std::uint8_t roman = 0;
  std::uint8_t tail_length = 0;
  char32_t tail[kMaxContext] = {};  // last code points, for the n-gram context
};

/// The n-gram scores (and word-list answers) already looked up while decoding one line, by
/// (context, symbol) (and by word).
/// Prefixes in a beam mostly differ in earlier symbols and share their last few, so the same
/// query recurs: on the 100 benchmark pages 4.44 M queries were 1.99 M distinct within their
/// lines, and a table query (about 175 ns, most of it cache misses in a 16 MB table) costs
/// ten times a hit here. Direct-mapped, a new entry evicting the old: 4096 slots keep 99.9 %
/// of those hits (2.447 M of 2.449 M with 256 k slots). Keys start from a salt drawn per
/// line, so nothing carries over to the next line, which may use another language model.
class LanguageMemo {
 public:
  /// Starts a line: every key made from here on differs from the earlier lines' keys.
  std::uint64_t start_line() {
    if (slots_.empty()) slots_.resize(std::size_t(1) << kBits);
    salt_ = mix(salt_, 0x2545F491U);
    return salt_;
  }
  /// Key of the context made of `tail` (the last code points before the next symbol).
  std::uint64_t context_key(const char32_t* tail, int length) const {
    std::uint64_t key = salt_;
    for (int i = 0; i < length; ++i) key = mix(key, tail[i]);
    return key;
  }
  /// log P(symbol | context) of `lm`, from the memo when it holds it.
  float log_prob(const LanguageModel& lm, std::uint64_t context_key, const char32_t* tail,
                 int length, char32_t symbol) {
    const std::uint64_t key = nonzero(mix(context_key, symbol));
    Slot& slot = slots_[key >> (64 - kBits)];
    if (slot.key != key) {
      slot.key = key;
      slot.value = lm.log_prob(std::u32string_view(tail, length), symbol);
    }
    return slot.value;
  }
  /// Whether a word list of `lm` holds the word with this WordList hash, from the memo when
  /// it holds the answer (the beam's prefixes often end the same word).
  bool contains_word(const LanguageModel& lm, std::uint64_t word_hash) {
    // 0x110000 lies past the last code point, so no n-gram key is made the same way.
    const std::uint64_t key = nonzero(mix(salt_ ^ word_hash, 0x110000));
    Slot& slot = slots_[key >> (64 - kBits)];
    if (slot.key != key) {
      slot.key = key;
      slot.value = lm.contains_word_hash(word_hash) ? 1.0f : 0.0f;
    }
    return slot.value != 0;
  }

 private:
  static constexpr int kBits = 12;
  struct Slot {
    std::uint64_t key = 0;  // 0: empty
    float value = 0;
  };
  std::vector<Slot> slots_;
  std::uint64_t salt_ = 0x9E3779B97F4A7C15ULL;
};

/// Appends to `out` the classes c ≥ 1 of the row `y` with y[c] ≥ `threshold`, in class order.
/// A frame has one or two of 282 classes above the default threshold on the benchmark
/// pages, so the row is compared four classes at a time where SSE2 allows (GCC leaves the
/// plain loop scalar: a float comparison may trap on NaN), and only the hits are visited.
void find_candidates(const float* y, int classes, float threshold, std::vector<int>& out) {
  int c = 1;
#if defined(__SSE2__)
  const __m128 limit = _mm_set1_ps(threshold);
  for (; c + 4 <= classes; c += 4) {
    // Ordered comparison: false for NaN, as y[c] >= threshold below.
    for (int hits = _mm_movemask_ps(_mm_cmpge_ps(_mm_loadu_ps(y + c), limit)); hits != 0;
         hits &= hits - 1)
      out.push_back(c + __builtin_ctz(hits));
  }
#endif
  for (; c < classes; ++c)
    if (y[c] >= threshold) out.push_back(c);
}

/// An extension to a prefix not in the tree yet, waiting to see whether it can make the beam.
struct Pending {
  double optimistic;  // its score if the LM gave it probability 1 and every bonus applied
  double acoustic;    // log P_ctc contribution: from-score of the parent + log y_t(c)
  int parent;
  int label;
};

/// Child lookup of the prefix tree: (parent, label) → node, open addressing with linear
/// probing. A prefix that stays in the beam over many frames of flat posteriors collects
/// hundreds of children, too many to scan; std::unordered_map would allocate per insert.
class ChildTable {
 public:
  void clear(std::size_t expected) {
    std::size_t capacity = 64;
    while (capacity < 2 * expected) capacity *= 2;
    slots_.assign(capacity, Slot{});
    size_ = 0;
  }
  /// Node id stored for `key` (> 0), or -1.
  int find(std::uint64_t key) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == key) return slots_[i].node;
      if (slots_[i].key == 0) return -1;
    }
  }
  void insert(std::uint64_t key, int node) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash(key) & mask;
    while (slots_[i].key != 0) i = (i + 1) & mask;
    slots_[i] = {key, node};
    ++size_;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    int node = -1;
  };
  static std::size_t hash(std::uint64_t key) { return (key * 0x9E3779B97F4A7C15ULL) >> 20; }
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{});
    size_ = 0;
    for (const Slot& s : old)
      if (s.key != 0) insert(s.key, s.node);
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

/// Buffers of one thread's decoding, kept between calls so that a page of lines allocates
/// only while the first (longest) lines grow them.
struct BeamWorkspace {
  std::u32string alphabet;  // the symbols `info` describes
  // Per class, kept between lines: ICU's lookups for 282 classes cost more than decoding a
  // short line.
  std::vector<SymbolInfo> info;
  ChildTable children;
  LanguageMemo memo;
  std::vector<Node> nodes;
  std::vector<double> pb, pnb, nb, nnb;  // current and next acoustic scores per node
  std::vector<char> in_next;
  std::vector<int> beam, touched, candidates;
  std::vector<Pending> pending;
  std::vector<double> top;  // min-heap of the best scores of the frame
  std::vector<std::pair<double, int>> ranked;
  std::vector<int> labels;
  AlignmentWorkspace alignment;  // ctc_align scratch
};

/// Fills w.info for `alphabet` unless it already describes it.
void describe_symbols(const Alphabet& alphabet, BeamWorkspace& w) {
  if (w.alphabet == alphabet.symbols() && !w.info.empty()) return;
  const int classes = alphabet.size();
  w.alphabet = alphabet.symbols();
  w.info.assign(classes, SymbolInfo{});
  for (int c = 1; c < classes; ++c) {
    SymbolInfo& s = w.info[c];
    s.code = alphabet.symbol(c);
    s.word = is_word_char(s.code);
    s.folded = WordList::fold_case(s.code);
    s.script = letter_script(s.code);
    const UChar32 u = static_cast<UChar32>(s.code);
    s.letter_case = u_isULowercase(u) ? kLower : u_isUUppercase(u) ? kUpper : kUncased;
    s.kind = u_isdigit(u) ? kDigit : s.word ? kLetter : kOther;
    s.digit_twin = looks_like_digit_or_letter(s.code);
    s.roman = s.code == U'I' || s.code == U'V' || s.code == U'X' || s.code == U'L' ? 3
              : s.code == U'C' || s.code == U'D' || s.code == U'M'                  ? 1
                                                                                   : 0;
  }
}

/// This thread's workspace, describing `alphabet`.
BeamWorkspace& workspace_for(const Alphabet& alphabet) {
  thread_local BeamWorkspace w;
  describe_symbols(alphabet, w);
  return w;
}

/// Whether the capital and the small letter of `lower` differ only in size on a typewriter
/// (LmDecodeOptions::case_blind_letters).
bool case_looks_alike(char32_t lower) {
  static constexpr std::u32string_view kSizeOnly =
      U"cosvwxz"
      U"\u0432\u0433\u0436\u0437\u0438\u0439\u043a\u043b\u043c\u043d\u043e\u043f\u0441\u0442"
      U"\u0445\u0446\u0447\u0448\u0449\u044a\u044b\u044c\u044d\u044e\u044f";  // вгжзийклмнопстхцчшщъыьэюя
  return kSizeOnly.find(lower) != std::u32string_view::npos;
}

/// Sets each class's case twin for the n-gram model: with `case_blind`, the other case of a
/// letter whose cases look alike (case_looks_alike), else none.
void set_case_twins(bool case_blind, BeamWorkspace& w) {
  for (SymbolInfo& s : w.info) {
    s.case_twin = 0;
    if (!case_blind || s.letter_case == kUncased) continue;
    const UChar32 u = static_cast<UChar32>(s.code);
    const char32_t lower = static_cast<char32_t>(u_tolower(u));
    if (case_looks_alike(lower))
      s.case_twin = s.letter_case == kUpper ? lower : static_cast<char32_t>(u_toupper(u));
  }
}

}  // namespace

std::u32string beam_search(const float* log_probs, int frames, int classes,
                           const Alphabet& alphabet, const LanguageModel* lm,
                           const LmDecodeOptions& options, std::vector<float>* confidences,
                           std::vector<SymbolSpan>* spans) {
  if (classes != alphabet.size())
    throw std::invalid_argument("beam_search: " + std::to_string(classes) +
                                " classes but the alphabet has " +
                                std::to_string(alphabet.size()));
  if (confidences) confidences->clear();
  if (spans) spans->clear();
  if (frames <= 0 || classes <= 1) return {};

  BeamWorkspace& w = workspace_for(alphabet);
  set_case_twins(options.case_blind_letters, w);
  const std::vector<SymbolInfo>& info = w.info;
  const bool use_lm = lm && !lm->empty();
  const int context_length = use_lm ? std::min(lm->order() - 1, kMaxContext) : 0;
  const double alpha = options.lm_weight, beta = use_lm ? options.char_bonus : 0.0;
  // The most a word's end can add: the word-list bonus and a Roman numeral's refund.
  const double max_word_end = (use_lm ? std::max(0.0f, options.word_bonus) : 0.0) +
                              std::max(0.0f, options.script_switch_penalty);
  const int beam_width = std::max(1, options.beam_width);
  const int max_candidates = std::max(0, options.max_candidates);
  const double score_margin = options.score_margin;

  auto& nodes = w.nodes;
  auto &pb = w.pb, &pnb = w.pnb, &nb = w.nb, &nnb = w.nnb;
  nodes.assign(1, Node{});  // node 0: the empty prefix
  nodes[0].context_key = w.memo.start_line();
  if (options.line_script == kLatin || options.line_script == kCyrillic)
    nodes[0].line_script = static_cast<std::uint8_t>(options.line_script);
  else if (options.line_script < 0 && options.script_switch_penalty > 0)
    nodes[0].line_script = static_cast<std::uint8_t>(script_evidence(log_probs, frames, classes, alphabet).script());
  pb.assign(1, 0.0);
  pnb.assign(1, kNegInf);
  nb.assign(1, kNegInf);
  nnb.assign(1, kNegInf);
  w.in_next.assign(1, 0);
  w.beam.assign(1, 0);

  // What the word that `n` ends gets when it is closed: the word-list bonus, and back the
  // cost of a script other than the line's (LmDecodeOptions::script_switch_penalty) for a
  // Roman numeral (XX, IV, XIX), Latin in any text.
  auto word_end_bonus = [&](const Node& n) {
    double value = use_lm && n.word_length >= 2 && w.memo.contains_word(*lm, n.word_hash)
                       ? options.word_bonus
                       : 0.0f;
    if (n.scripts == kLatin && n.roman == 3 && n.line_script == kCyrillic)
      value += options.script_switch_penalty;  // paid at its first letter, refunded
    return value;
  };
  // About 7 nodes are made per frame on the benchmark pages; the table grows past that.
  w.children.clear(static_cast<std::size_t>(frames) * 8);
  auto child_key = [&](int parent, int label) {
    return static_cast<std::uint64_t>(parent) * classes + label + 1;  // never 0
  };
  // Appends the prefix `parent` + `label` (not in the tree yet) to `nodes`, with its
  // language score; add_child() then makes it a child, or drop_last() removes it again.
  // Built in place: copying the 80-byte node was a tenth of the search's time.
  auto extend = [&](int parent, int label) -> const Node& {
    nodes.emplace_back();
    Node& n = nodes.back();
    const Node& p = nodes[parent];
    const SymbolInfo& s = info[label];
    n.parent = parent;
    n.label = label;
    n.language = p.language;
    n.line_script = p.line_script;
    if (use_lm) {
      float lp = w.memo.log_prob(*lm, p.context_key, p.tail, p.tail_length, s.code);
      // A letter whose cases look alike is as likely to the model as its likelier case.
      if (s.case_twin != 0)
        lp = std::max(lp, w.memo.log_prob(*lm, p.context_key, p.tail, p.tail_length, s.case_twin));
      n.language += alpha * lp + beta;
    }
    const SymbolInfo& before = info[p.label];  // the blank (kOther, uncased) at the start
    if (s.word) {
      n.word_hash = WordList::extend_hash(p.word_hash, s.folded);
      n.word_length = p.word_length + 1;
      n.scripts = p.scripts | s.script;
      // Typewritten words are in one script; a Latin/Cyrillic mix almost always means two
      // look-alike glyphs (o/о, p/р…) were confused, so the mix must be earned by the image.
      if (n.scripts == (kLatin | kCyrillic) && p.scripts != n.scripts)
        n.language -= options.mixed_script_penalty;
      // The script carries from word to word: paid at a word's first letter, so that the
      // search keeps the readings in the line's script from the start of the word.
      if (p.scripts == 0 && s.script != 0 && p.line_script != 0 && s.script != p.line_script)
        n.language -= options.script_switch_penalty;
      n.roman = s.roman == 0 || (p.word_length > 0 && !(p.roman & 1)) ? 0 : (p.word_length > 0 ? p.roman : 0) | s.roman;
      // Case within a word: only a capital followed by lower case switches for free.
      if (p.word_length > 0 && before.letter_case != kUncased && s.letter_case != kUncased &&
          before.letter_case != s.letter_case && !(before.letter_case == kUpper && p.word_length == 1))
        n.language -= options.case_switch_penalty;
    } else {
      n.language += word_end_bonus(p);
      // A Roman numeral leaves the line's script as it was.
      if ((p.scripts == kLatin || p.scripts == kCyrillic) && !(p.scripts == kLatin && p.roman == 3))
        n.line_script = p.scripts;
    }
    // Digits and look-alike letters side by side (LmDecodeOptions::digit_context_penalty).
    if ((s.kind == kDigit && before.kind == kLetter && (s.digit_twin || before.digit_twin)) ||
        (s.kind == kLetter && before.kind == kDigit && (s.digit_twin || before.digit_twin)))
      n.language -= options.digit_context_penalty;
    if (context_length > 0) {
      int keep = std::min<int>(p.tail_length, context_length - 1);
      std::copy(p.tail + p.tail_length - keep, p.tail + p.tail_length, n.tail);
      n.tail[keep] = s.code;
      n.tail_length = static_cast<std::uint8_t>(keep + 1);
      n.context_key = w.memo.context_key(n.tail, n.tail_length);
    }
    return n;
  };
  auto drop_last = [&] { nodes.pop_back(); };
  auto add_child = [&] {
    const int id = static_cast<int>(nodes.size()) - 1;
    w.children.insert(child_key(nodes[id].parent, nodes[id].label), id);
    pb.push_back(kNegInf);
    pnb.push_back(kNegInf);
    nb.push_back(kNegInf);
    nnb.push_back(kNegInf);
    w.in_next.push_back(0);
    return id;
  };
  auto touch = [&](int n) {
    if (w.in_next[n]) return;
    w.in_next[n] = 1;
    nb[n] = nnb[n] = kNegInf;
    w.touched.push_back(n);
  };
  auto score = [&](int n) { return log_add(nb[n], nnb[n]) + nodes[n].language; };

  for (int t = 0; t < frames; ++t) {
    const float* y = log_probs + static_cast<std::size_t>(t) * classes;
    auto& candidates = w.candidates;
    candidates.clear();
    // A frame the blank all but owns starts no symbol (LmDecodeOptions::blank_log_prob).
    if (!(y[kCtcBlank] >= options.blank_log_prob))
      find_candidates(y, classes, options.candidate_log_prob, candidates);

    if (candidates.empty()) {
      // No symbol can start here (54 % of the benchmark pages' frames): every prefix of the
      // beam stays itself and no new one is made, so the beam keeps its members and their
      // order, and only the scores advance. The same arithmetic as the general step below,
      // without its bookkeeping.
      for (int n : w.beam) {
        const double total = log_add(pb[n], pnb[n]);
        const int last = nodes[n].label;
        pnb[n] = last != kCtcBlank ? pnb[n] + y[last] : kNegInf;
        pb[n] = total + y[kCtcBlank];
      }
      continue;
    }
    if (static_cast<int>(candidates.size()) > max_candidates) {
      std::partial_sort(candidates.begin(), candidates.begin() + max_candidates,
                        candidates.end(), [&](int a, int b) { return y[a] > y[b]; });
      candidates.resize(max_candidates);
    }

    // Pass 1: everything that lands on prefixes already in the tree (Hannun et al. 2014,
    // Algorithm 1); extensions to new prefixes wait in `pending`.
    w.touched.clear();
    w.pending.clear();
    for (int n : w.beam) {
      const double total = log_add(pb[n], pnb[n]);
      touch(n);
      nb[n] = log_add(nb[n], total + y[kCtcBlank]);
      const int last = nodes[n].label;
      // The last symbol repeated without a blank collapses into the same prefix.
      if (last != kCtcBlank) nnb[n] = log_add(nnb[n], pnb[n] + y[last]);
      for (int c : candidates) {
        // A repeat of the last symbol only starts a new one after a blank.
        const double from = (c == last ? pb[n] : total) + y[c];
        if (from == kNegInf) continue;
        const int child = w.children.find(child_key(n, c));
        if (child >= 0) {
          touch(child);
          nnb[child] = log_add(nnb[child], from);
        } else {
          double bound = from + nodes[n].language + beta + (info[c].word ? 0.0 : max_word_end);
          w.pending.push_back({bound, from, n, c});
        }
      }
    }

    // Pass 2: new prefixes, best bound first, only while one could still enter the beam.
    // The bound can only overestimate (log P_lm ≤ 0, penalties ≥ 0), so stopping at the
    // beam's current floor loses nothing, and most LM queries of a frame are never made.
    auto& top = w.top;
    top.clear();
    double best_value = kNegInf;  // of the frame so far
    auto offer = [&](double v) {
      best_value = std::max(best_value, v);
      if (static_cast<int>(top.size()) < beam_width) {
        top.push_back(v);
        std::push_heap(top.begin(), top.end(), std::greater<double>());
      } else if (v > top.front()) {
        std::pop_heap(top.begin(), top.end(), std::greater<double>());
        top.back() = v;
        std::push_heap(top.begin(), top.end(), std::greater<double>());
      }
    };
    // Below the floor a prefix cannot make the beam: it is outside the best beam_width, or
    // further than score_margin below the best (LmDecodeOptions::score_margin).
    auto floor = [&] {
      return std::max(best_value - score_margin,
                      static_cast<int>(top.size()) < beam_width ? kNegInf : top.front());
    };
    // Pass 2 leaves the prefixes already touched as they are, so each one's score is final.
    auto& ranked = w.ranked;
    ranked.clear();
    for (int n : w.touched) {
      ranked.emplace_back(score(n), n);
      offer(ranked.back().first);
    }
    // The floor only rises, so what lies below it now is never taken: a quarter of the
    // pending extensions on the benchmark pages go before the sort.
    const double first_floor = floor();
    auto& pending = w.pending;
    pending.erase(std::remove_if(pending.begin(), pending.end(),
                                 [&](const Pending& e) { return e.optimistic < first_floor; }),
                  pending.end());
    std::sort(pending.begin(), pending.end(),
              [](const Pending& a, const Pending& b) { return a.optimistic > b.optimistic; });
    for (const Pending& e : pending) {
      if (e.optimistic < floor()) break;
      // Its score as a new prefix: e.acoustic + language. One below the floor cannot make the
      // beam of this frame, and would be made again when a later frame extends its parent.
      const double value = e.acoustic + extend(e.parent, e.label).language;
      if (value < floor()) {
        drop_last();
        continue;
      }
      const int child = add_child();
      touch(child);
      nnb[child] = e.acoustic;
      ranked.emplace_back(value, child);
      offer(value);
    }

    if (static_cast<int>(ranked.size()) > beam_width) {
      std::nth_element(ranked.begin(), ranked.begin() + beam_width, ranked.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      ranked.resize(beam_width);
    }
    ranked.erase(std::remove_if(ranked.begin(), ranked.end(),
                                [&](const auto& r) { return r.first < best_value - score_margin; }),
                 ranked.end());
    w.beam.clear();
    for (const auto& [value, n] : ranked) {
      w.beam.push_back(n);
      pb[n] = nb[n];
      pnb[n] = nnb[n];
    }
    for (int n : w.touched) w.in_next[n] = 0;
  }

  // Final choice: close each prefix (line end, last word) before comparing.
  int best = 0;
  double best_score = kNegInf;
  for (int n : w.beam) {
    const Node& node = nodes[n];
    double value = log_add(pb[n], pnb[n]) + node.language + word_end_bonus(node);
    if (use_lm)
      value += alpha * lm->log_prob(std::u32string_view(node.tail, node.tail_length),
                                    CharLanguageModel::kLineEnd);
    if (value > best_score) {
      best_score = value;
      best = n;
    }
  }
  std::vector<int>& labels = w.labels;
  labels.clear();
  for (int n = best; n != 0; n = nodes[n].parent) labels.push_back(nodes[n].label);
  std::reverse(labels.begin(), labels.end());
  std::u32string text;
  for (int label : labels) text.push_back(info[label].code);
  if (confidences || spans) {
    std::vector<SymbolSpan> aligned = ctc_align(log_probs, frames, classes, labels, w.alignment);
    // The beam's result is always reachable; an empty alignment only for an empty result.
    aligned.resize(labels.size());
    if (confidences) {
      confidences->reserve(aligned.size());
      for (const SymbolSpan& a : aligned) confidences->push_back(a.confidence);
    }
    if (spans) *spans = std::move(aligned);
  }
  return text;
}

}  // namespace platen
