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

/// The Type 0 font for the CIDs used in the document.
QPDFObjectHandle make_font(QPDF& pdf, const PdfFont& font, const std::set<unsigned>& cids) {
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
  QPDFObjectHandle cid_to_gid = QPDFObjectHandle::newStream(&pdf, map);

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
  QPDFObjectHandle to_unicode = QPDFObjectHandle::newStream(&pdf, cmap);

  std::string subset = font.subset(glyphs);
  QPDFObjectHandle font_file = QPDFObjectHandle::newStream(&pdf, subset);
  font_file.getDict().replaceKey("/Length1", QPDFObjectHandle::newInteger(static_cast<long long>(subset.size())));

  // A subset's name carries a six-letter tag, here derived from the glyphs it holds.
  unsigned long long hash = 1469598103934665603ull;
  for (std::uint16_t g : glyphs) hash = (hash ^ g) * 1099511628211ull;
  std::string tag;
  for (int i = 0; i < 6; ++i, hash /= 26) tag += static_cast<char>('A' + hash % 26);
  const std::string name = "/" + tag + "+" + font.postscript_name();

  QPDFObjectHandle descriptor = pdf.makeIndirectObject(QPDFObjectHandle::parse(
      "<< /Type /FontDescriptor /FontName " + name + " /Flags 32 /FontBBox [" + std::to_string(font.bbox[0]) + " " +
      std::to_string(font.bbox[1]) + " " + std::to_string(font.bbox[2]) + " " + std::to_string(font.bbox[3]) +
      "] /ItalicAngle 0 /Ascent " + std::to_string(font.ascent()) + " /Descent " + std::to_string(font.descent()) +
      " /CapHeight " + std::to_string(font.cap_height) + " /StemV 80 >>"));
  descriptor.replaceKey("/FontFile2", font_file);

  // Every glyph advances by the same kAdvance (no /W array): a word's glyphs share its box
  // evenly, as a typewriter's do. With the font's own widths, a narrow glyph squeezed to its
  // word's box ("i", "l") came closer to the next one than poppler allows between two glyphs
  // of a word, and pdftotext cut the word there ("mi n or").
  QPDFObjectHandle descendant = pdf.makeIndirectObject(QPDFObjectHandle::parse(
      "<< /Type /Font /Subtype /CIDFontType2 /BaseFont " + name +
      " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW " + std::to_string(kAdvance) +
      " >>"));
  descendant.replaceKey("/FontDescriptor", descriptor);
  descendant.replaceKey("/CIDToGIDMap", cid_to_gid);

  QPDFObjectHandle type0 = pdf.makeIndirectObject(
      QPDFObjectHandle::parse("<< /Type /Font /Subtype /Type0 /BaseFont " + name + " /Encoding /Identity-H >>"));
  QPDFObjectHandle descendants = QPDFObjectHandle::newArray();
  descendants.appendItem(descendant);
  type0.replaceKey("/DescendantFonts", descendants);
  type0.replaceKey("/ToUnicode", to_unicode);
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

/// The line's frame from its baseline and outline; a line without them (or with a degenerate
/// baseline) runs along its box in the direction of a page turned by `orientation` degrees.
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
  std::vector<Vec> outline;
  if (have && line.polygon.size() >= 3)
    for (const Point& p : line.polygon) outline.push_back({static_cast<double>(p.x), static_cast<double>(p.y)});
  else
    outline = {{double(b.x), double(b.y)}, {double(b.right()), double(b.y)},
               {double(b.right()), double(b.bottom())}, {double(b.x), double(b.bottom())}};
  f.low = 1e30, f.high = -1e30;
  for (const Vec& p : outline) {
    const double across = dot(p - f.origin, f.n);
    f.low = std::min(f.low, across), f.high = std::max(f.high, across);
  }
  if (f.high - f.low < 1) f.high = f.low + 1;
  return f;
}

/// One line of the text layer. Each word is written along the page axis nearest to the line's
/// baseline, from its box's start to its end, on its own stretch of the line: the band the line
/// fills across the text, taken where the baseline passes the word's middle, so that on a
/// skewed line the words step with the baseline. (Glyphs rotated with the baseline, as
/// Tesseract and hocrtransform write them, are cut by poppler wherever a word's glyphs climb
/// more than half a point: pdftotext -bbox-layout split 23 of the 110 words of a page skewed
/// 3°, and 114 of the 3,700 words of the dev pages, skewed up to 1.1°, into pieces.) The font fills the band, stretched (Tz) to the word's
/// length; between words a space glyph stretched over the gap, so that text extraction and
/// copying see the words apart even where their boxes nearly touch. `k` is pt per px,
/// `page_height` the displayed page's in px.
std::string line_operators(const PdfFont& font, const Line& line, int orientation, double k, int page_height) {
  const LineFrame f = line_frame(line, orientation);
  struct Placed {
    std::vector<unsigned> cids;
    double start, end;  // px along f.axis
    double bottom;      // the band's bottom at the word, px along f.up
  };
  std::vector<Placed> words;
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
    words.push_back({std::move(cids), std::min(s0, s1), std::max(s0, s1), dot(on_baseline, f.up) + f.low});
  }
  if (words.empty()) return "";
  const double em = (font.ascent() - font.descent()) / 1000.0;
  const double size_px = (f.high - f.low) / em;
  const double size = std::max(1.0, size_px * k);  // pt
  // Poppler's text extraction puts a space between words only when the gap between them is
  // at least 3 % of the font size; words closer than that are moved apart by trimming their
  // ends, each by half the shortfall and never by more than 0.75 px.
  const double min_gap = 0.04 * size_px;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    Placed& a = words[i];
    Placed& b = words[i + 1];
    const double gap = b.start - a.end;
    if (b.start < a.start || gap >= min_gap) continue;
    const double trim = std::min({0.5 * (min_gap - gap), 0.75, 0.25 * (a.end - a.start), 0.25 * (b.end - b.start)});
    a.end -= trim;
    b.start += trim;
  }
  const double rise = -font.descent() / 1000.0 * size_px;  // baseline above the band's bottom, px
  const double H = page_height;
  const std::string matrix_head =
      number(f.axis.x) + " " + number(-f.axis.y) + " " + number(f.up.x) + " " + number(-f.up.y) + " ";
  std::string s = "/F1 " + number(size) + " Tf\n";
  for (std::size_t i = 0; i < words.size(); ++i) {
    const Placed& w = words[i];
    const int natural = kAdvance * static_cast<int>(w.cids.size());  // 1/1000 em
    const Vec at = w.start * f.axis + (w.bottom + rise) * f.up;
    const double scale = 100.0 * (w.end - w.start) * k / (natural / 1000.0 * size);
    s += number(scale) + " Tz " + matrix_head + number(at.x * k) + " " + number((H - at.y) * k) + " Tm <";
    for (unsigned c : w.cids) s += hex4(c);
    s += "> Tj";
    if (i + 1 < words.size()) {  // the space, from this word's end to the next one's start
      const double gap = std::max(0.5, words[i + 1].start - w.end);
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

  QPDFObjectHandle type0;
  if (!cids.empty()) type0 = make_font(pdf, font, cids);

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
    if (page->ok && type0.isInitialized() && !text_lines(*page).empty()) {
      QPDFObjectHandle fonts = QPDFObjectHandle::newDictionary();
      fonts.replaceKey("/F1", type0);
      resources.replaceKey("/Font", fonts);
      content += "BT 3 Tr\n";
      for (const Line* line : text_lines(*page))
        content += line_operators(font, *line, page->orientation_degrees, k, page->height);
      content += "ET\n";
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
