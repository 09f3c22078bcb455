#pragma once
// Searchable PDF, built with qpdf (libqpdf): each page is the original page image at its
// resolution (page size = pixels · 72 / ppi) with an invisible text layer (render mode 3) on
// top, so that selecting, copying and searching work in any viewer.
//
//  - Image: JPEG passes through unchanged (DCTDecode), a bilevel page given as CCITT G4 stays
//    G4 (CCITTFaxDecode, K −1), raw pixels are Flate-compressed. The file's orientation tag is
//    applied by the image's placement matrix, so the page shows as a viewer shows the file.
//  - Text: one text object per word, on the word's box: the font size fills the line's height
//    (ascent to descent), horizontal scaling (Tz) stretches the word to its box's width, and on a
//    page Platen found turned by a quarter (orientation_degrees 90/270) or upside down the text
//    runs in the text's direction. Font: DejaVu Sans embedded as a subset (PdfFont), a Type 0
//    font with Identity-H encoding whose CIDs are the Unicode code points (a CIDToGIDMap maps
//    them to glyphs), and a ToUnicode map, so Cyrillic and diacritics copy out as they read.
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
