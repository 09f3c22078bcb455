#pragma once
// CCITT Group 4 encoding of a bilevel page, for the searchable PDF: a bilevel page that did
// not come as G4 (a PNG, an uncompressed or multi-strip TIFF) still goes into the PDF as G4,
// as a scanner would have stored it. Encoded by libtiff, in memory (a memfd: no file).

#include <cstdint>
#include <vector>

namespace platen {

/// The G4 stream (K = −1, BlackIs1 false, no byte alignment, MSB first) of `height` rows of
/// `width` pixels, each row ⌈width / 8⌉ bytes, most significant bit first, 0 = black, 1 = white
/// (PDF's DeviceGray at 1 bit per component). Throws Error when libtiff fails.
std::vector<std::uint8_t> encode_ccitt_g4(const std::uint8_t* rows, int width, int height);

}  // namespace platen
