#pragma once
// Internal to src/image: the codec decoders behind page_reader.h, one file each
// (decode_jpeg.cpp, decode_png.cpp, decode_tiff.cpp, pdf_pages.cpp), and what they share.
// Every decoder throws ImageError through fail(); none prints anything.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "image/page_reader.h"
#include "platen/page_result.h"

namespace platen::decoders {

constexpr int kNoPage = -1;  ///< for errors about the whole file

/// Throws ImageError "cannot read image 'NAME' (page N): WHAT" (no page part for kNoPage).
[[noreturn]] void fail(const std::string& name, int page_index, const std::string& what);

/// The page being decoded: its name for messages, its index and the reader's options.
struct PageContext {
  const std::string& name;
  int page_index;
  const ReadOptions& options;
  [[noreturn]] void fail(const std::string& what) const { decoders::fail(name, page_index, what); }
};

/// Refuses a header size below 2 px a side, over kMaxImageSide or over options.max_pixels.
void check_pixel_limits(double width, double height, const PageContext& page);

/// Refuses a header whose `raw_bytes` of samples cannot come from `data_bytes` at `max_ratio`,
/// the best compression ratio the coding can reach (`coding` names it in the message).
void check_data_bound(double width, double height, double raw_bytes, double data_bytes, double max_ratio,
                      const char* coding, const PageContext& page);

/// What a decoder returns: the stored pixels and what the pipeline needs besides them.
struct Decoded {
  PixPtr pix;                 ///< stored pixels (not yet oriented): 1, 8 or 32 bpp, no alpha
  int dpi = 0;
  int orientation_tag = 1;    ///< EXIF / TIFF orientation, 1–8
  std::vector<std::string> warnings;
  std::shared_ptr<PageImage> original;  ///< when options.keep_page_image
};

/// The stored pixels turned to the page as displayed, for an orientation tag 1–8 (others: as is).
PixPtr apply_orientation(PixPtr pix, int orientation_tag);

/// Stored pixels as PageImage::Encoding::raw (1 bpp: rows padded to bytes, 0 = black as
/// PDF's DeviceGray; 8 bpp grey; 32 bpp as 3 bytes RGB).
std::shared_ptr<PageImage> raw_page_image(Pix* pix, int orientation_tag);

/// JPEG (baseline, progressive, arithmetic; grey, YCbCr, RGB, CMYK, YCCK; Adobe inverted CMYK).
Decoded decode_jpeg(const std::uint8_t* data, std::size_t size, const PageContext& page);

/// PNG (any colour type and depth, interlaced or not).
Decoded decode_png(const std::uint8_t* data, std::size_t size, const PageContext& page);

/// A TIFF opened with libtiff through per-handle error and warning handlers. Not copyable;
/// use from one thread at a time.
class TiffFile {
 public:
  /// Opens the file at `path` (read through a memory map) or a buffer the caller keeps alive.
  static std::unique_ptr<TiffFile> open_file(const std::string& path);
  static std::unique_ptr<TiffFile> open_memory(const std::uint8_t* data, std::size_t size, const std::string& name);
  ~TiffFile();
  TiffFile(const TiffFile&) = delete;
  TiffFile& operator=(const TiffFile&) = delete;

  /// Walks the directories: how many pages, and whether the walk ended cleanly.
  PageCount count();
  /// Decodes directory `directory`, or page `page.page_index` when it is -1 (a TIFF's own
  /// pages); messages name `page` either way. A one-directory TIFF wrapped around an image of
  /// another file (a PDF page's G4 stream) passes 0.
  Decoded decode(const PageContext& page, int directory = -1);

  struct Impl;

 private:
  explicit TiffFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace platen::decoders
