// Seed check of a fuzz target: `fuzz_check_TARGET FILE EXPECTED` reads FILE through the
// target's fuzz_one() and exits 0 only when its summary is EXPECTED (fuzz_target.h), so the
// target is shown to read a valid file all the way through, not just to return.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " SEED EXPECTED-SUMMARY\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << argv[0] << ": cannot open " << argv[1] << "\n";
    return 2;
  }
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string got = platen::fuzz::fuzz_one(bytes.data(), bytes.size());
  if (got != argv[2]) {
    std::cerr << argv[1] << ": read as \"" << got << "\", expected \"" << argv[2] << "\"\n";
    return 1;
  }
  std::cout << argv[1] << ": " << got << "\n";
  return 0;
}
