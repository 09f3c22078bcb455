#pragma once
// A rendered text line as a training sample: the fonts that can draw it, and its files on disk
// (NAME.png beside NAME.gt.txt, the layout of every line folder Platen reads and writes).

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/grey_image.h"
#include "training/line_renderer.h"

namespace platen {

/// One renderer per font. FreeType faces are not thread-safe: every worker thread opens its
/// own set.
using LineRenderers = std::vector<std::unique_ptr<LineRenderer>>;

/// A renderer for each of `fonts`, in order. Throws what LineRenderer throws (a font that
/// cannot be opened).
LineRenderers open_line_renderers(const std::vector<std::string>& fonts);

/// The index of a font drawn evenly among `renderers` that have every glyph of `text` (so that
/// no line shows a tofu box), or −1 when none has. Draws one number from `rng` when some font
/// has them, none otherwise.
int covering_font(const LineRenderers& renderers, const std::u32string& text, std::mt19937& rng);

/// Writes the sample BASE.png (the image, 8-bit grey, zlib level 1: noisy grey lines hardly
/// compress better at 6, which costs 4× the time) and BASE.gt.txt (`text` in NFC and '\n').
/// Throws DataError naming the file that could not be written.
void write_line_sample(const GreyImage& image, const std::u32string& text, const std::string& base);

}  // namespace platen
