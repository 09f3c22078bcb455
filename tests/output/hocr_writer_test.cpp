#include "output/hocr_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "output/sample_document.h"

namespace platen {
namespace {

using namespace platen::test;

TEST(HocrWriter, WellFormedXhtmlWithOneSystemAndCapabilitiesMeta) {
  const std::string bytes = HocrWriter().write(sample_document()).bytes;
  XmlDocPtr doc = parse_xml(bytes);
  ASSERT_TRUE(doc) << "not well-formed";
  EXPECT_EQ(nodes(doc.get(), "//h:meta[@name='ocr-system']").size(), 1u);
  EXPECT_EQ(nodes(doc.get(), "//h:meta[@name='ocr-capabilities']").size(), 1u);
  EXPECT_EQ(attr(nodes(doc.get(), "//h:meta[@name='ocr-system']")[0], "content"), std::string("Platen ") + PLATEN_VERSION);
  const auto pages = nodes(doc.get(), "//h:div[@class='ocr_page']");
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(attr(pages[0], "title"), "image \"letter.jpg\"; bbox 0 0 1240 900; ppageno 0; scan_res 300 300");
  EXPECT_TRUE(nodes(doc.get(), "*", pages[1]).empty());
  EXPECT_EQ(nodes(doc.get(), "comment()", pages[1]).size(), 1u);
}

TEST(HocrWriter, RoundTripsLinesWordsAndBoxes) {
  const Document document = sample_document();
  XmlDocPtr doc = parse_xml(HocrWriter().write(document).bytes);
  ASSERT_TRUE(doc);
  std::string text;
  for (xmlNode* line : nodes(doc.get(), "//h:span[@class='ocr_line']")) text += content(line) + "\n";
  EXPECT_EQ(text, document.pages[0].text);
  const auto words = all_words(document.pages[0]);
  const auto word_nodes = nodes(doc.get(), "//h:span[@class='ocrx_word']");
  ASSERT_EQ(word_nodes.size(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(content(word_nodes[i]), words[i].text);
    std::istringstream title(attr(word_nodes[i], "title"));
    std::string key, semicolon, conf_key;
    Box b;
    int x1 = 0, y1 = 0, conf = -1;
    title >> key >> b.x >> b.y >> x1 >> y1 >> semicolon >> conf_key >> conf;  // "bbox x0 y0 x1 y1; x_wconf N"
    b.width = x1 - b.x;
    b.height = y1 - b.y;
    EXPECT_EQ(key, "bbox");
    EXPECT_EQ(conf_key, "x_wconf");
    EXPECT_EQ(b, words[i].box);
    EXPECT_EQ(conf, static_cast<int>(std::lround(words[i].confidence * 100)));
  }
  EXPECT_EQ(nodes(doc.get(), "//h:span[@class='ocrx_cinfo']").size(), 31u);  // line 1 without spaces
  EXPECT_EQ(attr(nodes(doc.get(), "//h:div[@class='ocr_carea']")[0], "lang"), "ces");
  EXPECT_EQ(attr(nodes(doc.get(), "//h:span[@class='ocr_line']")[1], "lang"), "rus");
  EXPECT_EQ(attr(nodes(doc.get(), "//h:span[@class='ocr_line']")[0], "title"),
            "bbox 152 100 1048 148; baseline 0 -12; x_size 20");
}

}  // namespace
}  // namespace platen
