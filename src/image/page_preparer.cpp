// Page preparation: grey → binary → upright → deskewed, plus the page's resolution.
//
// Every decision here was measured; the numbers are in the comments beside the constants and
// the tests in tests/image/page_preparer_test.cpp check them on synthetic pages with known
// answers.

#include "image/page_preparer.h"

#include <algorithm>
#include <chrono>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/errors.h"
#include "image/shear_rotation.h"
#include "image/text_orientation.h"

namespace platen {

namespace {

constexpr double kPi = 3.14159265358979323846;

// ---------------------------------------------------------------------------------------------
// Binarisation

// Background normalisation tiles (px) and the grey level below which a pixel is treated as
// ink while estimating the paper (Leptonica's pixBackgroundNorm, defaults of
// pixBackgroundNormSimple except the target, which is pure white so that the contrast
// normalisation that follows sees ink against 255 everywhere).
constexpr int kBgTileW = 10, kBgTileH = 15, kBgInkBelow = 100, kBgMinCount = 50, kBgSmooth = 2;

// Local contrast normalisation: tile side (px) and smoothing half-width (tiles).
constexpr int kContrastTile = 40, kContrastSmooth = 2;
// A tile counts as holding ink when its (max − min) grey range exceeds the paper's own by
// this factor; the paper's range is the 10th percentile over all tiles (every page has
// margins and gaps between lines). The result is kept within [kMinContrast, kMaxContrast].
// Measured: blank tiles of the dev pages span 10–20 grey levels, 35 on a grainy blue paper;
// on synthetic pages a floor of 20 lets white noise of σ≈5 through as speckle and 40 loses
// carbon text at grey 212 on paper 235, 30 keeps that text and no speckle.
constexpr double kPaperRangeFactor = 1.5;
constexpr int kMinContrast = 30, kMaxContrast = 80;

// The contrast a tile (`tile` px square) needs to be taken as ink, from the spread of the
// paper's own grain.
int contrast_min_diff(Pix* normalised, int tile) {
  PixPtr ranges = adopt(pixScaleGrayMinMax(normalised, tile, tile, L_CHOOSE_MAXDIFF));
  if (!ranges) return kMinContrast;
  std::array<long, 256> hist{};
  const int w = pixGetWidth(ranges.get()), h = pixGetHeight(ranges.get());
  const l_uint32* data = pixGetData(ranges.get());
  const int wpl = pixGetWpl(ranges.get());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) ++hist[GET_DATA_BYTE(data + static_cast<std::size_t>(y) * wpl, x)];
  }
  const long wanted = std::max(1L, static_cast<long>(w) * h / 10);
  long seen = 0;
  int paper_range = 0;
  for (int v = 0; v < 256; ++v) {
    seen += hist[v];
    if (seen >= wanted) {
      paper_range = v;
      break;
    }
  }
  return std::clamp(static_cast<int>(std::lround(kPaperRangeFactor * paper_range)), kMinContrast,
                    kMaxContrast);
}

// Threshold on the stretched image, as a grey level. Measured on the synthetic pages (share
// of the rendered strokes found / ink added around them): 128, the midpoint between local ink
// and paper, finds only 54–77 % of faint, noisy or blurred strokes; Sauvola on the same image
// (Leptonica pixSauvolaOnContrastNorm) finds 81–99 % but fattens strokes by 12–45 %, filling
// the eyes of 'e' and 'a'; 160 finds 75–99 % and fattens by 2–16 % (37 % on heavily blurred
// dark text).
constexpr int kStretchedThreshold = 160;

// Ink fraction above which a "page" is not text on paper (black page, negative, photo):
// orientation, skew and resolution estimation are skipped for it.
constexpr double kMaxTextInkFraction = 0.5;

double ink_fraction(Pix* binary) {
  l_int32 count = 0;
  pixCountPixels(binary, &count, nullptr);
  return static_cast<double>(count) /
         (static_cast<double>(pixGetWidth(binary)) * pixGetHeight(binary));
}

// ---------------------------------------------------------------------------------------------
// Resolution

// Typewriter x-height: Pica (10 cpi, 12 pt) and Elite (12 cpi, 10 pt) faces have an x-height of
// 1.7–2.2 mm. The most frequent character height of binarised typewritten text is that
// x-height plus a pixel or two of stroke spread; measured on the four dev pages whose files
// state a believable resolution (three at 300 ppi, one at 400) it is 0.070–0.087 in, mean
// 0.079.
constexpr double kXHeightInches = 0.079;
// The file's resolution is believed when it is in this range and within this factor of the
// one estimated from the text (scanners write 72 or 96 when they know nothing).
constexpr int kMinPlausibleDpi = 150, kMaxPlausibleDpi = 1200;
constexpr double kDpiAgreement = 1.6;
// Fewer character-sized components than this and the estimate is not trusted.
constexpr int kMinCharComponents = 40;
constexpr int kFallbackDpi = 300;

struct TextSize {
  double height_px = 0;  // most frequent character height (x-height), px
  double width_px = 0;   // most frequent character width, px
  int components = 0;    // character-sized components counted
};

// Smoothed histogram peak refined to the weighted mean of the peak bin and its neighbours.
double refine_peak(const std::vector<double>& hist, int i) {
  const double sum = hist[i - 1] + hist[i] + hist[i + 1];
  if (sum <= 0) return 0;
  return ((i - 1) * hist[i - 1] + i * hist[i] + (i + 1) * hist[i + 1]) / sum;
}

// Most frequent value of a histogram after smoothing over ±1 bin; 0 for an empty histogram.
// With `lower_companion`, a second peak at 1/1.6–1/1.2 of the first and at least half as high
// wins over it: in a histogram of letter heights the two peaks are the x-height and the
// ascender/capital height (ratio 1.3–1.5), and the x-height is the one wanted even when
// ascenders, being taller, weigh more.
double histogram_mode(const std::vector<double>& hist, bool lower_companion = false) {
  const int n = static_cast<int>(hist.size());
  std::vector<double> smooth(n, 0.0);
  int best = -1;
  for (int i = 1; i + 1 < n; ++i) {
    smooth[i] = hist[i - 1] + hist[i] + hist[i + 1];
    if (smooth[i] > 0 && (best < 0 || smooth[i] > smooth[best])) best = i;
  }
  if (best < 0) return 0;
  if (lower_companion) {
    int companion = -1;
    for (int i = std::max(1, static_cast<int>(std::ceil(best / 1.6)));
         i <= static_cast<int>(std::floor(best / 1.2)); ++i) {
      if (smooth[i] >= 0.5 * smooth[best] && (companion < 0 || smooth[i] > smooth[companion])) {
        companion = i;
      }
    }
    if (companion > 0) best = companion;
  }
  return refine_peak(hist, best);
}

// Number of rows of the box (x, y, w, h) of `binary` that hold at least kBandFraction of the
// ink of its fullest row: for a word, the rows between the base line and the x-height line.
// Ascender rows of Latin words hold one stroke for every three or four letters, x-height rows
// two or three strokes a letter.
constexpr double kBandFraction = 0.4;

int x_band_rows(Pix* binary, int x, int y, int w, int h) {
  const l_uint32* data = pixGetData(binary);
  const int wpl = pixGetWpl(binary);
  std::vector<int> counts(h, 0);
  int most = 0;
  for (int r = 0; r < h; ++r) {
    const l_uint32* line = data + static_cast<std::size_t>(y + r) * wpl;
    int c = 0;
    for (int i = x; i < x + w; ++i) c += GET_DATA_BIT(line, i);
    counts[r] = c;
    most = std::max(most, c);
  }
  int band = 0;
  for (int c : counts) band += c >= kBandFraction * most;
  return band;
}

// Most frequent x-height of the text in an upright `binary`, and the most frequent character
// width. Single characters give their height (lower-case letters without ascenders are the
// commonest in Latin text); components wider than they are high are letters run together by
// a heavy ribbon or blur, and give the height of their densest band of rows. Each counts in
// proportion to its height (a run: its width), so that the thousands of one- and two-pixel specks
// of a grainy paper do not outvote the letters. With `scale`, `binary` is the page at 1/scale of
// its size, each of its pixels standing for scale × scale of the page's (as a binary binarised
// at half size and expanded is): every size is taken times `scale`, which gives the page's own
// measurements at a quarter of the cost.
TextSize measure_text_size(Pix* binary, int scale = 1) {
  TextSize size;
  BOXA* raw = pixConnCompBB(binary, 8);
  if (!raw) return size;
  std::unique_ptr<BOXA, void (*)(BOXA*)> boxes(raw, [](BOXA* b) { boxaDestroy(&b); });
  constexpr int kMinSide = 4, kMaxSide = 400;
  std::vector<double> heights(kMaxSide + 2, 0.0), widths(kMaxSide + 2, 0.0);
  const int n = boxaGetCount(boxes.get());
  for (int i = 0; i < n; ++i) {
    l_int32 x, y, bw, bh;
    boxaGetBoxGeometry(boxes.get(), i, &x, &y, &bw, &bh);
    const int w = scale * bw, h = scale * bh;
    // Specks are noise or dots, very tall components rules or blots, very long ones rules
    // or underlines: none tells the face size.
    if (std::max(w, h) < kMinSide || h > kMaxSide || h > 4 * w || w > 30 * h) continue;
    if (w <= kMaxSide) widths[w] += w;
    // A run of letters weighs as much as the letters in it would on their own.
    const bool run = 2 * w > 3 * h;
    const int xh = run ? scale * x_band_rows(binary, x, y, bw, bh) : h;
    if (xh >= kMinSide) heights[xh] += run ? w : h;
    ++size.components;
  }
  size.height_px = histogram_mode(heights, true);
  size.width_px = histogram_mode(widths);
  return size;
}

int choose_dpi(const PrepareOptions& options, int file_dpi, double xheight_px, int components) {
  if (options.dpi_override > 0) return options.dpi_override;
  const bool file_plausible = file_dpi >= kMinPlausibleDpi && file_dpi <= kMaxPlausibleDpi;
  const bool have_estimate = components >= kMinCharComponents && xheight_px > 0;
  if (!have_estimate) return file_plausible ? file_dpi : kFallbackDpi;
  const double estimate = xheight_px / kXHeightInches;
  if (file_plausible) {
    const double ratio = file_dpi / estimate;
    if (ratio <= kDpiAgreement && ratio >= 1.0 / kDpiAgreement) return file_dpi;
  }
  return std::clamp(static_cast<int>(std::lround(estimate)), 50, kMaxPlausibleDpi);
}

// ---------------------------------------------------------------------------------------------
// Orientation and skew

// Analysis is done on a binary reduced to roughly this resolution: Bloomberg's orientation
// detector is specified for 150–300 ppi text, and the skew search needs no more.
constexpr int kAnalysisMaxDpi = 300;

// Skew search (Leptonica pixFindSkewSweepAndSearch: projection profiles swept over angles,
// then a binary search; Bloomberg, Kopec & Dasari 1995): sweep step, margin beyond the
// accepted range, final precision, and the confidence (best profile score over the worst)
// below which the page is not rotated. On synthetic pages rotated by −7…+7° in 0.35° steps
// the angle found is within 0.025°; on the dev pages confidence is 2.2–7.3 and the angle
// within 0.1–0.5° of the slope of their ground-truth base lines.
constexpr float kSweepDeltaDeg = 0.5f;
constexpr double kSweepMarginDeg = 2.0;
constexpr float kSearchMinDeltaDeg = 0.01f;
constexpr float kMinSkewConfidence = 2.0f;
// Angles this small are left alone: resampling costs more sharpness than they cost (and
// Leptonica's pixRotate ignores angles under 0.001 rad, 0.057°).
constexpr double kMinSkewToRotateDeg = 0.06;

// Orientation (Bloomberg, Kopec & Dasari 1995; see image/text_orientation.h): the ascender/
// descender signal of Latin text, measured up–down and left–right. A page is turned only when
// the stronger signal reaches kMinOrientConfidence and beats the other by kMinOrientRatio.
// Measured on the 11 dev pages turned four ways: the right direction scores 7.7–41.6, the
// wrong one at most 9.1, the ratio is 2.3–30 (Leptonica's defaults, 8 and 2.5, leave the
// weakest page, a landscape list at 7.7, unturned).
constexpr float kMinOrientConfidence = 6.0f;
constexpr float kMinOrientRatio = 2.5f;

// Skew of `analysis` in degrees, positive when the text runs counter-clockwise (Leptonica's
// convention: rotating the image clockwise by that angle straightens it), or 0 when no
// confident answer within ±max_degrees is found.
double find_skew(Pix* analysis, double max_degrees) {
  l_float32 angle = 0, conf = 0;
  // The analysis binary is at most ~300 ppi: sweep at 1/4 (text lines survive at 75 ppi)
  // and refine at 1/2. Leptonica refuses a peak at the very end of its sweep, so sweep a
  // little beyond the largest skew accepted and drop larger angles afterwards.
  const auto range = static_cast<l_float32>(max_degrees + kSweepMarginDeg);
  if (pixFindSkewSweepAndSearch(analysis, &angle, &conf, 4, 2, range, kSweepDeltaDeg,
                                kSearchMinDeltaDeg) != 0) {
    return 0.0;
  }
  if (conf < kMinSkewConfidence || std::abs(angle) > max_degrees) return 0.0;
  return angle;
}

// Reduces `binary` by powers of two until its resolution is at most kAnalysisMaxDpi
// (Leptonica's rank reduction at level 1 keeps thin strokes: a pixel is ink when any of its 4
// sources is).
PixPtr analysis_binary(Pix* binary, int dpi) {
  PixPtr a = share(binary);
  for (int factor = 1;
       dpi / factor > kAnalysisMaxDpi && pixGetWidth(a.get()) > 400 && pixGetHeight(a.get()) > 400;
       factor *= 2) {
    a = adopt(pixReduceRankBinary2(a.get(), 1, nullptr));
    if (!a) throw ImageError("out of memory reducing the page for analysis");
  }
  return a;
}

PixPtr rotate_binary_small(Pix* binary, double degrees) {
  return adopt(pixRotate(binary, static_cast<l_float32>(degrees * kPi / 180.0), L_ROTATE_SHEAR,
                         L_BRING_IN_WHITE, 0, 0));
}

// Returns the number of clockwise quarter turns that make the text upright (0–3), and sets
// `skew_deg` to the skew of the page as found (for a half turn, also that of the page turned)
// and `confidence` to the detector's confidence in its answer (0 when undecided); `straight`
// receives `analysis` rotated by that skew (shared when no rotation was needed).
int detect_quarter_turns(Pix* analysis, const PrepareOptions& options, double* skew_deg,
                         double* confidence, PixPtr* straight_out) {
  // The orientation detector wants straight lines; the skew of horizontal text and that of
  // the character columns of vertical typewritten text (monospaced) are alike, so one skew
  // measurement serves before the direction is known.
  *skew_deg = find_skew(analysis, options.max_skew_degrees);
  PixPtr straight = std::abs(*skew_deg) >= kMinSkewToRotateDeg
                        ? rotate_binary_small(analysis, *skew_deg)
                        : share(analysis);
  if (!straight) throw ImageError("out of memory straightening the page");
  // Leptonica's pixOrientDetect gives the same confidences at six to ten times the cost.
  const OrientationConfidence signal = orientation_confidence(straight.get());
  const auto upconf = static_cast<l_float32>(signal.up), leftconf = static_cast<l_float32>(signal.left);
  l_int32 orient = L_TEXT_ORIENT_UNKNOWN;
  if (makeOrientDecision(upconf, leftconf, kMinOrientConfidence, kMinOrientRatio, &orient, 0) != 0) {
    orient = L_TEXT_ORIENT_UNKNOWN;
  }
  *straight_out = std::move(straight);
  // The confidence of the decision taken; none when the detector could not decide.
  *confidence = orient == L_TEXT_ORIENT_UP || orient == L_TEXT_ORIENT_DOWN      ? std::abs(upconf)
                : orient == L_TEXT_ORIENT_LEFT || orient == L_TEXT_ORIENT_RIGHT ? std::abs(leftconf)
                                                                               : 0.0;
  int turns = 0;
  switch (orient) {
    case L_TEXT_ORIENT_LEFT:  // ascenders point left: turn 90° clockwise
      turns = 1;
      break;
    case L_TEXT_ORIENT_DOWN:
      turns = 2;
      break;
    case L_TEXT_ORIENT_RIGHT:
      turns = 3;
      break;
    default:  // upright, or not sure: leave the page as it is
      break;
  }
  return turns;
}

}  // namespace

namespace {

// Pages with more pixels than this (an A4 page at ~250 ppi) are binarised at half size and
// the binary expanded back: the binary serves layout analysis only (the recognizer reads the
// grey), and at half size its five whole-page passes cost a quarter. Measured with -j 1 on
// ten rendered A4 pages at 300 ppi: prepare 3.0–3.2 s → 2.1 s; dev pages' line-matched CER
// 2.79 % → 2.85 %, page CER 5.57 % → 5.53 %.
constexpr double kHalfSizeBinariseMinPixels = 5.5e6;

// The grey page at half size, each pixel the mean of a 2 × 2 block rounded down (an odd last
// row or column is dropped): the pixels of Leptonica's pixScaleAreaMap2 (compared on the 100
// benchmark pages, cropped to odd sizes too), in 3 ms instead of 5 for an A4 page at 300 ppi,
// by summing the pixel pairs of whole 32-bit words at once. Null when the page is smaller
// than 2 × 2.
PixPtr half_size(Pix* grey) {
  const int w = pixGetWidth(grey), h = pixGetHeight(grey);
  const int half_w = w / 2, half_h = h / 2;
  if (half_w < 1 || half_h < 1) return PixPtr();
  PixPtr half = adopt(pixCreateNoInit(half_w, half_h, 8));
  if (!half) return half;
  const int wpl_in = pixGetWpl(grey), wpl_out = pixGetWpl(half.get());
  const l_uint32* in = pixGetData(grey);
  l_uint32* out = pixGetData(half.get());
  // A word holds four pixels, the first in its most significant byte: these are the sums of
  // its pixels 0 + 1 (bits 16–25) and 2 + 3 (bits 0–9).
  auto pair_sums = [](l_uint32 word) { return ((word >> 8) & 0x00FF00FFu) + (word & 0x00FF00FFu); };
  for (int y = 0; y < half_h; ++y) {
    const l_uint32* top = in + static_cast<std::size_t>(2 * y) * wpl_in;
    const l_uint32* bottom = top + wpl_in;
    l_uint32* line = out + static_cast<std::size_t>(y) * wpl_out;
    for (int i = 0; i < wpl_out; ++i) {
      const int k = 2 * i + 1 < wpl_in ? 2 * i + 1 : 2 * i;  // the last word may have no partner
      const l_uint32 left = pair_sums(top[2 * i]) + pair_sums(bottom[2 * i]);
      const l_uint32 right = pair_sums(top[k]) + pair_sums(bottom[k]);
      line[i] = ((left >> 18) & 0xFF) << 24 | ((left >> 2) & 0xFF) << 16 | ((right >> 18) & 0xFF) << 8 |
                ((right >> 2) & 0xFF);
    }
  }
  return half;
}

/// Binarises an 8 bpp grey image whose resolution is 1/`reduction` of the page's; tile sizes
/// are the full-page ones scaled down alike.
PixPtr binarise_at(Pix* grey, int reduction) {
  const int bg_w = kBgTileW / reduction, bg_h = (kBgTileH + reduction - 1) / reduction;
  const int bg_min = kBgMinCount / (reduction * reduction);
  const int contrast_tile = kContrastTile / reduction;
  // 1. Background normalisation (Leptonica pixBackgroundNorm): divides out the paper tone
  //    estimated over small tiles, so yellowing, stains and uneven lighting become white.
  PixPtr normalised = adopt(pixBackgroundNorm(grey, nullptr, nullptr, bg_w, bg_h, kBgInkBelow, bg_min, 255,
                                              kBgSmooth, kBgSmooth));
  // A page with no paper at all (black, or tiny) has no background to estimate; fall back
  // to the grey as it is.
  if (!normalised) normalised = share(grey);
  // 2. Local contrast normalisation (Leptonica pixContrastNorm): maps each tile's darkest and
  //    lightest grey to 0 and 255, so a pale carbon copy and a black ribbon end up alike;
  //    tiles without contrast (blank paper) borrow their neighbours' range instead of having
  //    their noise stretched.
  PixPtr stretched = adopt(pixContrastNorm(nullptr, normalised.get(), contrast_tile, contrast_tile,
                                           contrast_min_diff(normalised.get(), contrast_tile),
                                           kContrastSmooth, kContrastSmooth));
  normalised.reset();
  // 3. A fixed threshold on the stretched image is a threshold at a fixed fraction of the
  //    local ink–paper range.
  PixPtr binary;
  if (stretched) binary = adopt(pixThresholdToBinary(stretched.get(), kStretchedThreshold));
  return binary;
}

}  // namespace

namespace {

// A binarised page, and when it was binarised at half size, that half-size binary (each of
// its pixels is 2 × 2 of the page's).
struct Binarised {
  PixPtr binary;
  PixPtr half;
};

Binarised binarise(Pix* grey) {
  if (!grey || pixGetDepth(grey) != 8) throw ImageError("binarisation needs an 8-bit grey page");
  const int w = pixGetWidth(grey), h = pixGetHeight(grey);
  PixPtr binary, small;
  if (static_cast<double>(w) * h > kHalfSizeBinariseMinPixels) {
    PixPtr half = half_size(grey);
    small = half ? binarise_at(half.get(), 2) : PixPtr();
    PixPtr expanded = small ? adopt(pixExpandBinaryPower2(small.get(), 2)) : PixPtr();
    if (expanded) {
      // An odd width or height loses its last column or row at half size: paper there.
      binary = adopt(pixCreate(w, h, 1));
      if (binary) pixRasterop(binary.get(), 0, 0, pixGetWidth(expanded.get()), pixGetHeight(expanded.get()),
                              PIX_SRC, expanded.get(), 0, 0);
    }
  } else {
    binary = binarise_at(grey, 1);
  }
  if (!binary) {
    // Contrast normalisation fails when no tile has contrast (blank or uniform page).
    binary = adopt(pixCreate(w, h, 1));
    if (!binary) throw ImageError("out of memory binarising the page");
    small.reset();
  }
  pixCopyResolution(binary.get(), grey);
  return {std::move(binary), std::move(small)};
}

}  // namespace

PixPtr binarise_page(Pix* grey) { return binarise(grey).binary; }

int estimate_dpi_from_text(Pix* binary) {
  if (!binary || pixGetDepth(binary) != 1) return 0;
  const TextSize size = measure_text_size(binary);
  if (size.components < kMinCharComponents || size.height_px <= 0) return 0;
  return static_cast<int>(std::lround(size.height_px / kXHeightInches));
}

PreparedPage prepare_page(const DecodedPage& page, const PrepareOptions& options) {
  if (!page.pix) throw ImageError("page " + std::to_string(page.page_index + 1) + " has no image");
  PreparedPage out;
  PixPtr grey = to_grey(page.pix.get());
  const auto binarise_start = std::chrono::steady_clock::now();
  Binarised binarised = binarise(grey.get());
  PixPtr binary = std::move(binarised.binary);
  // Character sizes are measured on the half-size binary when there is one: the same sizes
  // (the page's binary is it expanded) at a quarter of the cost.
  PixPtr measured = binarised.half ? std::move(binarised.half) : share(binary.get());
  const int measured_scale = pixGetWidth(measured.get()) < pixGetWidth(binary.get()) ? 2 : 1;
  out.binarise_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - binarise_start).count();

  const bool has_text = ink_fraction(binary.get()) < kMaxTextInkFraction;
  // Character sizes, measured once on the unturned page; for text turned by 90° the
  // characters' widths are what were their heights.
  TextSize size;
  if (has_text) size = measure_text_size(measured.get(), measured_scale);

  int quarter_turns = 0;
  double skew_deg = 0;
  // The orientation detector's binary, straightened; when that binary is the page's own (at
  // most 300 ppi), it is the deskewed page binary of an unturned page.
  PixPtr straight_analysis;
  bool analysis_is_page = false;
  if (has_text && size.components >= kMinCharComponents) {
    // A first resolution, before the orientation is known, only to choose the analysis
    // reduction: x-height and character width are within 30 % of each other in typewriter
    // faces, so either will do.
    const int rough_dpi = choose_dpi(
        options, page.dpi, std::max(size.height_px, size.width_px) * 0.9, size.components);
    PixPtr analysis = analysis_binary(binary.get(), rough_dpi);
    analysis_is_page = analysis.get() == binary.get();
    if (options.quarter_turns >= 0) {
      quarter_turns = options.quarter_turns % 4;
      PixPtr turned = quarter_turns ? adopt(pixRotateOrth(analysis.get(), quarter_turns)) : share(analysis.get());
      if (!turned) throw ImageError("out of memory turning the page");
      skew_deg = find_skew(turned.get(), options.max_skew_degrees);
    } else if (options.detect_orientation) {
      quarter_turns =
          detect_quarter_turns(analysis.get(), options, &skew_deg, &out.orientation_confidence, &straight_analysis);
      out.detected_orientation_degrees = 90 * quarter_turns;
      if ((quarter_turns == 2 && !options.turn_upside_down) ||
          (quarter_turns % 2 == 1 && out.orientation_confidence < options.min_quarter_turn_confidence)) {
        quarter_turns = 0;  // left for the caller to decide
      } else if (quarter_turns % 2 == 1) {
        // Proportional text turned by 90° has no aligned columns: measure the skew again on
        // the text's own lines.
        PixPtr turned = adopt(pixRotateOrth(analysis.get(), quarter_turns));
        if (!turned) throw ImageError("out of memory turning the page");
        skew_deg = find_skew(turned.get(), options.max_skew_degrees);
      }
    } else {
      skew_deg = find_skew(analysis.get(), options.max_skew_degrees);
    }
  }
  if (quarter_turns != 0) {
    grey = adopt(pixRotateOrth(grey.get(), quarter_turns));
    binary = adopt(pixRotateOrth(binary.get(), quarter_turns));
    if (!grey || !binary) throw ImageError("out of memory turning the page upright");
  }
  // Character heights are measured on the page as found; after a quarter turn they were
  // widths, so measure again on the turned page.
  if (quarter_turns % 2 == 1) {
    measured = adopt(pixRotateOrth(measured.get(), quarter_turns));
    if (!measured) throw ImageError("out of memory turning the page upright");
    size = measure_text_size(measured.get(), measured_scale);
  }
  out.dpi = choose_dpi(options, page.dpi, size.height_px, size.components);

  if (options.deskew && std::abs(skew_deg) >= kMinSkewToRotateDeg) {
    const auto radians = static_cast<l_float32>(skew_deg * kPi / 180.0);
    // Both are rotated by shears, which move whole pixels and so neither thicken nor break
    // strokes. For the grey, area mapping was smoother but cost 6 % of all run time, and the
    // dev pages read no better with it (pooled line CER 2.90 % against 2.79 %): the line
    // normaliser resamples every crop anyway. rotate_grey_by_shears gives Leptonica's
    // pixRotate(…, L_ROTATE_SHEAR, …) pixels in one pass: 4–6 ms instead of 10–15 for an A4
    // page at 300 ppi skewed by up to 1°.
    grey = rotate_grey_by_shears(grey.get(), radians);
    binary = analysis_is_page && quarter_turns == 0 && straight_analysis ? std::move(straight_analysis)
                                                                         : rotate_binary_small(binary.get(), skew_deg);
    if (!grey || !binary) throw ImageError("out of memory deskewing the page");
  } else {
    skew_deg = 0;
  }

  out.grey = std::move(grey);
  out.binary = std::move(binary);
  out.orientation_degrees = 90 * quarter_turns;
  out.skew_degrees = skew_deg;
  return out;
}

}  // namespace platen
