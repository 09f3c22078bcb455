// Rotation of a grey page by shears, gathered in one pass.
//
// A shear moves each row (horizontal shear) or column (vertical shear) by a whole number of
// pixels, in bands of equal shift. Leptonica applies two or three of them as separate passes
// over the page, column bands of the vertical shears one strip at a time; here the shifts of
// every band are worked out first, exactly as Leptonica lays them out, and each output pixel is
// then fetched from the source pixel the shears would have brought there, a run of pixels per
// memcpy.

#include "image/shear_rotation.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/errors.h"

namespace platen {

namespace {

// Leptonica's limits (rotateshear.c): below the first angle nothing is rotated, up to the second
// two shears do, beyond it three.
constexpr float kMinAngle = 0.001f;
constexpr float kMaxTwoShearAngle = 0.06f;

constexpr int kOutside = INT_MIN;  // a row or column no band covers: it stays white

// The shift of each of `size` rows (horizontal shear) or columns (vertical shear) for a shear by
// `radians` that leaves row or column `loc` in place, in Leptonica's layout (shear.c, pixHShear
// and pixVShear): a centre band of about 1/tan(angle) lines keeps its place and each band
// beyond it moves one pixel more, the n-th band ending where tan(angle) · (n + ½) has grown
// by a pixel. For a horizontal shear, result(x, y) = source(x + shift[y], y); for a vertical
// one, result(x, y) = source(x, y − shift[x]).
std::vector<int> shear_shifts(int size, int loc, float radians) {
  std::vector<int> shift(size, kOutside);
  const int sign = radians < 0 ? -1 : 1;
  const auto tan_angle = static_cast<float>(std::tan(static_cast<double>(radians)));
  const auto inv_angle = static_cast<float>(std::fabs(1.0 / tan_angle));
  const int half_centre = static_cast<int>(inv_angle / 2.0);
  auto band = [&](int from, int to, int steps) {
    for (int i = std::max(from, 0); i < std::min(to, size); ++i) shift[i] = sign * steps;
  };
  band(loc - half_centre, loc + half_centre, 0);
  for (int steps = 1, i = loc + half_centre; i < size; ++steps) {
    int length = static_cast<int>(inv_angle * (steps + 0.5) + 0.5) - (i - loc);
    length = std::min(length, size - i);
    band(i, i + length, steps);
    i += length;
  }
  for (int steps = -1, i = loc - half_centre; i > 0; --steps) {
    int length = (i - loc) - static_cast<int>(inv_angle * (steps - 0.5) + 0.5);
    length = std::min(length, i);
    band(i - length, i, steps);
    i -= length;
  }
  return shift;
}

// Runs of equal shift: [start, end) with its shift.
struct Run {
  int start, end, shift;
};

std::vector<Run> runs_of(const std::vector<int>& shift) {
  std::vector<Run> runs;
  for (int i = 0, n = static_cast<int>(shift.size()); i < n;) {
    int j = i + 1;
    while (j < n && shift[j] == shift[i]) ++j;
    runs.push_back({i, j, shift[i]});
    i = j;
  }
  return runs;
}

// A word with its bytes swapped on a little-endian machine, between Leptonica's order (the
// word's first pixel in its most significant byte) and the order of the pixels in memory; its
// own inverse.
inline l_uint32 to_pixel_order(l_uint32 word) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return __builtin_bswap32(word);
#else
  return word;
#endif
}

}  // namespace

PixPtr rotate_grey_by_shears(Pix* grey, float radians) {
  if (!grey || pixGetDepth(grey) != 8 || pixGetColormap(grey))
    throw ImageError("shear rotation needs an 8-bit grey image without colour map");
  if (std::fabs(radians) < kMinAngle) return share(grey);
  const int w = static_cast<int>(pixGetWidth(grey)), h = static_cast<int>(pixGetHeight(grey));
  PixPtr out = adopt(pixCreateNoInit(w, h, 8));
  if (!out) throw ImageError("out of memory rotating the page");
  pixCopyResolution(out.get(), grey);

  // result = V_last(H(V_first(source))); two shears: V_first is the identity.
  const bool three = std::fabs(radians) > kMaxTwoShearAngle;
  const float v_angle = three ? static_cast<float>(radians / 2.0) : radians;
  const float h_angle = three ? static_cast<float>(std::atan(std::sin(radians))) : radians;
  const std::vector<int> v_shift = shear_shifts(w, w / 2, v_angle);
  const std::vector<int> h_shift = shear_shifts(h, h / 2, h_angle);
  const std::vector<int> first_shift = three ? v_shift : std::vector<int>(w, 0);
  const std::vector<Run> last_runs = runs_of(v_shift), first_runs = runs_of(first_shift);
  auto largest = [](const std::vector<int>& shift) {
    int m = 0;
    for (int s : shift) if (s != kOutside) m = std::max(m, std::abs(s));
    return m;
  };
  // Output row y draws on source rows y − reach … y + reach only.
  const int reach = largest(v_shift) + largest(first_shift);

  // Leptonica keeps 8 bpp pixels in 32-bit words, pixel 4k in the most significant byte. Source
  // rows are brought into pixel order (a run of pixels is then a run of bytes) once each, as
  // the window of rows the output needs slides down, into a ring of 2 · reach + 1 rows that
  // stays in cache; each output row is gathered in pixel order and stored back in word order.
  const int wpl_src = pixGetWpl(grey), wpl_out = pixGetWpl(out.get());
  const std::size_t stride = 4 * static_cast<std::size_t>(std::max(wpl_src, wpl_out));
  const int ring_rows = 2 * reach + 1;
  std::vector<l_uint32> ring_words(stride / 4 * ring_rows);
  auto* ring = reinterpret_cast<std::uint8_t*>(ring_words.data());
  std::vector<l_uint32> row_words(stride / 4);
  auto* row = reinterpret_cast<std::uint8_t*>(row_words.data());
  const l_uint32* src_data = pixGetData(grey);
  l_uint32* out_data = pixGetData(out.get());
  int converted = -1;  // last source row in the ring
  for (int y = 0; y < h; ++y) {
    for (; converted < std::min(h - 1, y + reach); ++converted) {
      const l_uint32* from = src_data + static_cast<std::size_t>(converted + 1) * wpl_src;
      l_uint32* to = ring_words.data() + static_cast<std::size_t>((converted + 1) % ring_rows) * (stride / 4);
      for (int i = 0; i < wpl_src; ++i) to[i] = to_pixel_order(from[i]);
    }
    std::memset(row, 255, stride);
    for (const Run& last : last_runs) {
      if (last.shift == kOutside) continue;
      const int y1 = y - last.shift;  // row of H(V_first(source))
      if (y1 < 0 || y1 >= h || h_shift[y1] == kOutside) continue;
      const int dx = h_shift[y1];
      // Columns of V_first(source) that land in [last.start, last.end), clipped to the image.
      const int from = std::max(last.start + dx, 0), to = std::min(last.end + dx, w);
      if (from >= to) continue;
      // First run holding `from`: runs are sorted and cover every column.
      auto it = std::upper_bound(first_runs.begin(), first_runs.end(), from,
                                 [](int x, const Run& r) { return x < r.end; });
      for (; it != first_runs.end() && it->start < to; ++it) {
        if (it->shift == kOutside) continue;
        const int y2 = y1 - it->shift;  // row of the source
        if (y2 < 0 || y2 >= h) continue;
        const int a = std::max(from, it->start), b = std::min(to, it->end);
        std::memcpy(row + (a - dx), ring + static_cast<std::size_t>(y2 % ring_rows) * stride + a,
                    static_cast<std::size_t>(b - a));
      }
    }
    l_uint32* line = out_data + static_cast<std::size_t>(y) * wpl_out;
    for (int i = 0; i < wpl_out; ++i) line[i] = to_pixel_order(row_words[i]);
  }
  return out;
}

}  // namespace platen
