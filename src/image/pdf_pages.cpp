// PDF pages as images: qpdf finds a scanned page's image and its stream, poppler-cpp renders
// the rest (see pdf_pages.h).

#include "image/pdf_pages.h"

// qpdf 11: no PointerHolder in the API used here.
#define POINTERHOLDER_TRANSITION 4
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>

#include "core/errors.h"
#include "image/decoders.h"

namespace platen::decoders {

namespace {

// poppler-cpp has one process-wide message hook; each thread points it at what it is reading.
thread_local std::vector<std::string>* poppler_messages = nullptr;

void on_poppler_message(const std::string& message, void*) {
  if (poppler_messages && poppler_messages->size() < 8) poppler_messages->push_back(message);
}

/// Collects poppler's messages on this thread while alive.
struct PopplerMessages {
  std::vector<std::string> messages;
  PopplerMessages() {
    static std::once_flag once;
    std::call_once(once, [] { poppler::set_debug_error_function(on_poppler_message, nullptr); });
    poppler_messages = &messages;
  }
  ~PopplerMessages() { poppler_messages = nullptr; }
  std::string summary() const { return messages.empty() ? std::string() : " (" + messages.front() + ")"; }
};

std::unique_ptr<poppler::document> load(const PdfSource& source, PopplerMessages& messages) {
  std::unique_ptr<poppler::document> doc(
      source.path ? poppler::document::load_from_file(*source.path)
                  : poppler::document::load_from_raw_data(reinterpret_cast<const char*>(source.data),
                                                          static_cast<int>(source.size)));
  if (!doc) fail(source.name, kNoPage, "damaged PDF: poppler cannot read it" + messages.summary());
  if (doc->is_locked())
    fail(source.name, kNoPage,
         "the PDF is encrypted with a password; decrypt it first (qpdf --decrypt --password=PW in.pdf out.pdf)");
  if (doc->pages() <= 0) fail(source.name, kNoPage, "the PDF has no pages" + messages.summary());
  return doc;
}

std::string name_of(QPDFObjectHandle h) { return h.isName() ? h.getName() : std::string(); }

// The single filter of an image stream ("" for none, "?" for a chain of several).
std::string single_filter(QPDFObjectHandle dict) {
  QPDFObjectHandle f = dict.getKey("/Filter");
  if (f.isNull()) return "";
  if (f.isName()) return f.getName();
  if (f.isArray()) {
    if (f.getArrayNItems() == 0) return "";
    if (f.getArrayNItems() == 1) return name_of(f.getArrayItem(0));
  }
  return "?";
}

QPDFObjectHandle decode_parms(QPDFObjectHandle dict) {
  QPDFObjectHandle p = dict.getKey("/DecodeParms");
  if (p.isArray() && p.getArrayNItems() == 1) p = p.getArrayItem(0);
  return p.isDictionary() ? p : QPDFObjectHandle::newNull();
}

int int_key(QPDFObjectHandle dict, const char* key, int otherwise) {
  if (!dict.isDictionary()) return otherwise;
  QPDFObjectHandle v = dict.getKey(key);
  return v.isInteger() ? v.getIntValueAsInt() : otherwise;
}

bool bool_key(QPDFObjectHandle dict, const char* key, bool otherwise) {
  if (!dict.isDictionary()) return otherwise;
  QPDFObjectHandle v = dict.getKey(key);
  return v.isBool() ? v.getBoolValue() : otherwise;
}

// Components of a DeviceGray / DeviceRGB / ICCBased (N 1 or 3) colour space, 0 otherwise.
int components_of(QPDFObjectHandle cs) {
  const std::string name = name_of(cs);
  if (name == "/DeviceGray" || name == "/CalGray") return 1;
  if (name == "/DeviceRGB" || name == "/CalRGB") return 3;
  if (cs.isArray() && cs.getArrayNItems() == 2 && name_of(cs.getArrayItem(0)) == "/ICCBased") {
    QPDFObjectHandle icc = cs.getArrayItem(1);
    if (icc.isStream()) {
      const int n = int_key(icc.getDict(), "/N", 0);
      if (n == 1 || n == 3) return n;
    }
  }
  return 0;
}

void put16(std::vector<std::uint8_t>& b, unsigned v) { b.push_back(v & 0xff); b.push_back((v >> 8) & 0xff); }
void put32(std::vector<std::uint8_t>& b, std::uint32_t v) { put16(b, v & 0xffff); put16(b, v >> 16); }

// A one-strip little-endian TIFF around a CCITT G4 stream, for decode_tiff.cpp.
std::vector<std::uint8_t> g4_tiff(const std::vector<std::uint8_t>& g4, std::uint32_t w, std::uint32_t h, bool black_is_1) {
  std::vector<std::uint8_t> t = {'I', 'I', 42, 0};
  put32(t, 8);
  struct Entry { unsigned tag, type; std::uint32_t value; };
  const std::uint32_t entries = 9;
  const std::uint32_t data_offset = 8 + 2 + entries * 12 + 4;
  const Entry e[entries] = {{256, 4, w}, {257, 4, h}, {258, 3, 1}, {259, 3, 4}, {262, 3, black_is_1 ? 1u : 0u},
                            {273, 4, data_offset}, {277, 3, 1}, {278, 4, h},
                            {279, 4, static_cast<std::uint32_t>(g4.size())}};
  put16(t, entries);
  for (const Entry& x : e) {
    put16(t, x.tag);
    put16(t, x.type);
    put32(t, 1);
    if (x.type == 3) { put16(t, x.value); put16(t, 0); } else { put32(t, x.value); }
  }
  put32(t, 0);
  t.insert(t.end(), g4.begin(), g4.end());
  return t;
}

// Degrees the page is turned clockwise for display (its /Rotate), as an orientation tag.
int orientation_tag_of_rotate(int rotate) {
  switch (((rotate % 360) + 360) % 360) {
    case 90: return 6;
    case 180: return 3;
    case 270: return 8;
    default: return 1;
  }
}

/// What qpdf found on a scanned page.
struct ScannedImage {
  bool found = false;      ///< the page is one image covering it
  double dpi = 0;          ///< the image's own resolution on the page
  int rotate = 0;
  Decoded decoded;         ///< filled when the image could be taken as stored
  bool decoded_ok = false;
};

ScannedImage scanned_image(const PdfSource& source, int page_index, const PageContext& page) {
  ScannedImage out;
  QPDF pdf;
  pdf.setSuppressWarnings(true);
  if (source.path) pdf.processFile(source.path->c_str());
  else pdf.processMemoryFile(source.name.c_str(), reinterpret_cast<const char*>(source.data), source.size);
  std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(pdf).getAllPages();
  if (page_index < 0 || page_index >= static_cast<int>(pages.size())) return out;
  QPDFPageObjectHelper& p = pages[page_index];
  std::map<std::string, QPDFObjectHandle> images = p.getImages();
  if (images.size() != 1 || !p.getFormXObjects().empty()) return out;
  QPDFObjectHandle image = images.begin()->second;
  QPDFObjectHandle dict = image.getDict();
  const int w = int_key(dict, "/Width", 0), h = int_key(dict, "/Height", 0);
  if (w <= 0 || h <= 0) return out;
  QPDFObjectHandle box = p.getCropBox(false, false);
  if (!box.isRectangle()) box = p.getMediaBox();
  if (!box.isRectangle()) return out;
  const QPDFObjectHandle::Rectangle r = box.getArrayAsRectangle();
  double pw = std::fabs(r.urx - r.llx), ph = std::fabs(r.ury - r.lly);
  if (pw < 1 || ph < 1) return out;
  QPDFObjectHandle rotate = p.getAttribute("/Rotate", false);
  out.rotate = rotate.isInteger() ? rotate.getIntValueAsInt() : 0;
  // A page that is one scan: the image has the page's shape (within 2 %).
  if (std::fabs(double(w) / h - pw / ph) > 0.02 * pw / ph) return out;
  out.found = true;
  out.dpi = w / (pw / 72.0);

  if (!dict.getKey("/SMask").isNull() || !dict.getKey("/Mask").isNull() || !dict.getKey("/Decode").isNull() ||
      bool_key(dict, "/ImageMask", false))
    return out;  // rendered at the image's resolution
  const std::string filter = single_filter(dict);
  const int bpc = int_key(dict, "/BitsPerComponent", 0);
  check_pixel_limits(w, h, page);
  if (filter == "/DCTDecode") {
    std::shared_ptr<Buffer> raw = image.getRawStreamData();
    out.decoded = decode_jpeg(raw->getBuffer(), raw->getSize(), page);
    out.decoded_ok = true;
  } else if (filter == "/CCITTFaxDecode") {
    QPDFObjectHandle parms = decode_parms(dict);
    if (int_key(parms, "/K", 0) >= 0 || bool_key(parms, "/EncodedByteAlign", false)) return out;
    const int columns = int_key(parms, "/Columns", 1728), rows = int_key(parms, "/Rows", h);
    if (columns != w || rows != h) return out;
    const bool black_is_1 = bool_key(parms, "/BlackIs1", false);
    std::shared_ptr<Buffer> raw = image.getRawStreamData();
    std::vector<std::uint8_t> g4(raw->getBuffer(), raw->getBuffer() + raw->getSize());
    const std::vector<std::uint8_t> tiff = g4_tiff(g4, static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h), black_is_1);
    ReadOptions without_original = page.options;
    without_original.keep_page_image = false;
    const PageContext inner{page.name, page.page_index, without_original};
    // The wrapper's one directory, whichever page of the PDF this is.
    out.decoded = TiffFile::open_memory(tiff.data(), tiff.size(), page.name)->decode(inner, 0);
    if (page.options.keep_page_image) {
      if (!black_is_1) {
        auto original = std::make_shared<PageImage>();
        original->encoding = PageImage::Encoding::ccitt_g4;
        original->data = std::move(g4);
        original->width = w;
        original->height = h;
        original->components = 1;
        original->bits_per_component = 1;
        out.decoded.original = std::move(original);
      } else {
        out.decoded.original = raw_page_image(out.decoded.pix.get(), 1);
      }
    }
    out.decoded_ok = true;
  } else if (filter.empty() || filter == "/FlateDecode" || filter == "/LZWDecode") {
    const int components = components_of(dict.getKey("/ColorSpace"));
    if (components == 0 || !(bpc == 8 || (bpc == 1 && components == 1))) return out;
    const double raw_bytes = double(h) * ((double(w) * components * bpc + 7) / 8);
    check_data_bound(w, h, raw_bytes, double(image.getRawStreamData()->getSize()), filter.empty() ? 1.0 : 1500.0,
                     "the PDF stream's compression", page);
    std::shared_ptr<Buffer> samples = image.getStreamData(qpdf_dl_generalized);
    const std::size_t row = (static_cast<std::size_t>(w) * components * bpc + 7) / 8;
    if (samples->getSize() < row * h) page.fail("damaged PDF image: its stream holds fewer samples than its size needs");
    const std::uint8_t* s = samples->getBuffer();
    PixPtr pix = adopt(pixCreate(w, h, bpc == 1 ? 1 : components == 1 ? 8 : 32));
    if (!pix) page.fail("out of memory");
    l_uint32* data = pixGetData(pix.get());
    const int wpl = pixGetWpl(pix.get());
    for (int y = 0; y < h; ++y) {
      const std::uint8_t* in = s + static_cast<std::size_t>(y) * row;
      l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
      if (bpc == 1) {
        std::uint8_t* bytes = reinterpret_cast<std::uint8_t*>(line);
        for (std::size_t i = 0; i < row; ++i) bytes[i] = static_cast<std::uint8_t>(~in[i]);  // 1 = black
      } else if (components == 1) {
        std::memcpy(line, in, static_cast<std::size_t>(w));
      } else {
        for (int x = 0; x < w; ++x) line[x] = (l_uint32(in[3 * x]) << 24) | (l_uint32(in[3 * x + 1]) << 16) | (l_uint32(in[3 * x + 2]) << 8);
      }
    }
    if (components == 1) pixEndianByteSwap(pix.get());
    if (bpc == 1) pixSetPadBits(pix.get(), 0);
    out.decoded.pix = std::move(pix);
    if (page.options.keep_page_image) out.decoded.original = raw_page_image(out.decoded.pix.get(), 1);
    out.decoded_ok = true;
  }
  return out;
}

PixPtr render(poppler::page& p, double dpi, const PageContext& page, PopplerMessages& messages) {
  const poppler::rectf box = p.page_rect(poppler::crop_box);
  double w = box.width() * dpi / 72.0, h = box.height() * dpi / 72.0;
  const poppler::page::orientation_enum o = p.orientation();
  if (o == poppler::page::landscape || o == poppler::page::seascape) std::swap(w, h);
  check_pixel_limits(std::ceil(w), std::ceil(h), page);
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_gray8);
  poppler::image img = renderer.render_page(&p, dpi, dpi);
  if (!img.is_valid()) page.fail("the PDF page cannot be rendered" + messages.summary());
  const int iw = img.width(), ih = img.height();
  PixPtr pix = adopt(pixCreate(iw, ih, 8));
  if (!pix) page.fail("out of memory");
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  const char* rows = img.const_data();
  for (int y = 0; y < ih; ++y)
    std::memcpy(data + static_cast<std::size_t>(y) * wpl, rows + static_cast<std::size_t>(y) * img.bytes_per_row(),
                static_cast<std::size_t>(iw));
  pixEndianByteSwap(pix.get());
  return pix;
}

}  // namespace

PageCount count_pdf_pages(const PdfSource& source) {
  PopplerMessages messages;
  std::unique_ptr<poppler::document> doc = load(source, messages);
  return PageCount{doc->pages(), true, {}};
}

DecodedPage read_pdf_page(const PdfSource& source, int page_index, const ReadOptions& options) {
  PopplerMessages messages;
  std::unique_ptr<poppler::document> doc = load(source, messages);
  const int pages = doc->pages();
  if (page_index < 0 || page_index >= pages)
    fail(source.name, kNoPage, "has " + std::to_string(pages) + " pages; page " + std::to_string(page_index + 1) +
                                   " does not exist");
  std::unique_ptr<poppler::page> p(doc->create_page(page_index));
  if (!p) fail(source.name, page_index, "damaged PDF page" + messages.summary());
  const PageContext page{source.name, page_index, options};

  DecodedPage out;
  out.page_index = page_index;
  const std::vector<char> text = p->text().to_utf8();
  out.text_layer.assign(text.begin(), text.end());
  out.has_text_layer = out.text_layer.find_first_not_of(" \t\r\n\f") != std::string::npos;

  ScannedImage scan;
  try {
    scan = scanned_image(source, page_index, page);
  } catch (const ImageError&) {
    throw;
  } catch (const std::exception& e) {
    // qpdf could not follow the file where poppler could: render the page instead.
    out.warnings.push_back(std::string("qpdf: ") + e.what() + "; the page was rendered");
    scan = ScannedImage{};
  }
  if (scan.decoded_ok) {
    out.pix = apply_orientation(std::move(scan.decoded.pix), orientation_tag_of_rotate(scan.rotate));
    out.dpi = static_cast<int>(std::lround(scan.dpi));
    if (scan.decoded.original) scan.decoded.original->orientation_tag = orientation_tag_of_rotate(scan.rotate);
    out.original = std::move(scan.decoded.original);
    for (std::string& w : scan.decoded.warnings) out.warnings.push_back(std::move(w));
  } else {
    const double dpi = scan.found ? std::clamp(scan.dpi, 50.0, 1200.0) : kPdfRenderDpi;
    out.pix = render(*p, dpi, page, messages);
    out.dpi = static_cast<int>(std::lround(dpi));
    if (options.keep_page_image) out.original = raw_page_image(out.pix.get(), 1);
  }
  pixSetResolution(out.pix.get(), out.dpi, out.dpi);
  return out;
}

}  // namespace platen::decoders
