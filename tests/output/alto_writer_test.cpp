#include "output/alto_writer.h"

#include <gtest/gtest.h>

#include "output/sample_document.h"

namespace platen {
namespace {

using namespace platen::test;

TEST(AltoWriter, ValidatesAgainstAlto44) {
  const std::string dir = schemas_dir();
  if (dir.empty()) GTEST_SKIP() << "../shared/schemas is absent: ALTO validation needs alto-4-4.xsd";
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

TEST(AltoWriter, SameDocumentGivesTheSameBytes) {
  EXPECT_EQ(AltoWriter().write(sample_document()).bytes, AltoWriter().write(sample_document()).bytes);
}

}  // namespace
}  // namespace platen
