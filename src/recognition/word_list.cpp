#include "recognition/word_list.h"

#include <algorithm>
#include <unordered_map>

#include <unicode/uchar.h>

#include "core/binary_io.h"
#include "core/errors.h"
#include "recognition/code_point_hash.h"
#include "recognition/language_model_sections.h"

namespace platen {

bool is_word_char(char32_t c) {
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_M_MASK)) != 0;
}

char32_t WordList::fold_case(char32_t c) {
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

std::uint64_t WordList::extend_hash(std::uint64_t hash, char32_t folded) {
  return code_point_hash::mix(hash, folded);
}

WordList WordList::from_text(const std::vector<std::u32string>& lines, int min_count) {
  std::unordered_map<std::uint64_t, int> counts;
  for (const std::u32string& line : lines) {
    std::uint64_t h = kEmptyHash;
    int length = 0;
    for (std::size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && is_word_char(line[i])) {
        h = extend_hash(h, fold_case(line[i]));
        ++length;
      } else if (length > 0) {
        counts[h]++;
        h = kEmptyHash;
        length = 0;
      }
    }
  }
  WordList list;
  for (const auto& [h, n] : counts)
    if (n >= min_count) list.hashes_.push_back(h);
  std::sort(list.hashes_.begin(), list.hashes_.end());
  list.index();
  return list;
}

void WordList::add(std::u32string_view word) {
  std::uint64_t h = kEmptyHash;
  for (char32_t c : word) h = extend_hash(h, fold_case(c));
  auto it = std::lower_bound(hashes_.begin(), hashes_.end(), h);
  if (it == hashes_.end() || *it != h) {
    hashes_.insert(it, h);
    index();
  }
}

bool WordList::contains(std::u32string_view word) const {
  std::uint64_t h = kEmptyHash;
  for (char32_t c : word) h = extend_hash(h, fold_case(c));
  return contains_hash(h);
}

bool WordList::contains_hash(std::uint64_t hash) const {
  if (first_.empty()) return false;
  const std::size_t bucket = index_bits_ ? hash >> (64 - index_bits_) : 0;
  const std::uint64_t* begin = hashes_.data() + first_[bucket];
  const std::uint64_t* end = hashes_.data() + first_[bucket + 1];
  for (const std::uint64_t* h = begin; h != end; ++h)
    if (*h >= hash) return *h == hash;
  return false;
}

void WordList::index() {
  // One to two hashes a bucket: 2–4 bytes of index per word, beside the 8 of its hash.
  index_bits_ = 0;
  while (index_bits_ < 32 && (std::size_t{2} << index_bits_) < hashes_.size()) ++index_bits_;
  const std::size_t buckets = std::size_t{1} << index_bits_;
  first_.assign(buckets + 1, static_cast<std::uint32_t>(hashes_.size()));
  std::size_t i = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    while (i < hashes_.size() && (index_bits_ ? hashes_[i] >> (64 - index_bits_) : 0) < b) ++i;
    first_[b] = static_cast<std::uint32_t>(i);
  }
}

void WordList::save(BinaryWriter& out) const {
  out.u64(hashes_.size());
  for (std::uint64_t h : hashes_) out.u64(h);
}


WordList WordList::load(BinaryReader& in) {
  WordList list;
  list.hashes_.resize(lm_sections::get_count(in, 8));
  for (std::uint64_t& h : list.hashes_) h = in.u64();
  if (!std::is_sorted(list.hashes_.begin(), list.hashes_.end()))
    throw ModelError("language model word list is not sorted; the file is corrupt");
  list.index();
  return list;
}

}  // namespace platen
