#include "recognition/language_pack.h"

#include <cstring>
#include <utility>

#include "core/binary_io.h"
#include "core/errors.h"

namespace platen {

namespace {

constexpr char kMagic[8] = {'P', 'L', 'A', 'T', 'E', 'N', 'L', 'M'};
constexpr std::uint32_t kFormatVersion = 1;

}  // namespace

LanguagePack LanguagePack::train(const std::string& language,
                                 const std::vector<std::u32string>& lines, int order,
                                 int min_word_count, int min_ngram_count) {
  LanguagePack pack;
  pack.language = language;
  pack.chars = CharLanguageModel::train(lines, order, min_ngram_count);
  pack.words = WordList::from_text(lines, min_word_count);
  return pack;
}

std::vector<std::uint8_t> LanguagePack::to_bytes() const {
  BinaryWriter out;
  out.raw(kMagic, sizeof kMagic);
  out.u32(kFormatVersion);
  out.str(language);
  chars.save(out);
  words.save(out);
  out.finish_with_crc();
  return std::move(out.bytes);
}

LanguagePack LanguagePack::from_bytes(const std::vector<std::uint8_t>& bytes,
                                      const std::string& name) {
  // The magic is checked before the checksum so that a wrong file type gets the clearer error.
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw ModelError(name + " is not a Platen language model (no PLATENLM header)");
  BinaryReader in = BinaryReader::checked<ModelError>(bytes, name);
  char magic[sizeof kMagic];
  in.raw(magic, sizeof magic);
  std::uint32_t version = in.u32();
  if (version != kFormatVersion)
    throw ModelError("language model " + name + " has format version " + std::to_string(version) +
                     ", this build reads version " + std::to_string(kFormatVersion) +
                     "; rebuild it with this version of Platen");
  LanguagePack pack;
  pack.language = in.str();
  try {
    pack.chars = CharLanguageModel::load(in);
    pack.words = WordList::load(in);
  } catch (const ModelError& e) {
    std::string what = e.what();
    if (what.compare(0, name.size(), name) == 0) throw;  // the reader already named the file
    throw ModelError(name + ": " + what);
  }
  return pack;
}

void LanguagePack::save(const std::string& path) const {
  write_file_atomically(path, to_bytes());
}

LanguagePack LanguagePack::load(const std::string& path) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_file_bytes(path);
  } catch (const Error& e) {
    throw ModelError(std::string(e.what()) + " (language model)");
  }
  return from_bytes(bytes, path);
}

}  // namespace platen
