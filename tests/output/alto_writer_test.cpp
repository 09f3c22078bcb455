#include "output/alto_writer.h"

#include <gtest/gtest.h>

#include "output/sample_document.h"

namespace platen {
namespace {

using namespace platen::test;

TEST(AltoWriter, ValidatesAgainstAlto44) {
  const std::string dir = schemas_dir();
  PLATEN_REQUIRE_TOOL(!dir.empty(), "../shared/schemas/alto-4-4.xsd");
  const std::string bytes = AltoWriter().write(sample_document()).bytes;
  XmlDocPtr doc = parse_xml(bytes);
  ASSERT_TRUE(doc);
  EXPECT_EQ(schema_errors(doc.get(), dir + "/alto-4-4.xsd"), "");
}

TEST(AltoWriter, RoundTripsTextBoxesAndKeepsTheFailedPage) {
  const Document document = sample_document();
  XmlDocPtr doc = parse_xml(AltoWriter().write(document).bytes);
  ASSERT_TRUE(doc);
  EXPECT_EQ(content(nodes(doc.get(), "//a:MeasurementUnit")[0]), "pixel");
  EXPECT_EQ(content(nodes(doc.get(), "//a:sourceImageInformation/a:fileName")[0]), "letter.jpg");
  EXPECT_EQ(content(nodes(doc.get(), "//a:softwareName")[0]), "Platen");
  EXPECT_EQ(content(nodes(doc.get(), "//a:softwareVersion")[0]), PLATEN_VERSION);
  EXPECT_NE(content(nodes(doc.get(), "//a:processingStepSettings")[0]).find("sha256:0123abcd"), std::string::npos);
  EXPECT_EQ(content(nodes(doc.get(), "//a:processingDateTime")[0]), "2023-11-14T22:13:20Z");

  const auto pages = nodes(doc.get(), "//a:Page");
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(attr(pages[0], "WIDTH"), "1240");
  EXPECT_EQ(attr(pages[0], "PHYSICAL_IMG_NR"), "1");
  EXPECT_EQ(attr(pages[1], "ID"), "page_2");
  EXPECT_TRUE(nodes(doc.get(), "*", pages[1]).empty());  // failed: empty
  const auto comments = nodes(doc.get(), "comment()", pages[1]);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(content(comments[0]).find("truncated - - rescan"), std::string::npos);

  // Text: Strings joined by spaces, plus HYP, line by line, is the page text.
  std::string text;
  std::vector<Box> boxes;
  for (xmlNode* line : nodes(doc.get(), "//a:Page[1]//a:TextLine")) {
    std::string l;
    for (xmlNode* n : nodes(doc.get(), "a:String|a:HYP", line)) {
      const std::string name = reinterpret_cast<const char*>(n->name);
      if (name == "String") {
        l += (l.empty() ? "" : " ") + attr(n, "CONTENT");
        boxes.push_back(Box{std::stoi(attr(n, "HPOS")), std::stoi(attr(n, "VPOS")), std::stoi(attr(n, "WIDTH")),
                            std::stoi(attr(n, "HEIGHT"))});
        EXPECT_EQ(static_cast<int>(attr(n, "CC").size()), code_point_count(attr(n, "CONTENT")));
        const double wc = std::stod(attr(n, "WC"));
        EXPECT_GE(wc, 0.0);
        EXPECT_LE(wc, 1.0);
      } else {
        l += attr(n, "CONTENT");
      }
    }
    text += l + "\n";
  }
  EXPECT_EQ(text, document.pages[0].text);
  const auto words = all_words(document.pages[0]);
  ASSERT_EQ(boxes.size(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i) EXPECT_EQ(boxes[i], words[i].box) << words[i].text;
  EXPECT_EQ(nodes(doc.get(), "//a:HYP").size(), 1u);
  EXPECT_EQ(nodes(doc.get(), "//a:TextBlock").size(), 2u);
  EXPECT_EQ(attr(nodes(doc.get(), "//a:TextBlock")[0], "LANG"), "ces");
  EXPECT_EQ(attr(nodes(doc.get(), "//a:TextLine")[0], "BASELINE"), "152,136 1048,136");
}

TEST(AltoWriter, SpacesBetweenWordsHyphenAtTheLineEndCharacterConfidences) {
  const Document document = sample_document(false);
  XmlDocPtr doc = parse_xml(AltoWriter().write(document).bytes);
  ASSERT_TRUE(doc);
  const auto lines = nodes(doc.get(), "//a:TextLine");
  const auto text_lines = platen::text_lines(document.pages[0]);
  ASSERT_EQ(lines.size(), text_lines.size());
  for (std::size_t l = 0; l < lines.size(); ++l) {
    // String SP String … SP String [HYP]: one SP between consecutive words, none at the ends,
    // spanning the gap between their boxes.
    const auto children = nodes(doc.get(), "*", lines[l]);
    const Line& line = *text_lines[l];
    std::string pattern;
    for (xmlNode* n : children) pattern += reinterpret_cast<const char*>(n->name) + std::string(" ");
    std::string expected;
    for (std::size_t w = 0; w < line.words.size(); ++w) expected += w ? "SP String " : "String ";
    if (l + 1 == lines.size()) expected += "HYP ";
    EXPECT_EQ(pattern, expected) << line.text;
    for (std::size_t i = 1; i + 1 < children.size(); i += 2) {
      if (std::string(reinterpret_cast<const char*>(children[i]->name)) != "SP") continue;
      const Box& before = line.words[i / 2].box;
      const Box& after = line.words[i / 2 + 1].box;
      EXPECT_EQ(std::stoi(attr(children[i], "HPOS")), before.right());
      EXPECT_EQ(std::stoi(attr(children[i], "WIDTH")), after.x - before.right());
    }
  }
  // The line-end hyphen: the String holds the word part, HYP the hyphen.
  const auto last = nodes(doc.get(), "(//a:TextLine)[last()]/a:String[last()]");
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(attr(last[0], "CONTENT"), "hyph");
  EXPECT_EQ(attr(nodes(doc.get(), "//a:HYP")[0], "CONTENT"), "-");
  // A hyphen inside a line, or a lone dash at the end, is no hyphenation.
  Document dashes = sample_document(false);
  dashes.pages[0].lines = {grid_line("well-known words -", 0, 100)};
  dashes.pages[0].text = text_of(dashes.pages[0].lines);
  dashes.pages[0].blocks.clear();
  XmlDocPtr d = parse_xml(AltoWriter().write(dashes).bytes);
  ASSERT_TRUE(d);
  EXPECT_TRUE(nodes(d.get(), "//a:HYP").empty());
  EXPECT_EQ(attr(nodes(d.get(), "//a:String")[0], "CONTENT"), "well-known");

  // CC: one digit per character, 0 sure … 9 unsure, from the glyphs (line 1: 0.95 → 0) or
  // else the word (line 2: 0.8 → round(0.2 · 9) = 2); WC is the word's confidence.
  const auto strings = nodes(doc.get(), "//a:String");
  EXPECT_EQ(attr(strings[0], "CC"), "000000");
  EXPECT_EQ(attr(strings[6], "CONTENT"), "Съешь");
  EXPECT_EQ(attr(strings[6], "CC"), "22222");
  EXPECT_EQ(attr(strings[6], "WC"), "0.8");
  Document unsure = sample_document(false);
  Word& first = unsure.pages[0].lines[0].words[0];
  for (std::size_t i = 0; i < first.glyphs.size(); ++i) first.glyphs[i].confidence = 1.0f - 0.2f * static_cast<float>(i);
  XmlDocPtr u = parse_xml(AltoWriter().write(unsure).bytes);
  ASSERT_TRUE(u);
  EXPECT_EQ(attr(nodes(u.get(), "//a:String")[0], "CC"), "024579");  // 9(1 − c) = 0, 1.8, 3.6, 5.4, 7.2, 9 (c clamped at 0)
}

TEST(AltoWriter, SameDocumentGivesTheSameBytes) {
  EXPECT_EQ(AltoWriter().write(sample_document()).bytes, AltoWriter().write(sample_document()).bytes);
}

}  // namespace
}  // namespace platen
