// Fuzz target: an ALTO page file (training data, src/training/alto_pages) from memory.
#include <string>

#include "core/errors.h"
#include "fuzz_target.h"
#include "training/alto_pages.h"

namespace platen::fuzz {

std::string fuzz_one(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  try {
    const AltoPage page = parse_alto(bytes, "fuzz input");
    std::size_t points = 0, with_text = 0;
    for (const AltoTextLine& line : page.lines) {
      points += line.outline.size();
      with_text += line.text.empty() ? 0 : 1;
    }
    return "unit=" + page.unit + " page=" + std::to_string(static_cast<long>(page.width)) + "x" +
           std::to_string(static_cast<long>(page.height)) + " lines=" + std::to_string(page.lines.size()) +
           " with-text=" + std::to_string(with_text) + " points=" + std::to_string(points);
  } catch (const Error&) {
    return "refused";
  }
}

}  // namespace platen::fuzz
