#pragma once
// Training and evaluation lines: folders of line images with NAME.gt.txt beside each image
// (the tesstrain convention).

#include <string>
#include <vector>

#include "core/grey_image.h"
#include "recognition/alphabet.h"

namespace platen {

/// One line image with its transcription.
struct LineSample {
  GreyImage image;
  std::u32string text;   ///< NFC
  std::string document;  ///< the page/document the line came from (held out together)
  std::string path;      ///< image file
};

/// Image files (png, jpg, jpeg, tif, tiff, pnm, pgm) in `dir` that have a NAME.gt.txt beside
/// them, sorted by name. Throws DataError when `dir` is not a folder.
std::vector<std::string> list_line_images(const std::string& dir);

/// Ground truth of a line image: NAME.gt.txt beside it, NFC, trailing newline removed.
/// Throws DataError when it cannot be read.
std::string read_ground_truth(const std::string& image_path);

/// Document a line belongs to, from its file name: the stem without a trailing "-NNN"
/// line number ("ehri-X_01-7bd83d-012.jpg" → "ehri-X_01-7bd83d").
std::string document_of(const std::string& image_path);

/// Loads every line of `dir`, its text passed through fit_to_alphabet (text_corpus.h). Lines
/// whose text still has symbols outside `alphabet`, or is empty, are skipped and counted in `skipped`. Throws DataError when `dir` has no usable line.
std::vector<LineSample> load_line_folder(const std::string& dir, const Alphabet& alphabet, int* skipped = nullptr);

}  // namespace platen
