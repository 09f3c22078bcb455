#include "recognition/model.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/binary_io.h"
#include "core/errors.h"
#include "core/text.h"

namespace platen {

NetworkSpec NetworkSpec::parse(const std::string& text) {
  NetworkSpec spec;
  std::istringstream in(text);
  std::string token;
  auto bad = [&](const std::string& why) {
    return ModelError("bad network layout \"" + text + "\": " + why);
  };
  while (in >> token) {
    LayerSpec layer;
    char kind = token[0];
    if (kind == 'O') {
      if (token != "O") throw bad("unexpected '" + token + "'");
      layer.kernel_h = 1;
      layer.kernel_w = 1;
      layer.channels = 0;
      layer.relu = false;
      spec.layers.push_back(layer);
      continue;
    }
    if (kind != 'C' && kind != 'M') throw bad("unknown layer '" + token + "'");
    layer.kind = kind == 'C' ? LayerSpec::Kind::Convolution : LayerSpec::Kind::MaxPool;
    std::string rest = token.substr(1);
    std::size_t x = rest.find('x');
    if (x == std::string::npos) throw bad("missing kernel size in '" + token + "'");
    std::string kh = rest.substr(0, x);
    std::string kw_and_channels = rest.substr(x + 1);
    try {
      layer.kernel_h = kh == "H" ? 0 : std::stoi(kh);
      std::size_t colon = kw_and_channels.find(':');
      layer.kernel_w = std::stoi(kw_and_channels.substr(0, colon));
      if (layer.kind == LayerSpec::Kind::Convolution) {
        if (colon == std::string::npos) throw bad("missing channel count in '" + token + "'");
        layer.channels = std::stoi(kw_and_channels.substr(colon + 1));
      } else {
        layer.relu = false;
      }
    } catch (const std::logic_error&) {
      throw bad("bad number in '" + token + "'");
    }
    if (layer.kernel_h < 0 || layer.kernel_w < 1 ||
        (layer.kind == LayerSpec::Kind::Convolution && layer.channels < 1))
      throw bad("bad size in '" + token + "'");
    spec.layers.push_back(layer);
  }
  if (spec.layers.empty() || spec.layers.back().channels != 0 ||
      spec.layers.back().kind != LayerSpec::Kind::Convolution)
    throw bad("must end with the output layer O");
  return spec;
}

std::string NetworkSpec::to_string() const {
  std::string s;
  for (const LayerSpec& l : layers) {
    if (!s.empty()) s += ' ';
    if (l.kind == LayerSpec::Kind::Convolution && l.channels == 0) {
      s += "O";
      continue;
    }
    s += l.kind == LayerSpec::Kind::Convolution ? 'C' : 'M';
    s += l.kernel_h == 0 ? std::string("H") : std::to_string(l.kernel_h);
    s += 'x' + std::to_string(l.kernel_w);
    if (l.kind == LayerSpec::Kind::Convolution) s += ':' + std::to_string(l.channels);
  }
  return s;
}

int NetworkSpec::frame_stride() const {
  int stride = 1;
  for (const LayerSpec& l : layers)
    if (l.kind == LayerSpec::Kind::MaxPool) stride *= l.kernel_w;
  return stride;
}

int NetworkSpec::context_width() const {
  int context = 0, stride = 1;
  for (const LayerSpec& l : layers) {
    if (l.kind == LayerSpec::Kind::MaxPool) {
      context += (l.kernel_w - 1) * stride;
      stride *= l.kernel_w;
    } else {
      context += l.kernel_w / 2 * stride;
    }
  }
  return context;
}

std::vector<ConvolutionShape> Model::convolution_shapes() const {
  std::vector<ConvolutionShape> shapes;
  int height = input_height, channels = 1;
  for (const LayerSpec& l : spec.layers) {
    if (l.kind == LayerSpec::Kind::MaxPool) {
      if (l.kernel_h < 1 || height % l.kernel_h != 0)
        throw ModelError("pooling " + std::to_string(l.kernel_h) + " does not divide height " +
                         std::to_string(height));
      height /= l.kernel_h;
      continue;
    }
    ConvolutionShape s{};
    s.in_channels = channels;
    s.out_channels = l.channels == 0 ? alphabet.size() : l.channels;
    s.kernel_h = l.kernel_h == 0 ? height : l.kernel_h;
    s.kernel_w = l.kernel_w;
    if (s.kernel_h > height) throw ModelError("convolution taller than its input");
    // Full-height kernels collapse the height; others keep it ("same" padding).
    s.pad_h = l.kernel_h == 0 ? 0 : s.kernel_h / 2;
    s.pad_w = s.kernel_w / 2;
    s.in_height = height;
    s.out_height = height + 2 * s.pad_h - s.kernel_h + 1;
    s.relu = l.relu;
    shapes.push_back(s);
    height = s.out_height;
    channels = s.out_channels;
  }
  if (height != 1) throw ModelError("network does not reduce the line height to 1");
  return shapes;
}

Model Model::initialise(const Alphabet& alphabet, const NetworkSpec& spec, int input_height,
                        std::uint32_t seed) {
  Model m;
  m.alphabet = alphabet;
  m.spec = spec;
  m.input_height = input_height;
  std::mt19937 rng(seed);
  for (const ConvolutionShape& s : m.convolution_shapes()) {
    std::size_t fan_in = static_cast<std::size_t>(s.in_channels) * s.kernel_h * s.kernel_w;
    std::normal_distribution<float> dist(0.0f, std::sqrt((s.relu ? 2.0f : 1.0f) / fan_in));
    std::vector<float> w(fan_in * s.out_channels);
    for (float& v : w) v = dist(rng);
    m.weights.push_back(std::move(w));
    m.biases.emplace_back(s.out_channels, 0.0f);
  }
  return m;
}

std::size_t Model::parameter_count() const {
  std::size_t n = 0;
  for (auto& w : weights) n += w.size();
  for (auto& b : biases) n += b.size();
  return n;
}

std::u32string Model::extend_alphabet(const std::u32string& symbols, std::uint32_t seed) {
  std::u32string added;
  for (char32_t c : symbols)
    if (alphabet.index_of(c) < 0 && added.find(c) == std::u32string::npos) added.push_back(c);
  if (added.empty()) return added;
  const std::vector<ConvolutionShape> shapes = convolution_shapes();
  if (shapes.empty() || weights.size() != shapes.size() || biases.size() != shapes.size())
    throw ModelError("cannot extend the alphabet: the model's weights do not match its layout");
  const ConvolutionShape& out = shapes.back();
  const std::size_t row = static_cast<std::size_t>(out.in_channels) * out.kernel_h * out.kernel_w;
  std::vector<float>& w = weights.back();
  std::vector<float>& b = biases.back();
  if (w.size() != row * out.out_channels || b.size() != static_cast<std::size_t>(out.out_channels))
    throw ModelError("cannot extend the alphabet: the output layer does not match the alphabet");
  // Weights are OIHW: a class is a row of I·H·W values, and new classes go after the last.
  double sum2 = 0;
  for (float v : w) sum2 += double(v) * v;
  const double rms = w.empty() ? 0.0 : std::sqrt(sum2 / w.size());
  double bias_sum = 0;
  for (std::size_t k = 1; k < b.size(); ++k) bias_sum += b[k];
  const double bias_mean = b.size() > 1 ? bias_sum / (b.size() - 1) : 0.0;
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, static_cast<float>(rms > 0 ? 0.1 * rms : 0.01));
  for (std::size_t n = 0; n < added.size(); ++n) {
    for (std::size_t k = 0; k < row; ++k) w.push_back(dist(rng));
    b.push_back(static_cast<float>(bias_mean - 4.0));
  }
  alphabet = Alphabet(alphabet.symbols() + added);
  return added;
}

namespace {
constexpr char kMagic[8] = {'P', 'L', 'A', 'T', 'E', 'N', 'M', '\n'};
}  // namespace

std::vector<std::uint8_t> Model::serialise() const {
  BinaryWriter w;
  w.raw(kMagic, sizeof kMagic);
  w.u32(kModelFormatVersion);
  w.str(utf32_to_utf8(alphabet.symbols()));
  w.u32(static_cast<std::uint32_t>(input_height));
  w.str(spec.to_string());
  w.u32(static_cast<std::uint32_t>(weights.size()));
  for (std::size_t i = 0; i < weights.size(); ++i) {
    w.floats(weights[i]);
    w.floats(biases[i]);
  }
  w.floats(activation_ranges);
  w.finish_with_crc();
  return w.bytes;
}

void Model::save(const std::string& path) const { write_file_atomically(path, serialise()); }

Model Model::deserialise(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw ModelError(name + ": not a Platen model file");
  if (bytes.size() < sizeof kMagic + 8)
    throw ModelError(name + ": model file truncated at byte " + std::to_string(bytes.size()) +
                     "; re-download or retrain it");
  // The version is checked before the checksum so an old file gets the helpful message.
  std::uint32_t version = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (std::uint32_t(bytes[11]) << 24);
  if (version < kOldestModelFormatVersion || version > kModelFormatVersion)
    throw ModelError(name + ": model format version " + std::to_string(version) + ", this build reads versions " +
                     std::to_string(kOldestModelFormatVersion) + " to " + std::to_string(kModelFormatVersion) +
                     "; use a matching Platen or retrain");
  BinaryReader r = BinaryReader::checked<ModelError>(bytes, name);
  char magic[sizeof kMagic];
  r.raw(magic, sizeof magic);
  r.u32();  // version, checked above
  Model m;
  m.alphabet = Alphabet(utf8_to_utf32(r.str()));
  m.input_height = static_cast<int>(r.u32());
  if (m.input_height < 8 || m.input_height > 256)
    throw ModelError(name + ": implausible input height " + std::to_string(m.input_height));
  m.spec = NetworkSpec::parse(r.str());
  std::vector<ConvolutionShape> shapes = m.convolution_shapes();
  std::uint32_t count = r.u32();
  if (count != shapes.size())
    throw ModelError(name + ": layer count does not match the layout; the file is corrupt");
  for (const ConvolutionShape& s : shapes) {
    m.weights.push_back(
        r.floats(static_cast<std::size_t>(s.out_channels) * s.in_channels * s.kernel_h * s.kernel_w));
    m.biases.push_back(r.floats(static_cast<std::size_t>(s.out_channels)));
  }
  if (version >= 2) {
    m.activation_ranges = r.floats();
    if (!m.activation_ranges.empty() && m.activation_ranges.size() != shapes.size())
      throw ModelError(name + ": activation ranges do not match the layout; the file is corrupt");
  }
  if (r.position() != r.end()) throw ModelError(name + ": trailing bytes after the weights; the file is corrupt");
  return m;
}

Model Model::load(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw ModelError("model file " + path + " is a folder, not a model");
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_file_bytes(path);
  } catch (const std::exception&) {
    throw ModelError("cannot open model file " + path);
  }
  return deserialise(bytes, path);
}

}  // namespace platen
