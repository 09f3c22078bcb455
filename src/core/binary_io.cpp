#include "core/binary_io.h"

#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "core/errors.h"

namespace platen {

void BinaryWriter::raw(const void* data, std::size_t size) {
  auto b = static_cast<const std::uint8_t*>(data);
  bytes.insert(bytes.end(), b, b + size);
}

void BinaryWriter::u32(std::uint32_t v) {
  std::uint8_t b[4] = {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16), std::uint8_t(v >> 24)};
  raw(b, 4);
}

void BinaryWriter::u64(std::uint64_t v) {
  u32(static_cast<std::uint32_t>(v));
  u32(static_cast<std::uint32_t>(v >> 32));
}

void BinaryWriter::f64(double v) {
  std::uint64_t u;
  std::memcpy(&u, &v, 8);
  u64(u);
}

void BinaryWriter::str(const std::string& s) {
  u32(static_cast<std::uint32_t>(s.size()));
  raw(s.data(), s.size());
}

void BinaryWriter::floats(const std::vector<float>& v) {
  u32(static_cast<std::uint32_t>(v.size()));
  std::size_t at = bytes.size();
  if (v.empty()) return;  // memcpy from an empty vector's null data() is undefined
  bytes.resize(at + v.size() * 4);
  // Platen runs on little-endian x86-64, where this is the file's byte order.
  std::memcpy(bytes.data() + at, v.data(), v.size() * 4);
}

void BinaryWriter::finish_with_crc() { u32(crc32_of(bytes.data(), bytes.size())); }

std::uint32_t crc32_of(const std::uint8_t* data, std::size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (size > 0) {
    uInt chunk = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    crc = crc32(crc, data, chunk);
    data += chunk;
    size -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

BinaryReader::BinaryReader(const std::vector<std::uint8_t>& bytes, std::size_t end, const std::string& name,
                           bool model_error)
    : bytes_(bytes), end_(end), name_(name), model_error_(model_error) {}

template <typename Err>
BinaryReader BinaryReader::checked(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  if (bytes.size() < 4) throw Err(name + ": file truncated at byte " + std::to_string(bytes.size()));
  const std::size_t body = bytes.size() - 4;
  std::uint32_t stored = bytes[body] | (bytes[body + 1] << 8) | (bytes[body + 2] << 16) |
                         (std::uint32_t(bytes[body + 3]) << 24);
  if (stored != crc32_of(bytes.data(), body))
    throw Err(name + ": file corrupt or truncated (checksum mismatch); re-download or recreate it");
  return BinaryReader(bytes, body, name, std::is_same<Err, ModelError>::value);
}
template BinaryReader BinaryReader::checked<ModelError>(const std::vector<std::uint8_t>&, const std::string&);
template BinaryReader BinaryReader::checked<DataError>(const std::vector<std::uint8_t>&, const std::string&);

void BinaryReader::fail(const std::string& why) const {
  if (model_error_) throw ModelError(name_ + ": " + why);
  throw DataError(name_ + ": " + why);
}

void BinaryReader::need(std::size_t n) {
  if (n > end_ - pos_) fail("file truncated at byte " + std::to_string(end_) + "; re-download or recreate it");
}

void BinaryReader::raw(void* out, std::size_t size) {
  need(size);
  std::memcpy(out, bytes_.data() + pos_, size);
  pos_ += size;
}

std::uint32_t BinaryReader::u32() {
  need(4);
  std::uint32_t v = bytes_[pos_] | (bytes_[pos_ + 1] << 8) | (bytes_[pos_ + 2] << 16) |
                    (std::uint32_t(bytes_[pos_ + 3]) << 24);
  pos_ += 4;
  return v;
}

std::uint64_t BinaryReader::u64() {
  std::uint64_t lo = u32();
  std::uint64_t hi = u32();
  return lo | (hi << 32);
}

double BinaryReader::f64() {
  std::uint64_t u = u64();
  double v;
  std::memcpy(&v, &u, 8);
  return v;
}

std::string BinaryReader::str() {
  std::uint32_t n = u32();
  need(n);
  std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
  pos_ += n;
  return s;
}

std::vector<float> BinaryReader::floats(std::size_t expected) {
  std::uint32_t n = u32();
  if (expected != SIZE_MAX && n != expected)
    fail("tensor of " + std::to_string(n) + " values where " + std::to_string(expected) +
         " are needed; the file is corrupt");
  need(static_cast<std::size_t>(n) * 4);
  std::vector<float> v(n);
  if (n == 0) return v;  // memcpy into an empty vector's null data() is undefined
  std::memcpy(v.data(), bytes_.data() + pos_, static_cast<std::size_t>(n) * 4);
  pos_ += static_cast<std::size_t>(n) * 4;
  return v;
}

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path);
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string temporary_path_for(const std::string& path) {
  static std::atomic<unsigned> serial{0};
  return path + "." + std::to_string(getpid()) + "-" + std::to_string(serial++) + ".tmp";
}

void write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  const std::string tmp = temporary_path_for(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot create " + tmp + ": " + std::strerror(errno));
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    // A full disk may only show when the last buffer goes out, at close.
    out.close();
    if (!out) {
      const int why = errno;
      std::remove(tmp.c_str());
      throw Error("cannot write " + tmp + ": " + std::strerror(why));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw Error("cannot rename " + tmp + " to " + path + ": " + ec.message());
  }
}

void write_file_atomically(const std::string& path, const std::string& text) {
  write_file_atomically(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

}  // namespace platen
