#pragma once
// Reading scanned pages: TIFF (multi-page, strips or tiles, any compression libtiff decodes:
// LZW, Deflate, CCITT G3/G4, JPEG, PackBits…), PNG, JPEG (grey, YCbCr, CMYK, YCCK), JPEG 2000,
// WebP, GIF, BMP, PNM and PDF (each page a page).
//
// JPEG, PNG and TIFF are decoded here with libjpeg, libpng and libtiff directly, each handle
// with its own error and warning handlers, so every codec message lands on the page it is about
// (never on standard error, where under -j they would run into each other): damaged image data
// fail the page, remarks about metadata become DecodedPage::warnings. The other formats go
// through Leptonica, whose own messages are silenced (PLATEN_LEPTONICA_VERBOSE=1 keeps them).
// PDF pages come from poppler (see pdf_pages.h).
//
// Thread safety: every function may be called from several threads at once, on the same file
// or on different ones; nothing is shared between calls.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/grey_image.h"
#include "image/pix.h"

namespace platen {

struct PageImage;  // platen/page_result.h: the page as stored, for writers that embed it

/// Largest side accepted, px; larger images are refused rather than risk exhausting memory.
constexpr int kMaxImageSide = 30000;
/// Largest image area accepted by default, px: an A3 page at 1200 ppi is 2.8e8.
constexpr double kMaxImagePixels = 3.0e8;

/// How pages are decoded.
struct ReadOptions {
  /// Largest image area accepted, px (--max-pixels). Checked from the header, before any pixel
  /// buffer is allocated, for every format (a blank CCITT G4 page of any size is legitimately
  /// tiny, so no data bound can stand in for it).
  double max_pixels = kMaxImagePixels;
  /// Keep the page as it is stored (DecodedPage::original) for a writer that embeds it.
  bool keep_page_image = false;
};

/// One page of an input file, as decoded.
struct DecodedPage {
  /// As displayed: the file's EXIF or TIFF orientation tag applied. 1, 8 or 32 bpp (colour
  /// maps removed, alpha composited on white; JPEG: 8 bpp luminance).
  PixPtr pix;
  int dpi = 0;         ///< resolution claimed by the file, 0 when none
  int page_index = 0;  ///< 0-based page number within the file
  /// Remarks of the codec that did not fail the page (unknown TIFF tags, a known-incorrect
  /// sRGB profile, bytes after the JPEG data…), each one line without the file's name.
  std::vector<std::string> warnings;
  /// The page as stored, when ReadOptions::keep_page_image asked for it; null otherwise.
  std::shared_ptr<const PageImage> original;
  /// PDF only: the page has a text layer of its own, and its text (poppler's reading).
  bool has_text_layer = false;
  std::string text_layer;
};

/// Pages of an input, as far as its structure can be walked.
struct PageCount {
  int pages = 0;  ///< pages that can be listed (for a damaged TIFF: those before the damage)
  /// False when the file's own structure is damaged after `pages` pages (a TIFF directory that
  /// cannot be read): there may be more pages, and they cannot be read.
  bool trusted = true;
  /// When !trusted: the one-line error for page `pages` (0-based) and every page after it,
  /// naming the file, the page and the damage.
  std::string damage;
};

/// Pages of the image file at `path` (TIFF and PDF may have several, other formats one).
/// Throws ImageError naming `path` when it is missing, a folder, not an image, or has no page
/// that can be listed.
PageCount count_pages(const std::string& path);

/// count_pages(path).pages, for callers that do not look at the damage (the damage then
/// surfaces as an error of read_image_page on the page after the last listed one).
int count_image_pages(const std::string& path);

/// Decodes page `page_index` of `path`. Throws ImageError naming the file and page (counted
/// from 1 in messages: "cannot read image 'a.tif' (page 2): …") and the reason: missing, not
/// an image, truncated or damaged data (with the codec's own words), zero-sized, over
/// kMaxImageSide or options.max_pixels, or a header claiming more pixels than the data can
/// hold at the compression's best ratio. The size is checked before decoding, so a lying
/// header costs neither time nor memory.
DecodedPage read_image_page(const std::string& path, int page_index, const ReadOptions& options = {});

/// Pages of an image held in memory (e.g. read from standard input or a FIFO); `name` is used
/// in errors. Throws ImageError as count_pages does.
PageCount count_pages_in_memory(const std::uint8_t* data, std::size_t size, const std::string& name);

/// Decodes page `page_index` of an image held in memory; `name` is used in errors. Throws
/// ImageError as read_image_page does. The entry point for fuzzing the decoders.
DecodedPage read_image_page_from_memory(const std::uint8_t* data, std::size_t size, const std::string& name,
                                        int page_index, const ReadOptions& options = {});

/// Decodes every page of an in-memory image; `name` is used in errors. Throws ImageError for
/// the first page that fails (and for a page count that cannot be trusted).
std::vector<DecodedPage> read_image_pages_from_memory(const std::vector<std::uint8_t>& bytes,
                                                      const std::string& name, const ReadOptions& options = {});

/// The formats read, one line each, for --help.
const char* supported_formats_help();

/// Converts any depth to 8-bit grey (colour by luminance, 1 bpp to 0/255, transparent areas
/// to white paper). An 8 bpp input without colour map is shared (pixClone), not copied: treat
/// the result as read-only. Throws ImageError for a null or unsupported Pix.
PixPtr to_grey(Pix* pix);

/// Reads a single-page image straight into a GreyImage (used for line images in training and
/// evaluation, and for the pages of ALTO training files). When `dpi` is given, stores the
/// resolution the file claims there (0 when none). Throws ImageError.
GreyImage read_grey_image(const std::string& path, int* dpi = nullptr);

/// Copies an 8 bpp Pix into a GreyImage, and back. Throw ImageError for a Pix that is not
/// 8 bpp without colour map, and for an empty GreyImage.
GreyImage grey_image_from_pix(Pix* grey8);
PixPtr pix_from_grey_image(const GreyImage& image);

}  // namespace platen
