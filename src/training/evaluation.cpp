#include "training/evaluation.h"

#include <algorithm>
#include <cstdint>

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "core/text.h"

namespace platen {

namespace {

double rate(std::size_t edits, std::size_t reference) {
  if (reference == 0) return edits == 0 ? 0.0 : 1.0;
  return static_cast<double>(edits) / static_cast<double>(reference);
}

/// Latin letters and the Cyrillic letters drawn the same way in typewriter faces.
constexpr std::pair<char32_t, char32_t> kLatinCyrillicTwins[] = {
    {U'a', U'\u0430'}, {U'e', U'\u0435'}, {U'o', U'\u043E'}, {U'p', U'\u0440'},
    {U'c', U'\u0441'}, {U'x', U'\u0445'}, {U'y', U'\u0443'}, {U'A', U'\u0410'},
    {U'B', U'\u0412'}, {U'C', U'\u0421'}, {U'E', U'\u0415'}, {U'H', U'\u041D'},
    {U'K', U'\u041A'}, {U'M', U'\u041C'}, {U'O', U'\u041E'}, {U'P', U'\u0420'},
    {U'T', U'\u0422'}, {U'X', U'\u0425'},
};

/// The one-glyph group holding both `a` and `b` (a ≠ b), or -1.
int single_glyph_group(char32_t a, char32_t b) {
  auto both_in = [&](std::u32string_view set) {
    return set.find(a) != std::u32string_view::npos && set.find(b) != std::u32string_view::npos;
  };
  if (both_in(U"l1I|")) return static_cast<int>(LookAlike::kStroke);
  if (both_in(U"O0o")) return static_cast<int>(LookAlike::kRound);
  if (both_in(U",.")) return static_cast<int>(LookAlike::kCommaPeriod);
  for (const auto& [latin, cyrillic] : kLatinCyrillicTwins) {
    if ((a == latin && b == cyrillic) || (a == cyrillic && b == latin))
      return static_cast<int>(LookAlike::kLatinCyrillic);
  }
  return -1;
}

}  // namespace

double ErrorCounts::cer() const { return rate(char_edits, reference_chars); }
double ErrorCounts::wer() const { return rate(word_edits, reference_words); }

ErrorCounts& ErrorCounts::operator+=(const ErrorCounts& other) {
  char_edits += other.char_edits;
  reference_chars += other.reference_chars;
  word_edits += other.word_edits;
  reference_words += other.reference_words;
  return *this;
}

namespace {

/// score_text on texts already in scoring form, also returning their code points.
ErrorCounts score_normalised(const std::string& ref, const std::string& hyp,
                             std::u32string& ref_chars, std::u32string& hyp_chars) {
  ref_chars = utf8_to_utf32(ref);
  hyp_chars = utf8_to_utf32(hyp);
  const std::vector<std::string> ref_words = split_words(ref), hyp_words = split_words(hyp);
  ErrorCounts counts;
  counts.char_edits = edit_distance(ref_chars, hyp_chars);
  counts.reference_chars = ref_chars.size();
  counts.word_edits = edit_distance(ref_words, hyp_words);
  counts.reference_words = ref_words.size();
  return counts;
}

}  // namespace

ErrorCounts score_text(const std::string& reference, const std::string& hypothesis) {
  std::u32string ref_chars, hyp_chars;
  return score_normalised(normalise_for_scoring(reference), normalise_for_scoring(hypothesis),
                          ref_chars, hyp_chars);
}

std::vector<AlignedPair> align(const std::u32string& reference, const std::u32string& hypothesis) {
  const std::size_t n = reference.size(), m = hypothesis.size();
  enum : std::uint8_t { kDiagonal, kDelete, kInsert };
  // Costs need only two rows; the backtrace needs every cell's choice, one byte each.
  std::vector<std::uint8_t> choice((n + 1) * (m + 1));
  std::vector<std::size_t> prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) {
    prev[j] = j;
    choice[j] = kInsert;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    choice[i * (m + 1)] = kDelete;
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t diagonal = prev[j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
      std::size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
      std::uint8_t c = kDiagonal;
      std::size_t best = diagonal;
      if (del < best) { best = del; c = kDelete; }
      if (ins < best) { best = ins; c = kInsert; }
      cur[j] = best;
      choice[i * (m + 1) + j] = c;
    }
    std::swap(prev, cur);
  }
  std::vector<AlignedPair> path;
  path.reserve(std::max(n, m));
  std::size_t i = n, j = m;
  while (i > 0 || j > 0) {
    std::uint8_t c = choice[i * (m + 1) + j];
    if (i > 0 && j > 0 && c == kDiagonal) {
      path.push_back({reference[--i], hypothesis[--j]});
    } else if (i > 0 && (c == kDelete || j == 0)) {
      path.push_back({reference[--i], 0});
    } else {
      path.push_back({0, hypothesis[--j]});
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

const char* look_alike_name(LookAlike group) {
  switch (group) {
    case LookAlike::kStroke: return "l/1/I/|";
    case LookAlike::kRound: return "O/0/o";
    case LookAlike::kRnM: return "rn/m";
    case LookAlike::kCommaPeriod: return ",/.";
    case LookAlike::kLatinCyrillic: return "Latin/Cyrillic";
  }
  return "?";
}

void ConfusionTable::add(const std::u32string& reference, const std::u32string& hypothesis) {
  if ((reference.size() + 1) * (hypothesis.size() + 1) > kMaxAlignmentCells) {
    ++unaligned_;
    return;
  }
  const std::vector<AlignedPair> path = align(reference, hypothesis);
  // Walk the runs of errors between matches: "rn" read as "m" shows up as a substitution
  // plus a deletion, so it is only recognisable as a whole run.
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i].ref == path[i].hyp) {
      ++i;
      continue;
    }
    std::size_t end = i;
    std::u32string ref_run, hyp_run;
    for (; end < path.size() && path[end].ref != path[end].hyp; ++end) {
      if (path[end].ref) ref_run.push_back(path[end].ref);
      if (path[end].hyp) hyp_run.push_back(path[end].hyp);
    }
    if ((ref_run == U"rn" && hyp_run == U"m") || (ref_run == U"m" && hyp_run == U"rn")) {
      ++pairs_[static_cast<int>(LookAlike::kRnM)][{ref_run, hyp_run}];
    } else {
      for (std::size_t k = i; k < end; ++k) {
        if (!path[k].ref || !path[k].hyp) continue;
        int group = single_glyph_group(path[k].ref, path[k].hyp);
        if (group >= 0)
          ++pairs_[group][{std::u32string(1, path[k].ref), std::u32string(1, path[k].hyp)}];
      }
    }
    i = end;
  }
}

void ConfusionTable::merge(const ConfusionTable& other) {
  for (int g = 0; g < kLookAlikeGroups; ++g)
    for (const auto& [pair, n] : other.pairs_[g]) pairs_[g][pair] += n;
  unaligned_ += other.unaligned_;
}

std::size_t ConfusionTable::total(LookAlike group) const {
  std::size_t sum = 0;
  for (const auto& kv : pairs_[static_cast<int>(group)]) sum += kv.second;
  return sum;
}

std::size_t ConfusionTable::count(LookAlike group, const std::u32string& reference,
                                  const std::u32string& hypothesis) const {
  const PairCounts& p = pairs_[static_cast<int>(group)];
  auto it = p.find({reference, hypothesis});
  return it == p.end() ? 0 : it->second;
}

std::size_t mixed_script_words(const std::u32string& text) {
  std::size_t mixed = 0;
  bool latin = false, cyrillic = false;
  auto close_word = [&] {
    mixed += latin && cyrillic;
    latin = cyrillic = false;
  };
  for (char32_t c : text) {
    const UChar32 u = static_cast<UChar32>(c);
    if (u_isUWhiteSpace(u)) {
      close_word();
      continue;
    }
    if (!u_isalpha(u)) continue;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(u, &status);
    if (U_FAILURE(status)) continue;
    latin |= script == USCRIPT_LATIN;
    cyrillic |= script == USCRIPT_CYRILLIC;
  }
  close_word();
  return mixed;
}

void Evaluation::add(const std::string& name, const std::string& reference,
                     const std::string& hypothesis) {
  std::u32string ref_chars, hyp_chars;
  ErrorCounts counts = score_normalised(normalise_for_scoring(reference),
                                        normalise_for_scoring(hypothesis), ref_chars, hyp_chars);
  files_.push_back({name, counts});
  total_ += counts;
  confusions_.add(ref_chars, hyp_chars);
  mixed_hypothesis_ += mixed_script_words(hyp_chars);
  mixed_reference_ += mixed_script_words(ref_chars);
}

}  // namespace platen
