#pragma once
// Tesseract 5's TSV, column for column, so that scripts written for `tesseract IMAGE out tsv`
// read it unchanged: a header row, then per page
//   level page_num block_num par_num line_num word_num left top width height conf text
// level 1 page, 2 block, 3 paragraph, 4 line, 5 word; numbers 1-based, each restarting inside
// its parent (line_num inside the paragraph, word_num inside the line), 0 for levels above;
// the box in px of the displayed page; conf −1 on levels 1–4, the word's confidence 0–100 on
// level 5; text only on level 5. A failed page keeps its place as its level-1 row alone.

#include "output/document_writer.h"

namespace platen {

/// Tesseract's header row, ending in '\n'.
std::string tesseract_tsv_header();

class TsvWriter : public DocumentWriter {
 public:
  WriteResult write(const Document& document) const override;
};

}  // namespace platen
