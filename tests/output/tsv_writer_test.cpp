#include "output/tsv_writer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "output/sample_document.h"

namespace platen {
namespace {

using namespace platen::test;

std::vector<std::vector<std::string>> rows_of(const std::string& tsv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(tsv);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
      const std::size_t tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(fields);
  }
  return rows;
}

TEST(TsvWriter, TesseractColumnsAndLevels) {
  const Document document = sample_document();
  const auto rows = rows_of(TsvWriter().write(document).bytes);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"level", "page_num", "block_num", "par_num", "line_num", "word_num",
                                               "left", "top", "width", "height", "conf", "text"}));
  std::map<std::string, int> levels;
  std::string text, line_text;
  int last_line = -1;
  std::vector<Box> boxes;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 12u) << "row " << i;
    ++levels[rows[i][0]];
    if (rows[i][0] == "4") {
      if (last_line >= 0) text += line_text + "\n";
      line_text.clear();
      last_line = 1;
      EXPECT_EQ(rows[i][10], "-1");
    }
    if (rows[i][0] == "5") {
      EXPECT_EQ(rows[i][1], "1");
      line_text += (line_text.empty() ? "" : " ") + rows[i][11];
      boxes.push_back(Box{std::stoi(rows[i][6]), std::stoi(rows[i][7]), std::stoi(rows[i][8]), std::stoi(rows[i][9])});
      EXPECT_GT(std::stod(rows[i][10]), 79.0);
    }
  }
  text += line_text + "\n";
  EXPECT_EQ(levels["1"], 2);  // both pages, the failed one keeps its place
  EXPECT_EQ(levels["2"], 2);
  EXPECT_EQ(levels["3"], 3);
  EXPECT_EQ(levels["4"], 4);
  EXPECT_EQ(text, document.pages[0].text);
  const auto words = all_words(document.pages[0]);
  ASSERT_EQ(boxes.size(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i) EXPECT_EQ(boxes[i], words[i].box);
  EXPECT_EQ(rows.back(), (std::vector<std::string>{"1", "2", "0", "0", "0", "0", "0", "0", "0", "0", "-1", ""}));
}

}  // namespace
}  // namespace platen
