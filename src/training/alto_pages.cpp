#include "training/alto_pages.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>

#include "core/binary_io.h"
#include "core/errors.h"
#include "core/text.h"
#include "image/page_reader.h"

namespace platen {

namespace fs = std::filesystem;

namespace {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct ParserDeleter {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};
struct XmlCharDeleter {
  void operator()(xmlChar* s) const { xmlFree(s); }
};

/// Keeps libxml2's first error while it parses (the last one, which the parser context
/// keeps, is usually a consequence: "premature end of data"). The handler is per thread in
/// libxml2; the guard restores "none" on every path.
class FirstXmlError {
 public:
  FirstXmlError() { xmlSetStructuredErrorFunc(this, &FirstXmlError::record); }
  ~FirstXmlError() { xmlSetStructuredErrorFunc(nullptr, nullptr); }
  FirstXmlError(const FirstXmlError&) = delete;
  FirstXmlError& operator=(const FirstXmlError&) = delete;
  /// "message at line N", or "" when no error was reported.
  const std::string& text() const { return text_; }

 private:
  static void record(void* self, xmlErrorPtr error) {
    auto* me = static_cast<FirstXmlError*>(self);
    if (!me->text_.empty() || !error || !error->message || error->level < XML_ERR_ERROR) return;
    std::string m = error->message;
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    me->text_ = m + (error->line > 0 ? " at line " + std::to_string(error->line) : "");
  }
  std::string text_;
};

/// libxml2 is thread-safe once initialised on one thread; pages are parsed in parallel.
void init_libxml2() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

const char* name_of(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

bool is_element(const xmlNode* node, const char* local_name) {
  return node->type == XML_ELEMENT_NODE && std::strcmp(name_of(node), local_name) == 0;
}

/// An unqualified attribute's value (ALTO's attributes have no namespace).
std::optional<std::string> attribute(const xmlNode* node, const char* name) {
  std::unique_ptr<xmlChar, XmlCharDeleter> value(
      xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name)));
  if (!value) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(value.get()));
}

std::string element_text(const xmlNode* node) {
  std::unique_ptr<xmlChar, XmlCharDeleter> text(xmlNodeGetContent(node));
  return text ? std::string(reinterpret_cast<const char*>(text.get())) : std::string();
}

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  std::size_t a = s.find_first_not_of(ws);
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(ws) - a + 1);
}

/// Runs of ASCII whitespace folded to one space, trimmed.
std::string fold_spaces(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

/// Numbers separated by spaces and/or commas ("1 2 3 4" or "1,2 3,4"), locale-independent.
/// Largest magnitude of an ALTO coordinate or size accepted: a 10 m sheet in inch1200 is 4.7e5.
constexpr double kMaxAltoNumber = 1e7;

std::vector<double> parse_numbers(const std::string& text, const std::string& what, const std::string& xml_path) {
  std::vector<double> numbers;
  const char* p = text.data();
  const char* end = p + text.size();
  while (true) {
    while (p < end && (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    if (p == end) break;
    double v = 0;
    if (*p == '+') ++p;  // from_chars takes no leading '+'
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || !std::isfinite(v))
      throw DataError(xml_path + ": bad number in " + what + " \"" + text + "\"");
    // Coordinates and sizes of a page in any ALTO unit (px, mm10, inch1200) stay far below
    // this; a larger one is damage, and would overflow the pixel positions made from it.
    if (std::abs(v) > kMaxAltoNumber)
      throw DataError(xml_path + ": number out of range in " + what + " \"" + text + "\" (more than " +
                      std::to_string(static_cast<long>(kMaxAltoNumber)) + ")");
    numbers.push_back(v);
    p = next;
  }
  return numbers;
}

std::optional<double> number_attribute(const xmlNode* node, const char* name, const std::string& xml_path) {
  std::optional<std::string> value = attribute(node, name);
  if (!value) return std::nullopt;
  std::vector<double> v = parse_numbers(*value, name, xml_path);
  if (v.size() != 1) throw DataError(xml_path + ": bad number in " + name + " \"" + *value + "\"");
  return v[0];
}

bool is_alto_namespace(const xmlNs* ns) {
  if (!ns || !ns->href) return true;  // ALTO 1.x files often carry no namespace
  const std::string href(reinterpret_cast<const char*>(ns->href));
  return href.rfind("http://www.loc.gov/standards/alto/", 0) == 0 || href == "http://schema.ccs-gmbh.com/ALTO";
}

AltoTextLine read_text_line(const xmlNode* line, int number, const std::string& xml_path) {
  AltoTextLine out;
  out.id = attribute(line, "ID").value_or("");
  std::string text;
  for (const xmlNode* c = line->children; c; c = c->next) {
    if (is_element(c, "String")) {
      std::string content = attribute(c, "CONTENT").value_or("");
      if (content.empty()) continue;
      if (!text.empty()) text.push_back(' ');
      text += content;
    } else if (is_element(c, "HYP")) {
      text += attribute(c, "CONTENT").value_or("");
    } else if (is_element(c, "Shape") && out.outline.empty()) {
      for (const xmlNode* s = c->children; s; s = s->next) {
        if (!is_element(s, "Polygon")) continue;
        std::optional<std::string> points = attribute(s, "POINTS");
        if (!points) continue;
        std::vector<double> v = parse_numbers(*points, "POINTS of line " + std::to_string(number), xml_path);
        if (v.size() % 2 != 0)
          throw DataError(xml_path + ": odd number of coordinates in POINTS of line " + std::to_string(number));
        if (v.size() < 6) continue;  // not an area: the box below stands in
        for (std::size_t i = 0; i < v.size(); i += 2) out.outline.push_back({v[i], v[i + 1]});
      }
    }
  }
  out.text = fold_spaces(to_nfc(text));
  if (out.outline.empty()) {
    auto x = number_attribute(line, "HPOS", xml_path), y = number_attribute(line, "VPOS", xml_path);
    auto w = number_attribute(line, "WIDTH", xml_path), h = number_attribute(line, "HEIGHT", xml_path);
    if (x && y && w && h && *w >= 1 && *h >= 1) {
      const double r = *x + *w - 1, b = *y + *h - 1;
      out.outline = {{*x, *y}, {r, *y}, {r, b}, {*x, b}};
    }
  }
  return out;
}

void walk(const xmlNode* node, AltoPage& page, bool& have_page, const std::string& xml_path) {
  for (const xmlNode* c = node; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || !is_alto_namespace(c->ns)) continue;
    if (is_element(c, "MeasurementUnit")) {
      page.unit = trim(element_text(c));
      continue;
    }
    if (is_element(c, "TextLine")) {
      page.lines.push_back(read_text_line(c, static_cast<int>(page.lines.size()) + 1, xml_path));
      continue;
    }
    if (is_element(c, "Page") && !have_page) {
      have_page = true;
      page.width = number_attribute(c, "WIDTH", xml_path).value_or(0);
      page.height = number_attribute(c, "HEIGHT", xml_path).value_or(0);
    }
    walk(c->children, page, have_page, xml_path);
  }
}

}  // namespace

AltoPage read_alto(const std::string& xml_path) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_file_bytes(xml_path);
  } catch (const Error&) {
    throw DataError("cannot read ALTO file " + xml_path);
  }
  return parse_alto(bytes, xml_path);
}

AltoPage parse_alto(const std::vector<std::uint8_t>& bytes, const std::string& xml_path) {
  init_libxml2();
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw DataError(xml_path + ": ALTO file over 2 GB");
  std::unique_ptr<xmlParserCtxt, ParserDeleter> ctxt(xmlNewParserCtxt());
  if (!ctxt) throw std::bad_alloc();
  // No network, no DTD loading, no entity substitution: a training file must not reach out.
  FirstXmlError first_error;
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      xmlCtxtReadMemory(ctxt.get(), reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size()),
                        xml_path.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOWARNING));
  if (!doc || !ctxt->wellFormed)
    throw DataError(xml_path + ": malformed ALTO XML: " +
                    (first_error.text().empty() ? std::string("not well-formed") : first_error.text()));
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || !is_element(root, "alto"))
    throw DataError(xml_path + ": not an ALTO file (root element <" + std::string(root ? name_of(root) : "") +
                    ">); ocr train reads ALTO v1–v4 page files");
  if (!is_alto_namespace(root->ns))
    throw DataError(xml_path + ": not an ALTO file (namespace " +
                    std::string(reinterpret_cast<const char*>(root->ns->href)) + ")");
  AltoPage page;
  bool have_page = false;
  walk(root->children, page, have_page, xml_path);
  if (page.unit != "pixel" && page.unit != "mm10" && page.unit != "inch1200")
    throw DataError(xml_path + ": unknown MeasurementUnit \"" + page.unit + "\" (ALTO has pixel, mm10, inch1200)");
  return page;
}

double alto_pixels_per_unit(const std::string& unit, int dpi, const std::string& xml_path) {
  if (unit == "pixel") return 1.0;
  if (unit != "mm10" && unit != "inch1200")
    throw DataError(xml_path + ": unknown MeasurementUnit \"" + unit + "\" (ALTO has pixel, mm10, inch1200)");
  if (dpi <= 0)
    throw DataError(xml_path + ": coordinates in " + unit +
                    " need the page image's resolution, and the image states none; "
                    "convert the ALTO to pixel coordinates or store the dpi in the image");
  return unit == "mm10" ? dpi / 254.0 : dpi / 1200.0;
}

std::uint8_t paper_tone(const GreyImage& page) {
  if (page.empty()) return 255;
  std::array<std::size_t, 256> histogram{};
  for (std::uint8_t v : page.pixels) ++histogram[v];
  const std::size_t half = page.pixels.size() / 2;
  std::size_t seen = 0;
  for (int v = 0; v < 256; ++v) {
    seen += histogram[v];
    if (seen > half) return static_cast<std::uint8_t>(v);
  }
  return 255;
}

GreyImage cut_line_polygon(const GreyImage& page, const std::vector<PagePoint>& outline, std::uint8_t paper,
                           int margin) {
  if (outline.size() < 3 || page.empty()) return GreyImage();
  double min_x = outline[0].x, max_x = min_x, min_y = outline[0].y, max_y = min_y;
  for (const PagePoint& p : outline) {
    min_x = std::min(min_x, p.x), max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y), max_y = std::max(max_y, p.y);
  }
  const int x0 = std::max(0, static_cast<int>(std::lround(min_x)) - margin);
  const int y0 = std::max(0, static_cast<int>(std::lround(min_y)) - margin);
  const int x1 = std::min(page.width - 1, static_cast<int>(std::lround(max_x)) + margin);
  const int y1 = std::min(page.height - 1, static_cast<int>(std::lround(max_y)) + margin);
  if (x1 < x0 || y1 < y0) return GreyImage();
  const int w = x1 - x0 + 1, h = y1 - y0 + 1;
  std::vector<std::uint8_t> inside(static_cast<std::size_t>(w) * h, 0);
  auto mark = [&](long x, long y) {
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) inside[static_cast<std::size_t>(y - y0) * w + (x - x0)] = 1;
  };
  // Interior: even–odd rule on each row, an edge counting for rows min(y) ≤ y < max(y).
  const std::size_t n = outline.size();
  std::vector<double> crossings;
  for (int y = y0; y <= y1; ++y) {
    crossings.clear();
    for (std::size_t i = 0; i < n; ++i) {
      const PagePoint& a = outline[i];
      const PagePoint& b = outline[(i + 1) % n];
      if ((a.y <= y && y < b.y) || (b.y <= y && y < a.y))
        crossings.push_back(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
    }
    std::sort(crossings.begin(), crossings.end());
    for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
      const long from = std::max<long>(x0, static_cast<long>(std::ceil(crossings[k] - 1e-9)));
      const long to = std::min<long>(x1, static_cast<long>(std::floor(crossings[k + 1] + 1e-9)));
      for (long x = from; x <= to; ++x) mark(x, y);
    }
  }
  // Outline: each edge drawn as a line of pixels, so the polygon's boundary is kept.
  for (std::size_t i = 0; i < n; ++i) {
    const PagePoint& a = outline[i];
    const PagePoint& b = outline[(i + 1) % n];
    const int steps = std::max(1, static_cast<int>(std::ceil(std::max(std::abs(b.x - a.x), std::abs(b.y - a.y)))));
    for (int s = 0; s <= steps; ++s) {
      const double t = static_cast<double>(s) / steps;
      mark(std::lround(a.x + t * (b.x - a.x)), std::lround(a.y + t * (b.y - a.y)));
    }
  }
  GreyImage crop(w, h, paper);
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* src = page.row(y0 + y) + x0;
    std::uint8_t* dst = crop.row(y);
    const std::uint8_t* in = inside.data() + static_cast<std::size_t>(y) * w;
    for (int x = 0; x < w; ++x)
      if (in[x]) dst[x] = src[x];
  }
  return crop;
}

std::string page_image_for(const std::string& xml_path) {
  static const char* kExtensions[] = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pnm", ".pgm",
                                      ".PNG", ".JPG", ".JPEG", ".TIF", ".TIFF", ".PNM", ".PGM"};
  for (const char* ext : kExtensions) {
    fs::path image = xml_path;
    image.replace_extension(ext);
    std::error_code ec;
    if (fs::is_regular_file(image, ec)) return image.string();
  }
  return "";
}

std::vector<std::string> list_alto_pages(const std::string& dir) {
  if (!fs::is_directory(dir)) throw DataError(dir + ": not a folder of line images or ALTO pages");
  std::vector<std::string> pages;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext == ".xml" && !page_image_for(entry.path().string()).empty()) pages.push_back(entry.path().string());
  }
  std::sort(pages.begin(), pages.end());
  return pages;
}

std::vector<LineSample> load_alto_page(const std::string& xml_path, int* skipped) {
  AltoPage alto = read_alto(xml_path);
  const std::string image_path = page_image_for(xml_path);
  if (image_path.empty())
    throw DataError(xml_path + ": no page image beside it (" + fs::path(xml_path).stem().string() +
                    ".png, .jpg, .tif...)");
  int dpi = 0;
  const GreyImage page = read_grey_image(image_path, &dpi);
  const double scale = alto_pixels_per_unit(alto.unit, dpi, xml_path);
  if (alto.width > 0 && alto.height > 0) {
    const double w = alto.width * scale, h = alto.height * scale;
    if (std::abs(w - page.width) > std::max(2.0, 0.01 * page.width) ||
        std::abs(h - page.height) > std::max(2.0, 0.01 * page.height))
      throw DataError(xml_path + ": the ALTO page is " + std::to_string(std::lround(w)) + " x " +
                      std::to_string(std::lround(h)) + " px but its image " + image_path + " is " +
                      std::to_string(page.width) + " x " + std::to_string(page.height) +
                      " px; the ALTO describes another scan of the page");
  }
  const std::uint8_t paper = paper_tone(page);
  const std::string document = fs::path(xml_path).stem().string();
  std::vector<LineSample> lines;
  int dropped = 0;
  for (std::size_t i = 0; i < alto.lines.size(); ++i) {
    AltoTextLine& line = alto.lines[i];
    if (line.text.empty()) {
      ++dropped;
      continue;
    }
    for (PagePoint& p : line.outline) p.x *= scale, p.y *= scale;
    LineSample s;
    s.image = cut_line_polygon(page, line.outline, paper);
    if (s.image.empty()) {
      ++dropped;
      continue;
    }
    s.text = utf8_to_utf32(line.text);
    s.document = document;
    s.path = xml_path + "#" + (line.id.empty() ? std::to_string(i + 1) : line.id);
    lines.push_back(std::move(s));
  }
  if (skipped) *skipped = dropped;
  return lines;
}

}  // namespace platen
