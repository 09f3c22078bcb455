#pragma once
// Internal to src/image: the pages of a PDF as page images.
//
// A page that is one scanned image (one image XObject, no form XObjects, the image's aspect
// that of the page) gives that image at its own resolution, as stored: a DCT image is the
// JPEG itself (decoded by decode_jpeg.cpp, and passed through unchanged to a PDF writer), a
// CCITT G4 image its G4 stream (decoded by decode_tiff.cpp), a Flate/LZW/uncompressed grey or
// RGB image its samples. The stream is taken with qpdf: poppler-cpp has no way to reach a
// page's image as stored, and poppler-glib only hands back decoded pixels in a cairo surface
// (a second toolkit for less than qpdf gives). Other scanned images (JBIG2, JPX, indexed
// colour…) are rendered by poppler-cpp at the image's own resolution, so the pixel grid stays
// the scan's; every other page is rendered at 300 dpi.
//
// Errors (an encrypted or damaged file, a page that cannot be rendered) throw ImageError
// naming the file; poppler's messages are caught per thread and put in them, never printed.

#include <cstdint>
#include <string>

#include "image/page_reader.h"

namespace platen::decoders {

/// A PDF on disk (`path`) or in memory (`data`, `size`, kept alive by the caller).
struct PdfSource {
  const std::string* path = nullptr;
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::string name;  ///< for messages
};

/// Resolution at which pages that are not one scanned image are rendered, px per inch.
constexpr double kPdfRenderDpi = 300.0;

/// Pages of the PDF. Throws ImageError for an encrypted, damaged or empty file.
PageCount count_pdf_pages(const PdfSource& source);

/// Page `page_index` as an image; its text layer, when it has one, in has_text_layer /
/// text_layer. Throws ImageError.
DecodedPage read_pdf_page(const PdfSource& source, int page_index, const ReadOptions& options);

}  // namespace platen::decoders
