#include "output/pdf_writer.h"

// qpdf 11: use std::shared_ptr throughout, not its PointerHolder.
#define POINTERHOLDER_TRANSITION 4

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "core/errors.h"
#include "core/text.h"
#include "output/ccitt_g4.h"
#include "output/pdf_font.h"

namespace platen {

void oriented_point(int tag, double u, double v, int w, int h, double& x, double& y) {
  switch (tag) {
    case 2: x = w * (1 - u); y = h * v; break;        // mirrored left-right
    case 3: x = w * (1 - u); y = h * (1 - v); break;  // turned 180°
    case 4: x = w * u; y = h * (1 - v); break;        // mirrored top-bottom
    case 5: x = w * v; y = h * u; break;              // transposed
    case 6: x = w * (1 - v); y = h * u; break;        // to be turned 90° clockwise
    case 7: x = w * (1 - v); y = h * (1 - u); break;  // transverse
    case 8: x = w * v; y = h * (1 - u); break;        // to be turned 90° counter-clockwise
    default: x = w * u; y = h * v; break;
  }
}

namespace {

std::string number(double value) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  std::string s = buffer;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string hex4(unsigned value) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04X", value & 0xFFFF);
  return buffer;
}

/// The code points of a word as 2-byte CIDs (beyond the BMP: U+FFFD).
std::vector<unsigned> cids_of(const std::string& text) {
  std::vector<unsigned> cids;
  for (char32_t c : utf8_to_utf32(text)) cids.push_back(c < 0x10000 ? static_cast<unsigned>(c) : 0xFFFDu);
  return cids;
}

/// Advance of every glyph of the text layer, 1/1000 em.
constexpr int kAdvance = 500;

/// The text layer's font at its heights. The glyphs (one embedded subset, one CIDToGIDMap, one
/// ToUnicode map) are shared; each height level k has its own font and descriptor whose ascent
/// and descent are ±em(k)/2, so that a word's box as text extraction sees it (ascent to
/// descent times the font size, around the baseline) can be taller than the font size says.
/// That lets a word sit on its line's shared baseline with a box that still reaches its ink
/// (see line_operators) while the font size stays what poppler's layout rules expect. Level 0
/// is the font's own height (ascent − descent), each next one 5 % taller, up to 5.8 em (poppler
/// ignores an ascent or descent of 3 em or more).
class TextLayerFonts {
 public:
  static constexpr double kStep = 1.05;
  static constexpr double kMaxEm = 5.8;

  TextLayerFonts(QPDF& pdf, const PdfFont& font, const std::set<unsigned>& cids);

  /// Height of level k, em.
  double em(int level) const { return em0_ * std::pow(kStep, level); }
  int max_level() const { return max_level_; }
  /// The lowest level at least `em_needed` high (the highest level when none is).
  int level_for(double em_needed) const;
  /// The resource name of level k ("/F3") and its font, made on first use.
  std::string name(int level) { return "/F" + std::to_string(level); }
  QPDFObjectHandle font(int level);

 private:
  QPDF& pdf_;
  const PdfFont& font_;
  std::string base_name_;
  QPDFObjectHandle file_, cid_to_gid_, to_unicode_;
  double em0_ = 1;
  int max_level_ = 0;
  std::map<int, QPDFObjectHandle> fonts_;
};

TextLayerFonts::TextLayerFonts(QPDF& pdf, const PdfFont& font, const std::set<unsigned>& cids)
    : pdf_(pdf), font_(font) {
  em0_ = (font.ascent() - font.descent()) / 1000.0;
  max_level_ = std::max(0, static_cast<int>(std::floor(std::log(kMaxEm / em0_) / std::log(kStep))));
  std::vector<std::uint16_t> glyphs;
  unsigned max_cid = 0;
  for (unsigned c : cids) {
    glyphs.push_back(font.glyph(c));
    max_cid = std::max(max_cid, c);
  }
  // CIDToGIDMap: two bytes per CID, big-endian.
  std::string map(2 * (max_cid + 1), '\0');
  for (unsigned c : cids) {
    const std::uint16_t g = font.glyph(c);
    map[2 * c] = static_cast<char>(g >> 8);
    map[2 * c + 1] = static_cast<char>(g & 0xFF);
  }
  cid_to_gid_ = QPDFObjectHandle::newStream(&pdf, map);

  // ToUnicode: each CID is its code point.
  std::string cmap =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  std::vector<unsigned> list(cids.begin(), cids.end());
  for (std::size_t i = 0; i < list.size(); i += 100) {
    const std::size_t n = std::min<std::size_t>(100, list.size() - i);
    cmap += std::to_string(n) + " beginbfchar\n";
    for (std::size_t j = i; j < i + n; ++j) cmap += "<" + hex4(list[j]) + "> <" + hex4(list[j]) + ">\n";
    cmap += "endbfchar\n";
  }
  cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  to_unicode_ = QPDFObjectHandle::newStream(&pdf, cmap);

  std::string subset = font.subset(glyphs);
  file_ = QPDFObjectHandle::newStream(&pdf, subset);
  file_.getDict().replaceKey("/Length1", QPDFObjectHandle::newInteger(static_cast<long long>(subset.size())));

  // A subset's name carries a six-letter tag, here derived from the glyphs it holds.
  unsigned long long hash = 1469598103934665603ull;
  for (std::uint16_t g : glyphs) hash = (hash ^ g) * 1099511628211ull;
  std::string tag;
  for (int i = 0; i < 6; ++i, hash /= 26) tag += static_cast<char>('A' + hash % 26);
  base_name_ = "/" + tag + "+" + font.postscript_name();
}

int TextLayerFonts::level_for(double em_needed) const {
  if (!(em_needed > em0_)) return 0;
  const int level = static_cast<int>(std::ceil(std::log(em_needed / em0_) / std::log(kStep) - 1e-9));
  return std::min(level, max_level_);
}

QPDFObjectHandle TextLayerFonts::font(int level) {
  auto found = fonts_.find(level);
  if (found != fonts_.end()) return found->second;
  const int half = static_cast<int>(std::lround(500 * em(level)));
  QPDFObjectHandle descriptor = pdf_.makeIndirectObject(QPDFObjectHandle::parse(
      "<< /Type /FontDescriptor /FontName " + base_name_ + " /Flags 32 /FontBBox [" + std::to_string(font_.bbox[0]) +
      " " + std::to_string(font_.bbox[1]) + " " + std::to_string(font_.bbox[2]) + " " + std::to_string(font_.bbox[3]) +
      "] /ItalicAngle 0 /Ascent " + std::to_string(half) + " /Descent " + std::to_string(-half) + " /CapHeight " +
      std::to_string(font_.cap_height) + " /StemV 80 >>"));
  descriptor.replaceKey("/FontFile2", file_);

  // Every glyph advances by the same kAdvance (no /W array): a word's glyphs share its box
  // evenly, as a typewriter's do. With the font's own widths, a narrow glyph squeezed to its
  // word's box ("i", "l") came closer to the next one than poppler allows between two glyphs
  // of a word, and pdftotext cut the word there ("mi n or").
  QPDFObjectHandle descendant = pdf_.makeIndirectObject(QPDFObjectHandle::parse(
      "<< /Type /Font /Subtype /CIDFontType2 /BaseFont " + base_name_ +
      " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW " + std::to_string(kAdvance) +
      " >>"));
  descendant.replaceKey("/FontDescriptor", descriptor);
  descendant.replaceKey("/CIDToGIDMap", cid_to_gid_);

  QPDFObjectHandle type0 = pdf_.makeIndirectObject(
      QPDFObjectHandle::parse("<< /Type /Font /Subtype /Type0 /BaseFont " + base_name_ + " /Encoding /Identity-H >>"));
  QPDFObjectHandle descendants = QPDFObjectHandle::newArray();
  descendants.appendItem(descendant);
  type0.replaceKey("/DescendantFonts", descendants);
  type0.replaceKey("/ToUnicode", to_unicode_);
  fonts_.emplace(level, type0);
  return type0;
}

/// The page image as an image XObject.
QPDFObjectHandle make_image(QPDF& pdf, const PageImage& image) {
  std::string data(image.data.begin(), image.data.end());
  QPDFObjectHandle stream = QPDFObjectHandle::newStream(&pdf);
  QPDFObjectHandle dict = QPDFObjectHandle::parse("<< /Type /XObject /Subtype /Image >>");
  dict.replaceKey("/Width", QPDFObjectHandle::newInteger(image.width));
  dict.replaceKey("/Height", QPDFObjectHandle::newInteger(image.height));
  const char* space = image.components == 3 ? "/DeviceRGB" : image.components == 4 ? "/DeviceCMYK" : "/DeviceGray";
  dict.replaceKey("/ColorSpace", QPDFObjectHandle::newName(space));
  switch (image.encoding) {
    case PageImage::Encoding::jpeg:
      dict.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(8));
      // CMYK JPEGs (Adobe) store inverted values.
      if (image.components == 4) dict.replaceKey("/Decode", QPDFObjectHandle::parse("[1 0 1 0 1 0 1 0]"));
      stream.replaceDict(dict);
      stream.replaceStreamData(data, QPDFObjectHandle::newName("/DCTDecode"), QPDFObjectHandle::newNull());
      break;
    case PageImage::Encoding::ccitt_g4: {
      dict.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(1));
      stream.replaceDict(dict);
      QPDFObjectHandle parms = QPDFObjectHandle::parse("<< /K -1 /BlackIs1 false >>");
      parms.replaceKey("/Columns", QPDFObjectHandle::newInteger(image.width));
      parms.replaceKey("/Rows", QPDFObjectHandle::newInteger(image.height));
      stream.replaceStreamData(data, QPDFObjectHandle::newName("/CCITTFaxDecode"), parms);
      break;
    }
    case PageImage::Encoding::raw:
      if (image.bits_per_component == 1 && image.components == 1) {  // bilevel: as G4, as scanners store it
        const std::size_t row_bytes = (static_cast<std::size_t>(image.width) + 7) / 8;
        if (image.data.size() < row_bytes * static_cast<std::size_t>(image.height))
          throw Error("the bilevel page image is shorter than its size says");
        const std::vector<std::uint8_t> g4 = encode_ccitt_g4(image.data.data(), image.width, image.height);
        dict.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(1));
        stream.replaceDict(dict);
        QPDFObjectHandle parms = QPDFObjectHandle::parse("<< /K -1 /BlackIs1 false >>");
        parms.replaceKey("/Columns", QPDFObjectHandle::newInteger(image.width));
        parms.replaceKey("/Rows", QPDFObjectHandle::newInteger(image.height));
        stream.replaceStreamData(std::string(g4.begin(), g4.end()), QPDFObjectHandle::newName("/CCITTFaxDecode"), parms);
        break;
      }
      dict.replaceKey("/BitsPerComponent", QPDFObjectHandle::newInteger(image.bits_per_component == 1 ? 1 : 8));
      stream.replaceDict(dict);
      stream.replaceStreamData(data, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
      break;
  }
  return stream;
}

std::string pdf_date(std::int64_t seconds) {
  std::string iso = iso8601_utc(seconds);  // 2026-12-07T02:00:00Z
  std::string digits;
  for (char c : iso)
    if (c >= '0' && c <= '9') digits += c;
  return "D:" + digits + "Z";
}

/// A direction or position on the displayed page, px (x right, y down).
struct Vec {
  double x = 0, y = 0;
};
Vec operator+(Vec a, Vec b) { return {a.x + b.x, a.y + b.y}; }
Vec operator-(Vec a, Vec b) { return {a.x - b.x, a.y - b.y}; }
Vec operator*(double s, Vec a) { return {s * a.x, s * a.y}; }
double dot(Vec a, Vec b) { return a.x * b.x + a.y * b.y; }

/// Where a line's words go in the text layer: its baseline from `origin` in direction d (the
/// chord from the baseline's first point to its last), the band the line fills across the text,
/// from `low` to `high` px along the up vector n (d turned a quarter counter-clockwise as seen
/// on the page), and the page axis the words are written along (`axis`, the one nearest to d,
/// and its up vector `up`).
struct LineFrame {
  Vec origin, d, n, axis, up;
  double low = 0, high = 0;
};

/// The line's frame from its baseline and outline; a line without a baseline (or with a
/// degenerate one) runs along its box in the direction of a page turned by `orientation`
/// degrees. A line with a baseline but no outline (a page result made through the API or read
/// from ALTO) takes its band from its box as the box of a band along the baseline: across the
/// text the box's corners reach over the band by what the band's length adds on a skewed line,
/// as much on either side, so the band is what remains of their reach, around its middle.
LineFrame line_frame(const Line& line, int orientation) {
  LineFrame f;
  const Box& b = line.box;
  bool have = false;
  if (line.baseline.size() >= 2) {
    const Point& p0 = line.baseline.front();
    const Point& p1 = line.baseline.back();
    const Vec chord{static_cast<double>(p1.x - p0.x), static_cast<double>(p1.y - p0.y)};
    const double length = std::hypot(chord.x, chord.y);
    if (length >= 1) {
      f.origin = {static_cast<double>(p0.x), static_cast<double>(p0.y)};
      f.d = (1 / length) * chord;
      have = true;
    }
  }
  if (!have) {
    const double x = b.x, y = b.y, r = b.right(), B = b.bottom();
    switch (orientation) {
      case 90: f.origin = {r, B}; f.d = {0, -1}; break;  // text runs up, tops to the left
      case 180: f.origin = {r, y}; f.d = {-1, 0}; break;
      case 270: f.origin = {x, y}; f.d = {0, 1}; break;  // text runs down, tops to the right
      default: f.origin = {x, B}; f.d = {1, 0}; break;
    }
  }
  f.n = {f.d.y, -f.d.x};
  f.axis = std::abs(f.d.x) >= std::abs(f.d.y) ? Vec{f.d.x >= 0 ? 1.0 : -1.0, 0} : Vec{0, f.d.y >= 0 ? 1.0 : -1.0};
  f.up = {f.axis.y, -f.axis.x};
  const bool outlined = have && line.polygon.size() >= 3;
  std::vector<Vec> outline;
  if (outlined)
    for (const Point& p : line.polygon) outline.push_back({static_cast<double>(p.x), static_cast<double>(p.y)});
  else
    outline = {{double(b.x), double(b.y)}, {double(b.right()), double(b.y)},
               {double(b.right()), double(b.bottom())}, {double(b.x), double(b.bottom())}};
  f.low = 1e30, f.high = -1e30;
  for (const Vec& p : outline) {
    const double across = dot(p - f.origin, f.n);
    f.low = std::min(f.low, across), f.high = std::max(f.high, across);
  }
  if (have && !outlined) {
    // A band of thickness t and length L at angle a to the page axis has a box of sides
    // W = L·cos a + t·sin a along the axis and H = L·sin a + t·cos a across it, so
    // t = (H·cos a − W·sin a) / cos 2a.
    const double c = std::abs(dot(f.d, f.axis)), s = std::abs(dot(f.d, f.up));
    const double along = std::abs(f.axis.x) > 0 ? b.width : b.height, across = std::abs(f.axis.x) > 0 ? b.height : b.width;
    const double thickness = c * c - s * s > 0.5 ? (across * c - along * s) / (c * c - s * s) : across;
    const double band = std::clamp(thickness, 0.25 * across, f.high - f.low);
    const double middle = 0.5 * (f.low + f.high);
    f.low = middle - 0.5 * band, f.high = middle + 0.5 * band;
  }
  if (f.high - f.low < 1) f.high = f.low + 1;
  return f;
}

/// One word of the text layer, px: along the line's page axis from `start` to `end`, and the
/// bottom of the line's band where the baseline passes the word's middle (along the axis's up
/// vector), so the band [bottom, bottom + band] is where the word's ink is.
struct PlacedWord {
  std::vector<unsigned> cids;
  double start = 0, end = 0;
  double bottom = 0;
  double size = 0;  ///< font size, px
  int level = 0;    ///< TextLayerFonts level
};

/// One line of the text layer: its frame, its words in reading order, its band across the
/// text and the shared baseline of its words (`base`, px along up: the middle of all its words'
/// bands), and its natural font size (`size`, px: the font's ascent to descent filling the band).
struct PlacedLine {
  LineFrame frame;
  std::vector<PlacedWord> words;
  double band = 0, base = 0, size = 0;
  double start = 0, end = 0;  ///< along the axis, the first word's start to the last one's end
};

PlacedLine place_line(const PdfFont& font, const Line& line, int orientation) {
  PlacedLine p;
  p.frame = line_frame(line, orientation);
  const LineFrame& f = p.frame;
  for (const Word& word : words_of(line)) {
    const Box& b = word.box;
    if (b.empty()) continue;
    std::vector<unsigned> cids = cids_of(word.text);
    if (cids.empty()) continue;
    const Vec corners[] = {{double(b.x), double(b.y)}, {double(b.right()), double(b.bottom())}};
    const double s0 = dot(corners[0], f.axis), s1 = dot(corners[1], f.axis);
    const Vec centre{b.x + 0.5 * b.width, b.y + 0.5 * b.height};
    // The baseline's point level with the word's middle along the axis.
    const double t = dot(centre - f.origin, f.axis) / dot(f.d, f.axis);
    const Vec on_baseline = f.origin + t * f.d;
    PlacedWord w;
    w.cids = std::move(cids);
    w.start = std::min(s0, s1), w.end = std::max(s0, s1);
    w.bottom = dot(on_baseline, f.up) + f.low;
    p.words.push_back(std::move(w));
  }
  if (p.words.empty()) return p;
  p.band = f.high - f.low;
  p.size = p.band / ((font.ascent() - font.descent()) / 1000.0);
  double low = 1e30, high = -1e30;
  p.start = 1e30, p.end = -1e30;
  for (const PlacedWord& w : p.words) {
    low = std::min(low, w.bottom), high = std::max(high, w.bottom + p.band);
    p.start = std::min(p.start, w.start), p.end = std::max(p.end, w.end);
  }
  p.base = 0.5 * (low + high);
  return p;
}

/// Sets each word's font size and height level. How poppler (pdftotext, Evince, Okular) reads
/// a text layer decides this (TextOutputDev; "fs" is a word's font size, its box runs from
/// ascent to descent times fs around its baseline):
///  - its text lines are level: a line takes the words whose baselines lie within fs/2 of its
///    first word's, left to right. Words that step with a skewed baseline leave their line
///    once it has climbed fs/2 and join the next line's ("Lordshipo 16."), so all words of a
///    line share one baseline, and a word's box (a taller level of the font) reaches from it
///    to the word's own ink: the box is its band widened by the baseline's offset from the
///    ink's middle, on either side.
///  - a neighbouring line's baseline must be more than fs/2 away: fs is at most 1.6 times the
///    distance to the nearest baseline of a line beside or across this one.
///  - `pdftotext -raw` puts a space between two words only when the gap exceeds 15 % of the
///    first one's fs, the layout mode when it is at least 3 %: where the gap is smaller, the
///    words' ends are trimmed apart (at most 1.75 px each), and where that is not enough the
///    first word's fs is lowered, its box kept by a taller level. A block of poppler's layout
///    grows from its top-left word (its "seed") and takes the words beside it only within 20 %
///    of the seed's fs, the words over or under its extent within 60 %: so a line's first word
///    (a seed, when its line starts a block) keeps at least 0.85 of the line's fs, the others
///    at least 0.45. (On the dev pages 53 of 3,700 gaps were too small; all are apart in -raw.)
/// Words are never written smaller than their line's natural size needs otherwise, so the
/// layout rules (word spacing up to 1.5 fs, blocks of lines within 5 % of one size) see
/// the type's own size.
void size_words(std::vector<PlacedLine>& lines, const TextLayerFonts& fonts) {
  constexpr double kRawSpace = 0.17;  // of fs: pdftotext -raw's 0.15 and a margin
  constexpr double kMaxTrim = 1.75;   // px each end
  constexpr double kMinShare = 0.45;       // of the line's size
  constexpr double kMinFirstShare = 0.85;  // for a line's first word
  constexpr double kSingleSpace = 0.45;  // of fs: the layout mode's 0.4 for one-character words
  constexpr double kMinSingle = 0.2;   // of the line's size
  for (std::size_t i = 0; i < lines.size(); ++i) {
    PlacedLine& line = lines[i];
    if (line.words.empty()) continue;
    double size = line.size;
    const double margin = 1.5 * line.size;
    for (std::size_t j = 0; j < lines.size(); ++j) {
      const PlacedLine& other = lines[j];
      if (j == i || other.words.empty() || dot(other.frame.axis, line.frame.axis) < 0.5) continue;
      if (other.start > line.end + margin || other.end < line.start - margin) continue;
      const double distance = std::abs(other.base - line.base);
      if (distance < 0.3 * line.size) continue;  // the same row of the page to poppler anyway
      size = std::min(size, 1.6 * distance);
    }
    // A line of one-character words (initials, "4 .") is letter-spaced text to poppler's layout
    // mode: it joins every pair closer than 1.3 times the line's smallest gap, unless that
    // gap is at least 0.4 fs. Such a line's fs is lowered to 1/0.45 of its smallest gap.
    bool single = line.words.size() > 1;
    for (const PlacedWord& w : line.words) single = single && w.cids.size() == 1;
    if (single) {
      double smallest = 1e30;
      for (std::size_t n = 0; n + 1 < line.words.size(); ++n)
        smallest = std::min(smallest, line.words[n + 1].start - line.words[n].end);
      if (smallest > 0) size = std::min(size, std::max(kMinSingle * line.size, smallest / kSingleSpace));
    }
    for (PlacedWord& w : line.words) w.size = size;
    for (std::size_t n = 0; n + 1 < line.words.size(); ++n) {
      PlacedWord& a = line.words[n];
      PlacedWord& b = line.words[n + 1];
      if (b.start < a.start) continue;
      double gap = b.start - a.end;
      const double wanted = kRawSpace * a.size;
      if (gap >= wanted) continue;
      const double trim = std::min({0.5 * (wanted - gap), kMaxTrim, 0.25 * (a.end - a.start), 0.25 * (b.end - b.start)});
      a.end -= trim, b.start += trim, gap += 2 * trim;
      if (gap < wanted) a.size = std::max((n == 0 ? kMinFirstShare : kMinShare) * size, gap / kRawSpace);
    }
    for (PlacedWord& w : line.words) {
      const double reach = 0.5 * line.band + std::abs(w.bottom + 0.5 * line.band - line.base);  // half the box
      w.level = fonts.level_for(2 * reach / w.size);
      // Beyond the tallest level the box gives way to the text: fs grows to keep it, but
      // never past what keeps the neighbouring lines apart.
      if (fonts.em(w.level) * w.size < 2 * reach) w.size = std::min(size, 2 * reach / fonts.em(w.level));
    }
  }
}

/// The text layer of one line: each word written level along the line's page axis from its
/// start to its end on the line's shared baseline, in its font size and level; the font's
/// glyphs stretched (Tz) to the word's length, and between words a space glyph stretched over
/// the gap, so that text extraction and copying see the words apart. `k` is pt per px,
/// `page_height` the displayed page's in px; `used` collects the levels the line uses.
std::string line_operators(const PlacedLine& line, TextLayerFonts& fonts, double k, int page_height,
                           std::set<int>& used) {
  const LineFrame& f = line.frame;
  const double H = page_height;
  const std::string matrix_head =
      number(f.axis.x) + " " + number(-f.axis.y) + " " + number(f.up.x) + " " + number(-f.up.y) + " ";
  std::string s;
  std::string current;
  for (std::size_t i = 0; i < line.words.size(); ++i) {
    const PlacedWord& w = line.words[i];
    const double size = std::max(0.01, w.size * k);  // pt
    const std::string font = fonts.name(w.level) + " " + number(size) + " Tf ";
    if (font != current) s += font, current = font;
    used.insert(w.level);
    const int natural = kAdvance * static_cast<int>(w.cids.size());  // 1/1000 em
    const Vec at = w.start * f.axis + line.base * f.up;
    const double scale = 100.0 * (w.end - w.start) * k / (natural / 1000.0 * size);
    s += number(scale) + " Tz " + matrix_head + number(at.x * k) + " " + number((H - at.y) * k) + " Tm <";
    for (unsigned c : w.cids) s += hex4(c);
    s += "> Tj";
    if (i + 1 < line.words.size()) {  // the space, from this word's end to the next one's start
      const double gap = std::max(0.5, line.words[i + 1].start - w.end);
      s += " " + number(std::max(0.01, 100.0 * gap * k / (kAdvance / 1000.0 * size))) + " Tz <0020> Tj";
    }
    s += "\n";
  }
  return s;
}

}  // namespace

WriteResult PdfWriter::write(const Document& document) const {
  WriteResult result;
  const PdfFont& font = PdfFont::shared();
  QPDF pdf;
  pdf.emptyPDF();

  // Pages that can be written, and every CID their text uses.
  std::vector<const PageResult*> pages;
  std::set<unsigned> cids;
  for (const PageResult& page : document.pages) {
    if (!page.ok && (!page.image || page.width <= 0)) {
      result.remarks.push_back("'" + document.source + "' page " + std::to_string(page.page_index + 1) +
                               " left out of the PDF: " + (page.error.empty() ? "it did not decode" : page.error));
      continue;
    }
    if (page.width <= 0 || page.height <= 0) continue;
    if (page.ok && !page.image)
      result.remarks.push_back("'" + document.source + "' page " + std::to_string(page.page_index + 1) +
                               ": no page image kept; the PDF page holds the text layer alone");
    pages.push_back(&page);
    if (page.ok)
      for (const Line* line : text_lines(page)) {
        const std::vector<Word> words = words_of(*line);
        for (const Word& word : words)
          for (unsigned c : cids_of(word.text)) cids.insert(c);
        if (words.size() > 1) cids.insert(0x20);  // the space between words
      }
  }
  if (pages.empty()) throw Error("no page of '" + document.source + "' can go into a PDF");

  std::optional<TextLayerFonts> fonts;
  if (!cids.empty()) fonts.emplace(pdf, font, cids);

  QPDFPageDocumentHelper helper(pdf);
  for (const PageResult* page : pages) {
    const double ppi = page->resolution > 0 ? page->resolution : 300.0;
    const double k = 72.0 / ppi;  // pt per px
    const double W = page->width * k, H = page->height * k;
    QPDFObjectHandle resources = QPDFObjectHandle::newDictionary();
    std::string content;
    if (page->image) {
      const PageImage& image = *page->image;
      QPDFObjectHandle xobject = make_image(pdf, image);
      QPDFObjectHandle xobjects = QPDFObjectHandle::newDictionary();
      xobjects.replaceKey("/Im1", xobject);
      resources.replaceKey("/XObject", xobjects);
      // Unit square (s, t) ↔ stored image (u = s, v = 1 − t) → displayed px → pt (y up).
      auto place = [&](double s, double t, double& X, double& Y) {
        double x, y;
        oriented_point(image.orientation_tag, s, 1 - t, page->width, page->height, x, y);
        X = x * k;
        Y = H - y * k;
      };
      double ex, ey, ax, ay, cx, cy;
      place(0, 0, ex, ey);
      place(1, 0, ax, ay);
      place(0, 1, cx, cy);
      content += "q " + number(ax - ex) + " " + number(ay - ey) + " " + number(cx - ex) + " " + number(cy - ey) + " " +
                 number(ex) + " " + number(ey) + " cm /Im1 Do Q\n";
    }
    if (page->ok && fonts && !text_lines(*page).empty()) {
      std::vector<PlacedLine> lines;
      for (const Line* line : text_lines(*page)) lines.push_back(place_line(font, *line, page->orientation_degrees));
      size_words(lines, *fonts);
      std::set<int> used;
      content += "BT 3 Tr\n";
      for (const PlacedLine& line : lines) content += line_operators(line, *fonts, k, page->height, used);
      content += "ET\n";
      QPDFObjectHandle font_resources = QPDFObjectHandle::newDictionary();
      for (int level : used) font_resources.replaceKey(fonts->name(level), fonts->font(level));
      resources.replaceKey("/Font", font_resources);
    }
    QPDFObjectHandle contents = QPDFObjectHandle::newStream(&pdf, content);
    QPDFObjectHandle page_object = pdf.makeIndirectObject(QPDFObjectHandle::parse(
        "<< /Type /Page /MediaBox [0 0 " + number(W) + " " + number(H) + "] >>"));
    page_object.replaceKey("/Resources", resources);
    page_object.replaceKey("/Contents", contents);
    helper.addPage(QPDFPageObjectHelper(page_object), false);
  }

  QPDFObjectHandle info = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
  info.replaceKey("/Title", QPDFObjectHandle::newUnicodeString(source_file_name(document.source)));
  info.replaceKey("/Producer", QPDFObjectHandle::newUnicodeString("Platen " + document.processing.software_version));
  std::string creator = "Platen " + document.processing.software_version + ", model " + document.processing.model_name;
  if (!document.processing.model_checksum.empty()) creator += " " + document.processing.model_checksum;
  const std::string options = describe_text_options(document.processing);
  if (!options.empty()) creator += ", options " + options;
  info.replaceKey("/Creator", QPDFObjectHandle::newUnicodeString(creator));
  const std::string date = pdf_date(document.processing.timestamp);
  info.replaceKey("/CreationDate", QPDFObjectHandle::newString(date));
  info.replaceKey("/ModDate", QPDFObjectHandle::newString(date));
  pdf.getTrailer().replaceKey("/Info", info);

  QPDFWriter writer(pdf);
  writer.setOutputMemory();
  writer.setDeterministicID(true);
  writer.setCompressStreams(true);
  writer.setStreamDataMode(qpdf_s_compress);
  writer.setMinimumPDFVersion("1.5");
  writer.write();
  std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
  result.bytes.assign(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
  return result;
}

}  // namespace platen
