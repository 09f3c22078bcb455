#pragma once
// Pages handed over as pixels already in memory (a library caller's own decoded image).

#include <cstddef>
#include <cstdint>

#include "image/page_reader.h"

namespace platen {

/// A page made from `height` rows of `width` pixels with `channels` bytes each (1: 8-bit grey,
/// 0 = black; 3: R, G, B), rows `stride` bytes apart starting at `data` (copied; not kept).
/// `dpi` 0 = unknown. The result is 8 bpp for grey, 32 bpp RGB for colour, as decoding a file
/// would give. Throws Error for a null `data`, sizes < 1 or over kMaxImageSide or
/// kMaxImagePixels, another channel count, or a stride shorter than a row.
DecodedPage decoded_page_from_pixels(const std::uint8_t* data, int width, int height, int channels,
                                     std::size_t stride, int dpi);

}  // namespace platen
