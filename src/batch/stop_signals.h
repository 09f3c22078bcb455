#pragma once
// SIGINT and SIGTERM during a batch: the first asks the batch to stop taking new pages (it
// finishes or abandons the pages in flight, writes its journal, removes its temporary files
// and exits 130 or 143); a second one exits at once, after removing the temporary file being
// written, so that no partial output is ever left.

#include <string>

namespace platen::batch {

/// Installs the handlers (once per process; later calls do nothing). Not for library code
/// that does not own the process: the CLI calls it.
void install_stop_signals();

/// The first SIGINT or SIGTERM received since install_stop_signals (0 = none). Thread-safe and
/// lock-free: the pipeline polls it.
int stop_signal();

/// Exit status for a batch stopped by `signal`: 128 + signal (130 for SIGINT, 143 for SIGTERM).
int exit_status_for_signal(int signal);

/// A temporary file whose removal the second signal's immediate exit must do. At most a few
/// exist at once (the writer writes one file at a time); register_temp_file returns a slot
/// (−1 when the table is full: the file then is only removed by the normal paths).
int register_temp_file(const std::string& path);
/// Forgets a slot from register_temp_file (after the rename or removal).
void unregister_temp_file(int slot);

/// For tests: forgets a received signal, as if none had come.
void reset_stop_signal_for_tests();

}  // namespace platen::batch
