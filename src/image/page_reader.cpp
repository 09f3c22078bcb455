// Reading scanned pages through Leptonica's codecs.
//
// Every file is read into memory first and decoded from there, so files and standard input
// share one path, and the header (format, size, page count) can be checked before anything
// large is allocated. Leptonica 1.82 already refuses most damaged files by returning NULL;
// the checks here add a message that says which file, which page and what is wrong, and
// catch truncation before a codec prints its own complaint to stderr.

#include "image/page_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <system_error>

#include "core/errors.h"

namespace platen {

namespace {

// Leptonica reports through two channels: L_ERROR/L_WARNING (gated by setMsgSeverity) and
// lept_stderr() (always printed, e.g. "Bad file: amount too big" from the TIFF memory
// reader). Both would interleave with the CLI's own messages, and every failure they
// describe is turned into an ImageError here, so both are silenced once per process.
// PLATEN_LEPTONICA_VERBOSE=1 keeps them, for debugging a codec problem.
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

// "cannot read image 'scan.tif' (page 3): <what>" — pages are counted from 1 for the user.
[[noreturn]] void fail(const std::string& name, int page_index, const std::string& what) {
  std::ostringstream msg;
  msg << "cannot read image '" << name << "'";
  if (page_index >= 0) msg << " (page " << page_index + 1 << ")";
  msg << ": " << what;
  throw ImageError(msg.str());
}

constexpr int kNoPage = -1;  // for errors about the whole file

bool is_tiff(int format) { return L_FORMAT_IS_TIFF(format); }

int detect_format(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  if (bytes.empty()) fail(name, kNoPage, "the file is empty");
  // findFileFormatBuffer() looks at the first 12 bytes; pad shorter inputs so it never
  // reads past the end (such a file is too short to be a page, and is refused below).
  std::uint8_t head[16] = {};
  std::memcpy(head, bytes.data(), std::min(bytes.size(), sizeof head));
  l_int32 format = IFF_UNKNOWN;
  if (findFileFormatBuffer(head, &format) != 0) format = IFF_UNKNOWN;
  switch (format) {
    case IFF_UNKNOWN:
      fail(name, kNoPage, "not an image in a known format (expected TIFF, PNG, JPEG or PNM)");
    case IFF_LPDF:
    case IFF_PS:
      fail(name, kNoPage,
           "PDF and PostScript are not read directly; convert the pages to TIFF or PNG "
           "first (e.g. pdftoppm -r 300 -tiff)");
    case IFF_SPIX:
      fail(name, kNoPage, "Leptonica's serialised format is not accepted as input");
    default:
      return format;
  }
}

// True when a JPEG stream ends with its end-of-image marker (FF D9). Scanners and editors
// sometimes append a few bytes of padding or metadata after it, so the marker is looked
// for within the last 4 KiB rather than only in the last two bytes.
bool jpeg_has_end_marker(const std::vector<std::uint8_t>& bytes) {
  constexpr std::size_t kTrailerSlack = 4096;
  const std::size_t n = bytes.size();
  const std::size_t stop = n > kTrailerSlack ? n - kTrailerSlack : 0;
  for (std::size_t i = n; i >= stop + 2; --i) {
    if (bytes[i - 2] == 0xFF && bytes[i - 1] == 0xD9) return true;
  }
  return false;
}

// True when a PNG stream contains its final IEND chunk near the end.
bool png_has_end_chunk(const std::vector<std::uint8_t>& bytes) {
  constexpr std::size_t kTrailerSlack = 4096;
  static const std::uint8_t kIend[4] = {'I', 'E', 'N', 'D'};
  const std::size_t n = bytes.size();
  const std::size_t from = n > kTrailerSlack ? n - kTrailerSlack : 0;
  return std::search(bytes.begin() + from, bytes.end(), kIend, kIend + 4) != bytes.end();
}

// Number of pages of a TIFF held in memory; 0 when libtiff cannot walk its directories.
int tiff_page_count(const std::vector<std::uint8_t>& bytes) {
  std::unique_ptr<FILE, int (*)(FILE*)> fp(fopenReadFromMemory(bytes.data(), bytes.size()),
                                           &std::fclose);
  if (!fp) return 0;
  l_int32 n = 0;
  if (tiffGetCount(fp.get(), &n) != 0) return 0;
  return n;
}

int page_count(const std::vector<std::uint8_t>& bytes, int format, const std::string& name) {
  if (!is_tiff(format)) return 1;
  const int n = tiff_page_count(bytes);
  if (n <= 0) fail(name, kNoPage, "TIFF file with no readable page (corrupt directory)");
  return n;
}

// Checks the size a header records (w×h px, bps bits per sample, spp samples per pixel)
// before decoding, so that an absurd or hostile header cannot make the decoder allocate
// gigabytes. `data_bytes` is the file's size, `raw_pnm` whether it is binary PNM.
void check_header_size(l_int32 w, l_int32 h, l_int32 bps, l_int32 spp, int format, double data_bytes, bool raw_pnm,
                       int page_index, const std::string& name) {
  if (w < 2 || h < 2) {
    fail(name, page_index,
         "image is " + std::to_string(w) + "x" + std::to_string(h) + " px; nothing to read");
  }
  if (w > kMaxImageSide || h > kMaxImageSide) {
    fail(name, page_index,
         "image is " + std::to_string(w) + "x" + std::to_string(h) + " px, over the limit of " +
             std::to_string(kMaxImageSide) + " px a side; split or downscale it");
  }
  const double pixels = static_cast<double>(w) * h;
  if (pixels > kMaxImagePixels) {
    fail(name, page_index,
         "image is " + std::to_string(w) + "x" + std::to_string(h) + " px, over the limit of " +
             std::to_string(static_cast<long>(kMaxImagePixels / 1e6)) + " Mpx; split or downscale it");
  }
  // A header can claim any size; the data must be able to hold it. Raw PNM stores every
  // sample; deflate (PNG) compresses at most 1032:1. This refuses a tiny file claiming a
  // huge image before gigabytes are allocated for it.
  const double raw_bytes = pixels * std::max(1, spp) * std::max(1, bps) / 8.0;
  if ((raw_pnm && data_bytes < raw_bytes) || (format == IFF_PNG && data_bytes * 1032.0 < raw_bytes))
    fail(name, page_index, "the file is too short for the " + std::to_string(w) + "x" + std::to_string(h) +
                               " px its header claims (corrupt or truncated file)");
}

// check_header_size on the header of an image held in memory.
void check_header(const std::vector<std::uint8_t>& bytes, int format, int page_index,
                  const std::string& name) {
  l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, sub_format = 0;
  l_ok rc;
  if (is_tiff(format)) {
    rc = readHeaderMemTiff(bytes.data(), bytes.size(), page_index, &w, &h, &bps, &spp, &res, &cmap,
                           &sub_format);
  } else {
    rc = pixReadHeaderMem(bytes.data(), bytes.size(), &sub_format, &w, &h, &bps, &spp, &cmap);
  }
  if (rc != 0) fail(name, page_index, "unreadable image header (corrupt or truncated file)");
  const bool raw_pnm = format == IFF_PNM && bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] >= '4' && bytes[1] <= '6';
  check_header_size(w, h, bps, spp, format, static_cast<double>(bytes.size()), raw_pnm, page_index, name);
}

// Brings a decoded Pix to one of the depths DecodedPage promises (1, 8 or 32 bpp without
// colormap, alpha composited on white paper). 24 bpp is listed in the header for
// completeness; Leptonica's readers return RGB as 32 bpp, and a 24 bpp Pix is widened.
PixPtr normalise_depth(PixPtr pix, const std::string& name, int page_index) {
  if (pixGetColormap(pix.get())) {
    pix = adopt(pixRemoveColormap(pix.get(), REMOVE_CMAP_BASED_ON_SRC));
    if (!pix) fail(name, page_index, "cannot remove the colour map");
  }
  switch (pixGetDepth(pix.get())) {
    case 1:
    case 8:
      break;
    case 2:
    case 4:
      pix = adopt(pixConvertTo8(pix.get(), 0));
      break;
    case 16:
      pix = adopt(pixConvert16To8(pix.get(), L_MS_BYTE));
      break;
    case 24:
      pix = adopt(pixConvert24To32(pix.get()));
      break;
    case 32:
      break;
    default:
      fail(name, page_index,
           "unsupported pixel depth " + std::to_string(pixGetDepth(pix.get())) + " bits");
  }
  if (!pix) fail(name, page_index, "cannot convert the pixel depth");
  if (pixGetDepth(pix.get()) == 32 && pixGetSpp(pix.get()) == 4) {
    // Transparent regions of a PNG are paper, not whatever RGB happens to be stored there.
    pix = adopt(pixAlphaBlendUniform(pix.get(), 0xffffff00));
    if (!pix) fail(name, page_index, "cannot remove the alpha channel");
    pixSetSpp(pix.get(), 3);
  }
  return pix;
}

DecodedPage finish_page(PixPtr pix, int page_index, const std::string& name);

DecodedPage decode_page(const std::vector<std::uint8_t>& bytes, int format, int page_index,
                      const std::string& name) {
  quiet_leptonica();
  // Truncation is detected from the stream's end marker before decoding: libjpeg and
  // libpng print their own complaints to stderr when they run out of data.
  if (format == IFF_JFIF_JPEG && !jpeg_has_end_marker(bytes)) {
    fail(name, page_index,
         "truncated JPEG (no end-of-image marker); the file is incomplete, copy it again");
  }
  if (format == IFF_PNG && !png_has_end_chunk(bytes)) {
    fail(name, page_index, "truncated PNG (no IEND chunk); the file is incomplete, copy it again");
  }
  check_header(bytes, format, page_index, name);

  PixPtr pix;
  if (is_tiff(format)) {
    pix = adopt(pixReadMemTiff(bytes.data(), bytes.size(), page_index));
  } else if (format == IFF_JFIF_JPEG) {
    // Leptonica's default refuses a JPEG on any libjpeg warning; scanners often write
    // harmless ones (extraneous bytes before a marker), and truncation is already caught.
    // Only the luminance is decoded: the pipeline reads grey, and libjpeg then skips the
    // colour conversion and the RGB page (three times the memory) altogether.
    l_int32 warnings = 0;
    pix = adopt(pixReadMemJpeg(bytes.data(), bytes.size(), 0, 1, &warnings,
                               L_JPEG_CONTINUE_WITH_BAD_DATA | L_JPEG_READ_LUMINANCE));
  } else {
    pix = adopt(pixReadMem(bytes.data(), bytes.size()));
  }
  return finish_page(std::move(pix), page_index, name);
}

// Page `page_index` of the TIFF file at `path`, read through the file: libtiff reads that
// page's directory and strips only, where reading the whole file for each page made a
// multi-page TIFF cost time quadratic in its page count.
DecodedPage decode_tiff_page(const std::string& path, int page_index, double file_bytes) {
  l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, sub_format = 0;
  if (readHeaderTiff(path.c_str(), page_index, &w, &h, &bps, &spp, &res, &cmap, &sub_format) != 0)
    fail(path, page_index, "unreadable image header (corrupt or truncated file)");
  check_header_size(w, h, bps, spp, IFF_TIFF, file_bytes, false, page_index, path);
  return finish_page(adopt(pixReadTiff(path.c_str(), page_index)), page_index, path);
}

DecodedPage finish_page(PixPtr pix, int page_index, const std::string& name) {
  if (!pix) fail(name, page_index, "cannot decode the image data (corrupt or truncated file)");
  if (pixGetWidth(pix.get()) < 2 || pixGetHeight(pix.get()) < 2 ||
      pixGetWidth(pix.get()) > kMaxImageSide || pixGetHeight(pix.get()) > kMaxImageSide) {
    fail(name, page_index, "decoded size differs from the header's; the file is corrupt");
  }

  DecodedPage page;
  page.page_index = page_index;
  page.dpi = std::max(0, static_cast<int>(pixGetXRes(pix.get())));
  page.pix = normalise_depth(std::move(pix), name, page_index);
  return page;
}

// The first `max_bytes` bytes of the file at `path` (all of it by default), read at once;
// `size`, when given, receives the file's size.
std::vector<std::uint8_t> read_image_bytes(const std::string& path, std::size_t max_bytes = SIZE_MAX,
                                           std::size_t* size_out = nullptr) {
  quiet_leptonica();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(path, kNoPage, "no such file");
  if (std::filesystem::is_directory(path, ec)) fail(path, kNoPage, "is a directory, not an image");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, kNoPage, "cannot open the file (check its permissions)");
  // One read of the known size: a byte iterator cost 3 % of a whole run on PNG pages.
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) fail(path, kNoPage, "cannot tell the file's size");
  if (size_out) *size_out = static_cast<std::size_t>(size);
  std::vector<std::uint8_t> bytes(std::min(static_cast<std::size_t>(size), max_bytes));
  if (!bytes.empty() && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
    fail(path, kNoPage, "read error");
  return bytes;
}

// Bytes enough for detect_format.
constexpr std::size_t kFormatHeadBytes = 16;

// Number of pages of the TIFF file at `path`, walking its directories through the file.
int tiff_file_page_count(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> fp(std::fopen(path.c_str(), "rb"), &std::fclose);
  l_int32 n = 0;
  if (!fp || tiffGetCount(fp.get(), &n) != 0 || n <= 0)
    fail(path, kNoPage, "TIFF file with no readable page (corrupt directory)");
  return n;
}

}  // namespace

int count_image_pages(const std::string& path) {
  // Only TIFF has pages to count, and only its directories need reading for that.
  return is_tiff(detect_format(read_image_bytes(path, kFormatHeadBytes), path)) ? tiff_file_page_count(path) : 1;
}

DecodedPage read_image_page(const std::string& path, int page_index) {
  std::size_t size = 0;
  const int head_format = detect_format(read_image_bytes(path, kFormatHeadBytes, &size), path);
  if (is_tiff(head_format)) {
    quiet_leptonica();
    const int pages = tiff_file_page_count(path);
    if (page_index < 0 || page_index >= pages) {
      fail(path, kNoPage,
           "has " + std::to_string(pages) + (pages == 1 ? " page" : " pages") + "; page " +
               std::to_string(page_index + 1) + " does not exist");
    }
    return decode_tiff_page(path, page_index, static_cast<double>(size));
  }
  const std::vector<std::uint8_t> bytes = read_image_bytes(path);
  const int format = detect_format(bytes, path);
  const int pages = page_count(bytes, format, path);
  if (page_index < 0 || page_index >= pages) {
    fail(path, kNoPage,
         "has " + std::to_string(pages) + (pages == 1 ? " page" : " pages") + "; page " +
             std::to_string(page_index + 1) + " does not exist");
  }
  return decode_page(bytes, format, page_index, path);
}

std::vector<DecodedPage> read_image_pages_from_memory(const std::vector<std::uint8_t>& bytes,
                                                    const std::string& name) {
  quiet_leptonica();
  const int format = detect_format(bytes, name);
  const int pages = page_count(bytes, format, name);
  std::vector<DecodedPage> result;
  result.reserve(pages);
  for (int i = 0; i < pages; ++i) result.push_back(decode_page(bytes, format, i, name));
  return result;
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
