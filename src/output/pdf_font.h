#pragma once
// The TrueType font of the searchable PDF's invisible text layer: a Debian font with Latin
// (with diacritics) and Cyrillic (DejaVu Sans, fonts-dejavu-core), read once with FreeType for
// its cmap and advances, and subset per document with HarfBuzz (hb-subset, glyph ids kept), so
// a PDF embeds only the glyphs its text uses.

#include <cstdint>
#include <string>
#include <vector>

namespace platen {

/// Immutable after load: safe to share between threads.
class PdfFont {
 public:
  /// The shared font, loaded on first use. Throws Error when no font file is found (the
  /// message names the package to install).
  static const PdfFont& shared();

  /// Loads `path` (a TrueType file). Throws Error.
  explicit PdfFont(const std::string& path);

  const std::string& path() const { return path_; }
  /// PostScript name, e.g. "DejaVuSans".
  const std::string& postscript_name() const { return postscript_name_; }
  /// Glyph id of a code point (0 = .notdef: the font lacks it, or beyond the BMP).
  std::uint16_t glyph(char32_t code_point) const;
  /// Advance width of a glyph, 1/1000 em.
  int advance(std::uint16_t glyph) const;
  /// hhea ascender and descender (descender < 0), bounding box, 1/1000 em.
  int ascent() const { return ascent_; }
  int descent() const { return descent_; }
  int bbox[4] = {0, 0, 0, 0};
  int cap_height = 700;
  /// The font with only `glyphs` (and .notdef) drawn, glyph ids unchanged. Throws Error.
  std::string subset(const std::vector<std::uint16_t>& glyphs) const;

 private:
  std::string path_, postscript_name_;
  std::vector<std::uint16_t> bmp_glyphs_;  // code point → glyph id
  std::vector<int> advances_;              // glyph id → 1/1000 em
  int ascent_ = 0, descent_ = 0;
  std::string file_;                       // the font file's bytes
};

}  // namespace platen
