#include "output/page_xml_writer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/errors.h"
#include "output/sample_document.h"

namespace platen {
namespace {

using namespace platen::test;

Box box_of_points(const std::string& points) {
  std::istringstream in(points);
  std::string pair;
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  while (in >> pair) {
    const int x = std::stoi(pair.substr(0, pair.find(','))), y = std::stoi(pair.substr(pair.find(',') + 1));
    x0 = std::min(x0, x);
    y0 = std::min(y0, y);
    x1 = std::max(x1, x);
    y1 = std::max(y1, y);
  }
  return Box{x0, y0, x1 - x0, y1 - y0};
}

TEST(PageXmlWriter, ValidatesAgainstPage2019IncludingAFailedPage) {
  const std::string dir = schemas_dir();
  PLATEN_REQUIRE_TOOL(!dir.empty(), "../shared/schemas/pagecontent-2019-07-15.xsd");
  const Document document = sample_document();
  for (std::size_t i = 0; i < document.pages.size(); ++i) {
    XmlDocPtr doc = parse_xml(PageXmlWriter().write_page(document, i).bytes);
    ASSERT_TRUE(doc);
    EXPECT_EQ(schema_errors(doc.get(), dir + "/pagecontent-2019-07-15.xsd"), "") << "page " << i + 1;
  }
}

TEST(PageXmlWriter, RoundTripsWordsGlyphsAndBoxes) {
  const Document document = sample_document(false);
  XmlDocPtr doc = parse_xml(PageXmlWriter().write(document).bytes);
  ASSERT_TRUE(doc);
  EXPECT_EQ(content(nodes(doc.get(), "//p:Metadata/p:Creator")[0]), std::string("Platen ") + PLATEN_VERSION);
  xmlNode* page = nodes(doc.get(), "//p:Page")[0];
  EXPECT_EQ(attr(page, "imageFilename"), "letter.jpg");
  EXPECT_EQ(attr(page, "imageWidth"), "1240");
  EXPECT_EQ(nodes(doc.get(), "//p:ReadingOrder//p:RegionRefIndexed").size(), 2u);
  EXPECT_EQ(attr(nodes(doc.get(), "//p:TextRegion")[0], "primaryLanguage"), "Czech");

  std::string text;
  for (xmlNode* line : nodes(doc.get(), "//p:TextLine"))
    text += content(nodes(doc.get(), "p:TextEquiv/p:Unicode", line)[0]) + "\n";
  EXPECT_EQ(text, document.pages[0].text);
  const auto words = all_words(document.pages[0]);
  const auto word_nodes = nodes(doc.get(), "//p:Word");
  ASSERT_EQ(word_nodes.size(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(content(nodes(doc.get(), "p:TextEquiv/p:Unicode", word_nodes[i])[0]), words[i].text);
    EXPECT_EQ(box_of_points(attr(nodes(doc.get(), "p:Coords", word_nodes[i])[0], "points")), words[i].box);
  }
  // Glyphs of the first word: one per character.
  EXPECT_EQ(nodes(doc.get(), "p:Glyph", word_nodes[0]).size(), 6u);  // "Příliš"
  EXPECT_EQ(content(nodes(doc.get(), "p:Glyph[2]/p:TextEquiv/p:Unicode", word_nodes[0])[0]), "ř");
}

TEST(PageXmlWriter, FailedPageIsAnEmptyPageWithTheErrorInAComment) {
  const Document document = sample_document();
  XmlDocPtr doc = parse_xml(PageXmlWriter().write_page(document, 1).bytes);
  ASSERT_TRUE(doc);
  const auto pages = nodes(doc.get(), "//p:Page");
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(attr(pages[0], "imageFilename"), "letter.jpg");
  EXPECT_TRUE(nodes(doc.get(), "*", pages[0]).empty());
  const auto comments = nodes(doc.get(), "comment()", pages[0]);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(content(comments[0]).find("page 2: the image data is truncated"), std::string::npos);
  EXPECT_NE(content(nodes(doc.get(), "//p:Metadata/p:Comments")[0]).find("page 2 of 2"), std::string::npos);
}

TEST(PageXmlWriter, LanguagesBaselinesAndConfidences) {
  const Document document = sample_document(false);
  XmlDocPtr doc = parse_xml(PageXmlWriter().write(document).bytes);
  ASSERT_TRUE(doc);
  const auto regions = nodes(doc.get(), "//p:TextRegion");
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(attr(regions[1], "primaryLanguage"), "English");
  const auto lines = nodes(doc.get(), "//p:TextLine");
  EXPECT_EQ(attr(lines[1], "primaryLanguage"), "Russian");  // differs from its region's
  EXPECT_EQ(attr(lines[0], "primaryLanguage"), "");          // as its region's
  EXPECT_EQ(attr(nodes(doc.get(), "p:Baseline", lines[0])[0], "points"), "152,136 1048,136");
  EXPECT_EQ(attr(nodes(doc.get(), "p:TextEquiv", lines[0])[0], "conf"), "0.9");
  // The regions' text is their lines', in reading order.
  EXPECT_EQ(content(nodes(doc.get(), "p:TextEquiv/p:Unicode", regions[1])[0]),
            "Tab. 1 2.50 <x>\na line that ends in a hyph-");
}

TEST(PageXmlWriter, RefusesSeveralPagesInOneFile) {
  EXPECT_THROW(PageXmlWriter().write(sample_document(true)), Error);
}

}  // namespace
}  // namespace platen
