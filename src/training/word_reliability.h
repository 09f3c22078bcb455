#pragma once
// How well word confidences tell right words from wrong ones: which decoded words are right
// (exactly their ground-truth word after NFC, words aligned by edit distance over words), and
// a reliability table in deciles with the expected calibration error (Naeini, Cooper &
// Hauskrecht 2015; Guo et al. 2017, "On calibration of modern neural networks").

#include <string>
#include <utility>
#include <vector>

namespace platen {

/// For each word of `decoded` (runs of non-space characters, after NFC), whether it is right:
/// paired with an equal word of `truth` in a minimum-edit alignment of the two word sequences
/// (substitution, insertion and deletion of a word cost 1, a match 0).
std::vector<bool> decoded_words_right(const std::string& decoded, const std::string& truth);

/// One decile of confidence, [lower, lower + 0.1) (the last one includes 1).
struct ReliabilityBin {
  double lower = 0;
  long count = 0;
  double mean_confidence = 0;  ///< of its words (0 when empty)
  double accuracy = 0;         ///< share of its words that are right (0 when empty)
};

/// Ten bins and the expected calibration error Σ (count/N)·|accuracy − confidence|.
struct ReliabilityTable {
  std::vector<ReliabilityBin> bins;
  long words = 0;
  double ece = 0;
  double accuracy = 0;         ///< of all words
  double mean_confidence = 0;  ///< of all words
};

/// The table of (confidence, right) samples; confidences are clamped to [0,1].
ReliabilityTable reliability_table(const std::vector<std::pair<float, bool>>& samples);

/// The table as text: one row per decile (range, words, mean confidence, accuracy), then the
/// totals and the ECE.
std::string format_reliability_table(const ReliabilityTable& table);

}  // namespace platen
