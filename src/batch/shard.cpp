#include "batch/shard.h"

#include <cerrno>
#include <cstdlib>

#include "core/errors.h"

namespace platen::batch {

namespace {

/// A non-negative decimal integer, or -1.
long parse_count(const std::string& text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::strtol(text.c_str(), nullptr, 10);
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  const long k = slash == std::string::npos ? -1 : parse_count(text.substr(0, slash));
  const long n = slash == std::string::npos ? -1 : parse_count(text.substr(slash + 1));
  if (k < 0 || n < 1)
    throw UsageError("--shard needs K/N, two whole numbers with 0 <= K < N (e.g. --shard 0/4), not '" + text + "'");
  if (k >= n)
    throw UsageError("--shard " + text + ": K counts from 0, so it must be below N (the last part of " +
                     std::to_string(n) + " is " + std::to_string(n - 1) + "/" + std::to_string(n) + ")");
  return Shard{static_cast<int>(k), static_cast<int>(n)};
}

std::uint64_t shard_hash(const std::string& key) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

int shard_of(const std::string& key, int count) {
  return static_cast<int>(shard_hash(key) % static_cast<std::uint64_t>(count));
}

std::vector<BatchInput> select_shard(const std::vector<BatchInput>& inputs, const Shard& shard) {
  std::vector<BatchInput> part;
  for (const BatchInput& input : inputs)
    if (shard_of(input.output_stem, shard.count) == shard.index) part.push_back(input);
  return part;
}

}  // namespace platen::batch
