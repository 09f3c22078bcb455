#pragma once
// Keeping OpenMP, oneDNN's CPU runtime here, at one thread inside Platen's own work.
//
// Platen parallelises with oneTBB; a oneDNN call made on a oneTBB worker would otherwise start
// a full OpenMP team under it and multiply the threads. OpenMP's thread count is a per-thread
// setting, so the guard sets it on the calling thread only, for the guard's lifetime.

#include <omp.h>

namespace platen {

/// While alive, OpenMP runs at one thread on this thread; the thread's previous setting comes
/// back when it is destroyed (so a caller's own OpenMP work keeps its threads). Put one at the
/// top of every task body that may reach oneDNN. Nested guards cost nothing. Not copyable.
class SingleThreadOpenMp {
 public:
  SingleThreadOpenMp() : previous_(omp_get_max_threads()) {
    if (previous_ != 1) omp_set_num_threads(1);
  }
  ~SingleThreadOpenMp() {
    if (previous_ != 1) omp_set_num_threads(previous_);
  }
  SingleThreadOpenMp(const SingleThreadOpenMp&) = delete;
  SingleThreadOpenMp& operator=(const SingleThreadOpenMp&) = delete;

 private:
  int previous_;
};

}  // namespace platen
