#include "training/line_renderer.h"

#include <unicode/normalizer2.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include FT_ADVANCES_H

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "core/text.h"
#include "image/page_reader.h"
#include "image/pix.h"
#include "training/random_draws.h"

namespace platen {
namespace {

constexpr double kPi = 3.14159265358979323846;

using draws::chance;
using draws::normal;
using draws::uniform;
using draws::uniform01;

double clamp(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

/// 4096 standard-normal values from a fixed generator: per-pixel scanner noise indexes this
/// table with raw generator bits, which is an order of magnitude cheaper than Box–Muller per pixel.
const std::array<float, 4096>& normal_table() {
  static const std::array<float, 4096> table = [] {
    std::array<float, 4096> t{};
    std::mt19937 fixed(0x5eed5eedu);
    for (float& v : t) v = static_cast<float>(normal(fixed, 0.0, 1.0));
    return t;
  }();
  return table;
}

float smoothstep(float lo, float hi, float v) {
  float t = (v - lo) / (hi - lo);
  t = t < 0 ? 0 : (t > 1 ? 1 : t);
  return t * t * (3 - 2 * t);
}

// ---- Float images ---------------------------------------------------------------------------

/// Row-major float plane used while drawing: ink coverage (0 = none, 1 = full) or grey levels.
struct FloatImage {
  int width = 0, height = 0;
  std::vector<float> v;
  FloatImage() = default;
  FloatImage(int w, int h, float fill = 0.f)
      : width(w), height(h), v(static_cast<std::size_t>(w) * h, fill) {}
  float* row(int y) { return v.data() + static_cast<std::size_t>(y) * width; }
  const float* row(int y) const { return v.data() + static_cast<std::size_t>(y) * width; }
};

/// Smooth random field in [0, 1]: uniform values on a grid `cell` px apart, interpolated with a
/// smoothstep-weighted bilinear blend ("value noise"). Used for ribbon grain, breaks in worn
/// type and paper stains; cost is one blend per pixel.
FloatImage value_noise(int w, int h, double cell, std::mt19937& rng) {
  cell = std::max(cell, 1.0);
  const int gw = static_cast<int>(w / cell) + 2, gh = static_cast<int>(h / cell) + 2;
  std::vector<float> grid(static_cast<std::size_t>(gw) * gh);
  for (float& g : grid) g = static_cast<float>(uniform01(rng));
  std::vector<int> gx(w);
  std::vector<float> fx(w);
  for (int x = 0; x < w; ++x) {
    double t = x / cell;
    gx[x] = static_cast<int>(t);
    float f = static_cast<float>(t - gx[x]);
    fx[x] = f * f * (3 - 2 * f);
  }
  FloatImage out(w, h);
  for (int y = 0; y < h; ++y) {
    double t = y / cell;
    int gy = static_cast<int>(t);
    float fy = static_cast<float>(t - gy);
    fy = fy * fy * (3 - 2 * fy);
    const float* r0 = grid.data() + static_cast<std::size_t>(gy) * gw;
    const float* r1 = r0 + gw;
    float* o = out.row(y);
    for (int x = 0; x < w; ++x) {
      int i = gx[x];
      float a = r0[i] + (r0[i + 1] - r0[i]) * fx[x];
      float b = r1[i] + (r1[i + 1] - r1[i]) * fx[x];
      o[x] = a + (b - a) * fy;
    }
  }
  return out;
}

/// A 256×256 periodic value-noise tile with grid cells of 2^log2_cell px (log2_cell 1–5), made
/// once per process from a fixed seed. Texture that must cover a whole canvas (ribbon grain,
/// gaps in broken type) is looked up here at a random offset instead of being generated per
/// line: the same look at a fraction of the cost, and still reproducible for a seed.
const FloatImage& noise_tile(int log2_cell) {
  static const std::array<FloatImage, 6> tiles = [] {
    std::array<FloatImage, 6> t;
    std::mt19937 fixed(0x7e11u);
    for (int level = 1; level <= 5; ++level) {
      const int cell = 1 << level, n = 256 / cell;
      std::vector<float> grid(static_cast<std::size_t>(n) * n);
      for (float& g : grid) g = static_cast<float>(uniform01(fixed));
      FloatImage tile(256, 256);
      for (int y = 0; y < 256; ++y) {
        const int gy = y / cell;
        float fy = static_cast<float>(y % cell) / cell;
        fy = fy * fy * (3 - 2 * fy);
        for (int x = 0; x < 256; ++x) {
          const int gx = x / cell;
          float fx = static_cast<float>(x % cell) / cell;
          fx = fx * fx * (3 - 2 * fx);
          auto at = [&](int i, int j) { return grid[static_cast<std::size_t>(j % n) * n + (i % n)]; };
          const float a = at(gx, gy) + (at(gx + 1, gy) - at(gx, gy)) * fx;
          const float b = at(gx, gy + 1) + (at(gx + 1, gy + 1) - at(gx, gy + 1)) * fx;
          tile.row(y)[x] = a + (b - a) * fy;
        }
      }
      t[level] = std::move(tile);
    }
    return t;
  }();
  return tiles[std::clamp(log2_cell, 1, 5)];
}

/// The tile level whose cell is nearest (in ratio) to `cell` px.
int tile_level(double cell) {
  return std::clamp(static_cast<int>(std::lround(std::log2(std::max(cell, 1.0)))), 1, 5);
}

/// Small fast generator (xorshift64*, Vigna 2016) for per-pixel noise, seeded from the line's
/// mt19937 so that the whole image still follows from one seed.
struct PixelNoise {
  std::uint64_t state;
  explicit PixelNoise(std::mt19937& rng)
      : state((static_cast<std::uint64_t>(rng()) << 32 | rng()) | 1u) {}
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  }
};

/// Mean over a (2r+1)² box, borders treated as empty; separable running sums.
FloatImage box_blur(const FloatImage& in, int r) {
  FloatImage tmp(in.width, in.height), out(in.width, in.height);
  const float norm = 1.0f / static_cast<float>((2 * r + 1) * (2 * r + 1));
  for (int y = 0; y < in.height; ++y) {
    const float* s = in.row(y);
    float* d = tmp.row(y);
    float acc = 0;
    for (int x = 0; x < std::min(r, in.width); ++x) acc += s[x];
    for (int x = 0; x < in.width; ++x) {
      if (x + r < in.width) acc += s[x + r];
      d[x] = acc;
      if (x - r >= 0) acc -= s[x - r];
    }
  }
  for (int x = 0; x < in.width; ++x) {
    float acc = 0;
    for (int y = 0; y < std::min(r, in.height); ++y) acc += tmp.row(y)[x];
    for (int y = 0; y < in.height; ++y) {
      if (y + r < in.height) acc += tmp.row(y + r)[x];
      out.row(y)[x] = acc * norm;
      if (y - r >= 0) acc -= tmp.row(y - r)[x];
    }
  }
  return out;
}

/// One step of grey dilation (`grow`) or erosion over a 3×3 square, separably.
void morph3(FloatImage& img, bool grow) {
  auto pick = [grow](float a, float b) { return grow ? std::max(a, b) : std::min(a, b); };
  FloatImage tmp(img.width, img.height);
  for (int y = 0; y < img.height; ++y) {
    const float* s = img.row(y);
    float* d = tmp.row(y);
    for (int x = 0; x < img.width; ++x) {
      float m = s[x];
      if (x > 0) m = pick(m, s[x - 1]);
      if (x + 1 < img.width) m = pick(m, s[x + 1]);
      d[x] = m;
    }
  }
  for (int y = 0; y < img.height; ++y) {
    const float* up = tmp.row(y > 0 ? y - 1 : y);
    const float* mid = tmp.row(y);
    const float* dn = tmp.row(y + 1 < img.height ? y + 1 : y);
    float* d = img.row(y);
    for (int x = 0; x < img.width; ++x) d[x] = pick(pick(up[x], mid[x]), dn[x]);
  }
}

/// Separable Gaussian blur with standard deviation `sigma` px (kernel cut at 3σ, borders clamped).
void gaussian_blur(FloatImage& img, double sigma) {
  if (sigma < 0.2) return;
  const int r = static_cast<int>(std::ceil(3 * sigma));
  std::vector<float> k(2 * r + 1);
  float sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[i + r] = static_cast<float>(std::exp(-0.5 * i * i / (sigma * sigma)));
  for (float& w : k) w /= sum;
  FloatImage tmp(img.width, img.height);
  std::vector<float> padded(img.width + 2 * r);
  for (int y = 0; y < img.height; ++y) {
    const float* s = img.row(y);
    for (int x = 0; x < r; ++x) {
      padded[x] = s[0];
      padded[r + img.width + x] = s[img.width - 1];
    }
    std::copy(s, s + img.width, padded.begin() + r);
    float* d = tmp.row(y);
    for (int x = 0; x < img.width; ++x) {
      const float* p = padded.data() + x;
      float acc = 0;
      for (int i = 0; i <= 2 * r; ++i) acc += k[i] * p[i];
      d[x] = acc;
    }
  }
  for (int y = 0; y < img.height; ++y) {
    float* d = img.row(y);
    for (int x = 0; x < img.width; ++x) d[x] = 0;
    for (int i = -r; i <= r; ++i) {
      const float* s = tmp.row(std::clamp(y + i, 0, img.height - 1));
      const float w = k[i + r];
      for (int x = 0; x < img.width; ++x) d[x] += w * s[x];
    }
  }
}

/// Averages s×s blocks: the oversampled drawing becomes the scan's pixels.
FloatImage downsample(const FloatImage& in, int s) {
  if (s == 1) return in;
  FloatImage out(in.width / s, in.height / s);
  const float norm = 1.0f / static_cast<float>(s * s);
  for (int y = 0; y < out.height; ++y) {
    float* d = out.row(y);
    for (int dy = 0; dy < s; ++dy) {
      const float* src = in.row(y * s + dy);
      for (int x = 0; x < out.width; ++x)
        for (int dx = 0; dx < s; ++dx) d[x] += src[x * s + dx];
    }
    for (int x = 0; x < out.width; ++x) d[x] *= norm;
  }
  return out;
}

/// Filter taps of a 1-D resampling from `in_size` to `out_size` samples: a tent filter whose
/// half-width is one input pixel when enlarging (bilinear interpolation) and one output pixel
/// when shrinking (area-like averaging, so thin strokes fade instead of aliasing away).
struct Taps {
  std::vector<int> first;       ///< first input index per output sample
  std::vector<int> count;       ///< taps per output sample
  std::vector<float> weights;   ///< count[o] weights per output sample, at o * stride
  int stride = 0;
};

Taps make_taps(int in_size, int out_size) {
  Taps t;
  const double scale = static_cast<double>(out_size) / in_size;
  const double support = scale < 1 ? 1 / scale : 1.0;
  t.stride = static_cast<int>(std::ceil(2 * support)) + 2;
  t.first.resize(out_size);
  t.count.resize(out_size);
  t.weights.assign(static_cast<std::size_t>(out_size) * t.stride, 0.f);
  for (int o = 0; o < out_size; ++o) {
    double centre = (o + 0.5) / scale - 0.5;
    int lo = static_cast<int>(std::ceil(centre - support));
    int hi = static_cast<int>(std::floor(centre + support));
    if (hi - lo + 1 > t.stride) hi = lo + t.stride - 1;
    lo = std::max(lo, 0);
    hi = std::min(hi, in_size - 1);
    if (hi < lo) lo = hi = std::clamp(static_cast<int>(std::lround(centre)), 0, in_size - 1);
    float* w = &t.weights[static_cast<std::size_t>(o) * t.stride];
    double sum = 0;
    for (int i = lo; i <= hi; ++i) sum += w[i - lo] = static_cast<float>(std::max(0.0, 1 - std::abs(i - centre) / support));
    if (sum <= 0) {
      w[0] = 1;
      hi = lo;
      sum = 1;
    }
    for (int i = lo; i <= hi; ++i) w[i - lo] = static_cast<float>(w[i - lo] / sum);
    t.first[o] = lo;
    t.count[o] = hi - lo + 1;
  }
  return t;
}

/// Resamples a grey image to w×h (see make_taps).
GreyImage resize(const GreyImage& in, int w, int h) {
  const Taps tx = make_taps(in.width, w), ty = make_taps(in.height, h);
  FloatImage tmp(w, in.height);
  for (int y = 0; y < in.height; ++y) {
    const std::uint8_t* s = in.row(y);
    float* d = tmp.row(y);
    for (int x = 0; x < w; ++x) {
      const float* wt = &tx.weights[static_cast<std::size_t>(x) * tx.stride];
      float acc = 0;
      for (int i = 0; i < tx.count[x]; ++i) acc += wt[i] * s[tx.first[x] + i];
      d[x] = acc;
    }
  }
  GreyImage out(w, h);
  std::vector<float> acc(w);
  for (int y = 0; y < h; ++y) {
    std::fill(acc.begin(), acc.end(), 0.f);
    const float* wt = &ty.weights[static_cast<std::size_t>(y) * ty.stride];
    for (int i = 0; i < ty.count[y]; ++i) {
      const float* s = tmp.row(ty.first[y] + i);
      for (int x = 0; x < w; ++x) acc[x] += wt[i] * s[x];
    }
    std::uint8_t* d = out.row(y);
    for (int x = 0; x < w; ++x) d[x] = static_cast<std::uint8_t>(std::clamp(acc[x] + 0.5f, 0.f, 255.f));
  }
  return out;
}

/// Frees memory Leptonica allocated for us.
struct LeptFree {
  void operator()(l_uint8* p) const { lept_free(p); }
};

/// Encodes as baseline JPEG at `quality` and decodes again (Leptonica's libjpeg codec), so the
/// 8×8 block and ringing artefacts are the real ones. Throws Error if the codec fails.
GreyImage jpeg_round_trip(const GreyImage& img, int quality) {
  PixPtr pix = pix_from_grey_image(img);
  l_uint8* raw = nullptr;
  size_t size = 0;
  if (!pix || pixWriteMemJpeg(&raw, &size, pix.get(), std::clamp(quality, 1, 100), 0) != 0 || !raw)
    throw Error("JPEG encoding of a synthetic line failed (Leptonica built without libjpeg?)");
  std::unique_ptr<l_uint8, LeptFree> data(raw);
  PixPtr back = adopt(pixReadMemJpeg(data.get(), size, 0, 1, nullptr, 0));
  if (!back) throw Error("JPEG decoding of a synthetic line failed");
  return grey_image_from_pix(back.get());
}

/// Number of corners of a crop polygon's top or bottom edge (2–4).
int between_knots(std::mt19937& rng) { return 2 + static_cast<int>(rng() % 3); }

bool is_space(char32_t c) {
  return c == U' ' || c == U'\t' || c == 0x00A0 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F ||
         c == 0x3000;
}

std::string describe(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return std::string(buf) + " '" + utf32_to_utf8(std::u32string(1, c)) + "'";
}

/// A typebar's own misalignment and force: on a real machine every 'e' of a page sits a little
/// high or prints a little light, so the offsets are drawn once per character and line.
struct KeyBias {
  double dx = 0, dy = 0, density = 0;
};

}  // namespace

// ---- LineStyle ------------------------------------------------------------------------------

LineStyle LineStyle::clean() { return LineStyle{}; }

LineStyle sample_line_style(std::mt19937& rng) {
  LineStyle s;
  // Regimes seen in the archive crops: ordinary ribbon copies, faint blurred carbon copies,
  // heavy clogged type, worn ribbons, and pages scanned at 1 bit.
  const double regime = uniform01(rng);
  const bool carbon = regime >= 0.62 && regime < 0.74;
  const bool heavy = regime >= 0.74 && regime < 0.84;
  const bool worn = regime >= 0.84 && regime < 0.92;
  const bool bilevel = regime >= 0.92;

  // x-height: real crops, scaled to 48 px, show 8–16 px; the scans behind them range from
  // about 100 to 300 dpi, i.e. 6–25 px before scaling. Log-normal around 11.5 px.
  s.x_height = clamp(std::exp(normal(rng, std::log(11.5), 0.32)), 6.0, 25.0);
  s.width_scale = uniform(rng, 0.88, 1.12);
  s.letter_spacing = chance(rng, 0.06) ? uniform(rng, 0.1, 0.35) : uniform(rng, -0.03, 0.06);
  s.jitter_x = uniform(rng, 0.005, 0.045);
  s.jitter_y = uniform(rng, 0.005, 0.06);
  s.rotation_deg = clamp(normal(rng, 0.0, 0.4), -1.0, 1.0);
  s.baseline_wave = chance(rng, 0.3) ? uniform(rng, 0.0, 0.15) : 0.0;

  s.ink_density = uniform(rng, 0.8, 1.0);
  s.strike_variation = uniform(rng, 0.03, 0.15);
  s.ribbon_fade = chance(rng, 0.2) ? uniform(rng, 0.1, 0.3) : 0.0;
  s.ribbon_texture = uniform(rng, 0.05, 0.35);
  s.filled_rate = uniform(rng, 0.0, 0.04);
  s.broken_rate = uniform(rng, 0.0, 0.03);
  s.edge_roughness = uniform(rng, 0.05, 0.45);
  s.overstrike_rate = chance(rng, 0.04) ? 1.0 : 0.0;
  {
    double r = uniform01(rng);
    s.ink_spread = r < 0.1 ? -0.03 : (r < 0.45 ? 0.0 : uniform(rng, 0.02, 0.07));
  }
  s.underline_rate = 0.03;
  // Uneven strikes, and accents from a dead key (most Czech, Slovak, Polish, Hungarian and
  // German typewriters struck some or all of their accents separately, slightly offset).
  s.partial_strike_rate = chance(rng, 0.3) ? uniform(rng, 0.02, 0.12) : 0.0;
  s.partial_strike_depth = uniform(rng, 0.55, 0.9);
  s.separate_accent_rate = chance(rng, 0.45) ? uniform(rng, 0.5, 1.0) : 0.0;
  s.accent_offset = uniform(rng, 0.02, 0.1);

  s.blur_sigma = uniform(rng, 0.25, 0.9);
  s.paper_tone = chance(rng, 0.12) ? static_cast<int>(uniform(rng, 240, 256))
                                   : static_cast<int>(clamp(normal(rng, 222, 12), 185, 252));
  s.ink_tone = static_cast<int>(uniform(rng, 0, 60));
  s.paper_variation = uniform(rng, 0, 24);
  s.noise_sigma = uniform(rng, 1, 8);
  s.jpeg_quality = chance(rng, 0.4) ? static_cast<int>(uniform(rng, 30, 86)) : 0;
  s.dirt = chance(rng, 0.25) ? uniform(rng, 0.5, 4) : 0.0;

  if (carbon) {
    // Carbon copies: the impression comes through a sheet, so strokes are fat, soft and grey.
    s.ink_tone = static_cast<int>(uniform(rng, 50, 120));
    s.paper_tone = static_cast<int>(uniform(rng, 200, 238));
    s.blur_sigma = uniform(rng, 0.6, 1.4);
    s.ink_spread = chance(rng, 0.7) ? uniform(rng, 0.03, 0.08) : 0.0;
    s.ribbon_texture = uniform(rng, 0.15, 0.45);
    s.strike_variation = uniform(rng, 0.08, 0.2);
    // A carbon takes the blow through the top sheet: uneven impressions lose parts of letters.
    s.partial_strike_rate = uniform(rng, 0.08, 0.3);
    s.partial_strike_depth = uniform(rng, 0.6, 0.92);
  } else if (heavy) {
    s.ink_density = 1.0;
    s.ink_tone = static_cast<int>(uniform(rng, 0, 40));
    s.filled_rate = uniform(rng, 0.1, 0.5);
    s.ink_spread = uniform(rng, 0.04, 0.08);
  } else if (worn) {
    s.ink_density = uniform(rng, 0.55, 0.85);
    s.ink_tone = static_cast<int>(uniform(rng, 20, 80));
    s.broken_rate = uniform(rng, 0.08, 0.3);
    s.ribbon_texture = uniform(rng, 0.25, 0.45);
    s.strike_variation = uniform(rng, 0.08, 0.2);
    s.edge_roughness = uniform(rng, 0.3, 0.6);
    s.partial_strike_rate = uniform(rng, 0.05, 0.2);
  } else if (bilevel) {
    s.paper_tone = 255;
    s.ink_tone = 0;
    s.bilevel = true;
    s.jpeg_quality = 0;
    s.paper_variation = 0;
    // A 1-bit scan keeps only what is darker than its threshold: faint strikes would vanish
    // whole, so the ink is kept strong and even.
    s.ink_density = uniform(rng, 0.9, 1.0);
    s.strike_variation = uniform(rng, 0.02, 0.08);
    s.ribbon_texture = uniform(rng, 0.0, 0.25);
    s.broken_rate = 0;
    s.ribbon_fade = 0;
  }

  // Blur is a property of the scanner (scan px), but on small type it must not exceed about
  // a stroke width or the letters merge: cap it at 0.11 x-height (0.66 px at 6 px type).
  s.blur_sigma = std::min(s.blur_sigma, 0.11 * s.x_height);

  // Crop: real crops are 3–7 x-heights high (median about 4.5), the baseline about 70 % down.
  s.crop_height = clamp(normal(rng, 4.5, 0.8), 2.8, 7.0);
  s.baseline_position = clamp(normal(rng, 0.70, 0.04), 0.6, 0.8);
  s.margin_left = uniform(rng, 0.1, 1.2);
  s.margin_right = uniform(rng, 0.1, 1.2);
  s.neighbours = chance(rng, 0.35);
  s.neighbour_pitch = uniform(rng, 0.8, 1.05);
  s.polygon_crop = chance(rng, 0.4);
  s.output_height = 48;
  s.output_jpeg_quality = chance(rng, 0.7) ? static_cast<int>(uniform(rng, 85, 96)) : 0;
  return s;
}

// ---- LineRenderer ---------------------------------------------------------------------------

void LineRenderer::LibraryDeleter::operator()(FT_LibraryRec_* library) const {
  if (library) FT_Done_FreeType(library);
}
void LineRenderer::FaceDeleter::operator()(FT_FaceRec_* face) const {
  if (face) FT_Done_Face(face);
}

/// One glyph as FreeType renders it at the line's size: coverage 0–1 and its placement
/// relative to the pen position and baseline (FreeType's bitmap_left / bitmap_top).
struct detail::GlyphBitmap {
  int left = 0, top = 0, width = 0, height = 0;
  std::vector<float> coverage;
};
using detail::GlyphBitmap;

/// The oversampled drawing surface (ink coverage: 0 = paper, ≥ 1 = full ink) and the glyphs
/// rendered so far at this line's size. Each distinct character is rendered once per line and
/// placed at whole canvas pixels: the canvas is oversampled for small type, and the strikes'
/// own jitter dwarfs the lost sub-pixel offsets, while rendering becomes 2–4× cheaper.
struct LineRenderer::Canvas {
  FloatImage ink;
  std::vector<GlyphPlacement>* placements = nullptr;  ///< main line's glyph boxes, canvas px
  std::unordered_map<char32_t, detail::GlyphBitmap> glyphs;
};

LineRenderer::LineRenderer(const std::string& font_path) : font_path_(font_path) {
  FT_Library library = nullptr;
  if (FT_Init_FreeType(&library) != 0) throw Error("cannot initialise FreeType");
  library_.reset(library);
  FT_Face face = nullptr;
  if (FT_New_Face(library_.get(), font_path.c_str(), 0, &face) != 0)
    throw DataError("cannot open font file '" + font_path + "' (missing, or not a font FreeType reads)");
  face_.reset(face);
  if (!FT_IS_SCALABLE(face_.get()))
    throw DataError("font file '" + font_path + "' holds only bitmap strikes; use an outline font");
  if (FT_Select_Charmap(face_.get(), FT_ENCODING_UNICODE) != 0)
    throw DataError("font file '" + font_path + "' has no Unicode character map");
  // The face's x-height, from the outline of 'x' (works for TrueType, CFF and Type 1 alike;
  // the OS/2 sxHeight field is missing in Type 1 and old TrueType fonts).
  FT_UInt x = FT_Get_Char_Index(face_.get(), U'x');
  if (x != 0 && FT_Load_Glyph(face_.get(), x, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) == 0 &&
      face_->glyph->format == FT_GLYPH_FORMAT_OUTLINE) {
    FT_BBox box;
    FT_Outline_Get_CBox(&face_->glyph->outline, &box);
    if (box.yMax > 0) x_height_per_em_ = static_cast<double>(box.yMax) / face_->units_per_EM;
  }
}

LineRenderer::~LineRenderer() = default;
LineRenderer::LineRenderer(LineRenderer&&) noexcept = default;
LineRenderer& LineRenderer::operator=(LineRenderer&&) noexcept = default;

bool LineRenderer::has_glyph(char32_t c) {
  auto it = presence_.find(c);
  if (it != presence_.end()) return it->second;
  bool present = false;
  FT_UInt index = FT_Get_Char_Index(face_.get(), c);
  if (index != 0 && FT_Load_Glyph(face_.get(), index, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) == 0) {
    const FT_GlyphSlot slot = face_->glyph;
    // Some fonts map a code point to an empty glyph instead of leaving it out; that would
    // teach the model a blank under a letter's label just as surely as a tofu box.
    present = slot->format == FT_GLYPH_FORMAT_OUTLINE ? slot->outline.n_points > 0
                                                      : slot->format == FT_GLYPH_FORMAT_BITMAP;
  }
  presence_.emplace(c, present);
  return present;
}

std::u32string LineRenderer::missing_glyphs(const std::u32string& text) {
  std::u32string missing;
  for (char32_t c : text) {
    if (is_space(c) || has_glyph(c)) continue;
    if (missing.find(c) == std::u32string::npos) missing.push_back(c);
  }
  return missing;
}

double LineRenderer::advance(char32_t c, double fallback) {
  const FT_UInt index = FT_Get_Char_Index(face_.get(), is_space(c) ? U' ' : c);
  FT_Fixed a = 0;  // 16.16 px
  if (index == 0 || FT_Get_Advance(face_.get(), index, FT_LOAD_NO_HINTING, &a) != 0) return fallback;
  return a / 65536.0;
}

void LineRenderer::set_size(double x_height, double width_scale) {
  const double em = x_height / x_height_per_em_;
  const auto h = static_cast<FT_F26Dot6>(std::lround(em * 64));
  const auto w = static_cast<FT_F26Dot6>(std::lround(em * width_scale * 64));
  if (FT_Set_Char_Size(face_.get(), std::max<FT_F26Dot6>(w, 64), std::max<FT_F26Dot6>(h, 64), 72, 72) != 0)
    throw DataError("font file '" + font_path_ + "' cannot be scaled to " + std::to_string(em) + " px");
}

namespace {

/// How one strike is to be printed.
struct Strike {
  char32_t c = 0;
  double x = 0, y = 0;   ///< pen position and baseline, canvas px (fractional)
  double density = 1;    ///< ink laid down, 0–1
  bool filled = false;   ///< counters clogged with old ink
  bool broken = false;   ///< strokes with gaps (worn type, dry ribbon)
  /// Uneven impression: the ink falls off along (fade_dx, fade_dy), a unit direction, losing
  /// up to `fade_depth` at the far side of the glyph (0 = an even strike).
  double fade_depth = 0, fade_dx = 0, fade_dy = 0;
};

/// The spacing accent a typewriter's dead key prints for the combining mark `mark`
/// (´ for U+0301 and so on), 0 when there is none.
char32_t spacing_accent(char32_t mark) {
  switch (mark) {
    case 0x0301: return 0x00B4;  // acute: á é í ó ú ý ĺ ŕ ć ń ś ź
    case 0x0300: return 0x0060;  // grave
    case 0x0302: return 0x02C6;  // circumflex
    case 0x030C: return 0x02C7;  // caron: č ě ň ř š ž
    case 0x030A: return 0x02DA;  // ring: ů å
    case 0x0308: return 0x00A8;  // diaeresis: ä ö ü ë ï ÿ
    case 0x0328: return 0x02DB;  // ogonek: ą ę
    case 0x030B: return 0x02DD;  // double acute: ő ű
    case 0x0306: return 0x02D8;  // breve: й ў
    case 0x0307: return 0x02D9;  // dot above: ż
    default: return 0;
  }
}

/// A precomposed letter as a typewriter's dead key typed it: (bare letter, spacing accent),
/// from its canonical decomposition; (0, 0) for letters of one strike. ď ť ľ Ľ keep their
/// own key (their caron is an apostrophe beside the letter).
std::pair<char32_t, char32_t> accent_parts(char32_t c) {
  if (c < 0xC0) return {0, 0};
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString parts;
  if (U_FAILURE(status) || !nfd->getDecomposition(static_cast<UChar32>(c), parts) || parts.countChar32() != 2)
    return {0, 0};
  const auto base = static_cast<char32_t>(parts.char32At(0));
  const auto mark = static_cast<char32_t>(parts.char32At(parts.moveIndex32(0, 1)));
  const char32_t accent = spacing_accent(mark);
  if (!accent || (mark == 0x030C && std::u32string_view(U"dtlL").find(base) != std::u32string_view::npos))
    return {0, 0};
  return {base, accent};
}

/// Applies one strike's damage to a copy of its glyph and adds its ink to the canvas with its
/// pen position and baseline rounded to whole canvas pixels.
void draw_strike(const GlyphBitmap& glyph, const Strike& s, double x_height, FloatImage& canvas,
                 std::mt19937& rng) {
  if (glyph.width == 0 || glyph.height == 0) return;
  const int ix = static_cast<int>(std::lround(s.x)), iy = static_cast<int>(std::lround(s.y));
  const int fill_r = std::max(1, static_cast<int>(std::lround(0.09 * x_height)));
  const int pad = s.filled ? fill_r + 1 : 0;
  FloatImage damaged;
  const float* src = glyph.coverage.data();
  int gw = glyph.width, gh = glyph.height;
  if (s.filled || s.broken || s.fade_depth > 0) {
    damaged = FloatImage(gw + 2 * pad, gh + 2 * pad);
    for (int y = 0; y < gh; ++y)
      std::copy(src + static_cast<std::size_t>(y) * gw, src + static_cast<std::size_t>(y + 1) * gw,
                damaged.row(y + pad) + pad);
    FloatImage& g = damaged;
    if (s.filled) {
      // Clogged type: where the neighbourhood is mostly ink (small counters of e, a, o, the
      // gaps in m and w) the dried ink prints too, so the glyph fills from inside out.
      const FloatImage near = box_blur(g, fill_r);
      const float lo = static_cast<float>(uniform(rng, 0.28, 0.45));
      for (std::size_t i = 0; i < g.v.size(); ++i) g.v[i] = std::max(g.v[i], smoothstep(lo, lo + 0.2f, near.v[i]));
    }
    if (s.broken) {
      // Broken strokes: a coarse random field cuts gaps where it falls below a threshold. A
      // glyph may lose pieces, never itself: a cut that would take more than a third of its
      // ink is drawn again elsewhere in the field, and after three tries the glyph stays whole.
      const FloatImage& cut = noise_tile(tile_level(0.22 * x_height));
      const float t = static_cast<float>(uniform(rng, 0.12, 0.28));
      double total = 0;
      for (float v : g.v) total += v;
      std::vector<float> mask(g.v.size());
      for (int attempt = 0; attempt < 3; ++attempt) {
        const int ox = static_cast<int>(rng() & 255), oy = static_cast<int>(rng() & 255);
        double kept = 0;
        for (int y = 0; y < g.height; ++y) {
          const float* c = cut.row((y + oy) & 255);
          for (int x = 0; x < g.width; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * g.width + x;
            mask[i] = smoothstep(t - 0.06f, t + 0.06f, c[(x + ox) & 255]);
            kept += g.v[i] * mask[i];
          }
        }
        if (kept >= total * 2 / 3) {
          for (std::size_t i = 0; i < g.v.size(); ++i) g.v[i] *= mask[i];
          break;
        }
      }
    }
    if (s.fade_depth > 0) {
      // Uneven impression: ink falls off linearly along the fade direction, from none lost at
      // the glyph's near edge to fade_depth lost at its far edge.
      const double cx = 0.5 * (g.width - 1), cy = 0.5 * (g.height - 1);
      const double reach = 0.5 * (std::abs(s.fade_dx) * g.width + std::abs(s.fade_dy) * g.height) + 1e-6;
      for (int y = 0; y < g.height; ++y)
        for (int x = 0; x < g.width; ++x) {
          const double t = ((x - cx) * s.fade_dx + (y - cy) * s.fade_dy) / reach;  // -1 … 1
          g.v[static_cast<std::size_t>(y) * g.width + x] *= static_cast<float>(1 - s.fade_depth * clamp(0.5 * (t + 1), 0, 1));
        }
    }
    src = g.v.data();
    gw = g.width;
    gh = g.height;
  }
  const int ox = ix + glyph.left - pad, oy = iy - glyph.top - pad;
  const float density = static_cast<float>(s.density);
  const int x0 = std::max(0, -ox), x1 = std::min(gw, canvas.width - ox);
  for (int y = 0; y < gh; ++y) {
    const int cy = oy + y;
    if (cy < 0 || cy >= canvas.height) continue;
    const float* row = src + static_cast<std::size_t>(y) * gw;
    float* dst = canvas.row(cy) + ox;
    for (int x = x0; x < x1; ++x) dst[x] += row[x] * density;
  }
}

/// Words of `text` in random order, repeated until about `min_chars` long: stand-in text for
/// the neighbouring lines, using only characters already known to be in the font.
std::u32string shuffled_words(const std::u32string& text, std::size_t min_chars, std::mt19937& rng) {
  std::vector<std::u32string> words;
  std::u32string cur;
  for (char32_t c : text) {
    if (is_space(c)) {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  std::u32string out;
  if (words.empty()) return out;
  while (out.size() < min_chars) {
    if (!out.empty()) out.push_back(U' ');
    out += words[rng() % words.size()];
  }
  return out;
}

}  // namespace

const GlyphBitmap& LineRenderer::glyph(char32_t c, Canvas& canvas) {
  auto it = canvas.glyphs.find(c);
  if (it != canvas.glyphs.end()) return it->second;
  GlyphBitmap g;
  FT_Face face = face_.get();
  const FT_UInt index = FT_Get_Char_Index(face, c);
  if (index != 0 && FT_Load_Glyph(face, index, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) == 0 &&
      FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL) == 0) {
    const FT_Bitmap& bm = face->glyph->bitmap;
    if (bm.width > 0 && bm.rows > 0 && bm.pixel_mode == FT_PIXEL_MODE_GRAY) {
      g.left = face->glyph->bitmap_left;
      g.top = face->glyph->bitmap_top;
      g.width = static_cast<int>(bm.width);
      g.height = static_cast<int>(bm.rows);
      g.coverage.resize(static_cast<std::size_t>(g.width) * g.height);
      const float scale = 1.0f / static_cast<float>(bm.num_grays > 1 ? bm.num_grays - 1 : 255);
      for (int y = 0; y < g.height; ++y) {
        const unsigned char* src = bm.buffer + static_cast<std::ptrdiff_t>(y) * bm.pitch;
        for (int x = 0; x < g.width; ++x) g.coverage[static_cast<std::size_t>(y) * g.width + x] = src[x] * scale;
      }
    }
  }
  return canvas.glyphs.emplace(c, std::move(g)).first->second;
}

void LineRenderer::draw_text(const std::u32string& text, double pen_x, double baseline_y,
                             const LineStyle& style, double scale, bool main_line, Canvas& canvas,
                             std::mt19937& rng) {
  const double X = scale;  // x-height in canvas px
  std::vector<std::pair<char32_t, KeyBias>> keys;  // small; a linear search beats a map here
  auto key_bias = [&](char32_t c) {
    for (const auto& k : keys)
      if (k.first == c) return k.second;
    KeyBias b;
    b.dx = normal(rng, 0, style.jitter_x * X * 0.6);
    b.dy = normal(rng, 0, style.jitter_y * X * 0.8);
    b.density = normal(rng, 0, style.strike_variation * 0.5);
    keys.emplace_back(c, b);
    return b;
  };

  std::vector<double> pen(text.size() + 1, pen_x);
  for (std::size_t i = 0; i < text.size(); ++i)
    pen[i + 1] = pen[i] + advance(text[i], X) + style.letter_spacing * X;

  const double underline_chance = main_line ? style.underline_rate : 0.0;
  std::size_t ul_begin = 0, ul_end = 0;
  if (underline_chance > 0 && chance(rng, underline_chance) && has_glyph(U'_')) {
    // Underline one word with typed '_' strikes, as typists did (the ground truth of the real
    // set has no mark for it either).
    std::size_t start = rng() % text.size();
    while (start < text.size() && is_space(text[start])) ++start;
    while (start > 0 && !is_space(text[start - 1])) --start;
    ul_begin = start;
    ul_end = start;
    while (ul_end < text.size() && !is_space(text[ul_end])) ++ul_end;
  }

  const double base_density = main_line ? style.ink_density : style.ink_density * uniform(rng, 0.7, 1.0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool underline = i >= ul_begin && i < ul_end;
    if (is_space(text[i]) && !underline) continue;
    Strike s;
    s.c = text[i];
    const KeyBias k = key_bias(s.c);
    s.x = pen[i] + k.dx + normal(rng, 0, style.jitter_x * X * 0.5);
    s.y = baseline_y + k.dy + normal(rng, 0, style.jitter_y * X * 0.5);
    // Never below 60 %: a strike too faint to read must not carry a letter's label.
    s.density = clamp(base_density + k.density + normal(rng, 0, style.strike_variation), 0.6, 1.25);
    s.filled = chance(rng, style.filled_rate);
    s.broken = chance(rng, style.broken_rate);
    if (chance(rng, style.partial_strike_rate)) {
      const double angle = uniform(rng, 0, 2 * kPi);
      s.fade_dx = std::cos(angle);
      s.fade_dy = std::sin(angle);
      s.fade_depth = clamp(style.partial_strike_depth + normal(rng, 0, 0.05), 0, 0.95);
    }
    // A dead-key accent: the bare letter here, the accent as a strike of its own below.
    char32_t accent = 0;
    if (style.separate_accent_rate > 0 && !is_space(s.c)) {
      const auto parts = accent_parts(s.c);
      if (parts.first && chance(rng, style.separate_accent_rate) && has_glyph(parts.first) && has_glyph(parts.second)) {
        s.c = parts.first;
        accent = parts.second;
      }
    }
    if (!is_space(s.c)) {
      const GlyphBitmap& g = glyph(s.c, canvas);
      draw_strike(g, s, X, canvas.ink, rng);
      // The bitmap's box where draw_strike put it (filled type grows by less than a pixel).
      auto box_of = [&](const GlyphBitmap& b, const Strike& at) {
        const double x0 = std::lround(at.x) + b.left, y0 = std::lround(at.y) - b.top;
        return GlyphPlacement{i, text[i], x0, y0, x0 + b.width, y0 + b.height};
      };
      auto box_at = [&](const Strike& at) { return box_of(g, at); };
      GlyphPlacement placed = box_at(s);
      if (accent) {
        const GlyphBitmap& mark = glyph(accent, canvas);
        Strike a;
        a.c = accent;
        a.density = clamp(s.density + normal(rng, 0, style.strike_variation), 0.6, 1.25);
        // Centred on the letter's ink, then offset: the carriage and the key never line up.
        a.x = s.x + (g.left + 0.5 * g.width) - (mark.left + 0.5 * mark.width) +
              normal(rng, 0, style.accent_offset * X);
        a.y = s.y + normal(rng, 0, 0.5 * style.accent_offset * X);
        // Spacing accents sit over a small letter; over a capital the typist's accent lands
        // anywhere from touching the capital's top to clear above it.
        const double lift = g.top - X;
        if (lift > 0.15 * X && accent != 0x02DB) a.y -= lift * uniform(rng, 0.5, 1.1);
        draw_strike(mark, a, X, canvas.ink, rng);
        // The character's box holds its accent too.
        if (mark.width > 0 && mark.height > 0) {
          const GlyphPlacement m = box_of(mark, a);
          placed.x0 = std::min(placed.x0, m.x0), placed.y0 = std::min(placed.y0, m.y0);
          placed.x1 = std::max(placed.x1, m.x1), placed.y1 = std::max(placed.y1, m.y1);
        }
      }
      if (chance(rng, style.overstrike_rate)) {
        Strike again = s;
        again.x += uniform(rng, 0.03, 0.08) * X;
        again.y += uniform(rng, -0.03, 0.03) * X;
        again.density *= 0.85;
        draw_strike(g, again, X, canvas.ink, rng);
        const GlyphPlacement second = box_at(again);
        placed.x0 = std::min(placed.x0, second.x0), placed.y0 = std::min(placed.y0, second.y0);
        placed.x1 = std::max(placed.x1, second.x1), placed.y1 = std::max(placed.y1, second.y1);
      }
      if (main_line && canvas.placements && g.width > 0 && g.height > 0) canvas.placements->push_back(placed);
    }
    if (underline) {
      Strike u = s;
      u.c = U'_';
      u.x = pen[i] + normal(rng, 0, style.jitter_x * X * 0.5);
      u.y = baseline_y + normal(rng, 0, style.jitter_y * X * 0.3);
      u.filled = u.broken = false;
      draw_strike(glyph(U'_', canvas), u, X, canvas.ink, rng);
    }
  }
}

GreyImage LineRenderer::render(const std::u32string& text, const LineStyle& style, std::mt19937& rng,
                               std::vector<GlyphPlacement>* glyphs) {
  if (glyphs) glyphs->clear();
  if (std::all_of(text.begin(), text.end(), is_space))
    throw DataError("nothing to render: the line is empty or only whitespace");
  const std::u32string missing = missing_glyphs(text);
  if (!missing.empty()) {
    std::string list;
    for (char32_t c : missing) list += (list.empty() ? "" : ", ") + describe(c);
    throw DataError("font '" + font_path_ + "' has no glyph for " + list +
                    "; pick another font for this line");
  }

  // Draw oversampled when the type is small, so that strike-level damage (gaps, clogging,
  // grain) has pixels to act on before the scan's low resolution averages it.
  const double xs = clamp(style.x_height, 3.0, 200.0);
  const int s = std::clamp(static_cast<int>(std::lround(22.0 / xs)), 1, 3);
  const double X = xs * s;
  set_size(X, clamp(style.width_scale, 0.5, 2.0));

  // Text width, to size the canvas: one pass over the advances (no rendering).
  double advance_sum = 0;
  for (char32_t c : text) advance_sum += advance(c, X) + style.letter_spacing * X;
  const int h_scan = std::max(8, static_cast<int>(std::lround(clamp(style.crop_height, 1.5, 12.0) * xs)));
  const int w_scan = std::max(
      8, static_cast<int>(std::ceil((clamp(style.margin_left, 0, 20) + clamp(style.margin_right, 0, 20)) * xs +
                                    advance_sum / s)) + 1);
  const int W = w_scan * s, H = h_scan * s;
  const double baseline = clamp(style.baseline_position, 0.3, 0.95) * H;

  Canvas canvas;
  canvas.ink = FloatImage(W, H);
  canvas.placements = glyphs;
  draw_text(text, style.margin_left * X, baseline, style, X, true, canvas, rng);

  if (style.neighbours) {
    // Tight polygon crops catch the descenders of the line above and the capitals of the
    // line below; draw them from the line's own words so no foreign glyph can appear.
    const double pitch = clamp(style.neighbour_pitch, 0.5, 2.0) * H;
    const std::size_t chars = static_cast<std::size_t>(W / (0.6 * X)) + 1;
    for (int dir : {-1, 1}) {
      if (!chance(rng, 0.75)) continue;
      const double y = baseline + dir * pitch;
      if (y + 0.7 * X < 0 || y - 2.2 * X > H) continue;  // nothing of it would show
      const std::u32string other = shuffled_words(text, chars, rng);
      if (!other.empty())
        draw_text(other, uniform(rng, -1.0, 1.5) * X, y, style, X, false, canvas, rng);
    }
  }

  FloatImage& ink = canvas.ink;
  if (style.ribbon_texture > 0) {
    // Ribbon grain: a fine field (the weave) and a coarser one (uneven inking), multiplied in.
    const FloatImage& fine = noise_tile(tile_level(0.1 * X));
    const FloatImage& coarse = noise_tile(tile_level(0.45 * X));
    const int fx = static_cast<int>(rng() & 255), fy = static_cast<int>(rng() & 255);
    const int cx = static_cast<int>(rng() & 255), cy = static_cast<int>(rng() & 255);
    const float t = static_cast<float>(clamp(style.ribbon_texture, 0, 1));
    for (int y = 0; y < H; ++y) {
      float* r = ink.row(y);
      const float* f = fine.row((y + fy) & 255);
      const float* c = coarse.row((y + cy) & 255);
      for (int x = 0; x < W; ++x) {
        if (r[x] <= 0) continue;
        const float n = smoothstep(0.2f, 0.8f, 0.6f * f[(x + fx) & 255] + 0.4f * c[(x + cx) & 255]);
        r[x] *= 1 - t * (1 - n);
      }
    }
  }
  if (style.ribbon_fade > 0) {
    // A worn stretch of ribbon: a broad dip of darkness somewhere along the line.
    const double centre = uniform(rng, 0, W), width = uniform(rng, 0.15, 0.6) * W;
    const float fade = static_cast<float>(clamp(style.ribbon_fade, 0, 1));
    std::vector<float> keep(W);
    for (int x = 0; x < W; ++x) {
      const double d = (x - centre) / width;
      keep[x] = 1 - fade * static_cast<float>(std::exp(-d * d));
    }
    for (int y = 0; y < H; ++y) {
      float* r = ink.row(y);
      for (int x = 0; x < W; ++x) r[x] *= keep[x];
    }
  }
  for (float& v : ink.v) v = std::min(v, 1.0f);
  const int spread = static_cast<int>(std::lround(std::abs(clamp(style.ink_spread, -0.2, 0.2)) * X));
  for (int i = 0; i < spread; ++i) morph3(ink, style.ink_spread > 0);
  if (style.edge_roughness > 0) {
    // Ragged edges: ink wicks along paper fibres, so a stroke's edge wanders. A fine noise
    // field moves the coverage most at the edges (coverage near ½) and little in the cores.
    const FloatImage& fibre = noise_tile(tile_level(0.07 * X));
    const int ox = static_cast<int>(rng() & 255), oy = static_cast<int>(rng() & 255);
    const float r = static_cast<float>(clamp(style.edge_roughness, 0, 1));
    for (int y = 0; y < H; ++y) {
      float* d = ink.row(y);
      const float* n = fibre.row((y + oy) & 255);
      for (int x = 0; x < W; ++x) {
        if (d[x] <= 0) continue;
        const float c = d[x], e = 2 * c - 1, edge = 1 - e * e;
        d[x] = std::clamp(c + r * (2 * n[(x + ox) & 255] - 1) * (0.3f + 0.7f * edge), 0.f, 1.f);
      }
    }
  }

  // From here on: scan resolution.
  FloatImage scan = downsample(ink, s);
  if (glyphs)
    for (GlyphPlacement& g : *glyphs) g.x0 /= s, g.y0 /= s, g.x1 /= s, g.y1 /= s;
  // Rotation (|θ| ≤ 2° is indistinguishable from a vertical shear) and a slow baseline bend,
  // as one per-column vertical shift with linear interpolation.
  const double tan_rot = std::tan(clamp(style.rotation_deg, -2, 2) * kPi / 180);
  if (tan_rot != 0 || style.baseline_wave > 0) {
    const double wavelength = uniform(rng, 15, 50) * xs, phase = uniform(rng, 0, 2 * kPi);
    std::vector<double> shift(w_scan);
    for (int x = 0; x < w_scan; ++x)
      shift[x] = (x - w_scan / 2.0) * tan_rot + style.baseline_wave * xs * std::sin(2 * kPi * x / wavelength + phase);
    if (glyphs) {
      // Content moves down by shift[x] in column x: a box spans its columns' extreme shifts.
      for (GlyphPlacement& g : *glyphs) {
        const int a = std::clamp(static_cast<int>(std::floor(g.x0)), 0, w_scan - 1);
        const int b = std::clamp(static_cast<int>(std::ceil(g.x1)) - 1, a, w_scan - 1);
        const auto [lo, hi] = std::minmax_element(shift.begin() + a, shift.begin() + b + 1);
        g.y0 += *lo, g.y1 += *hi;
      }
    }
    // Source row of output row y in column x: y + whole[x] + frac[x].
    std::vector<int> whole(w_scan);
    std::vector<float> frac(w_scan);
    for (int x = 0; x < w_scan; ++x) {
      const double t = -shift[x];
      whole[x] = static_cast<int>(std::floor(t));
      frac[x] = static_cast<float>(t - whole[x]);
    }
    FloatImage out(w_scan, h_scan);
    for (int y = 0; y < h_scan; ++y) {
      float* d = out.row(y);
      for (int x = 0; x < w_scan; ++x) {
        const int y0 = y + whole[x];
        const float a = (y0 >= 0 && y0 < h_scan) ? scan.v[static_cast<std::size_t>(y0) * w_scan + x] : 0.f;
        const float b = (y0 + 1 >= 0 && y0 + 1 < h_scan) ? scan.v[static_cast<std::size_t>(y0 + 1) * w_scan + x] : 0.f;
        d[x] = a + (b - a) * frac[x];
      }
    }
    scan = std::move(out);
  }

  if (style.dirt > 0) {
    // Specks of dirt and paper flaws, small and mostly lighter than the type.
    const int specks = static_cast<int>(style.dirt * w_scan * h_scan / 10000.0 + uniform01(rng));
    for (int k = 0; k < specks; ++k) {
      const double cx = uniform(rng, 0, w_scan), cy = uniform(rng, 0, h_scan);
      const double radius = uniform(rng, 0.4, 1.3);
      const float dark = static_cast<float>(uniform(rng, 0.25, 0.75));
      for (int y = static_cast<int>(cy - radius - 1); y <= static_cast<int>(cy + radius + 1); ++y)
        for (int x = static_cast<int>(cx - radius - 1); x <= static_cast<int>(cx + radius + 1); ++x) {
          if (x < 0 || y < 0 || x >= w_scan || y >= h_scan) continue;
          const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
          const float cover = static_cast<float>(clamp(radius + 0.5 - d, 0, 1));
          float& v = scan.row(y)[x];
          v = std::max(v, cover * dark);
        }
    }
  }
  gaussian_blur(scan, style.blur_sigma);
  {
    // Thin faces at small sizes, blur and a light ribbon can together leave strokes so faint
    // that the letters are guesswork. In the real crops, even carbon copies, the stroke cores
    // reach the full tone of their ink: lift the ink so its 99th percentile reaches 75–95 %
    // (more for a fresh ribbon), which brings the darkest 1 % of pixels to the real crops'
    // level (median grey 61).
    std::array<int, 65> histogram{};
    int inked = 0;
    for (float v : scan.v)
      if (v > 0.02f) {
        ++histogram[static_cast<int>(std::min(v, 1.0f) * 64)];
        ++inked;
      }
    if (inked > 0) {
      int above = 0, bin = 64;
      while (bin > 0 && (above += histogram[bin]) < inked / 100) --bin;
      const float p99 = std::max(bin, 1) / 64.0f;
      const float floor = static_cast<float>(0.75 + 0.2 * clamp(style.ink_density, 0, 1));
      if (p99 < floor)
        for (float& v : scan.v) v = std::min(1.0f, v * floor / p99);
    }
  }

  // Paper and ink tones, slow paper unevenness and per-pixel noise.
  const float paper = static_cast<float>(std::clamp(style.paper_tone, 0, 255));
  const float ink_tone = static_cast<float>(std::clamp(style.ink_tone, 0, 255));
  FloatImage stain;
  if (style.paper_variation > 0) stain = value_noise(w_scan, h_scan, uniform(rng, 5, 20) * xs, rng);
  const auto& gauss = normal_table();
  const float noise = static_cast<float>(std::max(0.0, style.noise_sigma));
  const float threshold = (paper + ink_tone) / 2;
  PixelNoise pixel_noise(rng);
  GreyImage out(w_scan, h_scan);
  for (int y = 0; y < h_scan; ++y) {
    const float* k = scan.row(y);
    const float* st = stain.v.empty() ? nullptr : stain.row(y);
    std::uint8_t* d = out.row(y);
    for (int x = 0; x < w_scan; x += 4) {
      const std::uint64_t bits = pixel_noise.next();
      for (int j = 0; j < 4 && x + j < w_scan; ++j) {
        float p = paper;
        if (st) p += static_cast<float>(style.paper_variation) * (2 * st[x + j] - 1);
        float v = p - std::min(k[x + j], 1.0f) * (p - ink_tone);
        v += noise * gauss[(bits >> (16 * j)) & 4095];
        if (style.bilevel) v = v < threshold ? 0.f : 255.f;
        d[x + j] = static_cast<std::uint8_t>(std::clamp(v + 0.5f, 0.f, 255.f));
      }
    }
  }

  if (style.polygon_crop && !style.bilevel) {
    // The real crops were cut along ALTO polygons and the rest of their bounding box filled
    // with one page tone: flat grey bands with slanted edges above and below the text.
    // The polygon keeps clear of the line's own ascenders and descenders.
    const double base_scan = static_cast<double>(baseline) / s;
    const double top_limit = base_scan - 1.75 * xs, bottom_limit = base_scan + 0.75 * xs;
    const int knots = between_knots(rng);
    std::vector<double> top(knots), bottom(knots);
    const bool cut_top = top_limit > 1 && chance(rng, 0.8), cut_bottom = bottom_limit < h_scan - 1 && chance(rng, 0.8);
    for (int k = 0; k < knots; ++k) {
      top[k] = cut_top ? uniform(rng, 0, top_limit) : -1;
      bottom[k] = cut_bottom ? uniform(rng, bottom_limit, h_scan) : h_scan + 1;
    }
    const int flat = std::clamp(style.paper_tone + static_cast<int>(uniform(rng, -10, 22)), 0, 255);
    for (int x = 0; x < w_scan; ++x) {
      const double t = static_cast<double>(x) / std::max(1, w_scan - 1) * (knots - 1);
      const int k = std::min(static_cast<int>(t), knots - 2);
      const double f = t - k;
      const double yt = top[k] + (top[k + 1] - top[k]) * f, yb = bottom[k] + (bottom[k + 1] - bottom[k]) * f;
      for (int y = 0; y < h_scan; ++y)
        if (y < yt || y > yb) out.row(y)[x] = static_cast<std::uint8_t>(flat);
    }
  }
  if (style.jpeg_quality > 0) out = jpeg_round_trip(out, style.jpeg_quality);
  if (style.output_height > 0 && style.output_height != h_scan) {
    const int w = std::max(1, static_cast<int>(std::lround(static_cast<double>(w_scan) * style.output_height / h_scan)));
    if (glyphs) {
      const double fx = static_cast<double>(w) / w_scan, fy = static_cast<double>(style.output_height) / h_scan;
      for (GlyphPlacement& g : *glyphs) g.x0 *= fx, g.x1 *= fx, g.y0 *= fy, g.y1 *= fy;
    }
    out = resize(out, w, style.output_height);
  }
  if (style.output_jpeg_quality > 0) out = jpeg_round_trip(out, style.output_jpeg_quality);
  return out;
}

GreyImage LineRenderer::render(const std::string& utf8_text, std::uint32_t seed) {
  std::mt19937 rng(seed);
  const LineStyle style = sample_line_style(rng);
  return render(utf8_to_utf32(utf8_text), style, rng);
}

}  // namespace platen
