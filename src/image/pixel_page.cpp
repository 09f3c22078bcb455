#include "image/pixel_page.h"

#include <string>

#include "core/errors.h"

namespace platen {

DecodedPage decoded_page_from_pixels(const std::uint8_t* data, int width, int height, int channels,
                                     std::size_t stride, int dpi) {
  const std::string what = "cannot read the pixels given in memory: ";
  if (!data) throw Error(what + "no pixel data (null pointer)");
  if (width < 1 || height < 1)
    throw Error(what + "the size " + std::to_string(width) + "x" + std::to_string(height) + " is empty");
  if (width > kMaxImageSide || height > kMaxImageSide || double(width) * height > kMaxImagePixels)
    throw Error(what + "the size " + std::to_string(width) + "x" + std::to_string(height) +
                " exceeds the largest page accepted (" + std::to_string(kMaxImageSide) + " px a side)");
  if (channels != 1 && channels != 3)
    throw Error(what + std::to_string(channels) + " channels per pixel; give 1 (grey) or 3 (RGB)");
  const std::size_t row_bytes = static_cast<std::size_t>(width) * channels;
  if (stride == 0) stride = row_bytes;
  if (stride < row_bytes)
    throw Error(what + "a row stride of " + std::to_string(stride) + " bytes is shorter than a row (" +
                std::to_string(row_bytes) + " bytes)");
  DecodedPage page;
  page.pix = adopt(pixCreate(width, height, channels == 1 ? 8 : 32));
  if (!page.pix) throw Error(what + "out of memory");
  l_uint32* out = pixGetData(page.pix.get());
  const int wpl = pixGetWpl(page.pix.get());
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* in = data + static_cast<std::size_t>(y) * stride;
    l_uint32* line = out + static_cast<std::size_t>(y) * wpl;
    if (channels == 1) {
      for (int x = 0; x < width; ++x) SET_DATA_BYTE(line, x, in[x]);
    } else {
      for (int x = 0; x < width; ++x) {
        l_uint32 pixel = 0;
        composeRGBPixel(in[3 * x], in[3 * x + 1], in[3 * x + 2], &pixel);
        line[x] = pixel;
      }
    }
  }
  if (dpi > 0) pixSetResolution(page.pix.get(), dpi, dpi);
  page.dpi = dpi > 0 ? dpi : 0;
  return page;
}

}  // namespace platen
