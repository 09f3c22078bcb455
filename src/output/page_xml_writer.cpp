#include "output/page_xml_writer.h"

#include <algorithm>
#include <map>

#include "core/errors.h"
#include "output/alto_writer.h"
#include "output/xml_writer.h"

namespace platen {

std::string page_language_name(const std::string& code) {
  static const std::map<std::string, std::string> names = {
      {"eng", "English"}, {"deu", "German"},    {"fra", "French"},    {"ces", "Czech"},
      {"slk", "Slovak"},  {"dan", "Danish"},    {"pol", "Polish"},    {"hun", "Hungarian"},
      {"rus", "Russian"}, {"ukr", "Ukrainian"}, {"bel", "Belarusian"}, {"bul", "Bulgarian"}};
  auto it = names.find(code);
  return it == names.end() ? "" : it->second;
}

namespace {

Polygon rectangle(const Box& b) {
  return {{b.x, b.y}, {b.right(), b.y}, {b.right(), b.bottom()}, {b.x, b.bottom()}};
}

/// PAGE points are non-negative.
Polygon clipped(Polygon polygon) {
  for (Point& p : polygon) {
    p.x = std::max(0, p.x);
    p.y = std::max(0, p.y);
  }
  return polygon;
}

void coords(XmlWriter& xml, const Polygon& polygon) {
  xml.start("Coords");
  xml.attribute("points", points_attribute(clipped(polygon)));
  xml.end();
}

void text_equiv(XmlWriter& xml, const std::string& text, const float* confidence) {
  xml.start("TextEquiv");
  if (confidence) xml.attribute("conf", format_decimal(std::clamp(*confidence, 0.0f, 1.0f), 4));
  xml.element("Unicode", text);
  xml.end();
}

}  // namespace

WriteResult PageXmlWriter::write(const Document& document) const {
  if (document.pages.size() != 1)
    throw Error("PAGE XML holds one page per file: '" + document.source + "' has " +
                std::to_string(document.pages.size()) + " pages (write them one per file)");
  return write_page(document, 0);
}

WriteResult PageXmlWriter::write_page(const Document& document, std::size_t index) const {
  const PageResult& page = document.pages.at(index);
  XmlWriter xml;
  xml.start("PcGts");
  xml.attribute("xmlns", "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15");
  xml.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
  xml.attribute("xsi:schemaLocation",
                "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15 "
                "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15/pagecontent.xsd");
  xml.attribute("pcGtsId", "pc_" + std::to_string(page.page_index + 1));
  xml.start("Metadata");
  xml.element("Creator", "Platen " + document.processing.software_version);
  const std::string when = iso8601_utc(document.processing.timestamp);
  xml.element("Created", when);
  xml.element("LastChange", when);
  std::string comments = "model " + document.processing.model_name;
  if (!document.processing.model_checksum.empty()) comments += " " + document.processing.model_checksum;
  const std::string options = describe_text_options(document.processing);
  if (!options.empty()) comments += "; options " + options;
  comments += "; page " + std::to_string(page.page_index + 1) + " of " + std::to_string(page.page_count);
  xml.element("Comments", comments);
  xml.end();

  xml.start("Page");
  xml.attribute("imageFilename", source_file_name(document.source));
  xml.attribute("imageWidth", page.width);
  xml.attribute("imageHeight", page.height);
  if (!page.ok) {
    xml.comment("page failed: " + page.error);
    xml.end();
    xml.end();
    return WriteResult{xml.finish(), {}};
  }

  // Regions with text, in reading order.
  struct Region {
    const TextBlock* block;
    std::vector<const Line*> lines;
  };
  const std::vector<TextBlock> blocks = blocks_of(page);
  std::vector<Region> regions;
  for (const TextBlock& block : blocks) {
    Region region{&block, {}};
    for (int i = block.first_line; i < block.first_line + block.line_count; ++i)
      if (!page.lines[static_cast<std::size_t>(i)].text.empty()) region.lines.push_back(&page.lines[static_cast<std::size_t>(i)]);
    if (!region.lines.empty()) regions.push_back(std::move(region));
  }
  if (!regions.empty()) {
    xml.start("ReadingOrder");
    xml.start("OrderedGroup");
    xml.attribute("id", "ro_1");
    for (std::size_t r = 0; r < regions.size(); ++r) {
      xml.start("RegionRefIndexed");
      xml.attribute("index", static_cast<int>(r));
      xml.attribute("regionRef", "r" + std::to_string(r + 1));
      xml.end();
    }
    xml.end();
    xml.end();
  }
  int line_number = 0, word_number = 0;
  for (std::size_t r = 0; r < regions.size(); ++r) {
    const Region& region = regions[r];
    xml.start("TextRegion");
    xml.attribute("id", "r" + std::to_string(r + 1));
    xml.attribute("type", "paragraph");
    const std::string language = page_language_name(region.block->language);
    if (!language.empty()) xml.attribute("primaryLanguage", language);
    coords(xml, region.block->polygon.size() >= 3 ? region.block->polygon : rectangle(region.block->box));
    std::string region_text;
    for (const Line* line : region.lines) {
      const std::string l = "l" + std::to_string(++line_number);
      xml.start("TextLine");
      xml.attribute("id", l);
      const std::string line_language = page_language_name(line->language);
      if (!line_language.empty() && line_language != language) xml.attribute("primaryLanguage", line_language);
      coords(xml, line->polygon.size() >= 3 ? line->polygon : rectangle(line->box));
      if (line->baseline.size() >= 2) {
        xml.start("Baseline");
        xml.attribute("points", points_attribute(clipped(line->baseline)));
        xml.end();
      }
      for (const Word& word : words_of(*line)) {
        const std::string w = "w" + std::to_string(++word_number);
        xml.start("Word");
        xml.attribute("id", w);
        coords(xml, rectangle(word.box));
        int glyph_number = 0;
        for (const Glyph& glyph : word.glyphs) {
          xml.start("Glyph");
          xml.attribute("id", w + "_g" + std::to_string(++glyph_number));
          coords(xml, rectangle(glyph.box));
          text_equiv(xml, glyph.text, &glyph.confidence);
          xml.end();
        }
        text_equiv(xml, word.text, &word.confidence);
        xml.end();
      }
      text_equiv(xml, line->text, &line->confidence);
      xml.end();
      if (!region_text.empty()) region_text += '\n';
      region_text += line->text;
    }
    text_equiv(xml, region_text, nullptr);
    xml.end();
  }
  xml.end();  // Page
  xml.end();  // PcGts
  return WriteResult{xml.finish(), {}};
}

}  // namespace platen
