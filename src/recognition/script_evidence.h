#pragma once
// Latin or Cyrillic: what a line's network output says of its script before any decoding,
// for the beam search's script rule (LmDecodeOptions::script_switch_penalty, line_script)
// and for a page's script, summed over its lines (Recognizer).

#include <cstdint>

namespace platen {

class Alphabet;

/// Script codes, as LmDecodeOptions::line_script and ScriptEvidence::script() use them
/// (0: none).
constexpr std::uint8_t kLatinScript = 1, kCyrillicScript = 2;

/// kLatinScript or kCyrillicScript for a word character (is_word_char) of that script (ICU's
/// uscript_getScript), else 0. Thread-safe.
std::uint8_t letter_script(char32_t c);

/// Whether `c` is a Latin or Cyrillic letter with a look-alike in the other script
/// (АВЕКМНОРСТХ / ABEKMHOPCTX, асеорху / aceopxy, ІЈЅ іјѕ / IJS ijs, Ԛ Ԝ / Q W). Thread-safe.
bool has_script_twin(char32_t c);

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
