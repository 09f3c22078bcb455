#include "pipeline/page_confidence.h"

#include <algorithm>

#include "core/text.h"

namespace platen {

float page_confidence(const std::vector<LineText>& lines) {
  double weighted = 0, weight = 0;
  for (const LineText& line : lines) {
    const double characters = std::max<double>(1, static_cast<double>(utf8_to_utf32(line.text).size()));
    weighted += characters * std::clamp(line.confidence, 0.0f, 1.0f);
    weight += characters;
  }
  return weight > 0 ? static_cast<float>(weighted / weight) : 0.0f;
}

}  // namespace platen
