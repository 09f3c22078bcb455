#pragma once
// hOCR 1.2 as well-formed XHTML 1.0 (what Tesseract writes, so viewers and hocr-tools read it):
// head with exactly one ocr-system ("Platen VERSION") and one ocr-capabilities meta element,
// ocr-number-of-pages, and Platen's model and text-changing options; then per page
//   div.ocr_page   title "image NAME; bbox 0 0 W H; ppageno N; scan_res R R"
//   div.ocr_carea  (block, lang) / p.ocr_par / span.ocr_line  "bbox …; baseline SLOPE OFFSET; x_size S"
//   span.ocrx_word "bbox …; x_wconf 0–100", with span.ocrx_cinfo ("x_bboxes …; x_conf …")
//                  per character where the word has glyph boxes
// Words of a line are separated by one space, so the element text is the line's text.
// A failed page is an empty ocr_page with the error in a comment.

#include "output/document_writer.h"

namespace platen {

class HocrWriter : public DocumentWriter {
 public:
  WriteResult write(const Document& document) const override;
};

}  // namespace platen
