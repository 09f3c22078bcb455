#include "output/hocr_writer.h"

#include <algorithm>
#include <cmath>

#include "output/xml_writer.h"

namespace platen {

namespace {

std::string bbox(const Box& b) {
  return "bbox " + std::to_string(b.x) + " " + std::to_string(b.y) + " " + std::to_string(b.right()) + " " +
         std::to_string(b.bottom());
}

/// hOCR's baseline: y = slope·(x − x0) + offset, relative to the line box's bottom-left corner.
std::string baseline(const Line& line) {
  if (line.baseline.size() < 2) return "";
  const Point& a = line.baseline.front();
  const Point& b = line.baseline.back();
  const double slope = b.x != a.x ? static_cast<double>(b.y - a.y) / (b.x - a.x) : 0.0;
  const double at_left = a.y + slope * (line.box.x - a.x);
  return "; baseline " + format_decimal(slope, 4) + " " + format_decimal(std::round(at_left - line.box.bottom()), 0);
}

void lang_attributes(XmlWriter& xml, const std::string& language) {
  if (language.empty()) return;
  xml.attribute("lang", language);
  xml.attribute("xml:lang", language);
}

}  // namespace

WriteResult HocrWriter::write(const Document& document) const {
  XmlWriter xml(false);
  xml.doctype("html", "-//W3C//DTD XHTML 1.0 Transitional//EN",
              "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd");
  xml.start("html");
  xml.attribute("xmlns", "http://www.w3.org/1999/xhtml");
  xml.text("\n");
  xml.start("head");
  xml.text("\n");
  xml.element("title", source_file_name(document.source));
  xml.text("\n");
  auto meta = [&](const char* key, const char* key_value, const std::string& content) {
    xml.start("meta");
    xml.attribute(key, key_value);
    xml.attribute("content", content);
    xml.end();
    xml.text("\n");
  };
  meta("http-equiv", "Content-Type", "text/html; charset=utf-8");
  meta("name", "ocr-system", "Platen " + document.processing.software_version);
  meta("name", "ocr-capabilities", "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrx_cinfo ocrp_wconf ocrp_lang");
  meta("name", "ocr-number-of-pages", std::to_string(document.pages.size()));
  std::string model = document.processing.model_name;
  if (!document.processing.model_checksum.empty()) model += " " + document.processing.model_checksum;
  meta("name", "platen-model", model);
  meta("name", "platen-options", describe_text_options(document.processing));
  meta("name", "platen-date", iso8601_utc(document.processing.timestamp));
  xml.end();  // head
  xml.text("\n");
  xml.start("body");
  xml.text("\n");
  const std::string image = source_file_name(document.source);
  for (const PageResult& page : document.pages) {
    const std::string p = std::to_string(page.page_index + 1);
    xml.start("div");
    xml.attribute("class", "ocr_page");
    xml.attribute("id", "page_" + p);
    std::string title = "image \"" + image + "\"";
    if (page.width > 0) title += "; " + bbox(Box{0, 0, page.width, page.height});
    title += "; ppageno " + std::to_string(page.page_index);
    if (page.ok && page.resolution > 0) {
      const std::string r = std::to_string(static_cast<int>(std::lround(page.resolution)));
      title += "; scan_res " + r + " " + r;
    }
    xml.attribute("title", title);
    xml.text("\n");
    if (!page.ok) {
      xml.comment("page failed: " + page.error);
      xml.text("\n");
      xml.end();
      xml.text("\n");
      continue;
    }
    int block_number = 0, par_number = 0, line_number = 0, word_number = 0;
    for (const TextBlock& block : blocks_of(page)) {
      bool any = false;
      for (int i = block.first_line; i < block.first_line + block.line_count; ++i)
        any = any || !page.lines[static_cast<std::size_t>(i)].text.empty();
      if (!any) continue;
      xml.start("div");
      xml.attribute("class", "ocr_carea");
      xml.attribute("id", "block_" + p + "_" + std::to_string(++block_number));
      lang_attributes(xml, block.language);
      xml.attribute("title", bbox(block.box));
      xml.text("\n");
      for (const Paragraph& par : block.paragraphs) {
        const std::vector<const Line*> lines = text_lines_of(page, par);
        if (lines.empty()) continue;
        const Box par_box = box_of(par, lines);
        xml.start("p");
        xml.attribute("class", "ocr_par");
        xml.attribute("id", "par_" + p + "_" + std::to_string(++par_number));
        xml.attribute("title", bbox(par_box));
        xml.text("\n");
        for (const Line* line : lines) {
          xml.start("span");
          xml.attribute("class", "ocr_line");
          xml.attribute("id", "line_" + p + "_" + std::to_string(++line_number));
          if (line->language != block.language) lang_attributes(xml, line->language);
          const double x_size = line->x_height > 0 ? line->x_height : 0.5 * line->box.height;
          xml.attribute("title", bbox(line->box) + baseline(*line) + "; x_size " + format_decimal(x_size, 1));
          const std::vector<Word> words = words_of(*line);
          for (std::size_t w = 0; w < words.size(); ++w) {
            const Word& word = words[w];
            if (w > 0) xml.text(" ");
            xml.start("span");
            xml.attribute("class", "ocrx_word");
            xml.attribute("id", "word_" + p + "_" + std::to_string(++word_number));
            xml.attribute("title", bbox(word.box) + "; x_wconf " +
                                       std::to_string(static_cast<int>(std::lround(std::clamp(word.confidence, 0.0f, 1.0f) * 100))));
            // Character boxes only when there is one per code point, so the text stays the word.
            std::string glyph_text;
            for (const Glyph& g : word.glyphs) glyph_text += g.text;
            if (!word.glyphs.empty() && glyph_text == word.text) {
              for (const Glyph& g : word.glyphs) {
                xml.start("span");
                xml.attribute("class", "ocrx_cinfo");
                xml.attribute("title", "x_bboxes " + bbox(g.box).substr(5) + "; x_conf " +
                                           format_decimal(std::clamp(g.confidence, 0.0f, 1.0f) * 100, 1));
                xml.text(g.text);
                xml.end();
              }
            } else {
              xml.text(word.text);
            }
            xml.end();  // ocrx_word
          }
          xml.end();  // ocr_line
          xml.text("\n");
        }
        xml.end();  // ocr_par
        xml.text("\n");
      }
      xml.end();  // ocr_carea
      xml.text("\n");
    }
    xml.end();  // ocr_page
    xml.text("\n");
  }
  xml.end();  // body
  xml.text("\n");
  xml.end();  // html
  std::string bytes = xml.finish();
  return WriteResult{std::move(bytes), {}};
}

}  // namespace platen
