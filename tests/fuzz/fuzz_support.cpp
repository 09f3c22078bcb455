#include "fuzz_target.h"

#include "core/binary_io.h"

namespace platen::fuzz {

std::vector<std::uint8_t> with_fixed_crc(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> bytes(data, data + size);
  if (bytes.size() < 4) return bytes;
  const std::size_t body = bytes.size() - 4;
  const std::uint32_t crc = crc32_of(bytes.data(), body);
  for (int i = 0; i < 4; ++i) bytes[body + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  return bytes;
}

}  // namespace platen::fuzz
