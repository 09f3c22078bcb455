#pragma once
// Image and PDF files made inside tests, in the layouts archives hold and Leptonica does not
// write: CMYK and YCCK JPEG (Adobe-inverted or not), JPEG with an EXIF orientation, tiled,
// 16-bit and oriented TIFF, PDF pages with a scanned image, a text layer or a password. Each
// writer uses the codec library itself (libjpeg, libtiff, qpdf) or writes the bytes by hand,
// so a test controls every field; damage (cuts, stray markers, lying sizes) is done on the
// bytes by the tests.

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/errors.h"
#include "image/pix.h"

namespace platen::test {

/// Whole contents of the file at `path` (empty when it cannot be read).
std::vector<std::uint8_t> file_bytes(const std::string& path);
/// Writes `bytes` to `path` (replacing it); returns `path`.
std::string write_file(const std::string& path, const std::vector<std::uint8_t>& bytes);

/// The first `fraction` of `bytes`.
std::vector<std::uint8_t> cut(std::vector<std::uint8_t> bytes, double fraction);

/// A grey text page that the shipped model reads well: the upper part of the bundled sample
/// page (datasets/samples/sample-page.jpg), cut on the paper between two lines at most
/// `height` px down, its width cut to a multiple of 16 px. 8 bpp, no resolution set.
PixPtr sample_text_page(int height = 528);

/// JPEG colour layouts written with libjpeg from an 8 bpp grey page.
enum class JpegInk {
  grey,             ///< one component
  cmyk_adobe,       ///< CMYK with an Adobe marker, inverted (0 = full ink) as Photoshop writes it
  cmyk_plain,       ///< CMYK without an Adobe marker, ink amounts as stored values
  ycck_adobe,       ///< YCCK (Adobe transform 2), inverted
};
/// The page as JPEG at `quality`: CMYK layouts put the upper half's ink in C, M and Y (a
/// "rich black") and the lower half's in K, so that a decoder ignoring either loses text.
/// `progressive`: libjpeg's standard progressive scan script (SOF2) instead of baseline (SOF0).
std::vector<std::uint8_t> jpeg_bytes(Pix* grey8, JpegInk ink, int quality = 92, bool progressive = false);

/// `jpeg` with the frame header (SOF0–SOF15) claiming `width` × `height` px: a lying header
/// on the same data. Throws std::invalid_argument when `jpeg` has no frame header.
std::vector<std::uint8_t> with_frame_size(std::vector<std::uint8_t> jpeg, int width, int height);

/// `jpeg` with an EXIF APP1 segment holding Orientation = `tag` inserted after SOI (and the
/// JFIF APP0 segment, when there is one).
std::vector<std::uint8_t> with_exif_orientation(const std::vector<std::uint8_t>& jpeg, int tag);

/// How write_tiff lays the page out.
struct TiffLayout {
  int compression = 1;          ///< libtiff COMPRESSION_* (1 none, 5 LZW, 8 Deflate, 7 JPEG)
  int tile = 0;                 ///< tile side, px (a multiple of 16); 0 = strips
  int rows_per_strip = 64;
  bool sixteen_bit = false;     ///< 16 bits per sample (grey value × 257)
  bool palette = false;         ///< 8 bpp grey stored as a 256-entry colour map
  bool rgb = false;             ///< the grey as RGB samples (JPEG compression: YCbCr)
  int orientation = 1;          ///< the Orientation tag written
  float x_resolution = 0;       ///< XResolution and YResolution written, px per inch; 0 = no tags
};
/// Writes the 8 bpp grey page as a one-page TIFF with libtiff.
std::vector<std::uint8_t> tiff_bytes(Pix* grey8, const TiffLayout& layout);

/// The stored pixels that display as `upright` under EXIF/TIFF orientation `tag` (3, 6 or 8).
PixPtr stored_for_orientation(Pix* upright, int tag);

/// A minimal PDF written byte by byte. Each page is one scanned image (DCT, i.e. a JPEG as
/// stored, or Flate grey samples) covering the page at `dpi`, with an optional invisible text
/// layer (render mode 3, Helvetica) saying `hidden_text`, or only visible text when no image.
struct PdfPage {
  std::vector<std::uint8_t> jpeg;   ///< the page image as a JPEG (DCTDecode); empty = none
  int width = 0, height = 0;        ///< the image's size, px
  double dpi = 300;                 ///< the image's resolution on the page
  std::string hidden_text;          ///< invisible text over the image ("" = none)
  std::string visible_text;         ///< a page without image: this text in 24 pt Helvetica
};
std::vector<std::uint8_t> pdf_bytes(const std::vector<PdfPage>& pages);

/// `pdf` encrypted by qpdf (AES-256) with user password `password`.
std::vector<std::uint8_t> encrypted_pdf(const std::vector<std::uint8_t>& pdf, const std::string& password);

/// Peak resident memory (KB), wall time (s) and exit status of a command run through sh.
struct RunStats {
  int status = -1;  ///< exit status; -1 when killed by a signal
  double seconds = 0;
  long peak_kb = 0;
  std::string out, err;
};
/// Runs `command` (sh -c) with standard input from /dev/null, capturing standard output and
/// error; the peak memory is that of the command's process tree's largest process.
RunStats run_measured(const std::string& command);

/// Runs `read` and returns the message of the ImageError it throws; "" and a test failure when it
/// throws nothing (any other exception passes through).
template <typename F>
std::string image_error_of(F read) {
  try {
    read();
  } catch (const ImageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected ImageError";
  return "";
}

}  // namespace platen::test
