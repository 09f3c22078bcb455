#pragma once
// --shard K/N: the K-th of N disjoint parts of a batch, so that N processes (or N Slurm array
// tasks) share one input list without talking to each other.
//
// An input belongs to the part given by a hash of its output stem (the path relative to the
// output folder, without extension), so the parts do not depend on the order of the list or on
// which machine computes them, and every input is in exactly one part.

#include <cstdint>
#include <string>
#include <vector>

#include "batch/input_list.h"

namespace platen::batch {

/// One part of N (0 ≤ index < count).
struct Shard {
  int index = 0;
  int count = 1;
};

/// Parses "K/N". Throws UsageError when it is not two integers with 0 ≤ K < N.
Shard parse_shard(const std::string& text);

/// 64-bit FNV-1a of `key`'s bytes: the same on every machine and build.
std::uint64_t shard_hash(const std::string& key);

/// The part (0 … count−1) that the input with output stem `key` belongs to.
int shard_of(const std::string& key, int count);

/// The inputs of `inputs` in part `shard`, in their order in `inputs`.
std::vector<BatchInput> select_shard(const std::vector<BatchInput>& inputs, const Shard& shard);

}  // namespace platen::batch
