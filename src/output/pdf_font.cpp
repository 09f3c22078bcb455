#include "output/pdf_font.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_ADVANCES_H
#include <hb-subset.h>
#include <hb.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "core/errors.h"

namespace platen {

namespace {
const char* const kFontCandidates[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
};
}

const PdfFont& PdfFont::shared() {
  static const PdfFont font = [] {
    for (const char* path : kFontCandidates)
      if (std::filesystem::exists(path)) return PdfFont(path);
    throw Error("no font for the PDF text layer: install fonts-dejavu-core (DejaVu Sans)");
  }();
  return font;
}

PdfFont::PdfFont(const std::string& path) : path_(path) {
  std::ifstream in(path, std::ios::binary);
  file_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw Error("cannot read the PDF font '" + path + "'");
  FT_Library library = nullptr;
  if (FT_Init_FreeType(&library)) throw Error("cannot start FreeType for the PDF font");
  std::unique_ptr<FT_LibraryRec_, decltype(&FT_Done_FreeType)> library_owner(library, FT_Done_FreeType);
  FT_Face face = nullptr;
  if (FT_New_Memory_Face(library, reinterpret_cast<const FT_Byte*>(file_.data()), static_cast<FT_Long>(file_.size()), 0, &face))
    throw Error("cannot read the PDF font '" + path + "' (not a TrueType font?)");
  std::unique_ptr<FT_FaceRec_, decltype(&FT_Done_Face)> face_owner(face, FT_Done_Face);
  const double scale = 1000.0 / face->units_per_EM;
  if (const char* name = FT_Get_Postscript_Name(face)) postscript_name_ = name;
  else postscript_name_ = "PlatenText";
  ascent_ = static_cast<int>(face->ascender * scale);
  descent_ = static_cast<int>(face->descender * scale);
  bbox[0] = static_cast<int>(face->bbox.xMin * scale);
  bbox[1] = static_cast<int>(face->bbox.yMin * scale);
  bbox[2] = static_cast<int>(face->bbox.xMax * scale);
  bbox[3] = static_cast<int>(face->bbox.yMax * scale);
  if (auto* os2 = static_cast<TT_OS2*>(FT_Get_Sfnt_Table(face, FT_SFNT_OS2)); os2 && os2->sCapHeight > 0)
    cap_height = static_cast<int>(os2->sCapHeight * scale);
  bmp_glyphs_.assign(0x10000, 0);
  for (char32_t c = 0; c < 0x10000; ++c) bmp_glyphs_[c] = static_cast<std::uint16_t>(FT_Get_Char_Index(face, c));
  advances_.assign(static_cast<std::size_t>(face->num_glyphs), 0);
  for (FT_Long g = 0; g < face->num_glyphs; ++g) {
    FT_Fixed advance = 0;
    if (FT_Get_Advance(face, static_cast<FT_UInt>(g), FT_LOAD_NO_SCALE, &advance) == 0)
      advances_[static_cast<std::size_t>(g)] = static_cast<int>(advance * scale + 0.5);
  }
}

std::uint16_t PdfFont::glyph(char32_t code_point) const {
  return code_point < bmp_glyphs_.size() ? bmp_glyphs_[code_point] : 0;
}

int PdfFont::advance(std::uint16_t glyph) const {
  return glyph < advances_.size() ? advances_[glyph] : 0;
}

std::string PdfFont::subset(const std::vector<std::uint16_t>& glyphs) const {
  hb_blob_t* blob = hb_blob_create(file_.data(), static_cast<unsigned>(file_.size()), HB_MEMORY_MODE_READONLY, nullptr, nullptr);
  hb_face_t* face = hb_face_create(blob, 0);
  hb_blob_destroy(blob);
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (!input) {
    hb_face_destroy(face);
    throw Error("out of memory while subsetting the PDF font");
  }
  hb_set_t* set = hb_subset_input_glyph_set(input);
  hb_set_add(set, 0);
  for (std::uint16_t g : glyphs) hb_set_add(set, g);
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_RETAIN_GIDS);
  hb_face_t* sub = hb_subset_or_fail(face, input);
  hb_subset_input_destroy(input);
  hb_face_destroy(face);
  if (!sub) throw Error("cannot subset the PDF font '" + path_ + "'");
  hb_blob_t* out = hb_face_reference_blob(sub);
  unsigned length = 0;
  const char* data = hb_blob_get_data(out, &length);
  std::string bytes(data, length);
  hb_blob_destroy(out);
  hb_face_destroy(sub);
  return bytes;
}

}  // namespace platen
