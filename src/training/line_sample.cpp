#include "training/line_sample.h"

#include <fstream>

#include "core/errors.h"
#include "core/text.h"
#include "image/page_reader.h"
#include "image/pix.h"

namespace platen {

LineRenderers open_line_renderers(const std::vector<std::string>& fonts) {
  LineRenderers renderers;
  for (const std::string& f : fonts) renderers.push_back(std::make_unique<LineRenderer>(f));
  return renderers;
}

int covering_font(const LineRenderers& renderers, const std::u32string& text, std::mt19937& rng) {
  std::vector<int> covering;
  for (std::size_t f = 0; f < renderers.size(); ++f)
    if (renderers[f]->missing_glyphs(text).empty()) covering.push_back(static_cast<int>(f));
  if (covering.empty()) return -1;
  return covering[rng() % covering.size()];
}

void write_line_sample(const GreyImage& image, const std::u32string& text, const std::string& base) {
  PixPtr pix = pix_from_grey_image(image);
  if (pix) pixSetZlibCompression(pix.get(), 1);
  if (!pix || pixWrite((base + ".png").c_str(), pix.get(), IFF_PNG) != 0)
    throw DataError("cannot write '" + base + ".png'");
  std::ofstream gt(base + ".gt.txt", std::ios::binary | std::ios::trunc);
  gt << to_nfc(utf32_to_utf8(text)) << '\n';
  if (!gt) throw DataError("cannot write '" + base + ".gt.txt'");
}

}  // namespace platen
