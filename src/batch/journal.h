#pragma once
// The resume journal: what a batch has finished, kept in the output folder as the only state
// of --resume (deleting OUT/.platen means "redo all").
//
// Each process appends to its own file, OUT/.platen/journal-<host>-<pid>, one JSON object a
// line per finished input file, written and fsynced after the file's outputs are in place.
// So a record never claims an output that is not on disk; a process killed mid-append leaves at
// most a torn last line, which readers skip. A resumed run reads every journal in the folder,
// whatever the number of shards or processes that wrote them.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "batch/file_identity.h"

namespace platen::batch {

/// One output file of an input, as written.
struct OutputRecord {
  std::string path;    ///< relative to the output folder, '/'-separated
  std::uint64_t size = 0;
  std::string sha256;  ///< hex, of the bytes written
  std::string format;  ///< its format's name ("txt", "alto", …: format_name)
};

/// One finished input file: everything that must still hold for its outputs to be reused.
struct JournalRecord {
  std::string key;        ///< the input's output stem (BatchInput::output_stem)
  std::string input;      ///< the input's path as given (for people reading the journal)
  FileIdentity identity;  ///< of the input when it was read
  /// What else shapes the outputs: model checksum, resolved precision, and the options that
  /// change the text or the files' bytes (batch_settings in batch/batch_run.h), as one string.
  std::string settings;
  /// Every file written for the input, in every format chosen (several per format when one
  /// file per page was written). --resume skips the input only when each format it is asked
  /// for has its files here, intact.
  std::vector<OutputRecord> outputs;
};

/// The folder of the journals: OUT/.platen.
std::string journal_folder(const std::string& output_dir);

/// Appends records to this process's journal. Not thread-safe: one caller at a time.
class JournalWriter {
 public:
  /// Creates OUT/.platen if needed and opens (appending) journal-<host>-<pid>. Throws Error
  /// naming the file and the reason.
  explicit JournalWriter(const std::string& output_dir);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  /// Writes `record` as one line and fsyncs the journal before returning. Throws Error.
  void append(const JournalRecord& record);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

/// One JSON line (with its '\n') for `record`.
std::string journal_line(const JournalRecord& record);

/// Parses one journal line; false (and `record` unspecified) for a torn or foreign line.
bool parse_journal_line(const std::string& line, JournalRecord& record);

/// Every record of every journal in OUT/.platen (none when the folder is missing), by key;
/// a key may have several records (older runs, other settings). Lines that do not parse (a
/// torn last record) are skipped. Throws Error when a journal exists but cannot be read.
std::multimap<std::string, JournalRecord> read_journals(const std::string& output_dir);

}  // namespace platen::batch
