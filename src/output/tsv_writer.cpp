#include "output/tsv_writer.h"

#include <algorithm>
#include <cstdio>

namespace platen {

std::string tesseract_tsv_header() {
  return "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";
}

namespace {

void row(std::string& out, int level, int page, int block, int par, int line, int word, const Box& box,
         const char* conf, const std::string& text) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t", level, page, block, par,
                line, word, box.x, box.y, box.width, box.height, conf);
  out += buffer;
  for (char c : text) out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
  out += '\n';
}

}  // namespace

WriteResult TsvWriter::write(const Document& document) const {
  WriteResult result;
  std::string& out = result.bytes;
  out = tesseract_tsv_header();
  for (const PageResult& page : document.pages) {
    const int p = page.page_index + 1;
    row(out, 1, p, 0, 0, 0, 0, Box{0, 0, page.width, page.height}, "-1", "");
    if (!page.ok) continue;
    int block_number = 0;
    for (const TextBlock& block : blocks_of(page)) {
      bool any = false;
      for (int i = block.first_line; i < block.first_line + block.line_count; ++i)
        any = any || !page.lines[static_cast<std::size_t>(i)].text.empty();
      if (!any) continue;
      row(out, 2, p, ++block_number, 0, 0, 0, block.box, "-1", "");
      int par_number = 0;
      for (const Paragraph& par : block.paragraphs) {
        const std::vector<const Line*> lines = text_lines_of(page, par);
        if (lines.empty()) continue;
        const Box par_box = box_of(par, lines);
        row(out, 3, p, block_number, ++par_number, 0, 0, par_box, "-1", "");
        int line_number = 0;
        for (const Line* line : lines) {
          row(out, 4, p, block_number, par_number, ++line_number, 0, line->box, "-1", "");
          int word_number = 0;
          for (const Word& word : words_of(*line)) {
            char conf[32];
            std::snprintf(conf, sizeof conf, "%.6f", std::clamp(word.confidence, 0.0f, 1.0f) * 100.0);
            row(out, 5, p, block_number, par_number, line_number, ++word_number, word.box, conf, word.text);
          }
        }
      }
    }
  }
  return result;
}

}  // namespace platen
