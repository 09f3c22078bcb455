#pragma once
// Synthetic training lines: one line of text drawn with FreeType from a font file and then
// degraded the way a typewritten page ages and is scanned — uneven strikes, ribbon grain,
// clogged and broken type, ink spread, blur, paper tone and noise, small rotations,
// bilevel scans, JPEG blocks, low resolution and faint carbon copies.
//
// The look was tuned against the real line crops of the EHRI and TapusCorpus sets
// (../shared/datasets/typewritten/train/lines), by eye side by side and by matching their
// statistics over a few hundred lines: 48 px high; x-height band 11–14 px (quartiles) with
// its top about 21 px and its bottom about 14 px from the crop's edges; median paper grey 223
// (quartiles 215–233); darkest 1 % of pixels at grey 61 (45–84); flat page-tone bands where
// the crop polygon was cut; bits of the neighbouring lines at the top and bottom of some
// crops. No code or image is taken from elsewhere.

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>

#include "core/grey_image.h"

// FreeType handles, forward-declared so that callers do not pull in FreeType's headers.
struct FT_LibraryRec_;
struct FT_FaceRec_;

namespace platen {

namespace detail {
struct GlyphBitmap;  // a rendered glyph, private to line_renderer.cpp
}

/// Every knob of one rendered line. Lengths marked "x-heights" scale with the type size, so a
/// style can be reused at any resolution. The defaults draw a clean, undegraded line
/// (black ink on white paper, nothing random) — see LineStyle::clean() and sample_line_style().
struct LineStyle {
  // --- Geometry -------------------------------------------------------------------------
  double x_height = 14;          ///< x-height at scan resolution, px (typewriters at 100–300 dpi: 6–25)
  double width_scale = 1.0;      ///< horizontal stretch of the type (elite vs pica faces), 0.8–1.2
  double letter_spacing = 0;     ///< extra advance after each character, x-heights
  double jitter_x = 0;           ///< SD of each strike's horizontal offset, x-heights
  double jitter_y = 0;           ///< SD of each strike's baseline offset, x-heights
  double rotation_deg = 0;       ///< line rotation, degrees (applied as a vertical shear; |θ| ≤ 2)
  double baseline_wave = 0;      ///< amplitude of a slow bend of the baseline, x-heights
  // --- Ink ------------------------------------------------------------------------------
  double ink_density = 1.0;      ///< mean darkness of a strike, 0 (none) – 1 (full ribbon)
  double strike_variation = 0;   ///< SD of a strike's darkness around ink_density
  double ribbon_fade = 0;        ///< darkness lost along the line by a worn ribbon patch, 0–1
  double ribbon_texture = 0;     ///< strength of the fabric grain in the ink, 0–1
  double filled_rate = 0;        ///< share of strikes whose counters are clogged with ink
  double broken_rate = 0;        ///< share of strikes with gaps in their strokes
  double overstrike_rate = 0;    ///< share of strikes typed twice, slightly offset (bold look)
  double ink_spread = 0;         ///< radius of grey dilation (> 0, ink bleeding) or erosion (< 0), x-heights
  double edge_roughness = 0;     ///< raggedness of stroke edges (ink wicking into paper fibres), 0–1
  double underline_rate = 0;     ///< chance that one word is underlined with typed '_' strikes
  /// Share of strikes where the type hit the paper unevenly (a tilted typebar, a faint
  /// carbon): the ink fades across the glyph so that a part of the letter (a side, the top or
  /// the bottom) nearly vanishes while the rest prints, 0–1.
  double partial_strike_rate = 0;
  double partial_strike_depth = 0.8;  ///< ink lost at the faint edge of such a strike, 0–0.95
  /// Share of accented letters (á č ů ö ą ő …) typed as typewriters did: the bare letter, then
  /// the accent struck separately from a dead key (the font's spacing accent, ´ ˇ ˚ ¨ ˛ ˝ …),
  /// placed with its own offset and ink, over capitals at a height between the x-height and
  /// above the capital. Letters whose font lacks the spacing accent print precomposed.
  double separate_accent_rate = 0;
  double accent_offset = 0.06;   ///< SD of the accent strike's offset from the letter's centre, x-heights
  // --- Scan -----------------------------------------------------------------------------
  double blur_sigma = 0;         ///< Gaussian blur of the ink, scan px
  int paper_tone = 255;          ///< mean paper grey, 0–255
  int ink_tone = 0;              ///< grey of a full-density strike, 0–255 (carbon copies: 90–160)
  double paper_variation = 0;    ///< amplitude of slow paper unevenness (stains, light falloff), grey levels
  double noise_sigma = 0;        ///< SD of per-pixel scanner noise, grey levels
  double dirt = 0;               ///< dark specks of dirt per 10,000 scan px²
  bool bilevel = false;          ///< threshold to pure black and white, as 1-bit scans are
  int jpeg_quality = 0;          ///< JPEG round-trip at scan resolution (1–100); 0 = none
  // --- Crop -----------------------------------------------------------------------------
  double crop_height = 4.0;      ///< crop height in x-heights (real crops: about 3–7)
  double baseline_position = 0.7;///< baseline's distance from the crop top, share of crop height
  double margin_left = 0.5;      ///< paper left of the first strike, x-heights
  double margin_right = 0.5;     ///< paper right of the last strike, x-heights
  bool neighbours = false;       ///< draw bits of the lines above and below, as tight crops show
  double neighbour_pitch = 1.0;  ///< distance to those lines, share of crop height
  bool polygon_crop = false;     ///< flat page tone outside a random polygon around the line, as
                                 ///< the real crops were cut along their ALTO polygons
  int output_height = 48;        ///< scale the crop to this height, px (the real set's 48); 0 = scan size
  int output_jpeg_quality = 0;   ///< final JPEG round-trip after scaling (the real set used 92); 0 = none

  /// A crisp line: no jitter, no noise, black on white, x-height 14 px, 48 px output.
  static LineStyle clean();
};

/// Draws a random style from the mixture Platen trains on: mostly ordinary ribbon copies, some
/// faint carbon copies, heavy clogged type, worn ribbons, 1-bit scans. Uses only `rng`, so a
/// seed reproduces the style. The ranges follow the measurements given at the top of this file.
LineStyle sample_line_style(std::mt19937& rng);

/// Where one character of a rendered line was struck, before any damage: the box of its glyph
/// bitmap (both strikes of an overstrike), in px of the returned crop; x to the right, y down,
/// edges (pixel x0 ≤ px < x1 lies inside). Followed through the downsampling and the baseline's
/// rotation and wave (the box of the moved corners) and the resize to output_height.
struct GlyphPlacement {
  std::size_t index = 0;  ///< position of the character in the rendered text
  char32_t code = 0;      ///< the character (never whitespace)
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

/// Renders text lines with one font file. Not thread-safe (a FreeType face keeps per-call
/// state): give each thread its own LineRenderer.
class LineRenderer {
 public:
  /// Opens `font_path` (TrueType, OpenType, Type 1). Throws DataError naming the file when
  /// FreeType cannot open it or it has no Unicode character map.
  explicit LineRenderer(const std::string& font_path);
  ~LineRenderer();
  LineRenderer(LineRenderer&&) noexcept;
  LineRenderer& operator=(LineRenderer&&) noexcept;
  LineRenderer(const LineRenderer&) = delete;
  LineRenderer& operator=(const LineRenderer&) = delete;

  const std::string& font_path() const { return font_path_; }

  /// Code points of `text` this font cannot draw, each once, in order of appearance: those
  /// without a glyph (FT_Get_Char_Index == 0, which would print the .notdef "tofu" box) and
  /// those mapped to an empty glyph. Whitespace never counts as missing. Empty = renderable.
  std::u32string missing_glyphs(const std::u32string& text);

  /// Renders `text` (code points, NFC; tabs count as spaces) in `style`, drawing every random
  /// choice (jitter, per-strike ink, noise, neighbour lines) from `rng`. Returns an 8-bit crop,
  /// 0 = ink, 255 = paper, of height style.output_height (or the scan height when that is 0)
  /// and a width that follows the text.
  /// Throws DataError when the text has no visible character, or when the font lacks a glyph
  /// (see missing_glyphs): a model must never learn a tofu box under a letter's label.
  /// `glyphs`, when given, receives where each visible character was struck (one entry per
  /// non-space code point, in text order); asking for them changes no random draw, so the
  /// image is the same either way.
  GreyImage render(const std::u32string& text, const LineStyle& style, std::mt19937& rng,
                   std::vector<GlyphPlacement>* glyphs = nullptr);

  /// Convenience: UTF-8 text, style drawn with sample_line_style from a generator seeded with
  /// `seed`, so equal seeds give equal images.
  GreyImage render(const std::string& utf8_text, std::uint32_t seed);

 private:
  struct LibraryDeleter {
    void operator()(FT_LibraryRec_* library) const;
  };
  struct FaceDeleter {
    void operator()(FT_FaceRec_* face) const;
  };
  struct Canvas;

  /// Sets the face's size so that its x-height is `x_height` px and its width scaled.
  void set_size(double x_height, double width_scale);
  /// Pen advance of `c` at the current size, px (whitespace advances as U+0020); `fallback`
  /// when the font defines no such glyph (a font without a space character).
  double advance(char32_t c, double fallback);
  /// The glyph of `c` rendered at the current size, cached in `canvas` for the line.
  const detail::GlyphBitmap& glyph(char32_t c, Canvas& canvas);
  /// Draws one line of code points onto the canvas with its baseline at `baseline_y`.
  void draw_text(const std::u32string& text, double pen_x, double baseline_y,
                 const LineStyle& style, double scale, bool main_line, Canvas& canvas,
                 std::mt19937& rng);
  /// True when `c` has a glyph with an outline (cached per code point).
  bool has_glyph(char32_t c);

  std::string font_path_;
  std::unique_ptr<FT_LibraryRec_, LibraryDeleter> library_;
  std::unique_ptr<FT_FaceRec_, FaceDeleter> face_;
  double x_height_per_em_ = 0.5;  ///< the face's x-height as a share of its em
  std::unordered_map<char32_t, bool> presence_;  ///< cache behind has_glyph
};

}  // namespace platen
