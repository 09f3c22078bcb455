// libFuzzer's entry point for every target: one reader call per input (fuzz_target.h).
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  platen::fuzz::fuzz_one(data, size);
  return 0;
}
