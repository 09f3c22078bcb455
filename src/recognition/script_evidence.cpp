#include "recognition/script_evidence.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/uscript.h>

#include "recognition/alphabet.h"
#include "recognition/ctc.h"
#include "recognition/word_list.h"

namespace platen {

std::uint8_t letter_script(char32_t c) {
  if (!is_word_char(c)) return 0;
  UErrorCode err = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &err);
  if (!U_SUCCESS(err)) return 0;
  return script == USCRIPT_LATIN ? kLatinScript : script == USCRIPT_CYRILLIC ? kCyrillicScript : 0;
}

bool has_script_twin(char32_t c) {
  static constexpr std::u32string_view kTwins =
      U"ABEKMHOPCTXaceopxyIJSijsQW"
      U"\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425"
      U"\u0430\u0441\u0435\u043e\u0440\u0445\u0443"
      U"\u0406\u0408\u0405\u0456\u0458\u0455\u051a\u051c";
  return kTwins.find(c) != std::u32string_view::npos;
}

namespace {

/// Per class of one alphabet, the script its letter counts for as evidence: letter_script(),
/// or 0 for a letter with a twin in the other script (and for the blank). Kept per thread
/// between lines: ICU's lookups for 282 classes cost more than a short line's evidence.
struct EvidenceClasses {
  std::u32string alphabet;  // the symbols `script` describes
  std::vector<std::uint8_t> script;
};

const std::vector<std::uint8_t>& evidence_classes_for(const Alphabet& alphabet) {
  thread_local EvidenceClasses w;
  if (w.alphabet == alphabet.symbols() && !w.script.empty()) return w.script;
  const int classes = alphabet.size();
  w.alphabet = alphabet.symbols();
  w.script.assign(classes, 0);
  for (int c = 1; c < classes; ++c) {
    const char32_t code = alphabet.symbol(c);
    w.script[c] = has_script_twin(code) ? 0 : letter_script(code);
  }
  return w.script;
}

}  // namespace

ScriptEvidence script_evidence(const float* scores, int frames, int classes, const Alphabet& alphabet) {
  if (classes != alphabet.size())
    throw std::invalid_argument("script_evidence: " + std::to_string(classes) + " classes but the alphabet has " +
                                std::to_string(alphabet.size()));
  if (frames <= 0 || classes <= 1) return {};
  // Letters without a twin in the other script on the line's best path, per script. Frames
  // the blank wins are passed over.
  const std::vector<std::uint8_t>& script = evidence_classes_for(alphabet);
  ScriptEvidence e;
  int last = kCtcBlank;
  for (int t = 0; t < frames; ++t) {
    const float* y = scores + static_cast<std::size_t>(t) * classes;
    const int best = static_cast<int>(std::max_element(y, y + classes) - y);
    if (best != last && best != kCtcBlank) {
      e.latin += script[best] == kLatinScript;
      e.cyrillic += script[best] == kCyrillicScript;
    }
    last = best;
  }
  return e;
}

}  // namespace platen
