// Reading scanned pages: format detection, the checks every format shares, and the dispatch
// to the decoders (decode_jpeg.cpp, decode_png.cpp, decode_tiff.cpp, pdf_pages.cpp; the
// other formats through Leptonica).
//
// A file is read into memory and decoded from there, except TIFF (libtiff maps the file and
// reads only the page's directory and strips, so a multi-page file costs time linear in its
// pages) and PDF (poppler and qpdf read what they need).

#include "image/page_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>

#include "core/errors.h"
#include "image/decoders.h"
#include "image/pdf_pages.h"

namespace platen {

namespace decoders {

void fail(const std::string& name, int page_index, const std::string& what) {
  std::ostringstream msg;
  msg << "cannot read image '" << name << "'";
  if (page_index >= 0) msg << " (page " << page_index + 1 << ")";
  msg << ": " << what;
  std::string text = msg.str();
  std::replace(text.begin(), text.end(), '\n', ' ');
  throw ImageError(text);
}

void check_pixel_limits(double w, double h, const PageContext& page) {
  const std::string size = std::to_string(static_cast<long long>(w)) + "x" + std::to_string(static_cast<long long>(h)) + " px";
  if (w < 2 || h < 2) page.fail("image is " + size + "; nothing to read");
  if (w > kMaxImageSide || h > kMaxImageSide)
    page.fail("image is " + size + ", over the limit of " + std::to_string(kMaxImageSide) + " px a side; split or downscale it");
  if (w * h > page.options.max_pixels) {
    std::ostringstream limit;
    limit << page.options.max_pixels / 1e6;
    page.fail("image is " + size + ", over the limit of " + limit.str() +
              " Mpx; split or downscale it, or raise the page size limit");
  }
}

void check_data_bound(double w, double h, double raw_bytes, double data_bytes, double max_ratio, const char* coding,
                      const PageContext& page) {
  if (data_bytes * max_ratio >= raw_bytes) return;
  std::ostringstream msg;
  msg << "the file is too short for the image its header claims: " << static_cast<long long>(w) << "x" << static_cast<long long>(h) << " px ("
      << static_cast<long long>(raw_bytes / 1e6) << " MB of samples), more than the " << static_cast<long long>(data_bytes)
      << " bytes of image data can hold at " << coding << "'s best ratio of " << max_ratio
      << ":1 (corrupt header or truncated file)";
  page.fail(msg.str());
}

PixPtr apply_orientation(PixPtr pix, int tag) {
  if (!pix || tag <= 1 || tag > 8) return pix;
  // TIFF 6.0 / EXIF: 2 mirrored, 3 turned 180°, 4 flipped; 6 and 8 turned a quarter (clockwise
  // and anticlockwise to display), 5 and 7 those turns mirrored.
  PixPtr out;
  switch (tag) {
    case 2: out = adopt(pixFlipLR(nullptr, pix.get())); break;
    case 3: out = adopt(pixRotate180(nullptr, pix.get())); break;
    case 4: out = adopt(pixFlipTB(nullptr, pix.get())); break;
    case 5: out = adopt(pixRotate90(pix.get(), 1)); if (out) out = adopt(pixFlipLR(nullptr, out.get())); break;
    case 6: out = adopt(pixRotate90(pix.get(), 1)); break;
    case 7: out = adopt(pixRotate90(pix.get(), 1)); if (out) out = adopt(pixFlipTB(nullptr, out.get())); break;
    case 8: out = adopt(pixRotate90(pix.get(), -1)); break;
    default: return pix;
  }
  if (!out) throw ImageError("out of memory turning the page to its orientation tag");
  return out;
}

std::shared_ptr<PageImage> raw_page_image(Pix* pix, int orientation_tag) {
  auto image = std::make_shared<PageImage>();
  image->encoding = PageImage::Encoding::raw;
  const int w = pixGetWidth(pix), h = pixGetHeight(pix), d = pixGetDepth(pix);
  image->width = w;
  image->height = h;
  image->orientation_tag = orientation_tag;
  image->bits_per_component = d == 1 ? 1 : 8;
  image->components = d == 32 ? 3 : 1;
  const l_uint32* data = pixGetData(pix);
  const int wpl = pixGetWpl(pix);
  if (d == 1) {
    const std::size_t row = (static_cast<std::size_t>(w) + 7) / 8;
    image->data.resize(row * h);
    for (int y = 0; y < h; ++y) {
      const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
      for (std::size_t i = 0; i < row; ++i)
        image->data[y * row + i] = static_cast<std::uint8_t>(~(line[i / 4] >> (24 - 8 * (i % 4))));
    }
  } else if (d == 8) {
    image->data.resize(static_cast<std::size_t>(w) * h);
    for (int y = 0; y < h; ++y) {
      const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
      for (int x = 0; x < w; ++x) image->data[static_cast<std::size_t>(y) * w + x] = GET_DATA_BYTE(line, x);
    }
  } else {
    image->data.resize(static_cast<std::size_t>(w) * h * 3);
    std::uint8_t* out = image->data.data();
    for (int y = 0; y < h; ++y) {
      const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
      for (int x = 0; x < w; ++x) {
        *out++ = static_cast<std::uint8_t>(line[x] >> 24);
        *out++ = static_cast<std::uint8_t>(line[x] >> 16);
        *out++ = static_cast<std::uint8_t>(line[x] >> 8);
      }
    }
  }
  return image;
}

}  // namespace decoders

namespace {

using decoders::fail;
using decoders::kNoPage;
using decoders::PageContext;

// Leptonica reports through two channels: L_ERROR/L_WARNING (gated by setMsgSeverity) and
// lept_stderr() (always printed). Both would interleave with the CLI's own messages, and every
// failure they describe is turned into an ImageError here, so both are silenced once per
// process. PLATEN_LEPTONICA_VERBOSE=1 keeps them, for debugging a codec problem.
void discard_leptonica_message(const char*) {}

void quiet_leptonica() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* verbose = std::getenv("PLATEN_LEPTONICA_VERBOSE");
    if (verbose && *verbose && std::strcmp(verbose, "0") != 0) return;
    setMsgSeverity(L_SEVERITY_NONE);
    leptSetStderrHandler(discard_leptonica_message);
  });
}

enum class Format { tiff, png, jpeg, pdf, leptonica };

const char* const kKnownFormats =
    "TIFF, PNG, JPEG, JPEG 2000, WebP, GIF, BMP, PNM or PDF";

// The format of a file from its first bytes (at least 16 of them when the file has them).
Format detect_format(const std::uint8_t* data, std::size_t size, const std::string& name, int* leptonica_format) {
  if (size == 0) fail(name, kNoPage, "the file is empty");
  auto starts = [&](const char* magic, std::size_t n) { return size >= n && std::memcmp(data, magic, n) == 0; };
  if (starts("II*\0", 4) || starts("MM\0*", 4) || starts("II+\0", 4) || starts("MM\0+", 4)) return Format::tiff;
  if (starts("\x89PNG\r\n\x1a\n", 8)) return Format::png;
  // JPEG by its start-of-image marker alone, as Leptonica's own check has it: a file whose next
  // marker is damaged is then decoded (and refused) by the JPEG decoder with its messages kept,
  // not by Leptonica's, whose libjpeg prints them on standard error.
  if (starts("\xff\xd8", 2)) return Format::jpeg;
  if (starts("%PDF-", 5)) return Format::pdf;
  // findFileFormatBuffer() looks at the first 12 bytes; pad shorter inputs.
  std::uint8_t head[16] = {};
  std::memcpy(head, data, std::min(size, sizeof head));
  l_int32 format = IFF_UNKNOWN;
  if (findFileFormatBuffer(head, &format) != 0) format = IFF_UNKNOWN;
  switch (format) {
    case IFF_UNKNOWN:
      fail(name, kNoPage, std::string("not an image in a known format (expected ") + kKnownFormats + ")");
    case IFF_PS:
      fail(name, kNoPage, "PostScript is not read; convert the pages to PDF, TIFF or PNG first");
    case IFF_SPIX:
      fail(name, kNoPage, "Leptonica's serialised format is not accepted as input");
    default:
      *leptonica_format = format;
      return Format::leptonica;
  }
}

// JPEG 2000, WebP, GIF, BMP, PNM through Leptonica, after the header's size is checked.
decoders::Decoded decode_with_leptonica(const std::uint8_t* data, std::size_t size, int format,
                                        const PageContext& page) {
  quiet_leptonica();
  l_int32 w = 0, h = 0, bps = 0, spp = 0, cmap = 0, sub_format = 0;
  if (pixReadHeaderMem(data, size, &sub_format, &w, &h, &bps, &spp, &cmap) != 0)
    page.fail("unreadable image header (corrupt or truncated file)");
  decoders::check_pixel_limits(w, h, page);
  const bool raw_pnm = format == IFF_PNM && size >= 2 && data[0] == 'P' && data[1] >= '4' && data[1] <= '6';
  const double raw = double(w) * h * std::max(1, spp) * std::max(1, bps) / 8.0;
  if (raw_pnm && static_cast<double>(size) < raw)
    page.fail("the file is too short for the " + std::to_string(w) + "x" + std::to_string(h) +
              " px its header claims (corrupt or truncated file)");
  if (format == IFF_GIF) decoders::check_data_bound(w, h, raw, static_cast<double>(size), 1500.0, "LZW (GIF)", page);
  decoders::Decoded out;
  out.pix = adopt(pixReadMem(data, size));
  if (!out.pix) page.fail("cannot decode the image data (corrupt or truncated file)");
  out.dpi = std::max(0, static_cast<int>(pixGetXRes(out.pix.get())));
  // To one of the depths DecodedPage promises.
  if (pixGetColormap(out.pix.get())) out.pix = adopt(pixRemoveColormap(out.pix.get(), REMOVE_CMAP_BASED_ON_SRC));
  if (out.pix) {
    switch (pixGetDepth(out.pix.get())) {
      case 2: case 4: out.pix = adopt(pixConvertTo8(out.pix.get(), 0)); break;
      case 16: out.pix = adopt(pixConvert16To8(out.pix.get(), L_MS_BYTE)); break;
      case 24: out.pix = adopt(pixConvert24To32(out.pix.get())); break;
      default: break;
    }
  }
  if (out.pix && pixGetDepth(out.pix.get()) == 32 && pixGetSpp(out.pix.get()) == 4) {
    out.pix = adopt(pixAlphaBlendUniform(out.pix.get(), 0xffffff00));
    if (out.pix) pixSetSpp(out.pix.get(), 3);
  }
  if (!out.pix) page.fail("cannot convert the pixel depth");
  const int d = pixGetDepth(out.pix.get());
  if (d != 1 && d != 8 && d != 32) page.fail("unsupported pixel depth " + std::to_string(d) + " bits");
  if (pixGetWidth(out.pix.get()) != w || pixGetHeight(out.pix.get()) != h)
    page.fail("decoded size differs from the header's; the file is corrupt");
  if (page.options.keep_page_image) out.original = decoders::raw_page_image(out.pix.get(), 1);
  return out;
}

DecodedPage finish(decoders::Decoded decoded, int page_index) {
  DecodedPage page;
  page.page_index = page_index;
  page.dpi = decoded.dpi;
  page.warnings = std::move(decoded.warnings);
  page.original = std::move(decoded.original);
  page.pix = decoders::apply_orientation(std::move(decoded.pix), decoded.orientation_tag);
  if (page.dpi > 0) pixSetResolution(page.pix.get(), page.dpi, page.dpi);
  return page;
}

[[noreturn]] void no_such_page(const std::string& name, int page_index, int pages) {
  fail(name, kNoPage,
       "has " + std::to_string(pages) + (pages == 1 ? " page" : " pages") + "; page " + std::to_string(page_index + 1) +
           " does not exist");
}

// The first `max_bytes` bytes of the regular file at `path` (all of it by default).
std::vector<std::uint8_t> read_file_bytes(const std::string& path, std::size_t max_bytes = SIZE_MAX) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) fail(path, kNoPage, "no such file");
  if (std::filesystem::is_directory(status))
    fail(path, kNoPage, "is a folder, not an image (give -r to read the images in it)");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, kNoPage, "cannot open the file (check its permissions)");
  if (!std::filesystem::is_regular_file(status)) {
    // A FIFO or device read here would block; callers read those as streams (stream_input.h).
    fail(path, kNoPage, "is not a regular file (a FIFO or device is read as a stream, once)");
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) fail(path, kNoPage, "cannot tell the file's size");
  std::vector<std::uint8_t> bytes(std::min(static_cast<std::size_t>(size), max_bytes));
  if (!bytes.empty() && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
    fail(path, kNoPage, "read error");
  return bytes;
}

constexpr std::size_t kFormatHeadBytes = 16;

DecodedPage decode_in_memory(const std::uint8_t* data, std::size_t size, Format format, int lept_format,
                             const std::string& name, int page_index, const ReadOptions& options) {
  const PageContext page{name, page_index, options};
  switch (format) {
    case Format::jpeg: return finish(decoders::decode_jpeg(data, size, page), page_index);
    case Format::png: return finish(decoders::decode_png(data, size, page), page_index);
    case Format::tiff: {
      auto tiff = decoders::TiffFile::open_memory(data, size, name);
      return finish(tiff->decode(page), page_index);
    }
    case Format::pdf: return decoders::read_pdf_page(decoders::PdfSource{nullptr, data, size, name}, page_index, options);
    case Format::leptonica: return finish(decode_with_leptonica(data, size, lept_format, page), page_index);
  }
  fail(name, page_index, "unknown format");
}

}  // namespace

PageCount count_pages(const std::string& path) {
  int lept_format = 0;
  const std::vector<std::uint8_t> head = read_file_bytes(path, kFormatHeadBytes);
  switch (detect_format(head.data(), head.size(), path, &lept_format)) {
    case Format::tiff: return decoders::TiffFile::open_file(path)->count();
    case Format::pdf: return decoders::count_pdf_pages(decoders::PdfSource{&path, nullptr, 0, path});
    default: return PageCount{1, true, {}};
  }
}

int count_image_pages(const std::string& path) { return count_pages(path).pages; }

DecodedPage read_image_page(const std::string& path, int page_index, const ReadOptions& options) {
  int lept_format = 0;
  const std::vector<std::uint8_t> head = read_file_bytes(path, kFormatHeadBytes);
  const Format format = detect_format(head.data(), head.size(), path, &lept_format);
  if (format == Format::tiff) {
    auto tiff = decoders::TiffFile::open_file(path);
    const PageCount count = tiff->count();
    if (page_index >= count.pages && !count.trusted && page_index >= 0) throw ImageError(count.damage);
    if (page_index < 0 || page_index >= count.pages) no_such_page(path, page_index, count.pages);
    return finish(tiff->decode(PageContext{path, page_index, options}), page_index);
  }
  if (format == Format::pdf) return decoders::read_pdf_page(decoders::PdfSource{&path, nullptr, 0, path}, page_index, options);
  if (page_index != 0) no_such_page(path, page_index, 1);
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  return decode_in_memory(bytes.data(), bytes.size(), format, lept_format, path, page_index, options);
}

PageCount count_pages_in_memory(const std::uint8_t* data, std::size_t size, const std::string& name) {
  int lept_format = 0;
  switch (detect_format(data, size, name, &lept_format)) {
    case Format::tiff: return decoders::TiffFile::open_memory(data, size, name)->count();
    case Format::pdf: return decoders::count_pdf_pages(decoders::PdfSource{nullptr, data, size, name});
    default: return PageCount{1, true, {}};
  }
}

DecodedPage read_image_page_from_memory(const std::uint8_t* data, std::size_t size, const std::string& name,
                                        int page_index, const ReadOptions& options) {
  int lept_format = 0;
  const Format format = detect_format(data, size, name, &lept_format);
  if (format == Format::tiff) {
    auto tiff = decoders::TiffFile::open_memory(data, size, name);
    const PageCount count = tiff->count();
    if (page_index >= count.pages && !count.trusted && page_index >= 0) throw ImageError(count.damage);
    if (page_index < 0 || page_index >= count.pages) no_such_page(name, page_index, count.pages);
    return finish(tiff->decode(PageContext{name, page_index, options}), page_index);
  }
  if (format != Format::pdf && page_index != 0) no_such_page(name, page_index, 1);
  return decode_in_memory(data, size, format, lept_format, name, page_index, options);
}

std::vector<DecodedPage> read_image_pages_from_memory(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                                      const ReadOptions& options) {
  const PageCount count = count_pages_in_memory(bytes.data(), bytes.size(), name);
  std::vector<DecodedPage> result;
  result.reserve(count.pages);
  for (int i = 0; i < count.pages; ++i)
    result.push_back(read_image_page_from_memory(bytes.data(), bytes.size(), name, i, options));
  if (!count.trusted) throw ImageError(count.damage);
  return result;
}

const char* supported_formats_help() {
  return "  TIFF      multi-page; strips or tiles; uncompressed, LZW, Deflate, PackBits, CCITT G3/G4,\n"
         "            JPEG; bilevel, grey (8/16-bit), palette, RGB(A), CMYK; the Orientation tag applied\n"
         "  PNG       any colour type, 1-16 bits, interlaced; transparency on white\n"
         "  JPEG      grey, YCbCr, CMYK and YCCK (Adobe inverted CMYK too); EXIF orientation applied\n"
         "  JPEG 2000 .jp2, .j2k (through Leptonica and OpenJPEG)\n"
         "  WebP, GIF, BMP, PNM (PBM, PGM, PPM)\n"
         "  PDF       each page a page: a scanned page's own image at its resolution, other\n"
         "            pages rendered at 300 dpi; pages with a text layer are read again\n"
         "            unless --skip-text\n";
}

PixPtr to_grey(Pix* pix) {
  if (!pix) throw ImageError("cannot convert a missing image to grey");
  quiet_leptonica();
  PixPtr grey;
  if (pixGetColormap(pix)) {
    grey = adopt(pixRemoveColormap(pix, REMOVE_CMAP_TO_GRAYSCALE));
    if (grey && pixGetDepth(grey.get()) != 8) grey = adopt(pixConvertTo8(grey.get(), 0));
  } else {
    switch (pixGetDepth(pix)) {
      case 1:
        // Leptonica's 1 bpp convention is 1 = black.
        grey = adopt(pixConvert1To8(nullptr, pix, 255, 0));
        break;
      case 2:
      case 4:
        grey = adopt(pixConvertTo8(pix, 0));
        break;
      case 8:
        // Already grey: share the pixels rather than copy a whole page.
        grey = share(pix);
        break;
      case 16:
        grey = adopt(pixConvert16To8(pix, L_MS_BYTE));
        break;
      case 24: {
        PixPtr rgb = adopt(pixConvert24To32(pix));
        if (rgb) grey = adopt(pixConvertRGBToLuminance(rgb.get()));
        break;
      }
      case 32:
        if (pixGetSpp(pix) == 4) {
          PixPtr flat = adopt(pixAlphaBlendUniform(pix, 0xffffff00));
          if (flat) grey = adopt(pixConvertRGBToLuminance(flat.get()));
        } else {
          grey = adopt(pixConvertRGBToLuminance(pix));
        }
        break;
      default:
        throw ImageError("cannot convert a " + std::to_string(pixGetDepth(pix)) +
                         "-bit image to grey");
    }
  }
  if (!grey || pixGetDepth(grey.get()) != 8) throw ImageError("conversion to grey failed");
  return grey;
}

GreyImage read_grey_image(const std::string& path, int* dpi) {
  DecodedPage page = read_image_page(path, 0);
  if (dpi) *dpi = page.dpi;
  PixPtr grey = to_grey(page.pix.get());
  return grey_image_from_pix(grey.get());
}

GreyImage grey_image_from_pix(Pix* grey8) {
  if (!grey8 || pixGetDepth(grey8) != 8 || pixGetColormap(grey8)) {
    throw ImageError("expected an 8-bit grey image without colour map");
  }
  const int w = pixGetWidth(grey8);
  const int h = pixGetHeight(grey8);
  GreyImage image(w, h);
  const l_uint32* data = pixGetData(grey8);
  const int wpl = pixGetWpl(grey8);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    std::uint8_t* out = image.row(y);
    for (int x = 0; x < w; ++x) out[x] = static_cast<std::uint8_t>(GET_DATA_BYTE(line, x));
  }
  return image;
}

PixPtr pix_from_grey_image(const GreyImage& image) {
  if (image.empty()) throw ImageError("cannot make a Pix from an empty grey image");
  PixPtr pix = adopt(pixCreate(image.width, image.height, 8));
  if (!pix) {
    throw ImageError("out of memory making a " + std::to_string(image.width) + "x" +
                     std::to_string(image.height) + " grey image");
  }
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < image.height; ++y) {
    l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    const std::uint8_t* in = image.row(y);
    for (int x = 0; x < image.width; ++x) SET_DATA_BYTE(line, x, in[x]);
  }
  return pix;
}

}  // namespace platen
