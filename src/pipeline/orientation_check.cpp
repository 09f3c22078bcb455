#include "pipeline/orientation_check.h"

#include <algorithm>
#include <numeric>

namespace platen {

namespace {

/// Mean character confidence over all lines, each character counted once.
double mean_char_confidence(const std::vector<RecognisedLine>& lines) {
  double sum = 0;
  std::size_t chars = 0;
  for (const RecognisedLine& l : lines) {
    sum += std::accumulate(l.char_confidences.begin(), l.char_confidences.end(), 0.0);
    chars += l.char_confidences.size();
  }
  return chars ? sum / static_cast<double>(chars) : 0.0;
}

}  // namespace

bool lines_read_better_turned(const std::vector<GreyImage>& lines, const Recognizer& recognizer,
                              std::size_t sample, double margin) {
  std::vector<std::size_t> order(lines.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return lines[a].width > lines[b].width; });
  order.resize(std::min(sample, order.size()));
  if (order.empty()) return false;

  std::vector<GreyImage> as_found, turned;
  for (std::size_t i : order) {
    as_found.push_back(lines[i]);
    GreyImage t = lines[i];
    std::reverse(t.pixels.begin(), t.pixels.end());  // row-major: reversing turns by 180°
    turned.push_back(std::move(t));
  }
  DecodeOptions best_path;
  best_path.use_language_model = false;
  const double upright = mean_char_confidence(recognizer.recognise(as_found, best_path));
  const double flipped = mean_char_confidence(recognizer.recognise(turned, best_path));
  return flipped > upright + margin;
}

}  // namespace platen
