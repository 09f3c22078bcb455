// Bloomberg's ascender/descender orientation signal with 64-bit word operations.
//
// Leptonica computes it with whole-image rasterops: two closings and, for each of four hit-miss
// patterns of 16 elements, one rasterop per element, then a 4× rank reduction to count; for
// the left/right signal it turns the page by 90° and does it all again. At 300 ppi that is
// about 200 passes over a 1 MB image, 40–100 ms a page. Here each step is a pass of word
// operations over rows that stay in cache, the patterns are taken apart into a row of ink, a
// column of ink and six paper pixels, and only rows near ink are tested. The counts are the
// same (tests/image/text_orientation_test.cpp compares them with Leptonica's).

#include "image/text_orientation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/errors.h"

namespace platen {

namespace {

using Word = std::uint64_t;
constexpr Word kAll = ~Word{0};

// A 1 bpp image as rows of 64-bit words, pixel x of a row at bit 63 − x % 64 of word x / 64
// (Leptonica's order within its 32-bit words). Each row has one zero word before it and two
// after it, and there are kPadRows zero rows above and below, so that reads just outside the
// image see paper, as in Leptonica's "safe" closings and hit-miss transform.
class BitRows {
 public:
  static constexpr int kPadRows = 32;

  BitRows(int width, int height)
      : width_(width), height_(height), words_((width + 63) / 64), stride_(words_ + 3),
        data_(static_cast<std::size_t>(stride_) * (height + 2 * kPadRows), 0) {}

  int width() const { return width_; }
  int height() const { return height_; }
  int words() const { return words_; }
  /// Row y, −kPadRows ≤ y < height + kPadRows; words [-1], [words()] and [words() + 1] are guards.
  Word* row(int y) { return data_.data() + static_cast<std::size_t>(y + kPadRows) * stride_ + 1; }
  const Word* row(int y) const {
    return data_.data() + static_cast<std::size_t>(y + kPadRows) * stride_ + 1;
  }
  /// Mask of the bits of the last word that lie inside the image.
  Word last_word_mask() const { return width_ % 64 == 0 ? kAll : kAll << (64 - width_ % 64); }

 private:
  int width_, height_, words_, stride_;
  std::vector<Word> data_;
};

BitRows load(Pix* pix) {
  const int w = static_cast<int>(pixGetWidth(pix)), h = static_cast<int>(pixGetHeight(pix));
  BitRows rows(w, h);
  const int wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  const Word last = rows.last_word_mask();
  for (int y = 0; y < h; ++y) {
    const l_uint32* src = data + static_cast<std::size_t>(y) * wpl;
    Word* dst = rows.row(y);
    for (int i = 0; i < rows.words(); ++i) {
      const Word hi = src[2 * i];
      const Word lo = 2 * i + 1 < wpl ? src[2 * i + 1] : 0;
      dst[i] = hi << 32 | lo;
    }
    dst[rows.words() - 1] &= last;  // Leptonica leaves the pad bits of a row undefined
  }
  return rows;
}

// Transposes a 64 × 64 bit block in place: bit 63 − c of a[r] ↔ bit 63 − r of a[c] (Warren,
// Hacker's Delight, §7-3: swap ever smaller off-diagonal sub-blocks).
void transpose_block(Word a[64]) {
  Word m = 0x00000000FFFFFFFFULL;
  for (int j = 32; j != 0; j >>= 1, m ^= m << j) {
    for (int k = 0; k < 64; k = (k + j + 1) & ~j) {
      const Word t = (a[k] ^ (a[k + j] >> j)) & m;
      a[k] ^= t;
      a[k + j] ^= t << j;
    }
  }
}

// The image turned 90° clockwise, as Leptonica's pixRotate90(pix, 1): pixel (x, y) of the
// result is pixel (y, height − 1 − x) of `s`. Taking the rows of `s` bottom up, it is a plain
// transpose, done in 64 × 64 blocks.
BitRows turned_clockwise(const BitRows& s) {
  const int w = s.width(), h = s.height();
  BitRows t(h, w);
  Word block[64];
  for (int bx = 0; bx < t.words(); ++bx) {      // 64 rows of s, from the bottom
    for (int i = 0; i < s.words(); ++i) {       // 64 columns of s
      Word any = 0;
      for (int k = 0; k < 64; ++k) {
        const int y = h - 1 - (64 * bx + k);
        block[k] = y >= 0 ? s.row(y)[i] : 0;
        any |= block[k];
      }
      if (!any) continue;  // blank paper (margins): the result is already zero
      transpose_block(block);
      for (int k = 0; k < 64 && 64 * i + k < w; ++k) t.row(64 * i + k)[bx] = block[k];
    }
  }
  return t;
}

// Word i of `row` shifted so that bit x holds pixel x + dx (|dx| < 64); pixels outside the
// row's words read the zero guards.
inline Word shifted(const Word* row, int i, int dx) {
  if (dx == 0) return row[i];
  if (dx > 0) return row[i] << dx | row[i + 1] >> (64 - dx);
  return row[i] >> -dx | row[i - 1] << (64 + dx);
}

// A bar of `length` px as a chain of doubling steps 1, 2, 4, … whose sum is length − 1: after
// step k, each pixel holds the OR (or AND) of the 1 + (sum of steps so far) pixels from it on.
std::vector<int> doubling_steps(int length) {
  std::vector<int> steps;
  for (int span = 1; span < length;) {
    const int step = std::min(span, length - span);
    steps.push_back(step);
    span += step;
  }
  return steps;
}

// Closing by a vertical bar of `length` px (length ≤ kPadRows + 1), paper beyond the image:
// fills every vertical run of paper shorter than `length` that has ink at both ends (Leptonica's
// pixCloseSafeCompBrick with a 1 × length brick; a closing does not depend on the brick's origin).
void close_vertically(BitRows& image, int length) {
  const int h = image.height(), n = image.words();
  const int end = h + length - 1;  // the dilation spills into rows h … end − 1
  const std::vector<int> steps = doubling_steps(length);
  // Dilation downwards, in place from the bottom so that row y − step is still the old one.
  for (int step : steps) {
    for (int y = end - 1; y >= 0; --y) {
      Word* out = image.row(y);
      const Word* in = image.row(y - step);
      for (int i = 0; i < n; ++i) out[i] |= in[i];
    }
  }
  // Erosion upwards, in place from the top; rows past `end` would be paper.
  for (int step : steps) {
    for (int y = 0; y < end; ++y) {
      Word* out = image.row(y);
      if (y + step >= end) {
        std::fill(out, out + n, 0);
        continue;
      }
      const Word* in = image.row(y + step);
      for (int i = 0; i < n; ++i) out[i] &= in[i];
    }
  }
  for (int y = h; y < end; ++y) std::fill(image.row(y), image.row(y) + n, 0);
}

// Closing by a horizontal bar of `length` px (2 ≤ length ≤ 64), paper beyond the image: fills
// every run of paper along a row shorter than `length` that has ink at both ends.
void close_horizontally(BitRows& image, int length) {
  const int n = image.words();
  const Word last = image.last_word_mask();
  const std::vector<int> steps = doubling_steps(length);
  std::vector<Word> buffer(n + 3, 0);
  Word* tmp = buffer.data() + 1;
  for (int y = 0; y < image.height(); ++y) {
    Word* r = image.row(y);
    if (std::all_of(r, r + n, [](Word v) { return v == 0; })) continue;  // a row of paper stays paper
    // Dilation to the right, into the guard words: ink spills up to length − 1 px past the
    // edge, and the erosion must see it.
    for (int step : steps) {
      for (int i = 0; i <= n + 1; ++i) tmp[i] = r[i] | r[i] >> step | r[i - 1] << (64 - step);
      std::copy(tmp, tmp + n + 2, r);
    }
    for (int step : steps) {
      for (int i = 0; i <= n; ++i) tmp[i] = r[i] & (r[i] << step | r[i + 1] >> (64 - step));
      std::copy(tmp, tmp + n + 1, r);
    }
    r[n - 1] &= last;
    r[n] = r[n + 1] = 0;
  }
}

// Row y of `out` = AND of `count` consecutive pixels of `in` from each pixel on: rightwards
// along the row (horizontal) or downwards (vertical).
void erode_rightwards(const BitRows& in, BitRows& out, int count) {
  const int n = in.words();
  for (int y = 0; y < in.height(); ++y) {
    const Word* r = in.row(y);
    Word* o = out.row(y);
    if (std::all_of(r, r + n, [](Word v) { return v == 0; })) continue;
    for (int i = 0; i < n; ++i) {
      Word v = r[i];
      for (int k = 1; k < count; ++k) v &= shifted(r, i, k);
      o[i] = v;
    }
  }
}

void erode_downwards(const BitRows& in, BitRows& out, int count) {
  const int n = in.words();
  for (int y = 0; y < in.height(); ++y) {
    Word* o = out.row(y);
    if (std::all_of(in.row(y), in.row(y) + n, [](Word v) { return v == 0; })) continue;
    std::copy(in.row(y), in.row(y) + n, o);
    for (int k = 1; k < count; ++k) {
      const Word* r = in.row(y + k);
      for (int i = 0; i < n; ++i) o[i] &= r[i];
    }
  }
}

// Number of non-zero 4-pixel groups (nibbles) of a word.
inline int occupied_nibbles(Word v) {
  v |= v >> 1;
  v |= v >> 2;
  return __builtin_popcountll(v & 0x1111111111111111ULL);
}

struct Counts {
  long up = 0, down = 0;
};

// Bloomberg's four hit-miss patterns (Leptonica flipdetect.c; 'x' ink, 'o' paper, capital =
// the pixel tested, blank = either):
//
//   up, right of a stem   up, left of a stem   down, right of a stem   down, left of a stem
//        "x  oo "              " oo  x"             "xxxxxx"                "xxxxxx"
//        "x oOo "              " oOo x"             "x     "                "     x"
//        "x  o  "              "  o  x"             "x  o  "                "  o  x"
//        "x     "              "     x"             "x oOo "                " oOo x"
//        "xxxxxx"              "xxxxxx"             "x  oo "                " oo  x"
//
// A paper pixel in the corner between an ascender's stem (ink three columns to one side, over
// four rows) and the top of the x-height body (ink three rows below, over six columns), or the
// same upside down for descenders. Counts the 4×4 cells (from the image origin, whole cells
// only, as Leptonica's two 2× rank-1 reductions leave them) that hold at least one upward /
// downward corner of the closed image.
Counts count_corners(const BitRows& closed) {
  const int w = closed.width(), h = closed.height(), n = closed.words();
  // Ink rows of six pixels (from each pixel rightwards) and columns of four (downwards).
  BitRows row6(w, h), column4(w, h);
  erode_rightwards(closed, row6, 6);
  erode_downwards(closed, column4, 4);

  const int cells_w = w / 4 * 4;  // pixels covered by whole cells
  std::vector<Word> keep(n, kAll);
  for (int i = 0; i < n; ++i) {
    const int first = 64 * i;
    if (cells_w <= first) keep[i] = 0;
    else if (cells_w < first + 64) keep[i] = kAll << (64 - (cells_w - first));
  }
  std::vector<Word> up_cells(n), down_cells(n);
  Counts counts;
  for (int g = 0; g < h / 4; ++g) {
    std::fill(up_cells.begin(), up_cells.end(), 0);
    std::fill(down_cells.begin(), down_cells.end(), 0);
    for (int y = 4 * g; y < 4 * g + 4; ++y) {
      const Word* above = closed.row(y - 1);
      const Word* centre = closed.row(y);
      const Word* below = closed.row(y + 1);
      const Word* body_below = row6.row(y + 3);  // x − 3 … x + 2 is shifted(…, −3)
      const Word* body_above = row6.row(y - 3);
      const Word* stem_up = column4.row(y - 1);    // rows y − 1 … y + 2
      const Word* stem_down = column4.row(y - 2);  // rows y − 2 … y + 1
      for (int i = 0; i < n; ++i) {
        const bool up_possible = body_below[i - 1] | body_below[i] | body_below[i + 1];
        const bool down_possible = body_above[i - 1] | body_above[i] | body_above[i + 1];
        if (!up_possible && !down_possible) continue;
        // The paper pixels common to all four patterns: the tested pixel, its left and right
        // neighbours, and the pixels above and below it.
        const Word cross = shifted(centre, i, -1) | centre[i] | shifted(centre, i, 1) | above[i] | below[i];
        if (cross == kAll) continue;
        if (up_possible) {
          const Word right_of_stem = shifted(body_below, i, -3) & shifted(stem_up, i, -3) & ~shifted(above, i, 1);
          const Word left_of_stem = shifted(body_below, i, -2) & shifted(stem_up, i, 3) & ~shifted(above, i, -1);
          up_cells[i] |= (right_of_stem | left_of_stem) & ~cross;
        }
        if (down_possible) {
          const Word right_of_stem = shifted(body_above, i, -3) & shifted(stem_down, i, -3) & ~shifted(below, i, 1);
          const Word left_of_stem = shifted(body_above, i, -2) & shifted(stem_down, i, 3) & ~shifted(below, i, -1);
          down_cells[i] |= (right_of_stem | left_of_stem) & ~cross;
        }
      }
    }
    for (int i = 0; i < n; ++i) {
      counts.up += occupied_nibbles(up_cells[i] & keep[i]);
      counts.down += occupied_nibbles(down_cells[i] & keep[i]);
    }
  }
  return counts;
}

// Leptonica's minimum count of the larger direction before a confidence is given.
constexpr long kMinCount = 70;

double confidence_of(BitRows& image) {
  if (image.width() < 4 || image.height() < 4) return 0.0;
  // Bloomberg's pre-filter: close the holes of x-height letters and join them into words.
  close_vertically(image, 8);
  close_horizontally(image, 30);
  const Counts c = count_corners(image);
  if (std::max(c.up, c.down) <= kMinCount) return 0.0;
  // In Leptonica's single precision, so that decisions at a threshold come out alike.
  const float up = static_cast<float>(c.up), down = static_cast<float>(c.down);
  return static_cast<float>(2.0 * ((up - down) / std::sqrt(static_cast<double>(up + down))));
}

void check_binary(Pix* binary) {
  if (!binary || pixGetDepth(binary) != 1) throw ImageError("orientation detection needs a 1-bit page");
}

}  // namespace

double up_down_confidence(Pix* binary) {
  check_binary(binary);
  BitRows rows = load(binary);
  return confidence_of(rows);
}

OrientationConfidence orientation_confidence(Pix* binary) {
  check_binary(binary);
  BitRows rows = load(binary);
  BitRows turned = turned_clockwise(rows);
  OrientationConfidence out;
  out.up = confidence_of(rows);
  out.left = confidence_of(turned);
  return out;
}

}  // namespace platen
