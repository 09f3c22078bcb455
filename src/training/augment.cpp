#include "training/augment.h"

#include <algorithm>
#include <cmath>

namespace platen {

namespace {

float sample_bilinear(const NormalisedLine& l, float x, float y) {
  int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  float fx = x - x0, fy = y - y0;
  auto at = [&](int xx, int yy) {
    if (xx < 0 || yy < 0 || xx >= l.width || yy >= l.height) return 0.0f;
    return l.pixels[static_cast<std::size_t>(yy) * l.width + xx];
  };
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
         fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

}  // namespace

void augment_line(NormalisedLine& line, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  auto chance = [&](float p) { return u(rng) < p; };
  auto range = [&](float lo, float hi) { return lo + (hi - lo) * u(rng); };

  if (chance(0.7f)) {
    // Geometry: an affine map about the line's vertical centre.
    float sx = range(0.88f, 1.12f), sy = range(0.92f, 1.08f);
    float dy = range(-1.5f, 1.5f), shear = chance(0.3f) ? range(-0.15f, 0.15f) : 0.0f;
    const int h = line.height;
    const int w = std::max(8, static_cast<int>(std::lround(line.width * sx)));
    NormalisedLine out;
    out.width = w;
    out.height = h;
    out.pixels.assign(static_cast<std::size_t>(w) * h, 0.0f);
    const float cy = 0.5f * h;
    for (int y = 0; y < h; ++y) {
      float srcy = (y + 0.5f - cy - dy) / sy + cy - 0.5f;
      for (int x = 0; x < w; ++x) {
        float srcx = (x + 0.5f) / sx - 0.5f + shear * (srcy - cy);
        out.pixels[static_cast<std::size_t>(y) * w + x] = sample_bilinear(line, srcx, srcy);
      }
    }
    line = std::move(out);
  }
  const int w = line.width, h = line.height;
  auto idx = [&](int x, int y) { return static_cast<std::size_t>(y) * w + x; };
  if (chance(0.25f)) {
    // Bolder (max filter) or thinner (min filter) strokes, horizontally: ribbon ink spread.
    bool bolder = chance(0.5f);
    std::vector<float> src = line.pixels;
    for (int y = 0; y < h; ++y)
      for (int x = 1; x < w; ++x) {
        float a = src[idx(x - 1, y)], b = src[idx(x, y)];
        line.pixels[idx(x, y)] = bolder ? std::max(a, b) : std::min(a, b) * 0.5f + b * 0.5f;
      }
  }
  if (chance(0.25f)) {
    // Blur: 3×3 box, mixed with the original by a random amount.
    float mix = range(0.3f, 1.0f);
    std::vector<float> src = line.pixels;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        float s = 0;
        int n = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            int xx = x + dx, yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            s += src[idx(xx, yy)];
            ++n;
          }
        line.pixels[idx(x, y)] = (1 - mix) * src[idx(x, y)] + mix * s / n;
      }
  }
  if (chance(0.3f)) {
    // Faint ink: lower contrast.
    float gain = range(0.45f, 0.95f);
    for (float& v : line.pixels) v *= gain;
  }
  if (chance(0.3f)) {
    std::normal_distribution<float> noise(0.0f, range(0.02f, 0.12f));
    for (float& v : line.pixels) v = std::clamp(v + noise(rng), 0.0f, 1.0f);
  }
}

}  // namespace platen
