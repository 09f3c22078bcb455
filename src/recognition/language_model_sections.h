#pragma once
// Reading and writing helpers shared by the sections of a `lang-<code>.lm` file (the n-gram
// table and the word list; the file itself is LanguagePack's, language_pack.h).

#include <cstdint>
#include <cstring>
#include <string>

#include "core/binary_io.h"
#include "core/errors.h"

namespace platen::lm_sections {

/// Writes `v` as its IEEE-754 bits (BinaryWriter has no single-precision scalar).
inline void put_f32(BinaryWriter& out, float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, 4);
  out.u32(bits);
}

/// Reads what put_f32() wrote; throws as BinaryReader does when the data is truncated.
inline float get_f32(BinaryReader& in) {
  std::uint32_t bits = in.u32();
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

/// Reads a table's item count (u64), which must fit in what is left of the data at
/// `bytes_each` bytes per item, so a corrupt count gives a clear error instead of a huge
/// allocation. Throws ModelError when it does not fit.
inline std::uint64_t get_count(BinaryReader& in, std::size_t bytes_each) {
  std::uint64_t n = in.u64();
  if (n > (in.end() - in.position()) / bytes_each)
    throw ModelError("a table of " + std::to_string(n) + " items does not fit in the " +
                     std::to_string(in.end() - in.position()) +
                     " bytes left; the file is corrupt, rebuild it");
  return n;
}

}  // namespace platen::lm_sections
