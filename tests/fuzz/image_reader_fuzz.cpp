// Fuzz target: an image file from memory (TIFF, PNG, JPEG, PNM, … as standard input is read),
// its pages counted and every page decoded and converted to grey as the page pipeline does.
#include <string>

#include "core/errors.h"
#include "fuzz_target.h"
#include "image/page_reader.h"

namespace platen::fuzz {

std::string fuzz_one(const std::uint8_t* data, std::size_t size) {
  try {
    const PageCount count = count_pages_in_memory(data, size, "fuzz input");
    std::string summary = "pages=" + std::to_string(count.pages);
    for (int p = 0; p < count.pages; ++p) {
      const DecodedPage page = read_image_page_from_memory(data, size, "fuzz input", p);
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
