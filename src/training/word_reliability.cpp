#include "training/word_reliability.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/text.h"

namespace platen {

namespace {
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : to_nfc(text)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}
}  // namespace

std::vector<bool> decoded_words_right(const std::string& decoded, const std::string& truth) {
  const std::vector<std::string> d = words_of(decoded), t = words_of(truth);
  const std::size_t n = d.size(), m = t.size();
  // cost[i][j]: edits between d[0, i) and t[0, j).
  std::vector<std::vector<int>> cost(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) cost[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) cost[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j)
      cost[i][j] = std::min({cost[i - 1][j - 1] + (d[i - 1] == t[j - 1] ? 0 : 1), cost[i - 1][j] + 1, cost[i][j - 1] + 1});
  std::vector<bool> right(n, false);
  for (std::size_t i = n, j = m; i > 0;) {
    if (j > 0 && cost[i][j] == cost[i - 1][j - 1] + (d[i - 1] == t[j - 1] ? 0 : 1)) {
      right[i - 1] = d[i - 1] == t[j - 1];
      --i, --j;
    } else if (cost[i][j] == cost[i - 1][j] + 1) {
      --i;
    } else {
      --j;
    }
  }
  return right;
}

ReliabilityTable reliability_table(const std::vector<std::pair<float, bool>>& samples) {
  ReliabilityTable table;
  table.bins.resize(10);
  std::vector<double> right(10, 0), confidence(10, 0);
  for (int b = 0; b < 10; ++b) table.bins[b].lower = b / 10.0;
  for (const auto& [c, ok] : samples) {
    const double v = std::clamp(static_cast<double>(c), 0.0, 1.0);
    const int b = std::min(9, static_cast<int>(v * 10));
    ++table.bins[b].count;
    confidence[b] += v;
    right[b] += ok;
    table.accuracy += ok;
    table.mean_confidence += v;
  }
  table.words = static_cast<long>(samples.size());
  if (table.words == 0) return table;
  for (int b = 0; b < 10; ++b) {
    ReliabilityBin& bin = table.bins[b];
    if (bin.count == 0) continue;
    bin.mean_confidence = confidence[b] / bin.count;
    bin.accuracy = right[b] / bin.count;
    table.ece += static_cast<double>(bin.count) / table.words * std::abs(bin.accuracy - bin.mean_confidence);
  }
  table.accuracy /= table.words;
  table.mean_confidence /= table.words;
  return table;
}

std::string format_reliability_table(const ReliabilityTable& table) {
  std::string out = "confidence    words  mean conf  accuracy\n";
  char buf[128];
  for (const ReliabilityBin& b : table.bins) {
    std::snprintf(buf, sizeof buf, "%.1f–%.1f  %9ld  %9.3f  %8.3f\n", b.lower, b.lower + 0.1, b.count,
                  b.mean_confidence, b.accuracy);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "all      %9ld  %9.3f  %8.3f\nECE %.4f\n", table.words, table.mean_confidence,
                table.accuracy, table.ece);
  out += buf;
  return out;
}

}  // namespace platen
