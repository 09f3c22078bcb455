#include "test_pages.h"

#include <memory>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "recognition/alphabet.h"
#include "test_paths.h"
#include "training/trainer.h"

namespace platen::test {

BoxPtr rect(int x, int y, int w, int h) { return BoxPtr(boxCreate(x, y, w, h)); }

Model random_model(std::uint32_t seed) {
  return Model::initialise(Alphabet::standard(), NetworkSpec::parse(TrainOptions().network), 32, seed);
}

std::string save_random_model(const std::string& path, std::uint32_t seed) {
  random_model(seed).save(path);
  return path;
}

PixPtr text_like_page(int lines, unsigned seed, int width) {
  std::mt19937 rng(seed);
  const int height = 120 + lines * 60;
  PixPtr pix = adopt(pixCreate(width, height, 8));
  if (!pix) return pix;
  pixSetAll(pix.get());  // white
  for (int l = 0; l < lines; ++l) {
    const int y = 80 + l * 60;
    int x = 100;
    while (x < width - 150) {
      const int letters = 2 + static_cast<int>(rng() % 7);
      for (int k = 0; k < letters && x < width - 120; ++k) {
        const int tall = rng() % 4 == 0 ? 28 : 20;  // some ascenders
        // A ring rather than a solid box, so that a word is not one solid bar.
        pixClearInRect(pix.get(), rect(x, y + 20 - tall, 14, tall).get());
        pixSetInRect(pix.get(), rect(x + 4, y + 24 - tall, 6, tall - 8).get());
        x += 18;
      }
      x += 24;
    }
  }
  pixSetResolution(pix.get(), 300, 300);
  return pix;
}

const Recognizer& shipped_recognizer() {
  static const Recognizer recognizer(default_model_path());
  return recognizer;
}

std::optional<PageResult> read_rendered_page(const PixPtr& pix, const std::string& name) {
  const std::string path = make_temp_dir() + "/" + name + ".png";
  EXPECT_EQ(pixWrite(path.c_str(), pix.get(), IFF_PNG), 0);
  std::vector<PageResult> results;
  run_page_pipeline({path}, shipped_recognizer(), PipelineOptions{},
                    [&](const PageResult& p) { results.push_back(p); });
  if (results.size() != 1 || !results[0].ok) {
    ADD_FAILURE() << name << ": " << (results.empty() ? "no result" : results[0].error);
    return std::nullopt;
  }
  return results[0];
}

}  // namespace platen::test
