#include "recognition/word_calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/binary_io.h"
#include "core/errors.h"

namespace platen {

namespace {
constexpr const char* kHeader = "platen-word-calibration";
constexpr int kVersion = 1;
constexpr const char* kFeature = "min-char-posterior";
}  // namespace

float raw_word_score(const float* char_confidences, std::size_t count) {
  if (count == 0) return 1.0f;
  return *std::min_element(char_confidences, char_confidences + count);
}

WordCalibration WordCalibration::fit(std::vector<std::pair<float, bool>> samples) {
  if (samples.empty()) throw std::invalid_argument("WordCalibration::fit: no samples");
  std::sort(samples.begin(), samples.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Pool adjacent violators over blocks of equal scores first (ties must share one value).
  struct Block {
    double score_sum = 0, right = 0, n = 0;
    double value() const { return right / n; }
  };
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < samples.size();) {
    Block b;
    const float score = samples[i].first;
    for (; i < samples.size() && samples[i].first == score; ++i) {
      b.score_sum += score;
      b.right += samples[i].second ? 1 : 0;
      b.n += 1;
    }
    blocks.push_back(b);
    while (blocks.size() >= 2 && blocks[blocks.size() - 2].value() >= blocks.back().value()) {
      Block last = blocks.back();
      blocks.pop_back();
      blocks.back().score_sum += last.score_sum;
      blocks.back().right += last.right;
      blocks.back().n += last.n;
    }
  }
  WordCalibration c;
  for (const Block& b : blocks)
    c.knots_.emplace_back(static_cast<float>(b.score_sum / b.n), static_cast<float>(b.value()));
  return c;
}

float WordCalibration::operator()(float raw) const {
  if (knots_.empty()) return std::clamp(raw, 0.0f, 1.0f);
  if (raw <= knots_.front().first) return knots_.front().second;
  if (raw >= knots_.back().first) return knots_.back().second;
  const auto it = std::upper_bound(knots_.begin(), knots_.end(), raw,
                                   [](float r, const std::pair<float, float>& k) { return r < k.first; });
  const auto& hi = *it;
  const auto& lo = *(it - 1);
  const float t = (raw - lo.first) / (hi.first - lo.first);
  return lo.second + t * (hi.second - lo.second);
}

void WordCalibration::save(const std::string& path) const {
  std::ostringstream out;
  out << kHeader << ' ' << kVersion << ' ' << kFeature << '\n';
  char buf[64];
  for (const auto& [raw, p] : knots_) {
    std::snprintf(buf, sizeof buf, "%.7g %.7g\n", raw, p);
    out << buf;
  }
  write_file_atomically(path, out.str());
}

WordCalibration WordCalibration::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ModelError("cannot read the word calibration '" + path + "'");
  std::string header, feature;
  int version = 0;
  in >> header >> version >> feature;
  if (header != kHeader || version != kVersion || feature != kFeature)
    throw ModelError("'" + path + "' is not a word calibration of format " + std::to_string(kVersion) +
                     " (" + kFeature + "); make it again with ocr eval --fit-calibration");
  WordCalibration c;
  float raw, p;
  while (in >> raw >> p) {
    if (!(p >= 0 && p <= 1) || (!c.knots_.empty() && !(raw > c.knots_.back().first)))
      throw ModelError("'" + path + "': knot " + std::to_string(c.knots_.size() + 1) +
                       " is out of order or not a probability");
    c.knots_.emplace_back(raw, p);
  }
  if (!in.eof() || c.knots_.empty()) throw ModelError("'" + path + "': malformed or empty word calibration");
  return c;
}

std::string WordCalibration::path_for_model(const std::string& model_path) {
  return std::filesystem::path(model_path).replace_extension(".calibration").string();
}

}  // namespace platen
