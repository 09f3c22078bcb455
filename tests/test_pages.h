#pragma once
// Generated page images shared by the pipeline and CLI tests.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "image/pix.h"
#include "pipeline/page_pipeline.h"
#include "recognition/model.h"
#include "recognition/recognizer.h"

namespace platen::test {

struct BoxDeleter {
  void operator()(BOX* b) const { boxDestroy(&b); }
};
using BoxPtr = std::unique_ptr<BOX, BoxDeleter>;

/// A Leptonica BOX (x, y, w, h in px), owned: Leptonica borrows BOX arguments, so none leaks.
BoxPtr rect(int x, int y, int w, int h);

/// A white 8 bpp page at 300 dpi with `lines` rows of letter-like rings (ink frame, paper
/// hole; x-height 20 px, every fourth one 28 px tall) grouped in words, laid out by `seed`.
/// Height 120 + 60·lines px. Throws nothing; an allocation failure gives a null PixPtr.
PixPtr text_like_page(int lines, unsigned seed, int width = 1200);

/// A model with random (He-initialised) weights drawn from `seed`, for the standard alphabet,
/// the default network (TrainOptions().network) and 32 px lines: for tests of behaviour
/// (order, files, exit codes, failures) rather than accuracy, since it reads nonsense, but the
/// same nonsense every time, and fast. Throws nothing a valid spec could cause.
Model random_model(std::uint32_t seed);
/// Saves random_model(`seed`) to `path` and returns `path`. Throws what Model::save throws.
std::string save_random_model(const std::string& path, std::uint32_t seed);

/// The shipped model's recognizer, loaded once per test process (on first use; thread-safe).
const Recognizer& shipped_recognizer();

/// Writes `pix` to NAME.png in a fresh temporary folder and reads it with the page pipeline,
/// default options and the shipped model. A page that does not read adds a test failure naming
/// `name` and its error, and gives nullopt.
std::optional<PageResult> read_rendered_page(const PixPtr& pix, const std::string& name);

}  // namespace platen::test
