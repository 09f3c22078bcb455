#pragma once
// A plain 8-bit grey image: the currency between stages that must not see Leptonica
// (recognition, training) and those that use it (image, layout).

#include <cstdint>
#include <vector>

#include "platen/geometry.h"  // Box, Point

namespace platen {

/// 8-bit grey image, row-major, 0 = black ink, 255 = white paper.
/// Invariant: pixels.size() == width * height.
struct GreyImage {
  int width = 0;   ///< px
  int height = 0;  ///< px
  std::vector<std::uint8_t> pixels;

  GreyImage() = default;
  /// A width×height image filled with `fill` (default: white paper).
  GreyImage(int w, int h, std::uint8_t fill = 255)
      : width(w), height(h), pixels(static_cast<std::size_t>(w) * h, fill) {}

  bool empty() const { return width <= 0 || height <= 0; }
  std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
  std::uint8_t& at(int x, int y) { return pixels[static_cast<std::size_t>(y) * width + x]; }
  const std::uint8_t* row(int y) const { return pixels.data() + static_cast<std::size_t>(y) * width; }
  std::uint8_t* row(int y) { return pixels.data() + static_cast<std::size_t>(y) * width; }
};

}  // namespace platen
