#include "pipeline/page_assembly.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "core/text.h"

namespace platen {

namespace {

/// Ink of a crop: per column, whether it has ink and its highest and lowest ink rows.
struct CropInk {
  std::vector<int> top, bottom;  ///< per column; top > bottom when the column has none
  bool any = false;
  bool has(int x) const { return top[x] <= bottom[x]; }
};

/// Pixels darker than halfway between the crop's paper (its median grey) and its ink (the
/// darkest 1 %): no ink when the two are less than 40 grey levels apart.
CropInk ink_of(const GreyImage& crop) {
  CropInk ink;
  const int w = crop.width, h = crop.height;
  ink.top.assign(w, 1 << 30);
  ink.bottom.assign(w, -1);
  if (w <= 0 || h <= 0) return ink;
  long hist[256] = {0};
  for (std::uint8_t v : crop.pixels) ++hist[v];
  const long n = static_cast<long>(crop.pixels.size());
  auto percentile = [&](double share) {
    long seen = 0;
    for (int v = 0; v < 256; ++v)
      if ((seen += hist[v]) > share * n) return v;
    return 255;
  };
  const int dark = percentile(0.01), paper = percentile(0.5);
  if (paper - dark < 40) return ink;
  const int threshold = (dark + paper) / 2;
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* row = crop.row(y);
    for (int x = 0; x < w; ++x)
      if (row[x] < threshold) {
        ink.top[x] = std::min(ink.top[x], y);
        ink.bottom[x] = std::max(ink.bottom[x], y);
        ink.any = true;
      }
  }
  return ink;
}

bool is_combining(char32_t c) {
  return u_getCombiningClass(static_cast<UChar32>(c)) != 0 ||
         (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_M_MASK) != 0;
}

Box bounding_box(const Polygon& points, int page_w, int page_h) {
  if (points.empty()) return {};
  int x0 = points[0].x, y0 = points[0].y, x1 = x0, y1 = y0;
  for (const Point& p : points) x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  x0 = std::clamp(x0, 0, page_w), x1 = std::clamp(x1, 0, page_w);
  y0 = std::clamp(y0, 0, page_h), y1 = std::clamp(y1, 0, page_h);
  return Box{x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

Box union_of(const Box& a, const Box& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  return Box{x0, y0, std::max(a.right(), b.right()) - x0, std::max(a.bottom(), b.bottom()) - y0};
}

/// Maps crop points of one line to the displayed page.
struct CropMapper {
  const LinePlacement& placement;
  const PageFrame& frame;
  int crop_width;

  PagePoint prepared(double cx, double cy) const {
    int top = placement.box.y;
    if (!placement.top_rows.empty()) {
      const int c = std::clamp(static_cast<int>(std::floor(cx)), 0, static_cast<int>(placement.top_rows.size()) - 1);
      top = placement.top_rows[c];
    }
    return {placement.box.x + cx, top + cy};
  }
  Point displayed(PagePoint p) const {
    const PagePoint d = frame.displayed(p);
    return Point{static_cast<int>(std::lround(d.x)), static_cast<int>(std::lround(d.y))};
  }
  /// The crop rectangle [x0, x1) × [y0, y1) as a quadrilateral on the displayed page,
  /// clockwise from the reading top-left. The right edge takes the path's row at its last
  /// column inside the rectangle.
  Polygon outline(double x0, double y0, double x1, double y1) const {
    const double last = std::max(x0, x1 - 1);
    const PagePoint tl = prepared(x0, y0), bl = prepared(x0, y1);
    PagePoint tr = prepared(last, y0), br = prepared(last, y1);
    tr.x = br.x = placement.box.x + x1;
    return {displayed(tl), displayed(tr), displayed(br), displayed(bl)};
  }
};

}  // namespace

std::vector<CropWord> words_in_crop(const GreyImage& crop, const RecognisedLine& line, int baseline, int x_height) {
  std::vector<CropWord> words;
  const std::u32string& sym = line.symbols;
  if (sym.empty() || line.scale <= 0 || line.spans.size() != sym.size() || crop.width <= 0) return words;
  const int w = crop.width;
  const CropInk ink = ink_of(crop);
  auto columns = [&](std::size_t i) {
    auto [a, b] = line.crop_columns(line.spans[i]);
    return std::make_pair(std::clamp(a, 0.0, double(w)), std::clamp(b, 0.0, double(w)));
  };
  // Runs of non-space symbols, with the columns their frames cover (their cores).
  struct Run {
    std::size_t first, end;
    double a, b;
  };
  std::vector<Run> runs;
  for (std::size_t i = 0; i < sym.size();) {
    if (sym[i] == U' ') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < sym.size() && sym[end] != U' ') ++end;
    runs.push_back({i, end, columns(i).first, columns(end - 1).second});
    i = end;
  }
  // Where one word's part of the line ends and the next one's begins: the middle of the widest
  // stretch of ink-free columns between their cores (the space), else the middle between them.
  std::vector<double> cut(runs.size() + 1);
  cut.front() = 0;
  cut.back() = w;
  for (std::size_t k = 0; k + 1 < runs.size(); ++k) {
    const int lo = std::clamp(static_cast<int>(std::floor(runs[k].b)), 0, w);
    const int hi = std::clamp(static_cast<int>(std::ceil(runs[k + 1].a)), lo, w);
    double best_mid = 0.5 * (runs[k].b + runs[k + 1].a);
    int best_len = 0;
    for (int x = lo; x < hi;) {
      if (ink.has(x)) {
        ++x;
        continue;
      }
      int e = x;
      while (e < hi && !ink.has(e)) ++e;
      if (e - x > best_len) best_len = e - x, best_mid = 0.5 * (x + e);
      x = e;
    }
    cut[k + 1] = std::max(cut[k], best_mid);
  }
  const double reach = 2.0 * std::max(1, x_height);  // how far ink may lie outside a word's core
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const Run& r = runs[k];
    CropWord word;
    word.symbols = sym.substr(r.first, r.end - r.first);
    word.first_symbol = r.first;
    const int lo = std::clamp(static_cast<int>(std::ceil(std::max(cut[k], r.a - reach))), 0, w);
    const int hi = std::clamp(static_cast<int>(std::floor(std::min(cut[k + 1], r.b + reach))), lo, w);
    int x0 = hi, x1 = lo - 1, y0 = 1 << 30, y1 = -1;
    for (int x = lo; x < hi; ++x)
      if (ink.has(x)) {
        x0 = std::min(x0, x), x1 = std::max(x1, x);
        y0 = std::min(y0, ink.top[x]), y1 = std::max(y1, ink.bottom[x]);
      }
    if (x1 >= x0) {
      word.x0 = x0, word.x1 = x1 + 1, word.y0 = y0, word.y1 = y1 + 1;
    } else {  // no ink: the frames' columns over the x-height band
      word.x0 = r.a, word.x1 = std::max(r.b, r.a + 1);
      word.y0 = std::max(0, baseline + 1 - x_height), word.y1 = baseline + 1;
    }
    // Characters: each owns its frames' columns and half the blank frames to its neighbours.
    double left = word.x0;
    for (std::size_t i = r.first; i < r.end; ++i) {
      double right = word.x1;
      if (i + 1 < r.end) right = std::clamp(0.5 * (columns(i).second + columns(i + 1).first), left, word.x1);
      word.glyph_columns.emplace_back(left, right);
      left = right;
    }
    words.push_back(std::move(word));
  }
  return words;
}

void assemble_page(const std::vector<GreyImage>& crops, const std::vector<LinePlacement>& placements,
                   const std::vector<RecognisedLine>& recognised, const PageFrame& frame,
                   const WordCalibration& calibration, PageResult& page) {
  if (crops.size() != placements.size() || crops.size() != recognised.size())
    throw std::invalid_argument("assemble_page: crops, placements and recognised lines differ in number");
  const int page_w = frame.displayed_width(), page_h = frame.displayed_height();
  page.width = page_w;
  page.height = page_h;
  page.orientation_degrees = frame.orientation_degrees;
  page.skew_degrees = frame.skew_degrees;
  page.lines.clear();
  page.blocks.clear();
  double weighted = 0, characters = 0;
  for (std::size_t i = 0; i < crops.size(); ++i) {
    const RecognisedLine& r = recognised[i];
    if (r.text.empty()) continue;
    const LinePlacement& at = placements[i];
    const CropMapper map{at, frame, crops[i].width};
    Line line;
    line.text = r.text;
    line.confidence = r.confidence;
    line.x_height = static_cast<float>(at.x_height);
    const Box& b = at.box;
    const auto corner = [&](double x, double y) { return map.displayed(PagePoint{x, y}); };
    line.polygon = {corner(b.x, b.y), corner(b.right(), b.y), corner(b.right(), b.bottom()), corner(b.x, b.bottom())};
    line.box = bounding_box(line.polygon, page_w, page_h);
    // The baseline along the crop: its ends, and points between where the line is not level.
    const int w = std::max(1, crops[i].width);
    const bool level = at.top_rows.empty() ||
                       std::all_of(at.top_rows.begin(), at.top_rows.end(), [&](int t) { return t == at.top_rows[0]; });
    const int pieces = level ? 1 : std::clamp(w / std::max(1, 8 * at.x_height), 1, 16);
    for (int k = 0; k <= pieces; ++k) {
      const double cx = static_cast<double>(w) * k / pieces;
      PagePoint p = map.prepared(std::min(cx, w - 1.0), at.baseline + 1.0);
      p.x = b.x + cx;
      line.baseline.push_back(map.displayed(p));
    }
    for (const CropWord& cw : words_in_crop(crops[i], r, at.baseline, at.x_height)) {
      Word word;
      word.text = to_nfc(utf32_to_utf8(cw.symbols));
      word.box = bounding_box(map.outline(cw.x0, cw.y0, cw.x1, cw.y1), page_w, page_h);
      const float* conf = r.char_confidences.data() + cw.first_symbol;
      word.confidence = calibration(raw_word_score(conf, cw.symbols.size()));
      // Glyphs: a base character with the combining marks after it is one glyph, composed as
      // NFC composes it (one per code point of the word's text when it composes to one).
      for (std::size_t g = 0; g < cw.symbols.size();) {
        std::size_t e = g + 1;
        while (e < cw.symbols.size() && is_combining(cw.symbols[e])) ++e;
        const std::u32string composed = utf8_to_utf32(to_nfc(utf32_to_utf8(cw.symbols.substr(g, e - g))));
        const double x0 = cw.glyph_columns[g].first, x1 = cw.glyph_columns[e - 1].second;
        const Box box = bounding_box(map.outline(x0, cw.y0, std::max(x1, x0 + 1), cw.y1), page_w, page_h);
        float confidence = 1;
        for (std::size_t k = g; k < e; ++k) confidence = std::min(confidence, conf[k]);
        for (char32_t c : composed) word.glyphs.push_back(Glyph{utf32_to_utf8(std::u32string(1, c)), box, confidence});
        g = e;
      }
      line.words.push_back(std::move(word));
    }
    weighted += static_cast<double>(r.confidence) * r.char_confidences.size();
    characters += static_cast<double>(r.char_confidences.size());
    page.lines.push_back(std::move(line));
  }
  page.confidence = characters > 0 ? static_cast<float>(weighted / characters) : 1.0f;
  if (!page.lines.empty()) {
    TextBlock block;
    for (const Line& l : page.lines) block.box = union_of(block.box, l.box);
    block.polygon = {{block.box.x, block.box.y},
                     {block.box.right(), block.box.y},
                     {block.box.right(), block.box.bottom()},
                     {block.box.x, block.box.bottom()}};
    block.line_count = static_cast<int>(page.lines.size());
    block.paragraphs.push_back(Paragraph{block.box, 0, block.line_count});
    page.blocks.push_back(std::move(block));
  }
}

}  // namespace platen
