#pragma once
// Training and evaluation lines: folders of line images with NAME.gt.txt beside each image
// (the tesstrain convention), and of ALTO pages with their images (alto_pages.h).

#include <string>
#include <vector>

#include "core/grey_image.h"
#include "recognition/alphabet.h"

namespace platen {

/// One line image with its transcription.
struct LineSample {
  GreyImage image;       ///< empty for a line image read without keeping it: see line_image()
  std::u32string text;   ///< NFC; fitted to the model's alphabet once fit_lines_to_alphabet ran
  std::string document;  ///< the page/document the line came from (held out together)
  std::string path;      ///< image file, or "PAGE.xml#LINE-ID" for a line of an ALTO page
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

/// What read_line_folder found besides the lines themselves.
struct LineFolderCounts {
  int line_images = 0;  ///< line images with .gt.txt read
  int alto_pages = 0;   ///< ALTO pages read
  int skipped = 0;      ///< unreadable line images, and ALTO lines without text or outside their page
};

/// Every line of `dir`, its text as transcribed (NFC, not yet fitted to an alphabet):
/// (1) the line images with NAME.gt.txt beside them (the tesstrain convention), except
/// images with a NAME.xml beside them, which are pages; (2) the text lines of the ALTO pages,
/// NAME.xml with their page image beside them (load_alto_page in alto_pages.h: cut along each
/// TextLine's polygon, `document` = the page). A folder may hold both. Throws DataError when
/// `dir` is not a folder, holds neither, or an ALTO file is unusable (malformed, not ALTO,
/// sized for another image); ImageError when an ALTO file's page image cannot be read.
/// With `keep_images` false, line image files are read (so unreadable ones are skipped and
/// counted) but not kept: LineSample::image stays empty and line_image() reads it again when
/// needed, so a trainer holds tens of thousands of lines in a few MB. Lines of ALTO pages
/// always keep their crops.
std::vector<LineSample> read_line_folder(const std::string& dir, LineFolderCounts* counts = nullptr,
                                         bool keep_images = true);

/// The image of `line`: its kept image, else its file read again (read_grey_image). Throws
/// ImageError when that file can no longer be read.
GreyImage line_image(const LineSample& line);

/// Passes each line's text through fit_to_alphabet (text_corpus.h) and removes the lines
/// whose text still has symbols outside `alphabet`, or is empty. Returns how many it removed.
int fit_lines_to_alphabet(std::vector<LineSample>& lines, const Alphabet& alphabet);

/// read_line_folder, then fit_lines_to_alphabet. Lines removed by either are counted in
/// `skipped`. Throws what read_line_folder throws, and DataError when no usable line is left.
std::vector<LineSample> load_line_folder(const std::string& dir, const Alphabet& alphabet, int* skipped = nullptr);

}  // namespace platen
