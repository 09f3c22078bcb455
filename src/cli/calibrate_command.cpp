// `ocr calibrate`: measures a model's activation ranges on sample lines and writes them into
// the model file, so that it can run in int8. Option parsing and reporting only; the method
// is recognition/quantisation's.

#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/errors.h"
#include "image/page_reader.h"
#include "recognition/line_normaliser.h"
#include "recognition/model.h"
#include "recognition/quantisation.h"
#include "recognition/recognizer.h"
#include "training/line_dataset.h"

namespace platen::cli {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

constexpr const char* kUsage =
    "Usage: ocr calibrate [--model F] [--out F] [--lines N] LINES...\n"
    "\n"
    "Runs the model on sample line images and records the largest value each layer's input\n"
    "takes; with these ranges the model runs in int8 (--precision int8, and auto on CPUs with\n"
    "VNNI). LINES are folders of line images with NAME.gt.txt beside them (as for training)\n"
    "or image files. Use lines like those the model will read, not the ones you evaluate on.\n"
    "The model is rewritten in place unless --out is given.\n"
    "\n"
    "Example:\n"
    "  ocr calibrate --model my.platen ../shared/datasets/typewritten/train/lines\n"
    "\n";

}  // namespace

int run_calibrate(int argc, char** argv) {
  std::string model_path, out_path;
  int max_lines = 0;
  std::vector<std::string> inputs;
  po::options_description desc("Options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("model,m", po::value(&model_path)->value_name("F"), "model file (default: the shipped model)")
    ("out,o", po::value(&out_path)->value_name("F"), "write the calibrated model here (default: over --model)")
    ("lines", po::value(&max_lines)->default_value(1000)->value_name("N"),
     "use at most N lines, spread evenly over the inputs");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("input", po::value(&inputs));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("input", -1);

  return run_with_exit_status("ocr calibrate", [&] {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << kUsage << desc;
      return 0;
    }
    if (inputs.empty()) throw UsageError("no line images given");
    if (max_lines < 1) throw UsageError("--lines must be at least 1");
    if (model_path.empty()) model_path = default_model_path();
    if (out_path.empty()) out_path = model_path;

    std::vector<std::string> images;
    for (const std::string& input : inputs) {
      if (fs::is_directory(input)) {
        const std::vector<std::string> found = list_line_images(input);
        images.insert(images.end(), found.begin(), found.end());
      } else if (fs::is_regular_file(input)) {
        images.push_back(input);
      } else {
        throw UsageError(input + ": no such file or folder");
      }
    }
    if (images.empty()) throw UsageError("no line images (NAME.png with NAME.gt.txt) in the inputs");
    // An even spread, so that a folder sorted by document gives every document a say.
    std::vector<NormalisedLine> lines;
    const std::size_t n = std::min(images.size(), static_cast<std::size_t>(max_lines));
    for (std::size_t k = 0; k < n; ++k) lines.push_back(normalise_line(read_grey_image(images[k * images.size() / n])));

    const auto start = std::chrono::steady_clock::now();
    Model model = Model::load(model_path);
    if (model.input_height != kLineHeight)
      throw ModelError(model_path + ": lines " + std::to_string(model.input_height) + " px high; this build makes " +
                       std::to_string(kLineHeight));
    calibrate_activation_ranges(model, lines);
    model.save(out_path);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("calibrated %s on %zu lines in %.1f s; input ranges by convolution:", out_path.c_str(), lines.size(),
                seconds);
    for (float r : model.activation_ranges) std::printf(" %.3g", r);
    std::printf("\n");
    return 0;
  });
}

}  // namespace platen::cli
