#include "recognition/line_normaliser.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace platen {

namespace {

/// Weights of a 1-D resampling from `in` to `out` samples with scale out/in: a triangle
/// filter whose support widens when shrinking, so downscaling averages (no aliasing) and
/// upscaling interpolates linearly.
struct Resampler {
  std::vector<int> first;       // first source index per output sample
  std::vector<int> count;       // taps per output sample
  std::vector<float> weights;   // count[i] weights per output sample, concatenated
  std::vector<int> offset;      // start of each output sample's weights

  Resampler(int out, double scale, double shift) {
    // Source coordinate of output sample i: (i + 0.5) / scale - 0.5 + shift.
    double support = std::max(1.0, 1.0 / scale);
    first.resize(out);
    count.resize(out);
    offset.resize(out);
    for (int i = 0; i < out; ++i) {
      double centre = (i + 0.5) / scale - 0.5 + shift;
      int lo = static_cast<int>(std::floor(centre - support)) + 1;
      int hi = static_cast<int>(std::ceil(centre + support)) - 1;
      offset[i] = static_cast<int>(weights.size());
      first[i] = lo;
      float sum = 0;
      for (int j = lo; j <= hi; ++j) {
        float w = static_cast<float>(std::max(0.0, 1.0 - std::abs(j - centre) / support));
        // Outside the source is paper (0 ink): the tap stays but reads zero.
        weights.push_back(w);
        sum += w;
      }
      count[i] = hi - lo + 1;
      if (sum > 0)
        for (int k = 0; k < count[i]; ++k) weights[offset[i] + k] /= sum;
    }
  }
};

}  // namespace

NormalisedLine normalise_line(const GreyImage& line, int height) {
  NormalisedLine out;
  out.height = height;
  auto blank = [&](int width) {
    out.width = width;
    out.pixels.assign(static_cast<std::size_t>(width) * height, 0.0f);
    return out;
  };
  if (line.empty()) return blank(8);

  // Contrast: paper is the bright majority, ink the darkest few percent. Percentiles rather
  // than min/max so specks and a stray black border pixel do not set the scale.
  std::array<int, 256> histogram{};
  for (std::uint8_t v : line.pixels) ++histogram[v];
  const std::size_t n = line.pixels.size();
  auto percentile = [&](double q) {
    std::size_t target = static_cast<std::size_t>(q * (n - 1)), seen = 0;
    for (int v = 0; v < 256; ++v) {
      seen += histogram[v];
      if (seen > target) return v;
    }
    return 255;
  };
  const float paper = static_cast<float>(percentile(0.75));
  const float ink = static_cast<float>(percentile(0.01));
  // A near-uniform crop has no text; stretching it would turn paper grain into strokes.
  if (paper - ink < 24.0f) return blank(8);
  const float range = paper - ink;

  const int w = line.width, h = line.height;
  std::vector<float> darkness(static_cast<std::size_t>(w) * h);
  for (std::size_t i = 0; i < darkness.size(); ++i)
    darkness[i] = std::clamp((paper - line.pixels[i]) / range, 0.0f, 1.0f);

  // x-height band: rows where ink is densest. Lower-case letters fill the band between the
  // x-height line and the baseline, so the row profile has a plateau there; take the run of
  // rows above half the peak that contains the peak.
  std::vector<float> profile(h, 0.0f);
  for (int y = 0; y < h; ++y) {
    float s = 0;
    const float* r = &darkness[static_cast<std::size_t>(y) * w];
    for (int x = 0; x < w; ++x) s += r[x];
    profile[y] = s;
  }
  std::vector<float> smooth(h, 0.0f);
  for (int y = 0; y < h; ++y) {
    float s = 0;
    int c = 0;
    for (int k = -1; k <= 1; ++k)
      if (y + k >= 0 && y + k < h) s += profile[y + k], ++c;
    smooth[y] = s / c;
  }
  int peak = static_cast<int>(std::max_element(smooth.begin(), smooth.end()) - smooth.begin());
  if (smooth[peak] <= 0.5f) return blank(8);
  float threshold = 0.5f * smooth[peak];
  int top = peak, bottom = peak;
  while (top > 0 && smooth[top - 1] >= threshold) --top;
  while (bottom < h - 1 && smooth[bottom + 1] >= threshold) ++bottom;
  double x_height = bottom - top + 1;
  // Guard against a band that is mostly a thick underline or a capital-only run.
  x_height = std::clamp(x_height, 0.15 * h, 0.7 * h);
  x_height = std::max(x_height, 3.0);
  const double centre = 0.5 * (top + bottom + 1);

  const double scale = kXHeightShare * height / x_height;
  const int body = std::max(1, static_cast<int>(std::lround(w * scale)));
  const int out_w = std::max(8, body + 2 * kLinePadding);

  // Separable resampling: rows first (to the output height), then columns.
  const double y_shift = centre - 0.5 * height / scale;
  Resampler vertical(height, scale, y_shift);
  std::vector<float> rows(static_cast<std::size_t>(height) * w, 0.0f);
  for (int oy = 0; oy < height; ++oy) {
    float* dst = &rows[static_cast<std::size_t>(oy) * w];
    for (int k = 0; k < vertical.count[oy]; ++k) {
      int sy = vertical.first[oy] + k;
      if (sy < 0 || sy >= h) continue;
      float wgt = vertical.weights[vertical.offset[oy] + k];
      if (wgt == 0) continue;
      const float* src = &darkness[static_cast<std::size_t>(sy) * w];
      for (int x = 0; x < w; ++x) dst[x] += wgt * src[x];
    }
  }
  Resampler horizontal(body, scale, 0.0);
  out.width = out_w;
  out.pixels.assign(static_cast<std::size_t>(out_w) * height, 0.0f);
  for (int oy = 0; oy < height; ++oy) {
    const float* src = &rows[static_cast<std::size_t>(oy) * w];
    float* dst = &out.pixels[static_cast<std::size_t>(oy) * out_w + kLinePadding];
    for (int ox = 0; ox < body; ++ox) {
      float s = 0;
      for (int k = 0; k < horizontal.count[ox]; ++k) {
        int sx = horizontal.first[ox] + k;
        if (sx < 0 || sx >= w) continue;
        s += horizontal.weights[horizontal.offset[ox] + k] * src[sx];
      }
      dst[ox] = s;
    }
  }
  return out;
}

}  // namespace platen
