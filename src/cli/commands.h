#pragma once
// Sub-commands of `ocr`. Each parses its own options (Boost.Program_options) and returns
// the process exit status: 0 success, 1 some inputs failed, 2 usage error.

namespace platen::cli {

int run_read(int argc, char** argv);   ///< `ocr [options] IMAGE...` — the main job
int run_train(int argc, char** argv);  ///< `ocr train`
int run_synth(int argc, char** argv);  ///< `ocr synth`
int run_eval(int argc, char** argv);   ///< `ocr eval`
int run_lm(int argc, char** argv);     ///< `ocr lm` — build a language model file
int run_calibrate(int argc, char** argv);  ///< `ocr calibrate` — activation ranges for int8

}  // namespace platen::cli
