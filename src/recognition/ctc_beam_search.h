#pragma once
// Decoding CTC posteriors with language knowledge: a CTC prefix beam search scored by a
// character n-gram model and word lists (language_model.h), with rules for script, case and
// digits that typewritten text keeps.

#include <string>
#include <vector>

namespace platen {

class Alphabet;
class LanguageModel;
struct SymbolSpan;

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
///
/// Thread safety: safe to call from many threads at once (each thread keeps its own search
/// buffers); `lm` is only read. The result is owned by the caller.
std::u32string beam_search(const float* log_probs, int frames, int classes,
                           const Alphabet& alphabet, const LanguageModel* lm,
                           const LmDecodeOptions& options, std::vector<float>* confidences,
                           std::vector<SymbolSpan>* spans = nullptr);

}  // namespace platen
