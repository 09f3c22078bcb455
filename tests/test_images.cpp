#include "test_images.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jpeglib.h>
#define POINTERHOLDER_TRANSITION 4
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>
#include <tiffio.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "image/page_reader.h"
#include "pdf_objects.h"
#include "test_paths.h"

namespace platen::test {

std::vector<std::uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::vector<std::uint8_t> cut(std::vector<std::uint8_t> bytes, double fraction) {
  bytes.resize(static_cast<std::size_t>(static_cast<double>(bytes.size()) * fraction));
  return bytes;
}

namespace {

std::uint8_t grey_at(Pix* pix, int x, int y) {
  l_uint32 v = 0;
  pixGetPixel(pix, x, y, &v);
  return static_cast<std::uint8_t>(v);
}

}  // namespace

PixPtr sample_text_page(int height) {
  const DecodedPage page = read_image_page(source_dir() + "/datasets/samples/sample-page.jpg", 0);
  PixPtr grey = to_grey(page.pix.get());
  const int w = pixGetWidth(grey.get()) / 16 * 16;
  // End on paper, not through a line of type: the nearest run of 6 light rows above `height`.
  auto light_row = [&](int y) {
    for (int x = 0; x < w; ++x)
      if (grey_at(grey.get(), x, y) < 140) return false;
    return true;
  };
  for (int y = height, run = 0; y > height / 2; --y) {
    run = light_row(y) ? run + 1 : 0;
    if (run == 6) {
      height = y + 3;
      break;
    }
  }
  BOX* box = boxCreate(0, 0, w, height);
  PixPtr clipped = adopt(pixClipRectangle(grey.get(), box, nullptr));
  boxDestroy(&box);
  if (!clipped) throw std::runtime_error("cannot clip the sample page");
  PixPtr copy = adopt(pixCopy(nullptr, clipped.get()));
  pixSetResolution(copy.get(), 0, 0);
  return copy;
}

std::vector<std::uint8_t> jpeg_bytes(Pix* grey8, JpegInk ink, int quality, bool progressive) {
  const int w = pixGetWidth(grey8), h = pixGetHeight(grey8);
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  jpeg_mem_dest(&c, &out, &out_size);
  c.image_width = static_cast<JDIMENSION>(w);
  c.image_height = static_cast<JDIMENSION>(h);
  const bool cmyk = ink != JpegInk::grey;
  c.input_components = cmyk ? 4 : 1;
  c.in_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
  jpeg_set_defaults(&c);
  if (ink == JpegInk::ycck_adobe) jpeg_set_colorspace(&c, JCS_YCCK);
  if (ink == JpegInk::cmyk_plain) c.write_Adobe_marker = FALSE;
  jpeg_set_quality(&c, quality, TRUE);
  if (progressive) jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  const bool inverted = ink == JpegInk::cmyk_adobe || ink == JpegInk::ycck_adobe;
  std::vector<JSAMPLE> row(static_cast<std::size_t>(w) * (cmyk ? 4 : 1));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const std::uint8_t g = grey_at(grey8, x, y);
      if (!cmyk) {
        row[x] = g;
        continue;
      }
      const int amount = 255 - g;  // ink
      int inks[4] = {0, 0, 0, 0};
      if (y < h / 2) inks[0] = inks[1] = inks[2] = amount;
      else inks[3] = amount;
      for (int k = 0; k < 4; ++k)
        row[4 * static_cast<std::size_t>(x) + k] = static_cast<JSAMPLE>(inverted ? 255 - inks[k] : inks[k]);
    }
    JSAMPROW p = row.data();
    jpeg_write_scanlines(&c, &p, 1);
  }
  jpeg_finish_compress(&c);
  std::vector<std::uint8_t> bytes(out, out + out_size);
  jpeg_destroy_compress(&c);
  std::free(out);
  return bytes;
}

std::vector<std::uint8_t> with_exif_orientation(const std::vector<std::uint8_t>& jpeg, int tag) {
  // Big-endian TIFF structure: header, IFD0 with one entry (Orientation, SHORT, 1), no next IFD.
  const std::vector<std::uint8_t> tiff = {'M', 'M', 0, 42, 0, 0, 0, 8,             // header, IFD0 at 8
                                          0, 1,                                    // one entry
                                          0x01, 0x12, 0, 3, 0, 0, 0, 1,            // 0x0112 SHORT ×1
                                          0, static_cast<std::uint8_t>(tag), 0, 0, // value
                                          0, 0, 0, 0};                             // no next IFD
  std::vector<std::uint8_t> app1 = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  app1.insert(app1.end(), tiff.begin(), tiff.end());
  const std::size_t length = app1.size() - 2;
  app1[2] = static_cast<std::uint8_t>(length >> 8);
  app1[3] = static_cast<std::uint8_t>(length & 0xff);
  std::size_t at = 2;  // after SOI
  if (jpeg.size() > 6 && jpeg[2] == 0xFF && jpeg[3] == 0xE0) at = 4 + (std::size_t(jpeg[4]) << 8 | jpeg[5]);
  std::vector<std::uint8_t> out(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(at));
  out.insert(out.end(), app1.begin(), app1.end());
  out.insert(out.end(), jpeg.begin() + static_cast<std::ptrdiff_t>(at), jpeg.end());
  return out;
}

std::vector<std::uint8_t> with_frame_size(std::vector<std::uint8_t> jpeg, int width, int height) {
  // Walk the marker segments after SOI: FF xx, then a 2-byte big-endian length (itself included).
  std::size_t at = 2;
  while (at + 9 < jpeg.size() && jpeg[at] == 0xFF) {
    const std::uint8_t marker = jpeg[at + 1];
    const std::size_t length = std::size_t(jpeg[at + 2]) << 8 | jpeg[at + 3];
    const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      // SOFn: length, precision, height, width.
      jpeg[at + 5] = static_cast<std::uint8_t>(height >> 8), jpeg[at + 6] = static_cast<std::uint8_t>(height);
      jpeg[at + 7] = static_cast<std::uint8_t>(width >> 8), jpeg[at + 8] = static_cast<std::uint8_t>(width);
      return jpeg;
    }
    at += 2 + length;
  }
  throw std::invalid_argument("with_frame_size: no JPEG frame header (SOF) before the scan data");
}

namespace {

struct TiffMemory {
  std::vector<std::uint8_t> bytes;
  std::uint64_t pos = 0;
};

tmsize_t tm_read(thandle_t h, void* buf, tmsize_t n) {
  auto* m = static_cast<TiffMemory*>(h);
  if (m->pos >= m->bytes.size()) return 0;
  const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(n), m->bytes.size() - m->pos);
  std::memcpy(buf, m->bytes.data() + m->pos, count);
  m->pos += count;
  return static_cast<tmsize_t>(count);
}
tmsize_t tm_write(thandle_t h, void* buf, tmsize_t n) {
  auto* m = static_cast<TiffMemory*>(h);
  if (m->pos + static_cast<std::uint64_t>(n) > m->bytes.size()) m->bytes.resize(m->pos + static_cast<std::size_t>(n));
  std::memcpy(m->bytes.data() + m->pos, buf, static_cast<std::size_t>(n));
  m->pos += static_cast<std::uint64_t>(n);
  return n;
}
toff_t tm_seek(thandle_t h, toff_t off, int whence) {
  auto* m = static_cast<TiffMemory*>(h);
  if (whence == SEEK_SET) m->pos = off;
  else if (whence == SEEK_CUR) m->pos += off;
  else m->pos = m->bytes.size() + off;
  return m->pos;
}
int tm_close(thandle_t) { return 0; }
toff_t tm_size(thandle_t h) { return static_cast<TiffMemory*>(h)->bytes.size(); }
int tm_map(thandle_t, void**, toff_t*) { return 0; }
void tm_unmap(thandle_t, void*, toff_t) {}

}  // namespace

std::vector<std::uint8_t> tiff_bytes(Pix* grey8, const TiffLayout& layout) {
  const int w = pixGetWidth(grey8), h = pixGetHeight(grey8);
  TiffMemory memory;
  TIFF* tif = TIFFClientOpen("test.tif", "w", &memory, tm_read, tm_write, tm_seek, tm_close, tm_size, tm_map, tm_unmap);
  if (!tif) throw std::runtime_error("cannot open a TIFF writer");
  const int spp = layout.rgb ? 3 : 1;
  const int bps = layout.sixteen_bit ? 16 : 8;
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(w));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(h));
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bps);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, spp);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, layout.compression);
  TIFFSetField(tif, TIFFTAG_ORIENTATION, layout.orientation);
  if (layout.x_resolution != 0) {
    TIFFSetField(tif, TIFFTAG_XRESOLUTION, layout.x_resolution);
    TIFFSetField(tif, TIFFTAG_YRESOLUTION, layout.x_resolution);
    TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  }
  std::vector<std::uint16_t> map_r, map_g, map_b;
  if (layout.palette) {
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_PALETTE);
    // Index i shows grey 255 − i: a reader that takes the indices for greys reads a negative.
    for (int i = 0; i < 256; ++i) map_r.push_back(static_cast<std::uint16_t>((255 - i) * 257));
    map_g = map_b = map_r;
    TIFFSetField(tif, TIFFTAG_COLORMAP, map_r.data(), map_g.data(), map_b.data());
  } else if (layout.rgb) {
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, layout.compression == COMPRESSION_JPEG ? PHOTOMETRIC_YCBCR : PHOTOMETRIC_RGB);
  } else {
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  }
  if (layout.compression == COMPRESSION_JPEG) {
    TIFFSetField(tif, TIFFTAG_JPEGQUALITY, 92);
    if (layout.rgb) TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
  }
  if (layout.tile > 0) {
    TIFFSetField(tif, TIFFTAG_TILEWIDTH, static_cast<std::uint32_t>(layout.tile));
    TIFFSetField(tif, TIFFTAG_TILELENGTH, static_cast<std::uint32_t>(layout.tile));
  } else {
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<std::uint32_t>(layout.rows_per_strip));
  }
  const std::size_t bytes_per_sample = bps / 8;
  auto put = [&](std::uint8_t* p, int x, int y) {
    std::uint8_t g = grey_at(grey8, x, y);
    if (layout.palette) g = static_cast<std::uint8_t>(255 - g);
    for (int s = 0; s < spp; ++s) {
      if (bps == 16) {
        const std::uint16_t v = static_cast<std::uint16_t>(g * 257);
        std::memcpy(p + s * 2, &v, 2);
      } else {
        p[s] = g;
      }
    }
  };
  const std::size_t pixel_bytes = bytes_per_sample * spp;
  bool ok = true;
  if (layout.tile > 0) {
    const int t = layout.tile;
    std::vector<std::uint8_t> tile(static_cast<std::size_t>(t) * t * pixel_bytes);
    for (int y0 = 0; y0 < h; y0 += t)
      for (int x0 = 0; x0 < w; x0 += t) {
        std::fill(tile.begin(), tile.end(), 0);
        for (int y = y0; y < std::min(h, y0 + t); ++y)
          for (int x = x0; x < std::min(w, x0 + t); ++x)
            put(tile.data() + (static_cast<std::size_t>(y - y0) * t + (x - x0)) * pixel_bytes, x, y);
        const ttile_t index = TIFFComputeTile(tif, static_cast<std::uint32_t>(x0), static_cast<std::uint32_t>(y0), 0, 0);
        ok = ok && TIFFWriteEncodedTile(tif, index, tile.data(), static_cast<tmsize_t>(tile.size())) >= 0;
      }
  } else {
    std::vector<std::uint8_t> row(static_cast<std::size_t>(w) * pixel_bytes);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) put(row.data() + static_cast<std::size_t>(x) * pixel_bytes, x, y);
      ok = ok && TIFFWriteScanline(tif, row.data(), static_cast<std::uint32_t>(y), 0) >= 0;
    }
  }
  TIFFClose(tif);
  if (!ok) throw std::runtime_error("libtiff could not write the test TIFF");
  return memory.bytes;
}

PixPtr stored_for_orientation(Pix* upright, int tag) {
  // Displayed = stored turned: tag 6 turns the stored image clockwise, 8 anticlockwise.
  switch (tag) {
    case 3: return adopt(pixRotate180(nullptr, upright));
    case 6: return adopt(pixRotate90(upright, -1));
    case 8: return adopt(pixRotate90(upright, 1));
    default: return adopt(pixCopy(nullptr, upright));
  }
}

namespace {

std::string number(double v) {
  std::ostringstream s;
  s.precision(6);
  s << std::fixed << v;
  return s.str();
}

std::string pdf_string(const std::string& text) {
  std::string out = "(";
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out + ")";
}

}  // namespace

std::vector<std::uint8_t> pdf_bytes(const std::vector<PdfPage>& pages) {
  // Objects: 1 catalog, 2 page tree, 3 font, then per page: page, content, image.
  std::vector<std::string> objects(3);
  std::string kids;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const PdfPage& p = pages[i];
    const int page_obj = static_cast<int>(objects.size()) + 1;
    const int content_obj = page_obj + 1, image_obj = page_obj + 2;
    double pw = 612, ph = 792;
    if (!p.jpeg.empty()) pw = p.width * 72.0 / p.dpi, ph = p.height * 72.0 / p.dpi;
    std::string content;
    if (!p.jpeg.empty()) content += "q " + number(pw) + " 0 0 " + number(ph) + " 0 0 cm /Im0 Do Q\n";
    if (!p.hidden_text.empty())
      content += "BT 3 Tr /F1 12 Tf 36 " + number(ph - 48) + " Td " + pdf_string(p.hidden_text) + " Tj ET\n";
    if (!p.visible_text.empty())
      content += "BT /F1 24 Tf 72 700 Td " + pdf_string(p.visible_text) + " Tj ET\n";
    std::string resources = "/Font << /F1 3 0 R >>";
    if (!p.jpeg.empty()) resources += " /XObject << /Im0 " + std::to_string(image_obj) + " 0 R >>";
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + number(pw) + " " + number(ph) +
                      "] /Resources << " + resources + " >> /Contents " + std::to_string(content_obj) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
    if (!p.jpeg.empty()) {
      objects.push_back("<< /Type /XObject /Subtype /Image /Width " + std::to_string(p.width) + " /Height " +
                        std::to_string(p.height) + " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode" +
                        " /Length " + std::to_string(p.jpeg.size()) + " >>\nstream\n" +
                        std::string(p.jpeg.begin(), p.jpeg.end()) + "\nendstream");
    } else {
      objects.push_back("null");
    }
    kids += std::to_string(page_obj) + " 0 R ";
  }
  objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  objects[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  const std::string out = pdf_from_objects("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", objects);
  return std::vector<std::uint8_t>(out.begin(), out.end());
}

std::vector<std::uint8_t> encrypted_pdf(const std::vector<std::uint8_t>& pdf, const std::string& password) {
  QPDF in;
  in.processMemoryFile("plain.pdf", reinterpret_cast<const char*>(pdf.data()), pdf.size());
  QPDFWriter writer(in);
  writer.setOutputMemory();
  writer.setStaticID(true);
  writer.setR6EncryptionParameters(password.c_str(), (password + "-owner").c_str(), true, true, true, true, true,
                                   true, qpdf_r3p_full, true);
  writer.write();
  std::shared_ptr<Buffer> buffer(writer.getBufferSharedPointer());
  return std::vector<std::uint8_t>(buffer->getBuffer(), buffer->getBuffer() + buffer->getSize());
}

RunStats run_measured(const std::string& command) {
  RunStats stats;
  const std::string dir = make_temp_dir();
  const std::string out_path = dir + "/out", err_path = dir + "/err";
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid > 0 && wait4(pid, &status, 0, &usage) == pid) {
    stats.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    stats.peak_kb = usage.ru_maxrss;
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats.out = read_text_file(out_path);
  stats.err = read_text_file(err_path);
  return stats;
}

}  // namespace platen::test
