// TIFF pages through libtiff 4.5, each handle opened with TIFFOpenExt / TIFFClientOpenExt and
// its own error and warning handlers (TIFFOpenOptionsSetErrorHandlerExtR), so that libtiff's
// messages are kept with the file and page they are about.
//
// What fails the page: any libtiff error while its directory or data are read (a strip or
// tile that cannot be read or decoded, data past the end of the file), and the warnings of the
// decoders (a CCITT line cut short, an LZW strip without its end code, libjpeg's corrupt-data
// remarks). Remarks about tags (unknown tags, wrong counts) are warnings only.
//
// Common layouts (bilevel, 8/16-bit grey, 8-bit RGB(A), JPEG-compressed YCbCr; in strips or
// tiles) are decoded strip by strip or tile by tile straight into the Pix; everything else
// libtiff can read (palette, CMYK, Lab, separate planes, 16-bit colour, subsampled YCbCr…)
// goes through TIFFRGBAImage, as stored (the orientation is applied afterwards, for all).

#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "image/decoders.h"

namespace platen::decoders {

struct TiffFile::Impl {
  TIFF* tif = nullptr;
  std::string name;
  // The buffer of a memory TIFF.
  const std::uint8_t* data = nullptr;
  std::uint64_t size = 0;
  std::uint64_t pos = 0;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;  // about tags
  std::vector<std::string> damage;    // decoders' warnings about the image data

  ~Impl() {
    if (tif) TIFFClose(tif);
  }
};

namespace {

using Impl = TiffFile::Impl;

std::string format_message(const char* module, const char* fmt, va_list ap) {
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, ap);
  std::string message = module && *module ? std::string(module) + ": " + text : std::string(text);
  std::replace(message.begin(), message.end(), '\n', ' ');
  return message;
}

int on_tiff_error(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  Impl* impl = static_cast<Impl*>(user);
  if (impl->errors.size() < 8) impl->errors.push_back(format_message(module, fmt, ap));
  return 1;  // handled: libtiff's global handler stays silent
}

// A decoder's warning means pixels are missing or wrong; a directory's is about tags.
bool is_data_warning(const char* module) {
  if (!module) return false;
  const std::string m = module;
  if (m.find("Directory") != std::string::npos || m.find("Fetch") != std::string::npos) return false;
  for (const char* part : {"Decode", "Fax", "JPEG", "LZW", "ZIP", "PackBits", "Strip", "Tile", "Predictor"})
    if (m.find(part) != std::string::npos) return true;
  return false;
}

int on_tiff_warning(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  Impl* impl = static_cast<Impl*>(user);
  std::vector<std::string>& into = is_data_warning(module) ? impl->damage : impl->warnings;
  if (into.size() < 8) into.push_back(format_message(module, fmt, ap));
  return 1;
}

tmsize_t mem_read(thandle_t handle, void* buffer, tmsize_t n) {
  Impl* m = static_cast<Impl*>(handle);
  if (n <= 0 || m->pos >= m->size) return 0;
  const std::uint64_t count = std::min<std::uint64_t>(static_cast<std::uint64_t>(n), m->size - m->pos);
  std::memcpy(buffer, m->data + m->pos, count);
  m->pos += count;
  return static_cast<tmsize_t>(count);
}

tmsize_t mem_write(thandle_t, void*, tmsize_t) { return -1; }

toff_t mem_seek(thandle_t handle, toff_t offset, int whence) {
  Impl* m = static_cast<Impl*>(handle);
  std::uint64_t to = offset;
  if (whence == SEEK_CUR) to = m->pos + offset;
  else if (whence == SEEK_END) to = m->size + offset;
  m->pos = to;
  return to;
}

int mem_close(thandle_t) { return 0; }
toff_t mem_size(thandle_t handle) { return static_cast<Impl*>(handle)->size; }

int mem_map(thandle_t handle, void** base, toff_t* size) {
  Impl* m = static_cast<Impl*>(handle);
  *base = const_cast<std::uint8_t*>(m->data);
  *size = m->size;
  return 1;
}

void mem_unmap(thandle_t, void*, toff_t) {}

struct Options {
  TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
  explicit Options(Impl* impl) {
    TIFFOpenOptionsSetErrorHandlerExtR(opts, on_tiff_error, impl);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, on_tiff_warning, impl);
  }
  ~Options() { TIFFOpenOptionsFree(opts); }
};

std::string first_problem(const Impl& impl) {
  if (!impl.errors.empty()) return impl.errors.front();
  if (!impl.damage.empty()) return impl.damage.front();
  return "libtiff could not read it";
}

// The best ratio of raw samples to stored bytes a TIFF compression can reach, 0 when unbounded
// in practice (CCITT, JBIG, ZSTD, LZMA code a blank page in next to nothing).
double best_ratio(int compression) {
  switch (compression) {
    case COMPRESSION_NONE: return 1.0;
    // 12-bit codes, at most ~3,840 table entries between clear codes, each a string one byte
    // longer than one before it: ≤ 7.4 MB out of ≤ 5.4 KB in, about 1,362:1.
    case COMPRESSION_LZW: return 1500.0;
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE: return 1032.0;
    case COMPRESSION_PACKBITS: return 64.0;  // 2 bytes repeat a byte 128 times
    // ≥ 2 bits per 8×8 block and component; chroma subsampled 2×2 doubles it.
    case COMPRESSION_JPEG:
    case COMPRESSION_OJPEG: return 512.0;
    default: return 0.0;
  }
}

enum class Layout { bilevel, grey8, grey16, rgb8, general };

}  // namespace

TiffFile::TiffFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TiffFile::~TiffFile() = default;

std::unique_ptr<TiffFile> TiffFile::open_file(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  Options options(impl.get());
  impl->tif = TIFFOpenExt(path.c_str(), "r", options.opts);
  if (!impl->tif) fail(path, kNoPage, "not a readable TIFF file (" + first_problem(*impl) + ")");
  impl->size = static_cast<std::uint64_t>(TIFFGetSizeProc(impl->tif)(TIFFClientdata(impl->tif)));
  return std::unique_ptr<TiffFile>(new TiffFile(std::move(impl)));
}

std::unique_ptr<TiffFile> TiffFile::open_memory(const std::uint8_t* data, std::size_t size, const std::string& name) {
  auto impl = std::make_unique<Impl>();
  impl->name = name;
  impl->data = data;
  impl->size = size;
  Options options(impl.get());
  impl->tif = TIFFClientOpenExt(name.c_str(), "r", impl.get(), mem_read, mem_write, mem_seek, mem_close, mem_size,
                                mem_map, mem_unmap, options.opts);
  if (!impl->tif) fail(name, kNoPage, "not a readable TIFF file (" + first_problem(*impl) + ")");
  return std::unique_ptr<TiffFile>(new TiffFile(std::move(impl)));
}

PageCount TiffFile::count() {
  Impl& m = *impl_;
  m.errors.clear();
  PageCount count;
  count.pages = 1;  // the first directory was read when the file was opened
  if (!m.errors.empty()) {
    count.pages = 0;
  } else {
    while (TIFFReadDirectory(m.tif)) {
      if (!m.errors.empty()) break;
      ++count.pages;
    }
  }
  if (!m.errors.empty()) {
    count.trusted = false;
    std::string what = "the TIFF directory after page " + std::to_string(count.pages) + " is damaged (" +
                       m.errors.front() + "); this page and any after it cannot be read, and the file's page " +
                       "count cannot be trusted (truncated or damaged file: copy it again)";
    std::string message = "cannot read image '" + m.name + "' (page " + std::to_string(count.pages + 1) + "): " + what;
    count.damage = message;
  }
  if (count.pages == 0) fail(m.name, kNoPage, "TIFF file with no readable page (" + first_problem(m) + ")");
  m.errors.clear();
  return count;
}

Decoded TiffFile::decode(const PageContext& page, int directory) {
  Impl& m = *impl_;
  TIFF* tif = m.tif;
  m.errors.clear();
  m.warnings.clear();
  m.damage.clear();
  if (directory < 0) directory = page.page_index;
  if (!TIFFSetDirectory(tif, static_cast<tdir_t>(directory)) || !m.errors.empty())
    page.fail("the page's TIFF directory cannot be read (" + first_problem(m) + ")");

  std::uint32_t w = 0, h = 0;
  std::uint16_t bps = 1, spp = 1, photometric = PHOTOMETRIC_MINISWHITE, compression = COMPRESSION_NONE;
  std::uint16_t planar = PLANARCONFIG_CONTIG, orientation = ORIENTATION_TOPLEFT, fillorder = FILLORDER_MSB2LSB;
  std::uint16_t unit = RESUNIT_INCH;
  float xres = 0;
  TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &compression);
  TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &orientation);
  TIFFGetFieldDefaulted(tif, TIFFTAG_FILLORDER, &fillorder);
  TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
  const bool has_photometric = TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric) != 0;
  if (!has_photometric) photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISWHITE;
  check_pixel_limits(w, h, page);

  // Every strip or tile must lie inside the file, and together they must be able to hold the
  // pixels the header claims at the compression's best ratio.
  // TIFFNumberOfStrips counts from RowsPerStrip even in a tiled file (one "strip" there).
  const bool tiled = TIFFIsTiled(tif) != 0;
  const std::uint32_t striles = tiled ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
  if (striles == 0) page.fail("the TIFF directory lists no image data");
  double stored = 0;
  for (std::uint32_t i = 0; i < striles; ++i) {
    const std::uint64_t offset = TIFFGetStrileOffset(tif, i);
    const std::uint64_t bytes = TIFFGetStrileByteCount(tif, i);
    if (offset > m.size || bytes > m.size - offset) {
      page.fail(std::string("truncated TIFF: ") + (tiled ? "tile " : "strip ") + std::to_string(i + 1) + " of " +
                std::to_string(striles) + " ends at byte " + std::to_string(offset + bytes) + ", past the end of the " +
                std::to_string(m.size) + "-byte file (copy it again)");
    }
    stored += static_cast<double>(bytes);
  }
  const double raw = double(w) * h * spp * bps / 8.0;
  const double ratio = best_ratio(compression);
  if (ratio > 0) check_data_bound(w, h, raw, stored, ratio, "TIFF compression", page);

  Decoded out;
  out.orientation_tag = orientation >= 1 && orientation <= 8 ? orientation : 1;
  if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres)) {
    const double ppi = unit == RESUNIT_INCH ? xres : unit == RESUNIT_CENTIMETER ? xres * 2.54 : 0.0;
    // A resolution no scan has (NaN, infinite, over 100,000 ppi: a damaged tag) is unknown, as
    // a missing one is, rather than a number that overflows an int.
    if (std::isfinite(ppi) && ppi > 0 && ppi <= 100000) out.dpi = static_cast<int>(ppi + 0.5);
  }

  std::uint16_t extra_count = 0;
  std::uint16_t* extra_types = nullptr;
  TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra_types);
  const bool has_alpha = extra_count > 0 && extra_types &&
                         (extra_types[0] == EXTRASAMPLE_ASSOCALPHA || extra_types[0] == EXTRASAMPLE_UNASSALPHA);
  const bool premultiplied = has_alpha && extra_types[0] == EXTRASAMPLE_ASSOCALPHA;

  Layout layout = Layout::general;
  const bool grey = photometric == PHOTOMETRIC_MINISWHITE || photometric == PHOTOMETRIC_MINISBLACK;
  if (compression == COMPRESSION_JPEG && photometric == PHOTOMETRIC_YCBCR && spp == 3 && bps == 8) {
    // libtiff's JPEG codec converts to RGB itself.
    TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    layout = Layout::rgb8;
  } else if (compression != COMPRESSION_OJPEG && (planar == PLANARCONFIG_CONTIG || spp == 1)) {
    if (grey && spp == 1 && bps == 1) layout = Layout::bilevel;
    else if (grey && spp == 1 && bps == 8) layout = Layout::grey8;
    else if (grey && spp == 1 && bps == 16) layout = Layout::grey16;
    else if (photometric == PHOTOMETRIC_RGB && bps == 8 && (spp == 3 || spp == 4)) layout = Layout::rgb8;
  }

  const int width = static_cast<int>(w), height = static_cast<int>(h);
  auto fail_data = [&](const std::string& where) {
    page.fail("damaged TIFF data (" + where + "): " + first_problem(m));
  };
  if (layout == Layout::general) {
    char emsg[1024] = {};
    if (!TIFFRGBAImageOK(tif, emsg))
      page.fail(std::string("a TIFF layout libtiff cannot decode (") + emsg + ")");
    TIFFRGBAImage img;
    if (!TIFFRGBAImageBegin(&img, tif, 1, emsg)) page.fail(std::string("cannot decode the TIFF (") + emsg + ")");
    img.req_orientation = img.orientation;  // as stored; turned below like every other layout
    out.pix = adopt(pixCreate(width, height, 32));
    if (!out.pix) {
      TIFFRGBAImageEnd(&img);
      page.fail("out of memory for a " + std::to_string(w) + "x" + std::to_string(h) + " px page");
    }
    l_uint32* pix_data = pixGetData(out.pix.get());
    const int ok = TIFFRGBAImageGet(&img, pix_data, w, h);
    TIFFRGBAImageEnd(&img);
    if (!ok || !m.errors.empty() || !m.damage.empty()) fail_data("image");
    // ABGR words → Leptonica's RGBA, composited on white (TIFFRGBAImage premultiplies alpha).
    const std::size_t n = static_cast<std::size_t>(width) * height;
    for (std::size_t i = 0; i < n; ++i) {
      const l_uint32 v = pix_data[i];
      const unsigned paper = 255 - (v >> 24);
      const unsigned r = std::min(255u, (v & 0xff) + paper), g = std::min(255u, ((v >> 8) & 0xff) + paper),
                     b = std::min(255u, ((v >> 16) & 0xff) + paper);
      pix_data[i] = (r << 24) | (g << 16) | (b << 8);
    }
  } else {
    const int depth = layout == Layout::bilevel ? 1 : layout == Layout::rgb8 ? 32 : 8;
    out.pix = adopt(pixCreate(width, height, depth));
    if (!out.pix) page.fail("out of memory for a " + std::to_string(w) + "x" + std::to_string(h) + " px page");
    l_uint32* pix_data = pixGetData(out.pix.get());
    const int wpl = pixGetWpl(out.pix.get());
    std::uint32_t block_w = w, block_h = h;
    if (tiled) {
      TIFFGetField(tif, TIFFTAG_TILEWIDTH, &block_w);
      TIFFGetField(tif, TIFFTAG_TILELENGTH, &block_h);
    } else {
      TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &block_h);
      block_h = std::min(block_h, h);
    }
    if (block_w == 0 || block_h == 0) page.fail("TIFF tiles or strips of zero size");
    const tmsize_t block_size = tiled ? TIFFTileSize(tif) : TIFFStripSize(tif);
    const tmsize_t row_bytes = tiled ? TIFFTileRowSize(tif) : TIFFScanlineSize(tif);
    if (block_size <= 0 || row_bytes <= 0) fail_data("layout");
    std::vector<std::uint8_t> buffer(static_cast<std::size_t>(block_size));
    const bool invert = (layout == Layout::bilevel && photometric == PHOTOMETRIC_MINISBLACK) ||
                        ((layout == Layout::grey8 || layout == Layout::grey16) && photometric == PHOTOMETRIC_MINISWHITE);
    const int channels = spp;
    std::uint32_t strip = 0;
    for (std::uint32_t y0 = 0; y0 < h; y0 += block_h) {
      for (std::uint32_t x0 = 0; x0 < w; x0 += block_w) {
        const tmsize_t n = tiled ? TIFFReadEncodedTile(tif, TIFFComputeTile(tif, x0, y0, 0, 0), buffer.data(), block_size)
                                 : TIFFReadEncodedStrip(tif, strip, buffer.data(), block_size);
        const std::uint32_t rows = std::min(block_h, h - y0), cols = std::min(block_w, w - x0);
        const std::string where = (tiled ? "tile at " + std::to_string(x0) + "," + std::to_string(y0)
                                         : "strip " + std::to_string(strip + 1));
        if (n < 0 || !m.errors.empty() || !m.damage.empty()) fail_data(where);
        if (!tiled && n < static_cast<tmsize_t>(rows) * row_bytes)
          page.fail("damaged TIFF data (" + where + "): it decodes to " + std::to_string(n) + " bytes, fewer than its rows need");
        ++strip;
        for (std::uint32_t r = 0; r < rows; ++r) {
          const std::uint8_t* src = buffer.data() + static_cast<std::size_t>(r) * row_bytes;
          l_uint32* line = pix_data + static_cast<std::size_t>(y0 + r) * wpl;
          std::uint8_t* bytes = reinterpret_cast<std::uint8_t*>(line);
          switch (layout) {
            case Layout::bilevel: {
              std::uint8_t* dst = bytes + x0 / 8;
              const std::size_t count = (cols + 7) / 8;
              if (invert) for (std::size_t i = 0; i < count; ++i) dst[i] = static_cast<std::uint8_t>(~src[i]);
              else std::memcpy(dst, src, count);
              break;
            }
            case Layout::grey8:
              if (invert) for (std::uint32_t i = 0; i < cols; ++i) bytes[x0 + i] = static_cast<std::uint8_t>(255 - src[i]);
              else std::memcpy(bytes + x0, src, cols);
              break;
            case Layout::grey16: {
              const std::uint16_t* s16 = reinterpret_cast<const std::uint16_t*>(src);
              for (std::uint32_t i = 0; i < cols; ++i) {
                const std::uint8_t v = static_cast<std::uint8_t>(s16[i] >> 8);
                bytes[x0 + i] = invert ? static_cast<std::uint8_t>(255 - v) : v;
              }
              break;
            }
            case Layout::rgb8:
              for (std::uint32_t i = 0; i < cols; ++i) {
                const std::uint8_t* p = src + static_cast<std::size_t>(i) * channels;
                unsigned r8 = p[0], g8 = p[1], b8 = p[2];
                if (has_alpha && channels == 4 && p[3] != 255) {
                  const unsigned a = p[3], paper = 255 - a;
                  if (premultiplied) {
                    r8 = std::min(255u, r8 + paper), g8 = std::min(255u, g8 + paper), b8 = std::min(255u, b8 + paper);
                  } else {
                    r8 = (r8 * a + 127) / 255 + paper, g8 = (g8 * a + 127) / 255 + paper, b8 = (b8 * a + 127) / 255 + paper;
                  }
                }
                line[x0 + i] = (r8 << 24) | (g8 << 16) | (b8 << 8);
              }
              break;
            default:
              break;
          }
        }
      }
    }
    if (depth != 32) pixEndianByteSwap(out.pix.get());
    if (depth == 1) pixSetPadBits(out.pix.get(), 0);
  }
  if (!m.errors.empty() || !m.damage.empty()) fail_data("image");
  out.warnings = m.warnings;
  if (out.dpi > 0) pixSetResolution(out.pix.get(), out.dpi, out.dpi);

  if (page.options.keep_page_image) {
    if (compression == COMPRESSION_CCITTFAX4 && striles == 1 && !tiled && photometric == PHOTOMETRIC_MINISWHITE &&
        fillorder == FILLORDER_MSB2LSB && bps == 1 && spp == 1) {
      // The G4 stream as stored: a PDF writer embeds it as is (K −1, BlackIs1 false).
      auto image = std::make_shared<PageImage>();
      image->encoding = PageImage::Encoding::ccitt_g4;
      image->data.resize(static_cast<std::size_t>(TIFFGetStrileByteCount(tif, 0)));
      if (TIFFReadRawStrip(tif, 0, image->data.data(), static_cast<tmsize_t>(image->data.size())) < 0)
        fail_data("raw strip");
      image->width = width;
      image->height = height;
      image->components = 1;
      image->bits_per_component = 1;
      image->orientation_tag = out.orientation_tag;
      out.original = std::move(image);
    } else {
      out.original = raw_page_image(out.pix.get(), out.orientation_tag);
    }
  }
  return out;
}

}  // namespace platen::decoders
