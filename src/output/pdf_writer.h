#pragma once
// Searchable PDF, built with qpdf (libqpdf): each page is the original page image at its
// resolution (page size = pixels · 72 / ppi) with an invisible text layer (render mode 3) on
// top, so that selecting, copying and searching work in any viewer.
//
//  - Image: JPEG passes through unchanged (DCTDecode), a bilevel page given as CCITT G4 stays
//    G4 (CCITTFaxDecode, K −1), a bilevel page given as raw rows is encoded as G4 (libtiff),
//    grey and colour raw pixels are Flate-compressed. The file's orientation tag is
//    applied by the image's placement matrix, so the page shows as a viewer shows the file.
//  - Text: each word on its box, written level along the page axis nearest to its line's
//    baseline (so on a page Platen found turned by a quarter or upside down the text runs in
//    the text's direction), from its box's start to its end. The words of a line share one
//    baseline, the middle of the line's band over its length: poppler's layout (pdftotext,
//    Evince, Okular) takes into one text line the words within half the font size of its first
//    word's baseline, so words stepping with a skewed baseline joined the next line. A word's
//    box still sits on its own ink: the font comes in heights (ascent to descent) in 5 % steps,
//    and each word takes the one that reaches from the shared baseline over its ink. Glyphs are
//    not rotated with the baseline: poppler cuts rotated words into pieces wherever their
//    glyphs climb more than half a point. Every glyph advances alike and horizontal scaling
//    (Tz) stretches the word to its box's length; a space glyph stretched over the gap follows
//    each word but a line's last, so copying and text extraction keep words apart even where
//    their boxes nearly touch; gaps too small for `pdftotext -raw` (which decides spaces from
//    gaps over 15 % of the font size alone) are widened by trimming the words' ends (at most
//    1.75 px each) and by a smaller font for the word before them. Font: DejaVu Sans embedded
//    as a subset (PdfFont), Type 0 fonts (one a height used, sharing the subset) with
//    Identity-H encoding whose CIDs are the Unicode code points (a CIDToGIDMap maps them to
//    glyphs), and a ToUnicode map, so Cyrillic and diacritics copy out as they read.
//  - Deterministic: dates from ProcessingInfo::timestamp, /ID from the file's content (qpdf's
//    deterministic ID).
//  - A failed page: its image without text when it decoded (PageResult::image set), otherwise
//    left out and named in WriteResult::remarks. A page without image gets the text layer on a
//    blank page of its size (and a remark).

#include "output/document_writer.h"

namespace platen {

class PdfWriter : public DocumentWriter {
 public:
  /// Throws Error when no page can be written (every page failed without an image).
  WriteResult write(const Document& document) const override;
};

/// Maps a point of the stored image, normalised to [0, 1]² (u right, v down), to the
/// displayed page in px, for EXIF/TIFF orientation `tag` (1–8) and the displayed size.
void oriented_point(int tag, double u, double v, int displayed_width, int displayed_height, double& x, double& y);

}  // namespace platen
