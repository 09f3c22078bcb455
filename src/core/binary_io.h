#pragma once
// Little-endian binary encoding for Platen's own file formats (models, checkpoints,
// language models), with a CRC-32 trailer (zlib) so truncation and corruption are caught.

#include <cstdint>
#include <string>
#include <vector>

namespace platen {

/// Appends little-endian values to a byte buffer.
class BinaryWriter {
 public:
  std::vector<std::uint8_t> bytes;
  void raw(const void* data, std::size_t size);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void f64(double v);
  void str(const std::string& s);               ///< u32 length, then bytes
  void floats(const std::vector<float>& v);     ///< u32 count, then IEEE-754 singles
  /// Appends the CRC-32 of everything written so far.
  void finish_with_crc();
};

/// Reads what BinaryWriter wrote. Every read past the end throws the error made by
/// `truncated()`; `name` is the file named in errors.
class BinaryReader {
 public:
  /// Checks the CRC-32 trailer, then reads from the start. Throws `Err` (a platen::Error type)
  /// when the buffer is shorter than a trailer or the checksum does not match.
  template <typename Err>
  static BinaryReader checked(const std::vector<std::uint8_t>& bytes, const std::string& name);

  BinaryReader(const std::vector<std::uint8_t>& bytes, std::size_t end, const std::string& name,
               bool model_error);
  std::uint32_t u32();
  std::uint64_t u64();
  double f64();
  std::string str();
  /// Reads a float vector; `expected` (when not SIZE_MAX) must equal its stored count.
  std::vector<float> floats(std::size_t expected = SIZE_MAX);
  void raw(void* out, std::size_t size);
  std::size_t position() const { return pos_; }
  std::size_t end() const { return end_; }

 private:
  void need(std::size_t n);
  [[noreturn]] void fail(const std::string& why) const;
  const std::vector<std::uint8_t>& bytes_;
  std::size_t end_;
  std::string name_;
  bool model_error_;
  std::size_t pos_ = 0;
};

/// CRC-32 (zlib) of a byte range.
std::uint32_t crc32_of(const std::uint8_t* data, std::size_t size);

/// Reads a whole file. Throws `Error` naming the file when it cannot be opened.
std::vector<std::uint8_t> read_file_bytes(const std::string& path);

/// A temporary name beside `path` that no other process or call uses at the same time:
/// `path.<pid>-<serial>.tmp`.
std::string temporary_path_for(const std::string& path);

/// Writes a file atomically: to temporary_path_for(path), then renamed over `path`, so a reader
/// never sees a partial file and two processes writing one folder never share a temporary file.
/// Throws Error on failure (a full disk included) and removes the temporary file.
void write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes);
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace platen
