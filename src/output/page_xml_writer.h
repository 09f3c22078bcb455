#pragma once
// PAGE XML 2019-07-15 (PRImA; namespace
// http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15), valid against
// pagecontent-2019-07-15.xsd: Metadata (Creator with Platen's version, Created and LastChange
// from the document's timestamp, Comments with the model and the text-changing options), Page
// (imageFilename, imageWidth, imageHeight), ReadingOrder, then TextRegion / TextLine (Coords:
// the line's polygon, so skewed or curved lines keep their outline; Baseline) / Word / Glyph,
// each with TextEquiv (conf 0–1, Unicode). primaryLanguage from the block's ISO 639-2 code.
//
// PAGE holds one page per file (PcGts has one Page): a document of several pages is written
// per page (write_page); write() takes a one-page document. A failed page is an empty Page
// (size 0 × 0 when it did not decode) with the error in a comment.

#include "output/document_writer.h"

namespace platen {

class PageXmlWriter : public DocumentWriter {
 public:
  /// The document's only page; throws Error for a document of several pages.
  WriteResult write(const Document& document) const override;
  /// Page `index` of the document.
  WriteResult write_page(const Document& document, std::size_t index) const;
};

/// PAGE's name of a language ("English") for an ISO 639-2/T code ("eng"); "" when unknown.
std::string page_language_name(const std::string& iso639_2);

}  // namespace platen
