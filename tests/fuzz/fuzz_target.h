#pragma once
// The contract between a fuzz target and its seed check (see README.md).
//
// Each target file defines fuzz_one(): it hands the bytes to one Platen reader and returns
// what was read, summarised ("pages=1 210x150x8"), or "refused" when the reader threw one
// of Platen's own errors (a clean refusal is the expected outcome for most fuzzed inputs).
// Anything else — a crash, a sanitizer report, another exception, a hang — is a finding.
// LLVMFuzzerTestOneInput (fuzz_entry.cpp) and the seed check (fuzz_check.cpp) both call it,
// so a target that stops reading early cannot pass the check of its valid seed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace platen::fuzz {

std::string fuzz_one(const std::uint8_t* data, std::size_t size);

/// The bytes with their CRC-32 trailer recomputed (Platen's model and language-model files
/// end in one), so that mutations reach the parser instead of all failing the checksum.
/// Inputs shorter than a trailer are returned as they are.
std::vector<std::uint8_t> with_fixed_crc(const std::uint8_t* data, std::size_t size);

}  // namespace platen::fuzz
