#pragma once
// Hashing of code-point sequences, shared by the n-gram table, the word list and the beam
// search's memo. The arithmetic is fixed: saved language models store these hashes, so a
// change here makes every `lang-<code>.lm` file unreadable in effect (rebuild them).

#include <cstdint>

namespace platen::code_point_hash {

/// Mixes one code point into a running hash: the splitmix64 finaliser (Steele, Lea & Flood
/// 2014) over the hash xor the code point's scrambled value. Fixed arithmetic, so keys are
/// the same on every platform and saved tables stay valid. Pure, thread-safe.
inline std::uint64_t mix(std::uint64_t h, char32_t c) {
  std::uint64_t x = h ^ ((static_cast<std::uint64_t>(c) + 1) * 0x9E3779B97F4A7C15ULL);
  x += 0x632BE59BD9B4E019ULL;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

/// Keys are stored in tables where 0 marks an empty slot; the one real key that could be 0
/// is moved to 1 (both on insertion and lookup, so it stays findable).
inline std::uint64_t nonzero(std::uint64_t key) { return key == 0 ? 1 : key; }

}  // namespace platen::code_point_hash
