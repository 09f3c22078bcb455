#include "output/ccitt_g4.h"

#include <sys/mman.h>
#include <tiffio.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "core/errors.h"

namespace platen {

namespace {

struct TiffClose {
  void operator()(TIFF* tif) const { TIFFClose(tif); }
};
using TiffPtr = std::unique_ptr<TIFF, TiffClose>;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void fail(const std::string& what) {
  throw Error("cannot encode the bilevel page image as CCITT G4 for the PDF (" + what + ")");
}

/// A TIFF on a duplicate of `fd` (libtiff closes the descriptor it is given).
TiffPtr open_on(int fd, const char* mode) {
  const int copy = ::dup(fd);
  if (copy < 0) fail("dup");
  TIFF* tif = TIFFFdOpen(copy, "g4", mode);
  if (!tif) {
    ::close(copy);
    fail("TIFFFdOpen");
  }
  return TiffPtr(tif);
}

}  // namespace

std::vector<std::uint8_t> encode_ccitt_g4(const std::uint8_t* rows, int width, int height) {
  if (width <= 0 || height <= 0 || !rows) fail("empty image");
  Fd file;
  file.fd = ::memfd_create("platen-g4", MFD_CLOEXEC);
  if (file.fd < 0) fail("memfd_create");
  const std::size_t row_bytes = (static_cast<std::size_t>(width) + 7) / 8;
  {
    TiffPtr tif = open_on(file.fd, "w");
    TIFF* t = tif.get();
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(width));
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(height));
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);  // 1 = black in the rows libtiff takes
    TIFFSetField(t, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, static_cast<std::uint32_t>(height));  // one strip: one stream
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    std::vector<std::uint8_t> row(row_bytes);
    for (int y = 0; y < height; ++y) {
      const std::uint8_t* in = rows + static_cast<std::size_t>(y) * row_bytes;
      for (std::size_t i = 0; i < row_bytes; ++i) row[i] = static_cast<std::uint8_t>(~in[i]);
      if (width % 8 != 0) row[row_bytes - 1] &= static_cast<std::uint8_t>(0xFF << (8 - width % 8));
      if (TIFFWriteScanline(t, row.data(), static_cast<std::uint32_t>(y), 0) < 0) fail("TIFFWriteScanline");
    }
    if (!TIFFWriteDirectory(t)) fail("TIFFWriteDirectory");
  }
  if (::lseek(file.fd, 0, SEEK_SET) != 0) fail("lseek");
  TiffPtr tif = open_on(file.fd, "r");
  if (TIFFNumberOfStrips(tif.get()) != 1) fail("more than one strip");
  std::vector<std::uint8_t> g4(static_cast<std::size_t>(TIFFGetStrileByteCount(tif.get(), 0)));
  if (g4.empty() || TIFFReadRawStrip(tif.get(), 0, g4.data(), static_cast<tmsize_t>(g4.size())) < 0)
    fail("TIFFReadRawStrip");
  return g4;
}

}  // namespace platen
