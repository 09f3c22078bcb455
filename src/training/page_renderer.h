#pragma once
// Synthetic typewritten pages with ground truth, for measuring whole-page OCR (layout and
// recognition together) on type the model has never seen: A4 at 300 dpi, one face per page
// at 10–12 pt, lines flush with a ~2.5 cm left margin at single, one-and-a-half or double
// spacing, paragraphs, a small skew of the whole sheet, and the line renderer's strike, ribbon
// and scan damage (see line_renderer.h) on every line, then paper tone, stains, noise and
// dirt over the page.
//
// Each page is in one language: corpus lines are sorted by the language their letters and
// common words point to (guess_language), a page draws a language in proportion to the
// corpus and then its lines from that language only. The ground truth is the page's lines in
// reading order (top to bottom), as drawn.

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/grey_image.h"
#include "training/line_renderer.h"

namespace platen {

/// Page geometry and the range of its random choices. Lengths in page px unless marked.
struct PageOptions {
  int width = 2480;               ///< A4 at 300 dpi
  int height = 3508;
  double dpi = 300;               ///< scales the margins and line pitches below
  double x_height_min = 20;       ///< x-height range, px (10–12 pt typewriter type at 300 dpi)
  double x_height_max = 26;
  double left_margin_cm = 2.5;    ///< mean left margin; each page varies it by −0.3…+0.5 cm
  double max_skew_deg = 1.0;      ///< the sheet's rotation is uniform in ±this
  bool clean = false;             ///< black type on white paper, no skew, no damage
};

/// One word as the renderer placed it, for scoring word boxes (and writers' tests).
struct TruthWord {
  std::string text;  ///< UTF-8 NFC, no spaces
  /// Bounding box on the page of the word's glyph bitmaps as struck, before any damage, after
  /// the sheet's skew (the box of the rotated corners of the unskewed box), px.
  Box box;
  /// The unskewed box's four corners after the skew, clockwise from the top-left, px.
  Polygon outline;
};

/// One rendered page.
struct RenderedPage {
  GreyImage image;                 ///< options.width × options.height, 0 = ink, 255 = paper
  std::vector<std::string> lines;  ///< UTF-8 NFC ground truth, one entry per typed line, top to bottom
  /// The words of each line (words[i] for lines[i]), in reading order: their texts joined by
  /// single spaces give lines[i].
  std::vector<std::vector<TruthWord>> words;
  std::string language;            ///< Tesseract code of the page's language (see guess_language)
  int font = -1;                   ///< index into the renderers given to render_page
  double x_height = 0;             ///< px
  double line_pitch = 0;           ///< baseline to baseline, px
  double skew_deg = 0;             ///< rotation of the sheet, degrees (counter-clockwise positive)
};

/// Tesseract-style code of the language `utf8_line` is most likely in, among those the corpus
/// makes (text_corpus.h): eng deu fra ces dan slk pol hun rus ukr bel bul. Each language
/// scores points for letters that belong to few languages (ř ě ů → ces, ß → deu, æ ø å → dan,
/// ç œ è → fra, ł ą ę → pol, ő ű → hun, ľ ĺ ŕ ô → slk; ы э ё → rus, ї є ґ → ukr, ў → bel,
/// ъ → bul ...) and for common short words ("the", "und", "les", "что", "це", "това").
/// Returns "" when a line gives fewer than two clues or no clear winner (the Hunspell
/// pseudo-sentences often do), and "eng" only for lines with no letter beyond ASCII.
/// A heuristic for choosing an OCR language per page, not a language identifier.
std::string guess_language(const std::string& utf8_line);

/// Corpus lines sorted by language, for drawing monolingual pages. Immutable once built, so
/// threads can share one.
class PageCorpus {
 public:
  /// Groups `lines` (UTF-8, already fitted to the model alphabet) by guess_language. Lines
  /// that are mostly not letters (dates, amounts, file numbers) go to neutral(), usable on a
  /// page of any language; lines of no sure language are left out. When `languages` is not
  /// empty, keeps only lines of those codes. Throws DataError when no language line is left.
  explicit PageCorpus(const std::vector<std::string>& lines, const std::vector<std::string>& languages = {});

  /// Lines by language code.
  const std::map<std::string, std::vector<std::u32string>>& by_language() const { return by_language_; }
  /// Lines in no particular language: under 30 % of their non-space characters are letters.
  const std::vector<std::u32string>& neutral() const { return neutral_; }
  /// Lines in by_language().
  std::size_t size() const { return size_; }

  /// A language drawn in proportion to its share of the lines.
  const std::string& draw_language(std::mt19937& rng) const;

 private:
  std::map<std::string, std::vector<std::u32string>> by_language_;
  std::vector<std::u32string> neutral_;
  std::size_t size_ = 0;
};

/// Renders one page with `rng` as the only source of randomness, so a seeded generator
/// reproduces the page exactly. The face is drawn evenly among `fonts`; a corpus line that the
/// face cannot draw (missing_glyphs) is passed over for another, and one that would run past
/// the right margin is cut at its last space that fits (the ground truth holds what was drawn).
/// About one line in twenty comes from corpus.neutral() (dates, numbers) when it has any.
/// `fonts` are used, not owned, and must not be shared with another thread meanwhile.
/// Throws DataError when `fonts` is empty or no line of the chosen language fits the page.
RenderedPage render_page(const PageCorpus& corpus, const std::vector<LineRenderer*>& fonts,
                         const PageOptions& options, std::mt19937& rng);

}  // namespace platen
