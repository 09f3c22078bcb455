// Fuzz target: a language model file (models/lang-*.lm) from memory, CRC trailer fixed up
// (fuzz_target.h), then a few look-ups in its n-gram table and word list.
#include <string>

#include "core/errors.h"
#include "fuzz_target.h"
#include "recognition/language_pack.h"

namespace platen::fuzz {

std::string fuzz_one(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes = with_fixed_crc(data, size);
  try {
    const LanguagePack pack = LanguagePack::from_bytes(bytes, "fuzz input");
    const std::u32string text = U"the typewriter";
    double log_prob = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
      log_prob += pack.chars.log_prob(std::u32string_view(text).substr(0, i), text[i]);
    const bool knows = pack.words.contains(U"typewriter");
    return "language=" + pack.language + " order=" + std::to_string(pack.chars.order()) +
           " ngrams=" + std::to_string(pack.chars.size()) + " words=" + std::to_string(pack.words.size()) +
           (knows ? " knows-typewriter" : "") + (log_prob < 0 ? " scores" : "");
  } catch (const Error&) {
    return "refused";
  }
}

}  // namespace platen::fuzz
