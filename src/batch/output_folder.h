#pragma once
// The output folder of a batch: checked before any page is read, and written one whole file at
// a time (temporary name, fsync, rename), so that no partial output is ever left.

#include <cstdint>
#include <string>
#include <vector>

namespace platen::batch {

/// Least free space in the output folder for a batch to start: 64 MiB.
constexpr std::uint64_t kMinFreeBytes = 64ull << 20;

/// Creates `dir` when missing and checks that it is a folder, that a file can be created in it
/// (tried, then removed: permissions, read-only mounts and root alike) and that at least
/// `min_free` bytes are free. Throws UsageError naming the folder and the reason.
void check_output_folder(const std::string& dir, std::uint64_t min_free = kMinFreeBytes);

/// The reason for a failed write, in words: "the disk is full (No space left on device)",
/// "permission denied", … from an errno value.
std::string write_failure_reason(int error_number);

/// Temporary name of `path` while it is written: ".<name>.platen-tmp-<pid>" beside it.
std::string temp_path_for(const std::string& path);

/// Writes `content` to `path` (its folder created when missing) under temp_path_for(path),
/// fsynced, then renamed over `path`. The temporary file is registered with the stop signals
/// so that an immediate exit removes it. Throws Error naming `path` and the reason
/// (write_failure_reason); the temporary file is removed first.
void write_output_file(const std::string& path, const std::string& content);

/// Removes temporary files an interrupted earlier run left for any of `paths` (".<name>
/// .platen-tmp-*" beside each; other processes' outputs are not touched). With
/// `numbered_pages`, also those of the per-page files of each path: "a.alto.xml" covers
/// "a-0001.alto.xml" (a '-' and 4 or more digits before any '.' of the name). Returns how many.
std::size_t remove_stale_temp_files(const std::vector<std::string>& paths, bool numbered_pages = false);

}  // namespace platen::batch
