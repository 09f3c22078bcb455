// Fuzz target: a PDF from memory (src/image/pdf_pages), straight to the PDF reader whatever
// its first bytes say: its pages counted, then each page read as the page pipeline reads it
// (a scanned page's image as stored — JPEG, CCITT G4, Flate/LZW/raw samples — taken with
// qpdf, any other page rendered by poppler) and converted to grey, with its text layer.
//
// Summary: "pages=N" then per page "WxHxD" (grey size, decoded depth), "@DPI", and "+text"
// when poppler found a text layer. Only the first kMaxPagesRead pages are read, and the
// pixel cap is lowered to kFuzzMaxPixels, so that one input cannot take seconds: a page
// over it is refused from its size as a real page over --max-pixels is.
#include <algorithm>
#include <string>

#include "core/errors.h"
#include "fuzz_target.h"
#include "image/page_reader.h"
#include "image/pdf_pages.h"

namespace platen::fuzz {

namespace {
constexpr int kMaxPagesRead = 4;
constexpr double kFuzzMaxPixels = 4.0e6;  // a 300 dpi render of a 6.6 x 6.6 inch page
}  // namespace

std::string fuzz_one(const std::uint8_t* data, std::size_t size) {
  try {
    const decoders::PdfSource source{nullptr, data, size, "fuzz input"};
    ReadOptions options;
    options.max_pixels = kFuzzMaxPixels;
    const PageCount count = decoders::count_pdf_pages(source);
    std::string summary = "pages=" + std::to_string(count.pages);
    for (int p = 0; p < std::min(count.pages, kMaxPagesRead); ++p) {
      const DecodedPage page = decoders::read_pdf_page(source, p, options);
      PixPtr grey = to_grey(page.pix.get());
      summary += " " + std::to_string(pixGetWidth(grey.get())) + "x" + std::to_string(pixGetHeight(grey.get())) +
                 "x" + std::to_string(pixGetDepth(page.pix.get())) + "@" + std::to_string(page.dpi) +
                 (page.has_text_layer ? "+text" : "");
    }
    return summary;
  } catch (const Error&) {
    return "refused";
  }
}

}  // namespace platen::fuzz
