// Fuzz target: an image file from memory (TIFF, PNG, JPEG, PNM, … as standard input is read),
// every page decoded and converted to grey as the page pipeline does.
#include <string>

#include "core/errors.h"
#include "fuzz_target.h"
#include "image/page_reader.h"

namespace platen::fuzz {

std::string fuzz_one(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  try {
    const std::vector<PageImage> pages = read_image_pages_from_memory(bytes, "fuzz input");
    std::string summary = "pages=" + std::to_string(pages.size());
    for (const PageImage& page : pages) {
      PixPtr grey = to_grey(page.pix.get());
      summary += " " + std::to_string(pixGetWidth(grey.get())) + "x" + std::to_string(pixGetHeight(grey.get())) +
                 "x" + std::to_string(pixGetDepth(page.pix.get()));
    }
    return summary;
  } catch (const Error&) {
    return "refused";
  }
}

}  // namespace platen::fuzz
