#pragma once
// The input list of a batch: which files are read and where each one's output goes.
//
// Three ways an input enters the list, each with its own output naming:
//   - named on the command line (a file):    OUT/<stem>.<ext>  (as before mirroring existed)
//   - under a folder walked with -r:         OUT/<path relative to the folder>/<stem>.<ext>;
//                                            with several roots, OUT/<root name>/<relative>/…
//   - listed in --files-from (with --base):  OUT/<path relative to the base>/<stem>.<ext>
// Two inputs may share a stem when their folders differ; only the same output path twice is
// an error (check_distinct_outputs), decided on the whole list before any shard is taken.

#include <string>
#include <vector>

namespace platen::batch {

/// One input file of a batch and the name its outputs are made from.
struct BatchInput {
  std::string path;  ///< as the reader opens it ("-" = standard input)
  /// Output name without extension, relative to the output folder, with '/' separators:
  /// "box1/folder2/page-0001" (mirrored) or "page-0001" (named alone). Also the key of the
  /// input in shards and in the resume journal.
  std::string output_stem;
};

/// Something the walk could not read (an unreadable folder, a symlink loop): reported, skipped.
struct WalkProblem {
  std::string path;
  std::string message;  ///< one line naming `path`
};

/// True for the extensions of images and PDFs Platen reads (tif tiff png jpg jpeg jp2 j2k
/// pnm pbm pgm ppm bmp gif webp pdf), in any case (".TIF").
bool has_page_extension(const std::string& path);

/// Walks `root` (a folder), adding every file with a page extension below it in sorted order
/// (byte order of the names, folders and files alike, depth first), with output stems
/// `prefix` + its path relative to `root` minus extension. Symbolic links to folders are
/// followed once: a folder reached again (a loop) is reported in `problems` and not entered;
/// so are folders that cannot be read. A folder that is `skip_dir` (the output folder, by
/// its canonical path; "" = none) or named ".platen" is not walked.
void walk_folder(const std::string& root, const std::string& prefix, const std::string& skip_dir,
                 std::vector<BatchInput>& inputs, std::vector<WalkProblem>& problems);

/// The output stem of an input named alone: its file name without the last extension
/// ("stdin" for "-").
std::string single_output_stem(const std::string& path);

/// The output stem of `path` mirrored relative to `base`: lexically, both made absolute
/// against the current folder. Throws UsageError when `path` is not inside `base`.
std::string mirrored_output_stem(const std::string& path, const std::string& base);

/// Builds the list from positional inputs (files, and folders when `recursive`) and the
/// --files-from list (mirrored relative to `base`, "" = the current folder, when there is an
/// `output_dir`). One root is mirrored directly under OUT; several each under their own folder
/// name. Without `recursive` a folder is an input like a file (and fails as one). Throws
/// UsageError for a listed path outside the base.
std::vector<BatchInput> build_input_list(const std::vector<std::string>& positional,
                                         const std::vector<std::string>& listed, const std::string& base,
                                         bool recursive, const std::string& output_dir,
                                         std::vector<WalkProblem>& problems);

/// Throws UsageError naming both inputs when two would write the same output stem.
void check_distinct_outputs(const std::vector<BatchInput>& inputs, const std::string& extension);

}  // namespace platen::batch
