#pragma once
// A hand-built document for the writer tests: a fixed-pitch typewritten page (25 px pitch at
// 300 ppi) with Latin diacritics, Cyrillic and a line-end hyphen, the words' boxes on the pitch
// grid, glyph boxes on the first line, a failed second page, and helpers to parse XML back.

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/text.h"
#include "output/document.h"
#include "test_paths.h"

namespace platen::test {

constexpr int kPitch = 25;
constexpr int kLeft = 150;

/// A line typed as `text` (spaces are columns) from column `indent`, top y: words boxed on
/// the pitch grid; its text has the words joined by single spaces.
inline Line grid_line(const std::string& text, int indent, int y, bool glyphs = false) {
  Line line;
  line.text = text;
  line.language = "";
  line.confidence = 0.9f;
  line.x_height = 20;
  int column = indent;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++column;
      ++i;
      continue;
    }
    std::size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    Word word;
    word.text = text.substr(i, end - i);
    const int n = code_point_count(word.text);
    word.box = Box{kLeft + column * kPitch + 2, y + 4, n * kPitch - 4, 36};
    word.confidence = 0.8f + 0.01f * static_cast<float>(line.words.size());
    if (glyphs) {
      int c = 0;
      for (char32_t cp : utf8_to_utf32(word.text)) {
        Glyph g;
        g.text = utf32_to_utf8(std::u32string(1, cp));
        g.box = Box{word.box.x + c * kPitch, word.box.y, kPitch - 4, word.box.height};
        g.confidence = 0.95f;
        word.glyphs.push_back(g);
        ++c;
      }
    }
    column += n;
    line.words.push_back(word);
    i = end;
  }
  line.text.clear();  // words joined by single spaces, as the pipeline gives them
  for (const Word& w : line.words) line.text += (line.text.empty() ? "" : " ") + w.text;
  for (const Word& w : line.words) line.box = union_box(line.box, w.box);
  line.box = Box{line.box.x, y, line.box.width, 48};
  line.polygon = {{line.box.x, line.box.y}, {line.box.right(), line.box.y},
                  {line.box.right(), line.box.bottom()}, {line.box.x, line.box.bottom()}};
  line.baseline = {{line.box.x, y + 36}, {line.box.right(), y + 36}};
  return line;
}

/// The page's text from its lines (each followed by '\n').
inline std::string text_of(const std::vector<Line>& lines) {
  std::string text;
  for (const Line& l : lines)
    if (!l.text.empty()) text += l.text + "\n";
  return text;
}

/// The sample page: 1240 × 900 px at 300 ppi.
inline PageResult sample_page() {
  PageResult page;
  page.source = "scans/letter.jpg";
  page.ok = true;
  page.width = 1240;
  page.height = 900;
  page.resolution = 300;
  page.resolution_from_file = true;
  page.page_index = 0;
  page.page_count = 1;
  page.confidence = 0.9f;
  page.lines.push_back(grid_line("Příliš žluťoučký kůň, Ærø & «Straße»", 0, 100, true));
  page.lines.push_back(grid_line("Съешь же ещё этих мягких булок", 0, 170));
  page.lines.push_back(grid_line("", 0, 240));  // an empty line: in no format
  page.lines.push_back(grid_line("Tab.  1      2.50   <x>", 4, 310));
  page.lines.push_back(grid_line("a line that ends in a hyph-", 0, 380));
  page.lines[0].language = "ces";
  page.lines[1].language = "rus";
  page.text = text_of(page.lines);
  TextBlock block;
  for (int i = 0; i < 2; ++i) block.box = union_box(block.box, page.lines[static_cast<std::size_t>(i)].box);
  block.polygon = {{block.box.x, block.box.y}, {block.box.right(), block.box.y},
                   {block.box.right(), block.box.bottom()}, {block.box.x, block.box.bottom()}};
  block.first_line = 0;
  block.line_count = 2;
  block.language = "ces";
  block.paragraphs = {Paragraph{block.box, 0, 1}, Paragraph{page.lines[1].box, 1, 1}};
  TextBlock second = block;
  second.box = Box{};
  for (int i = 2; i < 5; ++i) second.box = union_box(second.box, page.lines[static_cast<std::size_t>(i)].box);
  second.polygon = {{second.box.x, second.box.y}, {second.box.right(), second.box.y},
                    {second.box.right(), second.box.bottom()}, {second.box.x, second.box.bottom()}};
  second.first_line = 2;
  second.line_count = 3;
  second.language = "eng";
  second.paragraphs = {Paragraph{second.box, 2, 3}};
  page.blocks = {block, second};
  return page;
}

/// A grey image of the page with the word boxes inked, as raw 8-bit rows.
inline std::shared_ptr<PageImage> sample_image(const PageResult& page) {
  auto image = std::make_shared<PageImage>();
  image->encoding = PageImage::Encoding::raw;
  image->width = page.width;
  image->height = page.height;
  image->components = 1;
  image->bits_per_component = 8;
  image->data.assign(static_cast<std::size_t>(page.width) * page.height, 255);
  for (const Line& line : page.lines)
    for (const Word& w : line.words)
      for (int y = w.box.y + 8; y < w.box.bottom() - 8; ++y)
        for (int x = w.box.x; x < w.box.right(); x += 2) image->data[static_cast<std::size_t>(y) * page.width + x] = 0;
  return image;
}

/// The sample document: the sample page, then (with `failed_page`) a page that failed.
inline Document sample_document(bool failed_page = true) {
  Document doc;
  doc.source = "scans/letter.jpg";
  doc.processing.model_name = "platen.platen";
  doc.processing.model_checksum = "sha256:0123abcd";
  doc.processing.text_options = {{"lang", "ces+rus"}};
  doc.processing.timestamp = 1700000000;
  doc.pages.push_back(sample_page());
  doc.pages[0].image = sample_image(doc.pages[0]);
  if (failed_page) {
    doc.pages[0].page_count = 2;
    PageResult failed;
    failed.source = doc.source;
    failed.page_index = 1;
    failed.page_count = 2;
    failed.ok = false;
    failed.error = "'scans/letter.jpg': page 2: the image data is truncated -- rescan it";
    doc.pages.push_back(failed);
  }
  return doc;
}

/// The schemas folder beside the checkout (../shared/schemas), "" when absent.
inline std::string schemas_dir() {
  const std::string dataset = typewritten_dataset_dir();
  if (dataset.empty()) return "";
  const auto dir = std::filesystem::path(dataset).parent_path().parent_path() / "schemas";
  return std::filesystem::exists(dir) ? dir.string() : "";
}

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;

/// Parses `bytes` without network or DTD loading; null when not well-formed.
inline XmlDocPtr parse_xml(const std::string& bytes) {
  return XmlDocPtr(xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), "out.xml", "UTF-8", XML_PARSE_NONET));
}

/// "" when `doc` is valid against the schema file `xsd`, else libxml2's first complaint.
inline std::string schema_errors(xmlDoc* doc, const std::string& xsd) {
  std::string errors;
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd.c_str());
  xmlSchemaPtr schema = xmlSchemaParse(parser);
  xmlSchemaFreeParserCtxt(parser);
  if (!schema) return "cannot parse " + xsd;
  xmlSchemaValidCtxtPtr valid = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidStructuredErrors(valid, [](void* ctx, xmlErrorPtr error) {
    auto* out = static_cast<std::string*>(ctx);
    if (out->size() < 2000) *out += "line " + std::to_string(error->line) + ": " + (error->message ? error->message : "") ;
  }, &errors);
  const int rc = xmlSchemaValidateDoc(valid, doc);
  xmlSchemaFreeValidCtxt(valid);
  xmlSchemaFree(schema);
  if (rc != 0 && errors.empty()) errors = "invalid (code " + std::to_string(rc) + ")";
  return errors;
}

/// Nodes matching `xpath` (prefixes a: ALTO, p: PAGE, h: XHTML).
inline std::vector<xmlNode*> nodes(xmlDoc* doc, const std::string& xpath, xmlNode* context = nullptr) {
  std::vector<xmlNode*> out;
  xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
  xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.loc.gov/standards/alto/ns-v4#");
  xmlXPathRegisterNs(ctx, BAD_CAST "p", BAD_CAST "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15");
  xmlXPathRegisterNs(ctx, BAD_CAST "h", BAD_CAST "http://www.w3.org/1999/xhtml");
  if (context) ctx->node = context;
  xmlXPathObjectPtr result = xmlXPathEvalExpression(BAD_CAST xpath.c_str(), ctx);
  if (result && result->nodesetval)
    for (int i = 0; i < result->nodesetval->nodeNr; ++i) out.push_back(result->nodesetval->nodeTab[i]);
  xmlXPathFreeObject(result);
  xmlXPathFreeContext(ctx);
  return out;
}

inline std::string attr(xmlNode* node, const char* name) {
  xmlChar* v = xmlGetProp(node, BAD_CAST name);
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

inline std::string content(xmlNode* node) {
  xmlChar* v = xmlNodeGetContent(node);
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

/// Every word of the page with text, in order.
inline std::vector<Word> all_words(const PageResult& page) {
  std::vector<Word> words;
  for (const Line& l : page.lines)
    for (const Word& w : l.words) words.push_back(w);
  return words;
}

}  // namespace platen::test
