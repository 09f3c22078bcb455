#pragma once
// The ink of a binary page as horizontal runs, and the runs grouped into 8-connected
// components. Runs rather than a label image: a page has a few hundred thousand runs but
// millions of pixels, and a run can be handed to a text line whole, or cut where two touching
// lines meet.

#include <cstdint>
#include <vector>

#include <leptonica/allheaders.h>

namespace platen::layout {

/// Ink pixels [x0, x1) on row y.
struct InkRun {
  int y = 0;
  int x0 = 0;
  int x1 = 0;
  int length() const { return x1 - x0; }
};

/// All runs of an image, sorted by row then x.
struct InkRuns {
  int width = 0;   ///< px
  int height = 0;  ///< px
  std::vector<InkRun> runs;
  /// Runs of row y are runs[row_start[y] .. row_start[y + 1]); size height + 1.
  std::vector<int> row_start;
};

/// Extracts the runs of a 1 bpp Pix (1 = ink). Cost is linear in the number of 32-bit words
/// plus the number of runs: blank words are skipped whole. Null or non-1-bpp input gives an
/// empty set with width = height = 0.
InkRuns extract_ink_runs(Pix* binary);

/// Extracts the runs of a byte mask (non-zero = set), `width`×`height`, row-major.
InkRuns extract_mask_runs(const std::vector<std::uint8_t>& mask, int width, int height);

/// One 8-connected component: bounding box [x0, x1)×[y0, y1) and ink area, px.
struct InkComponent {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  long area = 0;
  int width() const { return x1 - x0; }
  int height() const { return y1 - y0; }
};

/// Connected components of a run set.
struct ComponentLabels {
  std::vector<int> run_component;      ///< component index of each run
  std::vector<InkComponent> components;  ///< in order of their first (top-left) run
  /// Run indices grouped by component: component c owns
  /// component_runs[run_start[c] .. run_start[c + 1]), in row order.
  std::vector<int> component_runs;
  std::vector<int> run_start;
};

/// Groups runs into 8-connected components (runs on adjacent rows whose x ranges overlap or
/// touch diagonally) with a union-find over runs — the run-based labelling of Rosenfeld &
/// Pfaltz (1966) as used by most OCR engines.
/// `run_class`, when given (one byte per run), keeps runs of different classes apart even
/// where they touch: used to separate long underline runs from the letters they cross.
ComponentLabels label_components(const InkRuns& runs,
                                 const std::vector<std::uint8_t>* run_class = nullptr);

}  // namespace platen::layout
