// PNG pages through libpng, with error and warning functions per read struct: libpng's
// messages are kept with the page instead of going to standard error.
//
// What fails the page: libpng errors (a CRC error in a critical chunk, damaged or missing
// image data, a file that ends early), and warnings about the image data or its compression.
// Remarks about ancillary chunks (a known-incorrect sRGB profile, a bad CRC in a text chunk,
// which is then dropped) are warnings only.

#include <png.h>

#include <csetjmp>
#include <cstring>

#include "image/decoders.h"

namespace platen::decoders {

namespace {

struct PngState {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::size_t pos = 0;
  char fatal[256] = {};
  std::vector<std::string>* damage = nullptr;
  std::vector<std::string>* warnings = nullptr;
};

PngState* state_of(png_structp png) { return static_cast<PngState*>(png_get_error_ptr(png)); }

void on_png_error(png_structp png, png_const_charp message) {
  std::strncpy(state_of(png)->fatal, message ? message : "error", sizeof state_of(png)->fatal - 1);
  png_longjmp(png, 1);
}

bool is_data_damage(const char* message) {
  return std::strstr(message, "IDAT") || std::strstr(message, "image data") || std::strstr(message, "zlib") ||
         std::strstr(message, "decompress") || std::strstr(message, "stream") || std::strstr(message, "IHDR") ||
         std::strstr(message, "PLTE");
}

void on_png_warning(png_structp png, png_const_charp message) {
  PngState* s = state_of(png);
  const char* text = message ? message : "warning";
  std::vector<std::string>* into = is_data_damage(text) ? s->damage : s->warnings;
  if (into->size() < 8) into->push_back(text);
}

void read_from_memory(png_structp png, png_bytep out, png_size_t length) {
  PngState* s = static_cast<PngState*>(png_get_io_ptr(png));
  if (length > s->size - s->pos) png_error(png, "the file ends before its image data do (truncated file)");
  std::memcpy(out, s->data + s->pos, length);
  s->pos += length;
}

struct Reader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~Reader() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

// setjmp-guarded steps with no C++ objects of their own (see decode_jpeg.cpp).
bool read_info(Reader& r) {
  if (setjmp(png_jmpbuf(r.png))) return false;
  png_read_info(r.png, r.info);
  return true;
}

bool read_image(Reader& r, png_bytepp rows) {
  if (setjmp(png_jmpbuf(r.png))) return false;
  png_read_image(r.png, rows);
  png_read_end(r.png, nullptr);
  return true;
}

}  // namespace

Decoded decode_png(const std::uint8_t* data, std::size_t size, const PageContext& page) {
  Decoded out;
  std::vector<std::string> damage;
  PngState state;
  state.data = data;
  state.size = size;
  state.damage = &damage;
  state.warnings = &out.warnings;
  Reader r;
  r.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_png_error, on_png_warning);
  if (!r.png) page.fail("out of memory");
  r.info = png_create_info_struct(r.png);
  if (!r.info) page.fail("out of memory");
  png_set_read_fn(r.png, &state, read_from_memory);
  // Width and height are checked here against the limits; libpng's own default (1e6 a side)
  // would let a lying header through.
  png_set_user_limits(r.png, kMaxImageSide, kMaxImageSide);
  auto fail_with = [&](const char* stage) {
    page.fail(std::string("damaged or truncated PNG (") + stage + "): " + (damage.empty() ? state.fatal : damage.front().c_str()));
  };
  if (!read_info(r)) fail_with("header");

  png_uint_32 w = 0, h = 0;
  int depth = 0, colour = 0, interlace = 0;
  png_get_IHDR(r.png, r.info, &w, &h, &depth, &colour, &interlace, nullptr, nullptr);
  check_pixel_limits(w, h, page);
  const int channels = png_get_channels(r.png, r.info);
  // Deflate compresses at most 1032:1.
  check_data_bound(w, h, double(w) * h * channels * depth / 8.0, static_cast<double>(size), 1032.0, "Deflate (PNG)",
                   page);

  // A palette of greys only (Leptonica writes grey colour-mapped PNGs so) gives a grey page.
  bool grey_palette = false;
  if (colour == PNG_COLOR_TYPE_PALETTE) {
    png_colorp palette = nullptr;
    int entries = 0;
    if (png_get_PLTE(r.png, r.info, &palette, &entries)) {
      grey_palette = true;
      for (int i = 0; i < entries; ++i)
        if (palette[i].red != palette[i].green || palette[i].green != palette[i].blue) grey_palette = false;
    }
  }
  const bool alpha = (colour & PNG_COLOR_MASK_ALPHA) || png_get_valid(r.png, r.info, PNG_INFO_tRNS);
  int out_depth;
  if (colour == PNG_COLOR_TYPE_GRAY && depth == 1 && !alpha) {
    png_set_invert_mono(r.png);  // Leptonica's 1 bpp: 1 = black
    out_depth = 1;
  } else if (colour == PNG_COLOR_TYPE_GRAY && !alpha) {
    if (depth < 8) png_set_expand_gray_1_2_4_to_8(r.png);
    out_depth = 8;
  } else {
    // Colour, palette or transparency: RGBA bytes, alpha composited on white below.
    png_set_expand(r.png);
    if (!(colour & PNG_COLOR_MASK_COLOR)) png_set_gray_to_rgb(r.png);
    if (!alpha) png_set_filler(r.png, 0xff, PNG_FILLER_AFTER);
    out_depth = 32;
  }
  if (depth == 16) png_set_strip_16(r.png);
  if (interlace != PNG_INTERLACE_NONE) png_set_interlace_handling(r.png);
  png_read_update_info(r.png, r.info);

  png_uint_32 xres = 0, yres = 0;
  int unit = 0;
  if (png_get_pHYs(r.png, r.info, &xres, &yres, &unit) && unit == PNG_RESOLUTION_METER)
    out.dpi = static_cast<int>(xres * 0.0254 + 0.5);

  out.pix = adopt(pixCreate(static_cast<int>(w), static_cast<int>(h), out_depth));
  if (!out.pix) page.fail("out of memory for a " + std::to_string(w) + "x" + std::to_string(h) + " px page");
  l_uint32* pix_data = pixGetData(out.pix.get());
  const int wpl = pixGetWpl(out.pix.get());
  std::vector<png_bytep> rows(h);
  for (png_uint_32 y = 0; y < h; ++y) rows[y] = reinterpret_cast<png_bytep>(pix_data + static_cast<std::size_t>(y) * wpl);
  if (!read_image(r, rows.data())) fail_with("data");
  if (!damage.empty()) fail_with("data");

  // Rows were written as bytes in order; Leptonica keeps pixels in native 32-bit words.
  pixEndianByteSwap(out.pix.get());
  if (out_depth == 32) {
    // RGBA → RGB on white paper (0xRRGGBBAA words after the swap).
    const std::size_t n = static_cast<std::size_t>(wpl) * h;
    for (std::size_t i = 0; i < n; ++i) {
      const l_uint32 v = pix_data[i];
      const unsigned a = v & 0xff;
      if (a == 0xff) continue;
      const unsigned paper = 255 - a;
      const unsigned r8 = ((v >> 24) * a + 127) / 255 + paper;
      const unsigned g8 = (((v >> 16) & 0xff) * a + 127) / 255 + paper;
      const unsigned b8 = (((v >> 8) & 0xff) * a + 127) / 255 + paper;
      pix_data[i] = (r8 << 24) | (g8 << 16) | (b8 << 8) | 0xff;
    }
    pixSetSpp(out.pix.get(), 3);
    if (grey_palette) {
      out.pix = adopt(pixConvertRGBToLuminance(out.pix.get()));
      if (!out.pix) page.fail("out of memory");
    }
  }
  if (out.dpi > 0) pixSetResolution(out.pix.get(), out.dpi, out.dpi);
  if (page.options.keep_page_image) out.original = raw_page_image(out.pix.get(), 1);
  return out;
}

}  // namespace platen::decoders
