// JPEG pages through libjpeg, with an error manager per decompressor: libjpeg's error exits
// and warnings are kept with the page instead of going to standard error.
//
// What fails the page: a fatal libjpeg error, and the warnings that mean the entropy-coded
// data are damaged (premature end, a marker inside the data, bad Huffman or arithmetic
// codes, a scan out of order, bytes to skip before a marker) while the image is being
// decoded: each leaves part of the page grey. Bytes between the last scan and the end-of-image
// marker, and remarks about the headers (JFIF revision, Adobe transform), are warnings only.
//
// Only luminance is decoded (the pipeline reads grey): libjpeg then skips the colour
// conversion, and a colour page costs a third of the memory. CMYK and YCCK pages are decoded
// to CMYK (inverted as Adobe writes it when the Adobe marker says so) and taken to grey here.

#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <jpeglib.h>
#include <jerror.h>

#include "image/decoders.h"

namespace platen::decoders {

namespace {

struct JpegErrors {
  jpeg_error_mgr mgr;  // first member: libjpeg hands back a pointer to it
  std::jmp_buf jump;
  bool finishing = false;  // in jpeg_finish_decompress: past the last scan line
  char fatal[JMSG_LENGTH_MAX] = {};
  std::vector<std::string>* damage = nullptr;
  std::vector<std::string>* warnings = nullptr;
};

void on_error_exit(j_common_ptr cinfo) {
  JpegErrors* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->fatal);
  std::longjmp(errors->jump, 1);
}

bool is_data_damage(int code, bool finishing) {
  switch (code) {
    case JWRN_JPEG_EOF:          // Premature end of JPEG file
    case JWRN_HIT_MARKER:        // Corrupt JPEG data: premature end of data segment
    case JWRN_MUST_RESYNC:       // Corrupt JPEG data: found marker instead of RST
    case JWRN_HUFF_BAD_CODE:     // Corrupt JPEG data: bad Huffman code
    case JWRN_ARITH_BAD_CODE:    // Corrupt JPEG data: bad arithmetic code
    case JWRN_NOT_SEQUENTIAL:    // Invalid SOS parameters for sequential JPEG
    case JWRN_BOGUS_PROGRESSION: // Inconsistent progression sequence
      return true;
    case JWRN_EXTRANEOUS_DATA:   // Corrupt JPEG data: N extraneous bytes before marker
      return !finishing;
    default:
      return false;
  }
}

void on_emit_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  JpegErrors* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  cinfo->err->num_warnings++;
  std::vector<std::string>* into = is_data_damage(cinfo->err->msg_code, errors->finishing) ? errors->damage : errors->warnings;
  // One remark repeated per MCU row says nothing more after the first few.
  if (into->size() < 8) into->push_back(text);
}

struct Decompressor {
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  Decompressor() { std::memset(&cinfo, 0, sizeof cinfo); }
  ~Decompressor() { jpeg_destroy_decompress(&cinfo); }
};

// The setjmp-guarded steps hold no C++ objects of their own, so that longjmp skips no
// destructor; each returns false after a fatal libjpeg error (in errors.fatal).
bool read_header(Decompressor& d, const std::uint8_t* data, std::size_t size) {
  if (setjmp(d.errors.jump)) return false;
  jpeg_create_decompress(&d.cinfo);
  jpeg_mem_src(&d.cinfo, data, static_cast<unsigned long>(size));
  jpeg_save_markers(&d.cinfo, JPEG_APP0 + 1, 0xffff);  // EXIF
  jpeg_read_header(&d.cinfo, TRUE);
  return true;
}

bool start(Decompressor& d) {
  if (setjmp(d.errors.jump)) return false;
  jpeg_start_decompress(&d.cinfo);
  return true;
}

bool read_rows(Decompressor& d, JSAMPROW* rows, JDIMENSION count) {
  if (setjmp(d.errors.jump)) return false;
  JDIMENSION done = 0;
  while (done < count) {
    const JDIMENSION n = jpeg_read_scanlines(&d.cinfo, rows + done, count - done);
    if (n == 0) break;  // suspended: cannot happen with a memory source
    done += n;
  }
  return done == count;
}

bool finish(Decompressor& d) {
  if (setjmp(d.errors.jump)) return false;
  d.errors.finishing = true;
  jpeg_finish_decompress(&d.cinfo);
  return true;
}

std::uint16_t get16(const std::uint8_t* p, bool big_endian) {
  return big_endian ? static_cast<std::uint16_t>(p[0] << 8 | p[1]) : static_cast<std::uint16_t>(p[1] << 8 | p[0]);
}

std::uint32_t get32(const std::uint8_t* p, bool big_endian) {
  return big_endian ? (std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3])
                    : (std::uint32_t(p[3]) << 24 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[1]) << 8 | p[0]);
}

// The Orientation tag (0x0112) of IFD0 in an EXIF APP1 segment, 1 when absent or unreadable.
int exif_orientation(const jpeg_decompress_struct& cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next) {
    if (m->marker != JPEG_APP0 + 1 || m->data_length < 14 || std::memcmp(m->data, "Exif\0\0", 6) != 0) continue;
    const std::uint8_t* tiff = m->data + 6;
    const std::size_t n = m->data_length - 6;
    bool big_endian;
    if (tiff[0] == 'M' && tiff[1] == 'M') big_endian = true;
    else if (tiff[0] == 'I' && tiff[1] == 'I') big_endian = false;
    else continue;
    const std::uint32_t ifd = get32(tiff + 4, big_endian);
    if (ifd > n || n - ifd < 2) continue;
    const unsigned entries = get16(tiff + ifd, big_endian);
    for (unsigned i = 0; i < entries; ++i) {
      const std::size_t at = ifd + 2 + 12 * static_cast<std::size_t>(i);
      if (at + 12 > n) break;
      if (get16(tiff + at, big_endian) == 0x0112 && get16(tiff + at + 2, big_endian) == 3) {
        const int value = get16(tiff + at + 8, big_endian);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
  }
  return 1;
}

}  // namespace

Decoded decode_jpeg(const std::uint8_t* data, std::size_t size, const PageContext& page) {
  Decompressor d;
  std::vector<std::string> damage;
  Decoded out;
  d.cinfo.err = jpeg_std_error(&d.errors.mgr);
  d.errors.mgr.error_exit = on_error_exit;
  d.errors.mgr.emit_message = on_emit_message;
  d.errors.damage = &damage;
  d.errors.warnings = &out.warnings;
  auto fail_with = [&](const char* stage) {
    std::string what = std::string("damaged or truncated JPEG (") + stage + "): ";
    what += damage.empty() ? d.errors.fatal : damage.front().c_str();
    page.fail(what);
  };
  if (!read_header(d, data, size)) fail_with("header");

  jpeg_decompress_struct& c = d.cinfo;
  const double w = c.image_width, h = c.image_height;
  check_pixel_limits(w, h, page);
  // Huffman coding spends at least one bit on every 8×8 block of every component: sequential
  // (baseline, extended) codes a DC and an end-of-block code (each ≥ 1 bit), and progressive
  // codes each block's DC difference in its first DC scan (≥ 1 bit) even when end-of-band runs
  // cover its AC coefficients. ITU-T T.81 F.1.2 and G.1.2. Arithmetic coding can spend less than
  // a bit on a block, so only the pixel limit bounds it. The check matters most for progressive
  // files, whose decoder holds every coefficient of the image before the data run out.
  if (!c.arith_code) {
    double blocks = 0;
    for (int i = 0; i < c.num_components; ++i)
      blocks += double(c.comp_info[i].width_in_blocks) * double(c.comp_info[i].height_in_blocks);
    // Raw bytes = w·h·components; the bound is on the blocks, so express it as a ratio.
    const double raw = w * h * c.num_components;
    const double min_bits_per_block = c.progressive_mode ? 1.0 : 2.0;
    const double min_bytes = blocks * min_bits_per_block / 8.0;
    if (min_bytes > 0)
      check_data_bound(w, h, raw, static_cast<double>(size), raw / min_bytes,
                       c.progressive_mode ? "progressive JPEG" : "baseline JPEG", page);
  }

  const bool cmyk = c.jpeg_color_space == JCS_CMYK || c.jpeg_color_space == JCS_YCCK;
  c.out_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
  if (c.density_unit == 1) out.dpi = c.X_density;
  else if (c.density_unit == 2) out.dpi = static_cast<int>(c.X_density * 2.54 + 0.5);
  out.orientation_tag = exif_orientation(c);

  if (!start(d)) fail_with("data");
  const int width = static_cast<int>(c.output_width), height = static_cast<int>(c.output_height);
  out.pix = adopt(pixCreate(width, height, 8));
  if (!out.pix) page.fail("out of memory for a " + std::to_string(width) + "x" + std::to_string(height) + " px page");
  l_uint32* pix_data = pixGetData(out.pix.get());
  const int wpl = pixGetWpl(out.pix.get());
  if (!cmyk) {
    // Rows straight into the Pix, as bytes in order; Leptonica's byte order is fixed below.
    std::vector<JSAMPROW> rows(height);
    for (int y = 0; y < height; ++y) rows[y] = reinterpret_cast<JSAMPROW>(pix_data + static_cast<std::size_t>(y) * wpl);
    if (!read_rows(d, rows.data(), static_cast<JDIMENSION>(height))) fail_with("data");
  } else {
    // Adobe's CMYK JPEGs store inverted values (0 = full ink); others store ink amounts.
    const bool inverted = c.saw_Adobe_marker;
    std::vector<JSAMPLE> row(static_cast<std::size_t>(width) * 4);
    JSAMPROW row_ptr = row.data();
    for (int y = 0; y < height; ++y) {
      if (!read_rows(d, &row_ptr, 1)) fail_with("data");
      std::uint8_t* grey = reinterpret_cast<std::uint8_t*>(pix_data + static_cast<std::size_t>(y) * wpl);
      for (int x = 0; x < width; ++x) {
        const JSAMPLE* p = &row[4 * static_cast<std::size_t>(x)];
        int cc = p[0], mm = p[1], yy = p[2], kk = p[3];
        if (!inverted) cc = 255 - cc, mm = 255 - mm, yy = 255 - yy, kk = 255 - kk;
        // Now 255 = no ink. RGB = (1 − C)(1 − K) etc., then the luminance of that.
        const int r = cc * kk, g = mm * kk, b = yy * kk;  // ×255
        grey[x] = static_cast<std::uint8_t>((r * 77 + g * 150 + b * 29 + 255 * 128) / (255 * 256));
      }
    }
  }
  if (!damage.empty()) fail_with("data");
  if (!finish(d)) fail_with("end");
  if (!damage.empty()) fail_with("end");
  pixEndianByteSwap(out.pix.get());
  if (out.dpi > 0) pixSetResolution(out.pix.get(), out.dpi, out.dpi);

  if (page.options.keep_page_image) {
    auto image = std::make_shared<PageImage>();
    image->encoding = PageImage::Encoding::jpeg;
    image->data.assign(data, data + size);
    image->width = width;
    image->height = height;
    image->components = c.num_components == 4 ? 4 : c.num_components == 1 ? 1 : 3;
    image->bits_per_component = 8;
    image->orientation_tag = out.orientation_tag;
    out.original = std::move(image);
  }
  return out;
}

}  // namespace platen::decoders
