// `ocr train`: option parsing for platen::train.

#include <boost/program_options.hpp>

#include <iostream>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/errors.h"
#include "training/trainer.h"

namespace platen::cli {

namespace po = boost::program_options;

int run_train(int argc, char** argv) {
  TrainOptions o;
  std::vector<std::string> data;
  po::options_description desc(
      "Usage: ocr train --data DIR[=WEIGHT]... --output MODEL [options]\n\n"
      "Trains the line recognizer on folders of training lines. A folder may hold, mixed:\n"
      "  - line images with NAME.gt.txt beside each (real lines, or lines rendered by\n"
      "    `ocr synth`); the document of a line is its name without a trailing -NNN;\n"
      "  - ALTO pages: NAME.xml (ALTO v1-v4, pixel units, or mm10/inch1200 when the image\n"
      "    states its dpi) beside its page image NAME.png/.jpg/.tif. Each TextLine with text\n"
      "    is cut out along its polygon (else its box), paper tone outside, and read as its\n"
      "    Strings joined by spaces; a page is one document. An image with a NAME.xml beside\n"
      "    it is always taken as a page, never as a line, even with a NAME.gt.txt.\n"
      "Whole documents are held out for validation; the best model by validation CER is\n"
      "written to --output. Lines with characters the model's alphabet lacks are skipped\n"
      "unless --extend-alphabet adds those characters. CERs are in percent, as in `ocr eval`.\n\n"
      "Fine-tuning (--init): the user's lines are mixed with lines like the base model's\n"
      "(3000 rendered by the shipped recipe in its training faces, plus --base-data real lines),\n"
      "half of the lines drawn (--base-share), and validated on both kinds. The start model is\n"
      "validated first: --output is written only when a tuned model reads the validation\n"
      "lines better; when none does, nothing is written and the exit status is 1. A fine-tune\n"
      "stops after 30 minutes unless --max-minutes or --max-iterations says otherwise.\n\n"
      "Examples:\n"
      "  ocr train --data ../shared/datasets/typewritten/train/lines --data synth/=0.5 \\\n"
      "            --output models/my.platen --max-minutes 60\n"
      "  ocr train --data lines/ --output models/my.platen --resume\n"
      "  ocr train --data newface/ --init models/platen.platen --output tuned.platen --lr 3e-4 \\\n"
      "            --base-data ../shared/datasets/typewritten/train/lines\n"
      "  ocr train --data alto-pages/ --init models/platen.platen --extend-alphabet \\\n"
      "            --output tuned.platen\n\nOptions");
  desc.add_options()
    ("help,h", "show this help")
    ("data", po::value(&data)->composing(), "folder of line images + .gt.txt and/or ALTO pages, optionally =WEIGHT (relative draw rate)")
    ("output,o", po::value(&o.output_model), "model file to write (best validation CER)")
    ("checkpoint", po::value(&o.checkpoint), "checkpoint file (default: OUTPUT.checkpoint)")
    ("resume", po::bool_switch(&o.resume), "continue from the checkpoint")
    ("init", po::value(&o.init_model), "fine-tune from this model")
    ("extend-alphabet", po::bool_switch(&o.extend_alphabet),
     "add the ground truth's characters the model lacks (new output classes) instead of skipping their lines")
    ("network", po::value(&o.network)->default_value(o.network), "layer layout of a fresh model")
    ("lr", po::value(&o.learning_rate)->default_value(o.learning_rate), "Adam learning rate")
    ("max-minutes", po::value(&o.max_minutes),
     "stop after this many minutes (0 = no limit; default: 30 for a fine-tune without --max-iterations, else none)")
    ("max-iterations", po::value(&o.max_iterations),
     "stop after this many updates in total, resumed ones included (at least 1; default: no limit)")
    ("batch-columns", po::value(&o.batch_columns)->default_value(o.batch_columns), "lines x padded width per batch")
    ("threads,j", po::value(&o.threads), "threads (default: all cores)")
    ("seed", po::value(&o.seed)->default_value(o.seed), "random seed")
    ("validate-every", po::value(&o.validate_every)->default_value(o.validate_every), "updates between validations")
    ("checkpoint-minutes", po::value(&o.checkpoint_minutes)->default_value(o.checkpoint_minutes), "minutes between checkpoints")
    ("no-augment", "train without augmentation")
    ("no-base-mix", "fine-tune on the --data folders alone, without base-like lines")
    ("base-data", po::value(&o.base_mix.real_line_folders)->composing(),
     "fine-tuning: real lines like the base's training (e.g. .../typewritten/train/lines), mixed in; repeatable")
    ("base-lines", po::value(&o.base_mix.rendered_lines)->default_value(o.base_mix.rendered_lines),
     "fine-tuning: base-like lines to render (0 = none), kept in OUTPUT.base-lines/")
    ("base-fonts", po::value(&o.base_mix.font_list),
     "fine-tuning: list of faces to render them in (default: the shipped models' training-fonts.txt)")
    ("base-share", po::value(&o.base_mix.share)->default_value(o.base_mix.share),
     "fine-tuning: share of the lines drawn that are base-like, between 0 and 1");
  return run_with_exit_status("ocr train", [&] {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    o.augment = !vm.count("no-augment");
    o.base_mix.enabled = !vm.count("no-base-mix");
    if (vm.count("max-minutes") && !(o.max_minutes >= 0)) throw UsageError("--max-minutes must be 0 (no limit) or more");
    if (vm.count("max-iterations") && o.max_iterations < 1)
      throw UsageError("--max-iterations must be at least 1 (leave it out for no limit)");
    for (const std::string& d : data) {
      TrainingSource s;
      std::size_t eq = d.rfind('=');
      s.folder = d.substr(0, eq);
      if (eq != std::string::npos) {
        const std::string text = d.substr(eq + 1);
        std::size_t used = 0;
        try {
          s.weight = std::stod(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != text.size()) throw UsageError("bad weight in --data " + d);
      }
      o.sources.push_back(s);
    }
    const TrainResult result = train(o, [](const std::string& line) { std::cerr << line << std::endl; });
    if (!result.output_written) {
      std::cerr << "ocr train: the tuned model never beat the start model; " << o.output_model
                << " was not written (try more time, another --lr, or more lines of the new face)\n";
      return 1;
    }
    return 0;
  });
}

}  // namespace platen::cli
