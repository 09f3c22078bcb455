#include "output/alto_writer.h"

#include <algorithm>
#include <cmath>

#include "output/xml_writer.h"

namespace platen {

std::string points_attribute(const Polygon& points) {
  std::string out;
  for (const Point& p : points) {
    if (!out.empty()) out += ' ';
    out += std::to_string(p.x) + "," + std::to_string(p.y);
  }
  return out;
}

namespace {

void box_attributes(XmlWriter& xml, const Box& box) {
  xml.attribute("HPOS", box.x);
  xml.attribute("VPOS", box.y);
  xml.attribute("WIDTH", box.width);
  xml.attribute("HEIGHT", box.height);
}

/// One digit per character: 0 sure … 9 unsure, from the glyph posteriors (the word's
/// confidence for every character when there are no glyphs).
std::string character_confidences(const Word& word, const std::string& content) {
  const int n = code_point_count(content);
  std::string cc;
  for (int i = 0; i < n; ++i) {
    const float c = static_cast<std::size_t>(i) < word.glyphs.size() ? word.glyphs[static_cast<std::size_t>(i)].confidence : word.confidence;
    cc += static_cast<char>('0' + std::clamp(static_cast<int>(std::lround((1.0f - std::clamp(c, 0.0f, 1.0f)) * 9.0f)), 0, 9));
  }
  return cc;
}

}  // namespace

WriteResult AltoWriter::write(const Document& document) const {
  XmlWriter xml;
  xml.start("alto");
  xml.attribute("xmlns", "http://www.loc.gov/standards/alto/ns-v4#");
  xml.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
  xml.attribute("xsi:schemaLocation",
                "http://www.loc.gov/standards/alto/ns-v4# http://www.loc.gov/alto/v4/alto-4-4.xsd");
  xml.start("Description");
  xml.element("MeasurementUnit", "pixel");
  xml.start("sourceImageInformation");
  xml.element("fileName", source_file_name(document.source));
  xml.end();
  xml.start("OCRProcessing");
  xml.attribute("ID", "OCR_0");
  xml.start("ocrProcessingStep");
  xml.element("processingDateTime", iso8601_utc(document.processing.timestamp));
  xml.element("processingStepDescription", "text recognition");
  std::string settings = "model=" + document.processing.model_name;
  if (!document.processing.model_checksum.empty()) settings += " checksum=" + document.processing.model_checksum;
  const std::string options = describe_text_options(document.processing);
  if (!options.empty()) settings += " " + options;
  xml.element("processingStepSettings", settings);
  xml.start("processingSoftware");
  xml.element("softwareCreator", "Platen developers");
  xml.element("softwareName", "Platen");
  xml.element("softwareVersion", document.processing.software_version);
  xml.end();
  xml.end();  // ocrProcessingStep
  xml.end();  // OCRProcessing
  xml.end();  // Description

  xml.start("Layout");
  for (const PageResult& page : document.pages) {
    const std::string p = std::to_string(page.page_index + 1);
    xml.start("Page");
    xml.attribute("ID", "page_" + p);
    xml.attribute("PHYSICAL_IMG_NR", page.page_index + 1);
    if (page.width > 0) {
      xml.attribute("WIDTH", page.width);
      xml.attribute("HEIGHT", page.height);
    }
    if (!page.ok) {
      xml.comment("page failed: " + page.error);
      xml.end();
      continue;
    }
    xml.start("PrintSpace");
    box_attributes(xml, Box{0, 0, page.width, page.height});
    int block_number = 0, line_number = 0, word_number = 0;
    for (const TextBlock& block : blocks_of(page)) {
      std::vector<const Line*> lines;
      for (int i = block.first_line; i < block.first_line + block.line_count; ++i)
        if (!page.lines[static_cast<std::size_t>(i)].text.empty()) lines.push_back(&page.lines[static_cast<std::size_t>(i)]);
      if (lines.empty()) continue;
      xml.start("TextBlock");
      xml.attribute("ID", "p" + p + "_b" + std::to_string(++block_number));
      box_attributes(xml, block.box);
      if (!block.language.empty()) xml.attribute("LANG", block.language);
      for (const Line* line : lines) {
        xml.start("TextLine");
        xml.attribute("ID", "p" + p + "_l" + std::to_string(++line_number));
        box_attributes(xml, line->box);
        if (line->baseline.size() >= 2) xml.attribute("BASELINE", points_attribute(line->baseline));
        if (!line->language.empty() && line->language != block.language) xml.attribute("LANG", line->language);
        const std::vector<Word> words = words_of(*line);
        for (std::size_t w = 0; w < words.size(); ++w) {
          const Word& word = words[w];
          const bool last = w + 1 == words.size();
          // A line-end hyphen after letters becomes HYP; the String keeps the word part.
          const bool hyphen = last && word.text.size() > 1 && word.text.back() == '-';
          const std::string content = hyphen ? word.text.substr(0, word.text.size() - 1) : word.text;
          if (w > 0) {
            xml.start("SP");
            const Box& prev = words[w - 1].box;
            const int gap = std::max(0, word.box.x - prev.right());
            xml.attribute("WIDTH", gap);
            xml.attribute("HPOS", prev.right());
            xml.attribute("VPOS", line->box.y);
            xml.end();
          }
          xml.start("String");
          xml.attribute("ID", "p" + p + "_w" + std::to_string(++word_number));
          xml.attribute("CONTENT", content);
          box_attributes(xml, word.box);
          xml.attribute("WC", format_decimal(std::clamp(word.confidence, 0.0f, 1.0f), 4));
          xml.attribute("CC", character_confidences(word, content));
          xml.end();
          if (hyphen) {
            xml.start("HYP");
            xml.attribute("CONTENT", "-");
            xml.end();
          }
        }
        xml.end();  // TextLine
      }
      xml.end();  // TextBlock
    }
    xml.end();  // PrintSpace
    xml.end();  // Page
  }
  xml.end();  // Layout
  xml.end();  // alto
  return WriteResult{xml.finish(), {}};
}

}  // namespace platen
