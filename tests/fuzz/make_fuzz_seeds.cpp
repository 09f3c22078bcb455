// Writes the valid seed of each fuzz target into the folders given (tests/fuzz/seeds/*), from
// Platen's own writers, so the seeds follow the formats if they change:
//   make_fuzz_seeds tests/fuzz/seeds
// The ALTO seed is written by hand (seeds/alto/page.xml) and not made here.
#include <iostream>
#include <string>

#include "core/binary_io.h"
#include "image/pix.h"
#include "recognition/language_pack.h"
#include "recognition/model.h"

namespace {

platen::PixPtr stripes(int w, int h, int depth) {
  platen::PixPtr pix = platen::adopt(pixCreate(w, h, 8));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) pixSetPixel(pix.get(), x, y, ((x / 7 + y / 5) % 3) * 100);
  if (depth == 1) return platen::adopt(pixThresholdToBinary(pix.get(), 128));
  return pix;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_fuzz_seeds SEEDS-DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  // Image reader: a two-page TIFF (G4 then LZW), the multi-page case the batch relies on,
  // and a small PNG, JPEG and PBM.
  platen::PixPtr bilevel = stripes(64, 24, 1), grey = stripes(48, 20, 8);
  const std::string tiff = dir + "/image_reader/two-pages.tif";
  if (pixWriteTiff(tiff.c_str(), bilevel.get(), IFF_TIFF_G4, "w") != 0 ||
      pixWriteTiff(tiff.c_str(), grey.get(), IFF_TIFF_LZW, "a") != 0 ||
      pixWrite((dir + "/image_reader/grey.png").c_str(), grey.get(), IFF_PNG) != 0 ||
      pixWrite((dir + "/image_reader/grey.jpg").c_str(), grey.get(), IFF_JFIF_JPEG) != 0 ||
      pixWrite((dir + "/image_reader/bilevel.pbm").c_str(), bilevel.get(), IFF_PNM) != 0) {
    std::cerr << "make_fuzz_seeds: cannot write the image seeds\n";
    return 1;
  }
  // Model: a tiny network over a tiny alphabet (the shipped models are megabytes).
  const platen::Model model = platen::Model::initialise(
      platen::Alphabet(U"abcdefghij .,"), platen::NetworkSpec::parse("C3x3:4 M2x2 C3x3:6 CHx3:8 O"), 16, 7);
  platen::write_file_atomically(dir + "/model/tiny.platen", model.serialise());
  // Language model: order 3 over a few lines, every word kept.
  const std::vector<std::u32string> lines = {U"the typewriter types the text", U"a typed page of text",
                                             U"the page"};
  platen::LanguagePack::train("eng", lines, 3, 1, 1).save(dir + "/language_model/tiny.lm");
  return 0;
}
