#include "output/txt_writer.h"

#include <algorithm>
#include <cmath>

namespace platen {

PitchGrid find_pitch_grid(const PageResult& page) {
  // Least squares: width ≈ pitch · n − c over words of n ≥ 2 code points.
  struct Sample { double n, width; };
  std::vector<Sample> samples;
  double origin = 1e18;
  for (const Line* line : text_lines(page)) {
    for (const Word& word : words_of(*line)) {
      origin = std::min(origin, static_cast<double>(word.box.x));
      const int n = code_point_count(word.text);
      if (n >= 2) samples.push_back({static_cast<double>(n), static_cast<double>(word.box.width)});
    }
  }
  if (samples.size() < 5) return {};
  double sn = 0, sw = 0, snn = 0, snw = 0;
  for (const Sample& s : samples) {
    sn += s.n;
    sw += s.width;
    snn += s.n * s.n;
    snw += s.n * s.width;
  }
  const double count = static_cast<double>(samples.size());
  const double denominator = count * snn - sn * sn;
  if (denominator <= 0) return {};
  const double pitch = (count * snw - sn * sw) / denominator;
  const double intercept = (sw - pitch * sn) / count;
  if (pitch < 2) return {};
  std::vector<double> residuals;
  for (const Sample& s : samples) residuals.push_back(std::abs(s.width - (pitch * s.n + intercept)));
  std::nth_element(residuals.begin(), residuals.begin() + residuals.size() / 2, residuals.end());
  if (residuals[residuals.size() / 2] > 0.25 * pitch) return {};
  return PitchGrid{pitch, origin};
}

std::string spaced_page_text(const PageResult& page, const PitchGrid& grid) {
  if (grid.pitch <= 0) return page.text;
  std::string text;
  for (const Line* line : text_lines(page)) {
    int column = 0;
    bool first = true;
    for (const Word& word : words_of(*line)) {
      const int target = static_cast<int>(std::lround((word.box.x - grid.origin) / grid.pitch));
      const int spaces = first ? std::max(0, target) : std::max(1, target - column);
      text.append(static_cast<std::size_t>(spaces), ' ');
      text += word.text;
      column += spaces + code_point_count(word.text);
      first = false;
    }
    text += '\n';
  }
  return text;
}

WriteResult TxtWriter::write(const Document& document) const {
  WriteResult result;
  for (std::size_t i = 0; i < document.pages.size(); ++i) {
    const PageResult& page = document.pages[i];
    if (i > 0 && !document.single_line) result.bytes += '\f';
    if (!page.ok) {
      if (document.single_line) result.bytes += '\n';
      continue;
    }
    result.bytes += preserve_spacing_ && !document.single_line ? spaced_page_text(page, find_pitch_grid(page)) : page.text;
  }
  return result;
}

}  // namespace platen
