#pragma once
// Lines like the base model's training, mixed into a fine-tune so that the tuned model keeps
// what the base could read (a fine-tune on one new face alone forgets the others: the dev
// lines went from 1.83 % to 2.20 % CER).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace platen {

/// What a fine-tune mixes in besides the user's own lines. On by default for fine-tuning
/// (TrainOptions::init_model), never for a fresh model.
struct BaseMixOptions {
  bool enabled = true;
  /// Faces to render the lines in: a list file (one path a line, '#' comments). Empty = the
  /// faces the shipped models were trained in (default_base_font_list()).
  std::string font_list;
  std::size_t rendered_lines = 3000;  ///< lines rendered by the shipped recipe (corpus, damage)
  /// Folders of real lines like the base's (e.g. ../shared/datasets/typewritten/train/lines);
  /// none by default. Never an evaluation set.
  std::vector<std::string> real_line_folders;
  /// Share of the lines drawn for training that come from these base-like folders, the
  /// user's folders taking the rest (in their own relative weights); 0 < share < 1.
  double share = 0.5;
};

/// The list of the faces the shipped models were trained in: training-fonts.txt in the
/// shipped model folder (shipped_model_dirs()). Throws DataError when no such file is found.
std::string default_base_font_list();

/// Font paths from a list file: one per line, '#' starts a comment, blank lines and
/// surrounding blanks ignored. Throws DataError when the file cannot be read.
std::vector<std::string> read_font_list(const std::string& path);

/// Renders `count` degraded lines (sample_line_style) into `folder` as NNNNNN.png +
/// NNNNNN.gt.txt, from a corpus built from Debian's fortunes and word lists (build_corpus,
/// no real transcriptions), each line in a face drawn among those of `fonts` that have all of
/// its glyphs; faces whose files are missing are left out (and logged). Line i depends only on
/// `seed` and i. When `folder` already holds the lines of the same count, seed and faces (its
/// base-lines.txt stamp says so), nothing is rendered again: a resumed run reuses them.
/// Uses the calling thread's oneTBB arena. Returns the number of lines in `folder`. Throws
/// DataError when no face can be opened, no corpus line can be made, or a file cannot be
/// written.
std::size_t render_base_lines(const std::vector<std::string>& fonts, std::size_t count, std::uint32_t seed,
                              const std::string& folder, const std::function<void(const std::string&)>& log);

}  // namespace platen
