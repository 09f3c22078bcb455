#include "recognition/alphabet.h"

#include "core/text.h"

namespace platen {

Alphabet::Alphabet(const std::u32string& symbols) {
  for (char32_t c : symbols) {
    if (index_.count(c)) continue;
    symbols_.push_back(c);
    index_[c] = static_cast<int>(symbols_.size());  // +1 for the blank in front
  }
}

Alphabet Alphabet::standard() {
  std::u32string s;
  for (char32_t c = 0x20; c <= 0x7E; ++c) s.push_back(c);
  // Latin with the diacritics of de fr cs sk da pl hu (NFC, precomposed).
  s += U"äöüÄÖÜß";
  s += U"àâæçéèêëîïôœùûÿÀÂÆÇÉÈÊËÎÏÔŒÙÛŸ";
  s += U"áčďěíňóřšťúůýžÁČĎĚÍŇÓŘŠŤÚŮÝŽ";
  s += U"ĺľŕĹĽŔ";
  s += U"æøåÆØÅ";
  s += U"ąćęłńśźżĄĆĘŁŃŚŹŻ";
  s += U"őűŐŰ";
  // Cyrillic: Russian, Ukrainian, Belarusian, Bulgarian.
  for (char32_t c = 0x0410; c <= 0x044F; ++c) s.push_back(c);
  s += U"ЁёІіЇїЄєҐґЎў";
  // Typographic punctuation and typewriter extras.
  s += U"–—„“”‘’«»№§°½…£";
  // Pre-reform Russian orthography (émigré archives): ѣ ѳ ѵ (і and ъ are above). Last, so
  // that models made before keep their class numbers (Model::extend_alphabet adds these).
  s += U"ѢѣѲѳѴѵ";
  return Alphabet(s);
}

int Alphabet::index_of(char32_t c) const {
  auto it = index_.find(c);
  return it == index_.end() ? -1 : it->second;
}

std::vector<int> Alphabet::encode(const std::u32string& text, int* unknown) const {
  std::vector<int> labels;
  labels.reserve(text.size());
  int missing = 0;
  for (char32_t c : text) {
    int i = index_of(c);
    if (i < 0) {
      ++missing;
      continue;
    }
    labels.push_back(i);
  }
  if (unknown) *unknown = missing;
  return labels;
}

std::string Alphabet::decode(const std::vector<int>& labels) const {
  std::u32string out;
  for (int l : labels)
    if (l > 0 && l < size()) out.push_back(symbol(l));
  return utf32_to_utf8(out);
}

}  // namespace platen
