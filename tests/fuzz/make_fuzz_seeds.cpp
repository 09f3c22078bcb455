// Writes the seeds of each fuzz target into the folders given (tests/fuzz/seeds/*), from
// Platen's own writers (or, for layouts Leptonica does not write, the codec libraries
// themselves), so the seeds follow the formats if they change:
//   make_fuzz_seeds tests/fuzz/seeds
// The ALTO seed is written by hand (seeds/alto/page.xml) and not made here.
#include <cstddef>
#include <cstdio>  // before jpeglib.h, which uses size_t and FILE without including them

#include <jpeglib.h>
#include <tiffio.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/binary_io.h"
#include "image/decoders.h"
#include "image/pix.h"
#include "output/pdf_writer.h"
#include "recognition/language_pack.h"
#include "recognition/model.h"
#include "pdf_objects.h"

namespace {

platen::PixPtr stripes(int w, int h, int depth) {
  platen::PixPtr pix = platen::adopt(pixCreate(w, h, 8));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) pixSetPixel(pix.get(), x, y, ((x / 7 + y / 5) % 3) * 100);
  if (depth == 1) return platen::adopt(pixThresholdToBinary(pix.get(), 128));
  return pix;
}

bool write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

// A CMYK JPEG with an Adobe marker, inverted as Photoshop writes it (stored 255 = no ink):
// the grey page's darkness all in K, C M Y empty.
bool write_cmyk_jpeg(const std::string& path, Pix* grey) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return false;
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, file);
  cinfo.image_width = static_cast<JDIMENSION>(pixGetWidth(grey));
  cinfo.image_height = static_cast<JDIMENSION>(pixGetHeight(grey));
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_colorspace(&cinfo, JCS_CMYK);  // writes the Adobe marker, no transform
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<JSAMPLE> row(4 * cinfo.image_width);
  while (cinfo.next_scanline < cinfo.image_height) {
    for (JDIMENSION x = 0; x < cinfo.image_width; ++x) {
      l_uint32 v = 0;
      pixGetPixel(grey, static_cast<l_int32>(x), static_cast<l_int32>(cinfo.next_scanline), &v);
      row[4 * x] = row[4 * x + 1] = row[4 * x + 2] = 255;
      row[4 * x + 3] = static_cast<JSAMPLE>(v);  // inverted K: 255 - (255 - grey)
    }
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return std::fclose(file) == 0;
}

// A grey TIFF in 16 x 16 tiles, Deflate-compressed (Leptonica writes only strips).
bool write_tiled_tiff(const std::string& path, Pix* grey) {
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (!tif) return false;
  const int w = pixGetWidth(grey), h = pixGetHeight(grey), side = 16;
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField(tif, TIFFTAG_TILEWIDTH, side);
  TIFFSetField(tif, TIFFTAG_TILELENGTH, side);
  std::vector<std::uint8_t> tile(side * side);
  bool ok = true;
  for (int ty = 0; ty < h; ty += side)
    for (int tx = 0; tx < w; tx += side) {
      for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
          l_uint32 v = 0;
          if (tx + x < w && ty + y < h) pixGetPixel(grey, tx + x, ty + y, &v);
          tile[y * side + x] = static_cast<std::uint8_t>(v);
        }
      ok = ok && TIFFWriteTile(tif, tile.data(), tx, ty, 0, 0) >= 0;
    }
  TIFFClose(tif);
  return ok;
}

// A page of the PDF seeds: `width` x `height` px at 300 ppi with one line of text, boxed
// across the page, and the page image when there is one.
platen::PageResult pdf_page(int index, int width, int height, const std::string& text,
                            std::shared_ptr<platen::PageImage> image) {
  platen::PageResult page;
  page.source = "seed.pdf";
  page.ok = true;
  page.page_index = index;
  page.page_count = 3;
  page.width = width;
  page.height = height;
  page.resolution = 300;
  page.resolution_from_file = true;
  platen::Line line;
  line.text = text;
  line.box = platen::Box{4, height / 4, width - 8, height / 2};
  line.polygon = {{line.box.x, line.box.y}, {line.box.right(), line.box.y}, {line.box.right(), line.box.bottom()},
                  {line.box.x, line.box.bottom()}};
  line.baseline = {{line.box.x, line.box.bottom() - 2}, {line.box.right(), line.box.bottom() - 2}};
  line.confidence = 0.9f;
  page.lines.push_back(line);
  page.text = text + "\n";
  page.image = std::move(image);
  return page;
}

// The same minimal PDF a hand would write: one page, visible text in Helvetica (not embedded,
// so poppler finds a system font), 2 x 1 inch.
std::string helvetica_pdf() {
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 144 72] /Resources << /Font << /F1 5 0 R >> >> "
      "/Contents 4 0 R >>",
      "",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"};
  const std::string content = "BT /F1 18 Tf 10 30 Td (Typed text) Tj ET\n";
  objects[3] = "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream";
  return platen::test::pdf_from_objects("%PDF-1.4\n", objects);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_fuzz_seeds SEEDS-DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  // Image reader: a two-page TIFF (G4 then LZW), the multi-page case the batch relies on,
  // and a small PNG, JPEG and PBM.
  platen::PixPtr bilevel = stripes(64, 24, 1), grey = stripes(48, 20, 8);
  const std::string tiff = dir + "/image_reader/two-pages.tif";
  if (pixWriteTiff(tiff.c_str(), bilevel.get(), IFF_TIFF_G4, "w") != 0 ||
      pixWriteTiff(tiff.c_str(), grey.get(), IFF_TIFF_LZW, "a") != 0 ||
      pixWrite((dir + "/image_reader/grey.png").c_str(), grey.get(), IFF_PNG) != 0 ||
      pixWrite((dir + "/image_reader/grey.jpg").c_str(), grey.get(), IFF_JFIF_JPEG) != 0 ||
      pixWrite((dir + "/image_reader/bilevel.pbm").c_str(), bilevel.get(), IFF_PNM) != 0) {
    std::cerr << "make_fuzz_seeds: cannot write the image seeds\n";
    return 1;
  }
  // Layouts archives hold that Leptonica does not write: Adobe CMYK JPEG, tiled TIFF.
  if (!write_cmyk_jpeg(dir + "/image_reader/cmyk-adobe.jpg", grey.get()) ||
      !write_tiled_tiff(dir + "/image_reader/tiled.tif", stripes(40, 36, 8).get())) {
    std::cerr << "make_fuzz_seeds: cannot write the CMYK JPEG or tiled TIFF seed\n";
    return 1;
  }
  // PDF reader, from Platen's own searchable-PDF writer: a scanned grey page (Flate samples),
  // a scanned bilevel page (CCITT G4) and a page of text alone (rendered), each with a text
  // layer; a scanned JPEG page (DCT, passed through); the three-page file cut short; and a
  // hand-written page of visible Helvetica.
  platen::PixPtr page_grey = stripes(96, 48, 8), page_bilevel = stripes(128, 64, 1);
  platen::Document pdf;
  pdf.source = "seed.pdf";
  pdf.processing.timestamp = 1700000000;
  pdf.pages.push_back(pdf_page(0, 96, 48, "grey", platen::decoders::raw_page_image(page_grey.get(), 1)));
  pdf.pages.push_back(pdf_page(1, 128, 64, "bilevel", platen::decoders::raw_page_image(page_bilevel.get(), 1)));
  pdf.pages.push_back(pdf_page(2, 150, 75, "text", nullptr));
  const std::string pages = platen::PdfWriter().write(pdf).bytes;
  auto jpeg = std::make_shared<platen::PageImage>();
  jpeg->encoding = platen::PageImage::Encoding::jpeg;
  {
    l_uint8* bytes = nullptr;
    size_t size = 0;
    if (pixWriteMemJpeg(&bytes, &size, grey.get(), 85, 0) != 0) return 1;
    jpeg->data.assign(bytes, bytes + size);
    lept_free(bytes);
  }
  jpeg->width = pixGetWidth(grey.get());
  jpeg->height = pixGetHeight(grey.get());
  platen::Document jpeg_pdf;
  jpeg_pdf.source = "seed.pdf";
  jpeg_pdf.processing.timestamp = 1700000000;
  jpeg_pdf.pages.push_back(pdf_page(0, jpeg->width, jpeg->height, "jpeg", jpeg));
  jpeg_pdf.pages[0].page_count = 1;
  if (!write_bytes(dir + "/pdf/pages.pdf", pages) ||
      !write_bytes(dir + "/pdf/jpeg-scan.pdf", platen::PdfWriter().write(jpeg_pdf).bytes) ||
      !write_bytes(dir + "/pdf/cut.pdf", pages.substr(0, pages.size() * 6 / 10)) ||
      !write_bytes(dir + "/pdf/helvetica.pdf", helvetica_pdf())) {
    std::cerr << "make_fuzz_seeds: cannot write the PDF seeds\n";
    return 1;
  }
  // Model: a tiny network over a tiny alphabet (the shipped models are megabytes).
  const platen::Model model = platen::Model::initialise(
      platen::Alphabet(U"abcdefghij .,"), platen::NetworkSpec::parse("C3x3:4 M2x2 C3x3:6 CHx3:8 O"), 16, 7);
  platen::write_file_atomically(dir + "/model/tiny.platen", model.serialise());
  // Language model: order 3 over a few lines, every word kept.
  const std::vector<std::u32string> lines = {U"the typewriter types the text", U"a typed page of text",
                                             U"the page"};
  platen::LanguagePack::train("eng", lines, 3, 1, 1).save(dir + "/language_model/tiny.lm");
  return 0;
}
