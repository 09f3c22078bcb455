// `ocr`: a thin command over the Platen library. The first argument picks a sub-command
// (train, synth, eval, lm, calibrate); anything else is the main job, reading images.

#include <cstring>
#include <exception>
#include <iostream>

#include <malloc.h>

#include "cli/commands.h"
#include "recognition/openmp_guard.h"

int main(int argc, char** argv) {
  // oneDNN's CPU runtime here is OpenMP; Platen parallelises with oneTBB, so each oneDNN
  // call stays on the thread that makes it instead of multiplying threads per worker (the
  // engine guards its own work; this covers the sub-commands' calls on the main thread).
  const platen::SingleThreadOpenMp single_thread;
  // Every page allocates and frees buffers of megabytes. By default glibc maps blocks that
  // large afresh and unmaps them on free, so the kernel faults in and zeroes new pages for
  // every page (14 % of all samples when profiled); kept in the heap, they are reused.
  // Peak memory is unchanged: it is set by the pages in flight, not by their number.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  try {
    if (argc >= 2) {
      const char* sub = argv[1];
      if (std::strcmp(sub, "train") == 0) return platen::cli::run_train(argc - 1, argv + 1);
      if (std::strcmp(sub, "synth") == 0) return platen::cli::run_synth(argc - 1, argv + 1);
      if (std::strcmp(sub, "eval") == 0) return platen::cli::run_eval(argc - 1, argv + 1);
      if (std::strcmp(sub, "lm") == 0) return platen::cli::run_lm(argc - 1, argv + 1);
      if (std::strcmp(sub, "calibrate") == 0) return platen::cli::run_calibrate(argc - 1, argv + 1);
    }
    return platen::cli::run_read(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "ocr: " << e.what() << "\n";
    return 2;
  }
}
