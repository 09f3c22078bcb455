#include "pipeline/upright_reading.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <utility>

#include "pipeline/orientation_check.h"

namespace platen {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A page prepared with `turns` clockwise quarter turns, and its lines.
struct Prepared {
  int turns = 0;
  PreparedPage page;
  std::vector<TextLine> lines;
};

Prepared prepared_at(const DecodedPage& page, int turns, const UprightOptions& options) {
  PrepareOptions o = options.prepare;
  o.quarter_turns = turns;
  Prepared p{turns, prepare_page(page, o), {}};
  p.lines = find_text_lines(p.page, options.layout);
  return p;
}

std::vector<const GreyImage*> crops_of(const std::vector<TextLine>& lines) {
  std::vector<const GreyImage*> images;
  images.reserve(lines.size());
  for (const TextLine& l : lines) images.push_back(&l.image);
  return images;
}

/// The recognizer's first look at a prepared page: the turns that make it upright (its own,
/// or 180° more) when the beginnings of its widest lines read clearly one way up, else −1.
/// Read as they stand, upright lines score at least kClearReadingConfidence, or failing that
/// at least kFairReadingConfidence and kQuickReadingMargin more than turned by 180°; lines
/// upside down or sideways never do (see orientation_check.h).
int quick_verdict(const Prepared& p, const Recognizer& recognizer) {
  const std::vector<const GreyImage*> crops = crops_of(p.lines);
  const int width = static_cast<int>(std::lround(kQuickReadingInches * p.page.dpi));
  const double as_is = quick_reading_confidence(crops, recognizer, width, false);
  if (as_is >= kClearReadingConfidence) return p.turns;
  const double flipped = quick_reading_confidence(crops, recognizer, width, true);
  if (flipped >= kClearReadingConfidence) return (p.turns + 2) % 4;
  if (as_is >= kFairReadingConfidence && as_is >= flipped + kQuickReadingMargin) return p.turns;
  if (flipped >= kFairReadingConfidence && flipped >= as_is + kQuickReadingMargin) return (p.turns + 2) % 4;
  return -1;
}

/// Settles by reading the orientation of a page whose detector found `detected_turns` with
/// `detected_confidence` (0 when undecided, or when a reading made it doubtful).
/// `looked_at` holds the page as prepared (turned that way, or left as found) and receives the
/// other preparations made here. First looks: that page, and for a doubtful quarter turn the
/// other reading (the page turned if it was left as found, or as found if it was turned);
/// each decides when it reads clearly one way up. Otherwise the full check: the pages looked at
/// are read as they are and turned by 180° (the detector's reading first), and whenever the
/// best of them does not read clearly well (kClearReadingConfidence), the page turned by a
/// quarter the other way too (two Cyrillic pages turned by 90°, which the detector took for
/// upside down, are read right only so; a sideways page read upside down at just over 0.8 was
/// never tried the other way while this stopped at a poor reading, below 0.8). The orientation
/// read with the highest confidence wins (a later reading must beat an earlier one by
/// kOrientationReadingMargin). Returns its clockwise quarter turns.
int settle_by_reading(const DecodedPage& page, std::vector<Prepared>& looked_at, int detected_turns,
                      double detected_confidence, const Recognizer& recognizer, const UprightOptions& options) {
  const bool doubtful_quarter_turn = detected_turns % 2 == 1 && detected_confidence < kSureOrientationConfidence;
  int verdict = quick_verdict(looked_at.back(), recognizer);
  if (verdict < 0 && doubtful_quarter_turn) {
    looked_at.push_back(prepared_at(page, looked_at[0].turns == 0 ? detected_turns : 0, options));
    verdict = quick_verdict(looked_at.back(), recognizer);
  }
  if (verdict >= 0) return verdict;
  // The full check.
  double best = -1;
  verdict = detected_turns;
  // Reads a page as it is and turned by 180°, keeping the better. The lines of the page
  // turned by 180° are found again on the page prepared that way: those of this page,
  // turned and in the opposite order, read worse (layout is not symmetric: commas above the
  // line, dots below; one rendered page turned by 180° read at 10.5 % CER instead of 6.0 %).
  auto consider = [&](const Prepared& p) {
    const std::vector<const GreyImage*> crops = crops_of(p.lines);
    const double as_is = reading_confidence(crops, recognizer, false);
    const double flipped = reading_confidence(crops, recognizer, true);
    const double margin = best < 0 ? 0.0 : kOrientationReadingMargin;
    if (as_is >= flipped && as_is > best + margin) {
      best = as_is, verdict = p.turns;
    } else if (flipped > as_is && flipped > best + margin) {
      best = flipped, verdict = (p.turns + 2) % 4;
    }
  };
  // The detector's reading first.
  std::vector<const Prepared*> order;
  for (const Prepared& p : looked_at) order.push_back(&p);
  std::stable_partition(order.begin(), order.end(),
                        [&](const Prepared* p) { return p->turns % 2 == detected_turns % 2; });
  bool even = false, odd = false;
  for (const Prepared* p : order) {
    consider(*p);
    (p->turns % 2 == 0 ? even : odd) = true;
  }
  if (!(even && odd) && best < kClearReadingConfidence) {
    looked_at.push_back(prepared_at(page, even ? 1 : 0, options));
    consider(looked_at.back());
  }
  return verdict;
}

/// The page prepared with `turns` taken out of `looked_at`, or prepared now.
Prepared take(std::vector<Prepared>& looked_at, int turns, const DecodedPage& page, const UprightOptions& options) {
  for (Prepared& p : looked_at) {
    if (p.turns == turns) return std::move(p);
  }
  return prepared_at(page, turns, options);
}

/// A prepared page read with `options.decode`: its lines' images moved into the crops.
UprightReading read_prepared(Prepared p, const Recognizer& recognizer, const UprightOptions& options) {
  UprightReading r;
  r.crops.reserve(p.lines.size());
  for (TextLine& line : p.lines) r.crops.push_back(std::move(line.image));
  if (!r.crops.empty()) r.recognised = recognizer.recognise(r.crops, options.decode, &r.timings);
  r.page = std::move(p.page);
  r.lines = std::move(p.lines);
  return r;
}

double reading_seconds(const RecognitionTimings& t) { return t.normalise + t.network + t.decode; }

}  // namespace

double page_reading_confidence(const std::vector<GreyImage>& crops, const std::vector<RecognisedLine>& recognised) {
  constexpr std::size_t kSample = 6;
  std::vector<std::size_t> order(std::min(crops.size(), recognised.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return crops[a].width > crops[b].width; });
  double sum = 0;
  std::size_t chars = 0;
  for (std::size_t k = 0; k < order.size() && k < kSample; ++k) {
    const RecognisedLine& l = recognised[order[k]];
    sum += std::accumulate(l.char_confidences.begin(), l.char_confidences.end(), 0.0);
    chars += l.char_confidences.size();
  }
  return chars ? sum / static_cast<double>(chars) : 0.0;
}

UprightReading read_upright(const DecodedPage& page, PreparedPage first, std::vector<TextLine> first_lines,
                            bool detect, const Recognizer& recognizer, const UprightOptions& options) {
  Prepared p{first.orientation_degrees / 90, std::move(first), std::move(first_lines)};
  if (!detect || p.lines.empty()) return read_prepared(std::move(p), recognizer, options);

  Clock::time_point start = Clock::now();
  double checking = 0;
  // 1. Before reading: a page the detector turned or was unsure of.
  const int detected_turns = p.page.detected_orientation_degrees / 90;
  const double detected_confidence = p.page.orientation_confidence;
  const bool settled = p.lines.size() >= 2 && (detected_turns != 0 || detected_confidence < kSureOrientationConfidence);
  if (settled) {
    std::vector<Prepared> looked_at;
    looked_at.push_back(std::move(p));
    const int verdict = settle_by_reading(page, looked_at, detected_turns, detected_confidence, recognizer, options);
    p = take(looked_at, verdict, page, options);
    checking += seconds_since(start);
  }
  UprightReading reading = read_prepared(std::move(p), recognizer, options);

  // 2. Every page: a reading that is not clearly good is checked the other ways up, and
  // another orientation is kept only when it reads better.
  const double confidence = page_reading_confidence(reading.crops, reading.recognised);
  if (!settled && confidence < kClearPageReadingConfidence) {
    start = Clock::now();
    const int turns = reading.page.orientation_degrees / 90;
    std::vector<Prepared> looked_at(1);
    looked_at[0].turns = turns;
    looked_at[0].page = std::move(reading.page);
    looked_at[0].lines = std::move(reading.lines);
    for (std::size_t i = 0; i < looked_at[0].lines.size(); ++i) looked_at[0].lines[i].image = std::move(reading.crops[i]);
    const int verdict = settle_by_reading(page, looked_at, turns, 0.0, recognizer, options);
    // looked_at[0] is still the page as read.
    auto restore = [&] {
      reading.page = std::move(looked_at[0].page);
      reading.lines = std::move(looked_at[0].lines);
      for (std::size_t i = 0; i < reading.lines.size(); ++i) reading.crops[i] = std::move(reading.lines[i].image);
    };
    if (verdict == turns) {
      restore();
      checking += seconds_since(start);
    } else {
      Prepared other = take(looked_at, verdict, page, options);
      UprightReading again = read_prepared(std::move(other), recognizer, options);
      if (page_reading_confidence(again.crops, again.recognised) > confidence) {
        // The first reading was spent on the orientation.
        checking += reading_seconds(reading.timings) + seconds_since(start) - reading_seconds(again.timings);
        reading = std::move(again);
        reading.reoriented_after_reading = true;
      } else {
        restore();
        checking += seconds_since(start);
      }
    }
  }
  reading.orientation_seconds = checking;
  return reading;
}

}  // namespace platen
