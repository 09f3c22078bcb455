#pragma once
// Reading scanned pages: TIFF (multi-page, LZW, CCITT G4), PNG, JPEG, PNM, at 1, 8, 24 or 32 bits,
// through Leptonica's codecs.

#include <cstdint>
#include <string>
#include <vector>

#include "core/grey_image.h"
#include "image/pix.h"

namespace platen {

/// Largest side accepted, px; larger images are refused rather than risk exhausting memory.
constexpr int kMaxImageSide = 30000;
/// Largest image area accepted, px: an A3 page at 1200 ppi is 2.8e8.
constexpr double kMaxImagePixels = 3.0e8;

/// One page of an input file, as decoded.
struct DecodedPage {
  PixPtr pix;          ///< as decoded: 1, 8, 24 or 32 bpp (colormaps removed; JPEG: 8 bpp luminance)
  int dpi = 0;         ///< resolution claimed by the file, 0 when none
  int page_index = 0;  ///< 0-based page number within the file
};

/// Number of pages in an image file (TIFF may have several, other formats one).
/// Throws ImageError naming `path` when it is missing, not an image, or unreadable.
int count_image_pages(const std::string& path);

/// Decodes page `page_index` of `path`. Throws ImageError (missing, not an image, truncated,
/// zero-sized, over kMaxImageSide or kMaxImagePixels, or a file too short for the size its
/// header claims) naming the file and page.
/// Notes: (1) the size is checked from the header before decoding, so a huge image costs no
/// memory; (2) truncation is detected from the JPEG end-of-image marker / PNG IEND chunk and
/// from Leptonica refusing short TIFF strips and PNM data; (3) messages count pages from 1
/// ("cannot read image 'a.tif' (page 2): ..."); (4) Leptonica's own stderr messages are
/// silenced once per process (set PLATEN_LEPTONICA_VERBOSE=1 to keep them).
DecodedPage read_image_page(const std::string& path, int page_index);

/// Decodes every page of an in-memory image (e.g. standard input); `name` is used in errors.
std::vector<DecodedPage> read_image_pages_from_memory(const std::vector<std::uint8_t>& bytes,
                                                    const std::string& name);

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
