#pragma once
// Training lines from ALTO pages: a page image with NAME.xml beside it (ALTO v1 without a
// namespace, or v2, v3, v4), each TextLine cut out of the page along its polygon with the
// page's paper tone outside it — the way the typewritten dataset's line crops were made —
// and read with the text of its String elements.

#include <cstdint>
#include <string>
#include <vector>

#include "core/grey_image.h"
#include "training/line_dataset.h"

namespace platen {

/// A point on a page, in the ALTO file's unit until scaled (alto_pixels_per_unit), then px
/// with (0, 0) the top-left pixel.
struct PagePoint {
  double x = 0, y = 0;
};

/// One TextLine of an ALTO file.
struct AltoTextLine {
  std::string id;                  ///< the TextLine's ID ("" when absent)
  /// The CONTENT of its String elements joined by single spaces (ALTO's SP), a trailing HYP's
  /// CONTENT appended as is; NFC, whitespace folded and trimmed. "" when it has no text.
  std::string text;
  /// Shape/Polygon POINTS when the line has a polygon of 3 points or more, else the corners
  /// of its HPOS/VPOS/WIDTH/HEIGHT box (the box covers WIDTH × HEIGHT pixels: its right and
  /// bottom corners are at HPOS + WIDTH − 1 and VPOS + HEIGHT − 1).
  std::vector<PagePoint> outline;
};

/// What an ALTO file says about its page, coordinates in `unit`.
struct AltoPage {
  std::string unit = "pixel";  ///< MeasurementUnit: "pixel", "mm10" or "inch1200"
  double width = 0;            ///< Page WIDTH, 0 when absent
  double height = 0;           ///< Page HEIGHT, 0 when absent
  std::vector<AltoTextLine> lines;  ///< every TextLine in document order, text or not
};

/// Parses an ALTO file with libxml2 (no network access, no external entities). A missing
/// MeasurementUnit reads as "pixel". Throws DataError naming `xml_path` when the file cannot
/// be read, is not well-formed XML (with libxml2's message and line), has a root element
/// other than `alto`, has a namespace other than ALTO's (none, CCS-GmbH's v1 or
/// http://www.loc.gov/standards/alto/ns-vN#), an unknown MeasurementUnit, or a bad number in
/// a coordinate or POINTS attribute (POINTS may separate numbers by spaces and/or commas).
AltoPage read_alto(const std::string& xml_path);
/// read_alto() of a file's bytes already in memory; `xml_path` names it in errors.
AltoPage parse_alto(const std::vector<std::uint8_t>& bytes, const std::string& xml_path);

/// Pixels per ALTO unit: 1 for "pixel", dpi / 254 for "mm10", dpi / 1200 for "inch1200".
/// Throws DataError naming `xml_path` when the unit needs a resolution and `dpi` ≤ 0 (the
/// image states none): such a file has to be converted to pixel coordinates first.
double alto_pixels_per_unit(const std::string& unit, int dpi, const std::string& xml_path);

/// The paper tone of a page: its median grey (most of a typewritten page is paper).
/// Returns 255 for an empty image.
std::uint8_t paper_tone(const GreyImage& page);

/// Cuts the line inside `outline` (page px) out of `page`: the outline's bounding box grown
/// by `margin` px on every side and clipped to the page, with every pixel outside the
/// polygon set to `paper`. A pixel (x, y) is inside when it lies between a pair of the row's
/// edge crossings (even–odd rule at the pixel's own coordinates) or on the outline itself
/// (each edge drawn as a line of pixels), so the boundary pixels are kept, as they are in
/// the typewritten dataset's line crops (margin 4 px there too).
/// Returns an empty image when the box lies wholly outside the page or `outline` has fewer
/// than 3 points.
GreyImage cut_line_polygon(const GreyImage& page, const std::vector<PagePoint>& outline,
                           std::uint8_t paper, int margin = 4);

/// The page image beside an ALTO file: the same stem with .png, .jpg, .jpeg, .tif, .tiff,
/// .pnm or .pgm (tried in that order, then in upper case); "" when there is none.
std::string page_image_for(const std::string& xml_path);

/// The ALTO files (NAME.xml) in `dir` that have a page image beside them, sorted by name.
/// Throws DataError when `dir` is not a folder.
std::vector<std::string> list_alto_pages(const std::string& dir);

/// The text lines of one ALTO page as training lines: each TextLine with text, cut out with
/// cut_line_polygon (margin 4 px, the page's paper_tone) from its page image read as grey,
/// after scaling the coordinates to pixels (alto_pixels_per_unit with the image's dpi).
/// `text` is the line's text as transcribed (NFC, not yet fitted to an alphabet);
/// `document` the page's stem, so a page is held out whole; `path` "NAME.xml#ID" (the
/// 1-based line number when the TextLine has no ID). Lines without text, or whose crop is
/// empty, are skipped and counted in `skipped`.
/// Throws DataError (read_alto's errors; no image beside the file; the ALTO page size, when
/// given, differs from the image's by more than 1 %), ImageError (unreadable page image).
std::vector<LineSample> load_alto_page(const std::string& xml_path, int* skipped = nullptr);

}  // namespace platen
