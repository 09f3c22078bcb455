#include "training/trainer.h"

#include <omp.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <thread>

#include "core/binary_io.h"
#include "core/errors.h"
#include "core/text.h"
#include "recognition/ctc.h"
#include "recognition/line_normaliser.h"
#include "recognition/model.h"
#include "recognition/network.h"
#include "recognition/quantisation.h"
#include "training/augment.h"
#include "training/line_dataset.h"
#include "training/text_corpus.h"

namespace platen {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kCheckpointMagic[8] = {'P', 'L', 'A', 'T', 'E', 'N', 'C', 'K'};
constexpr std::uint32_t kCheckpointVersion = 3;
constexpr int kWidthQuantum = 64;
constexpr int kMaxLineWidth = 2560;  // normalised px; longer crops are layout errors

/// Adam (Kingma & Ba 2015) moments for every tensor of a model.
struct AdamState {
  std::vector<std::vector<float>> m, v;
  std::int64_t step = 0;

  void init(const Model& model) {
    m.clear();
    v.clear();
    for (auto& w : model.weights) m.emplace_back(w.size(), 0.0f), v.emplace_back(w.size(), 0.0f);
    for (auto& b : model.biases) m.emplace_back(b.size(), 0.0f), v.emplace_back(b.size(), 0.0f);
  }

  /// After Model::extend_alphabet: zero moments for the output layer's new rows (appended at
  /// the end of its tensors, as the rows are), the others kept.
  void grow(const Model& model) {
    const std::size_t nw = model.weights.size();
    for (std::size_t i = 0; i < nw; ++i) {
      m[i].resize(model.weights[i].size(), 0.0f), v[i].resize(model.weights[i].size(), 0.0f);
      m[nw + i].resize(model.biases[i].size(), 0.0f), v[nw + i].resize(model.biases[i].size(), 0.0f);
    }
  }
};

struct Checkpoint {
  Model model;
  AdamState adam;
  std::string rng_state;
  double best_cer = 1e9;
  double elapsed_seconds = 0;
  /// CRC-32 of the validation lines' paths: best_cer only compares runs on the same lines.
  std::uint32_t validation_fingerprint = 0;
  /// A fine-tune's start model's validation CER (1e9: not a fine-tune, or not known).
  double start_cer = 1e9;
};

void save_checkpoint(const std::string& path, const Checkpoint& c) {
  BinaryWriter w;
  w.raw(kCheckpointMagic, sizeof kCheckpointMagic);
  w.u32(kCheckpointVersion);
  std::vector<std::uint8_t> model = c.model.serialise();
  w.u64(model.size());
  w.raw(model.data(), model.size());
  w.u64(static_cast<std::uint64_t>(c.adam.step));
  w.str(c.rng_state);
  w.f64(c.best_cer);
  w.f64(c.elapsed_seconds);
  w.u32(c.validation_fingerprint);
  w.f64(c.start_cer);
  w.u32(static_cast<std::uint32_t>(c.adam.m.size()));
  for (std::size_t i = 0; i < c.adam.m.size(); ++i) {
    w.floats(c.adam.m[i]);
    w.floats(c.adam.v[i]);
  }
  w.finish_with_crc();
  write_file_atomically(path, w.bytes);
}

Checkpoint load_checkpoint(const std::string& path) {
  std::vector<std::uint8_t> bytes = read_file_bytes(path);
  if (bytes.size() < sizeof kCheckpointMagic ||
      !std::equal(std::begin(kCheckpointMagic), std::end(kCheckpointMagic), bytes.begin()))
    throw ModelError(path + ": not a Platen training checkpoint");
  BinaryReader r = BinaryReader::checked<ModelError>(bytes, path);
  char magic[sizeof kCheckpointMagic];
  r.raw(magic, sizeof magic);
  const std::uint32_t version = r.u32();
  // Version 1 lacked the validation fingerprint, version 2 the start CER; they read as "unknown".
  if (version < 1 || version > kCheckpointVersion) throw ModelError(path + ": checkpoint of another format version");
  Checkpoint c;
  std::vector<std::uint8_t> model(r.u64());
  r.raw(model.data(), model.size());
  c.model = Model::deserialise(model, path);
  c.adam.step = static_cast<std::int64_t>(r.u64());
  c.rng_state = r.str();
  c.best_cer = r.f64();
  c.elapsed_seconds = r.f64();
  if (version >= 2) c.validation_fingerprint = r.u32();
  if (version >= 3) c.start_cer = r.f64();
  std::uint32_t n = r.u32();
  c.adam.init(c.model);
  if (n != c.adam.m.size()) throw ModelError(path + ": optimiser state does not match the model");
  for (std::uint32_t i = 0; i < n; ++i) {
    c.adam.m[i] = r.floats(c.adam.m[i].size());
    c.adam.v[i] = r.floats(c.adam.v[i].size());
  }
  return c;
}

/// A prepared training example: normalised (and possibly augmented) line with labels.
struct Example {
  NormalisedLine line;
  std::vector<int> labels;
  std::size_t source = 0;  ///< index of the folder it came from
};

/// Frames CTC needs for `labels`: one per label plus one blank between each repeated pair.
int frames_needed(const std::vector<int>& labels) {
  int n = static_cast<int>(labels.size());
  for (std::size_t i = 1; i < labels.size(); ++i)
    if (labels[i] == labels[i - 1]) ++n;
  return n;
}

/// Primitives per padded width: the batch size is chosen so lines × width stays near the
/// column budget, so every width class fits one set of activation buffers (the arena shared
/// by all runners): memory stays that of one runner, not of the forty width classes.
class RunnerCache {
 public:
  explicit RunnerCache(int budget) : budget_(budget) {}
  int batch_for(int width) const { return std::max(1, budget_ / width); }
  /// The runner for `width`, holding the weights of `model` at `version` (copied lazily:
  /// only the width class in use pays for the reorders after an update).
  NetworkRunner& get(const Model& model, int width, std::int64_t version) {
    auto it = runners_.find(width);
    if (it == runners_.end()) {
      Entry e{std::make_unique<NetworkRunner>(model, batch_for(width), width, true, &arena_), version};
      it = runners_.emplace(width, std::move(e)).first;
    } else if (it->second.version != version) {
      it->second.runner->set_weights(model);
      it->second.version = version;
    }
    return *it->second.runner;
  }

 private:
  struct Entry {
    std::unique_ptr<NetworkRunner> runner;
    std::int64_t version;
  };
  int budget_;
  ActivationArena arena_;  // declared before the runners, which use it, so it outlives them
  std::map<int, Entry> runners_;
};

/// Copies lines into the network's input, left-aligned, the rest paper (0).
void fill_input(NetworkRunner& net, const std::vector<const NormalisedLine*>& lines) {
  const int h = kLineHeight, w = net.width();
  float* in = net.input();
  std::fill(in, in + static_cast<std::size_t>(net.batch()) * h * w, 0.0f);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const NormalisedLine& l = *lines[n];
    int cw = std::min(l.width, w);
    for (int y = 0; y < h; ++y)
      std::copy(l.pixels.begin() + static_cast<std::size_t>(y) * l.width,
                l.pixels.begin() + static_cast<std::size_t>(y) * l.width + cw,
                in + (n * h + y) * static_cast<std::size_t>(w));
  }
}

int valid_frames(const NormalisedLine& l, int stride, int frames) {
  return std::min(frames, (l.width + stride - 1) / stride);
}

/// Symbols of `lines` that `alphabet` lacks (after fit_to_alphabet's replacements), in order
/// of first appearance, with the number of lines holding each. U+FFFD (bytes that were not
/// UTF-8) is never a symbol to learn.
std::vector<std::pair<char32_t, int>> symbols_missing_from(const std::vector<const std::vector<LineSample>*>& sets,
                                                           const Alphabet& alphabet) {
  std::vector<std::pair<char32_t, int>> missing;
  for (const std::vector<LineSample>* lines : sets)
    for (const LineSample& l : *lines)
      for (char32_t c : symbols_outside_alphabet(utf32_to_utf8(l.text), alphabet)) {
        if (c == 0xFFFD) continue;
        auto it = std::find_if(missing.begin(), missing.end(), [&](const auto& p) { return p.first == c; });
        if (it == missing.end()) missing.emplace_back(c, 1);
        else ++it->second;
      }
  return missing;
}

/// "ő (U+0151, 12 lines), ű (U+0171, 1 line)".
std::string describe_symbols(const std::vector<std::pair<char32_t, int>>& symbols) {
  std::string out;
  for (const auto& [c, lines] : symbols) {
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
    if (!out.empty()) out += ", ";
    out += utf32_to_utf8(std::u32string(1, c)) + " (" + code + ", " + std::to_string(lines) +
           (lines == 1 ? " line)" : " lines)");
  }
  return out;
}

/// "2.75 %": a CER fraction in percent, as `ocr eval` prints it.
std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f %%", 100 * fraction);
  return buf;
}

/// The last component of a folder path, trailing slashes ignored ("lines" for "a/lines/").
std::string folder_name(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const std::string name = fs::path(path).filename().string();
  return name.empty() ? path : name;
}

std::string format_duration(double seconds) {
  int s = static_cast<int>(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

}  // namespace

TrainResult train(const TrainOptions& options, const std::function<void(const std::string&)>& log) {
  if (options.sources.empty()) throw UsageError("give at least one --data folder");
  if (options.output_model.empty()) throw UsageError("give --output MODEL");
  for (const TrainingSource& s : options.sources)
    if (!(s.weight > 0) || !std::isfinite(s.weight))
      throw UsageError("the weight of --data " + s.folder + " must be a positive number");
  if (!(options.learning_rate > 0) || !std::isfinite(options.learning_rate))
    throw UsageError("--lr must be a positive number");
  if (options.validate_every < 1) throw UsageError("--validate-every must be at least 1");
  if (options.max_iterations == 0)
    throw UsageError("--max-iterations 0 would train nothing: give at least 1, or leave it out for no limit");
  if (options.base_mix.enabled && !(options.base_mix.share > 0 && options.base_mix.share < 1))
    throw UsageError("--base-share must be between 0 and 1 (exclusive); --no-base-mix leaves base-like lines out");
  if (options.batch_columns < 1) throw UsageError("--batch-columns must be at least 1");
  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  tbb::global_control tbb_threads(tbb::global_control::max_allowed_parallelism, threads);
  omp_set_num_threads(threads);  // one training stream: oneDNN may use every core
  const std::string checkpoint_path =
      options.checkpoint.empty() ? options.output_model + ".checkpoint" : options.checkpoint;

  // Model and optimiser state.
  Checkpoint state;
  std::mt19937 rng(options.seed);
  if (options.resume) {
    state = load_checkpoint(checkpoint_path);
    std::istringstream(state.rng_state) >> rng;
    log("resumed from " + checkpoint_path + " at update " + std::to_string(state.adam.step));
  } else {
    if (!options.init_model.empty()) {
      state.model = Model::load(options.init_model);
      log("fine-tuning from " + options.init_model);
    } else {
      state.model = Model::initialise(Alphabet::standard(), NetworkSpec::parse(options.network), kLineHeight,
                                      options.seed);
    }
    state.adam.init(state.model);
  }
  // A fine-tune (now, or the resumed run was one) mixes in lines like the base's and must
  // beat its start model.
  const bool fine_tune = !options.init_model.empty() || (options.resume && state.start_cer < 1e8);
  std::vector<TrainingSource> folders = options.sources;
  if (fine_tune && options.base_mix.enabled) {
    const BaseMixOptions& mix = options.base_mix;
    double user_weight = 0;
    for (const TrainingSource& s : options.sources) user_weight += s.weight;
    const double base_weight = user_weight * mix.share / (1 - mix.share);
    const std::size_t parts = (mix.rendered_lines > 0 ? 1 : 0) + mix.real_line_folders.size();
    std::string what;
    if (mix.rendered_lines > 0) {
      const std::string list = mix.font_list.empty() ? default_base_font_list() : mix.font_list;
      const std::vector<std::string> fonts = read_font_list(list);
      const std::string folder = options.output_model + ".base-lines";
      const std::size_t n = render_base_lines(fonts, mix.rendered_lines, options.seed, folder, log);
      folders.push_back({folder, base_weight / parts});
      what = std::to_string(n) + " lines rendered in the faces of " + list + " (" + folder + ")";
    }
    for (const std::string& real : mix.real_line_folders) {
      folders.push_back({real, base_weight / parts});
      what += (what.empty() ? "" : " and ") + std::string("the real lines of ") + real;
    }
    if (parts > 0) {
      char share[16];
      std::snprintf(share, sizeof share, "%.0f %%", 100 * mix.share);
      log("base-like lines mixed in, " + std::string(share) + " of the lines drawn: " + what);
    }
  }

  // Data as transcribed; fitted to the alphabet once the model (and its alphabet) is known.
  struct Source {
    std::string folder;
    std::vector<LineSample> all;  ///< as read, until the split below
    std::vector<LineSample> train, validation;
    double weight;
    LineFolderCounts counts;
  };
  std::vector<Source> sources;
  for (const TrainingSource& ts : folders) {
    Source s;
    s.folder = ts.folder;
    s.weight = ts.weight;
    // Images are read again when drawn (line_image): 40,000 kept lines would take 2 GB.
    s.all = read_line_folder(ts.folder, &s.counts, /*keep_images=*/false);
    sources.push_back(std::move(s));
  }

  Model& model = state.model;
  {
    std::vector<const std::vector<LineSample>*> sets;
    for (const Source& s : sources) sets.push_back(&s.all);
    const std::vector<std::pair<char32_t, int>> missing = symbols_missing_from(sets, model.alphabet);
    if (!missing.empty() && options.extend_alphabet) {
      std::u32string symbols;
      for (const auto& m : missing) symbols.push_back(m.first);
      if (!options.resume && options.init_model.empty()) {
        // A fresh model is simply made with the larger alphabet.
        state.model = Model::initialise(Alphabet(Alphabet::standard().symbols() + symbols),
                                        NetworkSpec::parse(options.network), kLineHeight, options.seed);
        state.adam.init(state.model);
      } else {
        model.extend_alphabet(symbols, options.seed);
        state.adam.grow(model);
      }
      log("alphabet extended by " + std::to_string(missing.size()) +
          (missing.size() == 1 ? " character: " : " characters: ") + describe_symbols(missing));
    } else if (!missing.empty()) {
      log("the model's alphabet lacks " + describe_symbols(missing) +
          "; lines holding them are skipped (--extend-alphabet adds them)");
    }
  }
  const Alphabet& alphabet = model.alphabet;
  const int stride = model.spec.frame_stride();
  {
    std::ostringstream os;
    os << "network " << model.spec.to_string() << ", " << model.parameter_count() << " parameters, "
       << alphabet.size() << " classes";
    log(os.str());
  }

  // Whole documents (pages) go to validation, chosen by a hash of the document name so the
  // split is the same in every session.
  for (Source& s : sources) {
    const int unfit = fit_lines_to_alphabet(s.all, alphabet);
    if (s.all.empty())
      throw DataError(s.folder + ": no usable line (" + std::to_string(s.counts.skipped + unfit) +
                      " skipped: unreadable, without text, or with symbols outside the alphabet)");
    for (LineSample& l : s.all) {
      std::uint32_t h = crc32_of(reinterpret_cast<const std::uint8_t*>(l.document.data()), l.document.size());
      bool held_out = (h % 10000) < options.validation_fraction * 10000;
      (held_out ? s.validation : s.train).push_back(std::move(l));
    }
    std::string found;
    if (s.counts.alto_pages > 0)
      found = " (" + std::to_string(s.counts.line_images) + " line images, " + std::to_string(s.counts.alto_pages) +
              " ALTO pages)";
    log(s.folder + ": " + std::to_string(s.train.size()) + " training lines, " +
        std::to_string(s.validation.size()) + " validation lines, " + std::to_string(s.counts.skipped + unfit) +
        " skipped" + found);
    s.all.clear();
    s.all.shrink_to_fit();
    if (s.train.empty()) throw DataError(s.folder + ": no training lines left after the validation split");
  }
  // Validation lines: normalised once, never augmented; at most max_validation_lines,
  // spread over the sources.
  std::vector<Example> validation;
  for (std::size_t si = 0; si < sources.size(); ++si) {
    const Source& s = sources[si];
    std::size_t take = std::min<std::size_t>(s.validation.size(), options.max_validation_lines / sources.size());
    std::size_t step = take ? s.validation.size() / take : 1;
    for (std::size_t i = 0; i < take; ++i) {
      const LineSample& l = s.validation[i * step];
      Example e{normalise_line(line_image(l)), alphabet.encode(l.text), si};
      if (e.line.width <= kMaxLineWidth) validation.push_back(std::move(e));
    }
  }

  // Lines the saved model's activation ranges (for int8 inference) are measured on: the
  // validation lines, or when there are none, the first training lines; a few hundred give
  // the ranges of a thousand within 2 % and take seconds.
  std::vector<NormalisedLine> calibration;
  constexpr std::size_t kCalibrationLines = 200;
  if (!validation.empty()) {
    const std::size_t take = std::min(kCalibrationLines, validation.size());
    for (std::size_t k = 0; k < take; ++k) calibration.push_back(validation[k * validation.size() / take].line);
  } else {
    for (const Source& s : sources)
      for (std::size_t k = 0; k < s.train.size() && calibration.size() < kCalibrationLines; ++k)
        calibration.push_back(normalise_line(line_image(s.train[k])));
  }

  RunnerCache runners(options.batch_columns);
  std::vector<double> source_weights;
  for (const Source& s : sources) source_weights.push_back(s.weight);
  std::discrete_distribution<std::size_t> pick_source(source_weights.begin(), source_weights.end());

  // Batches come from a pool of random lines sorted by width, so a batch wastes little
  // padding; the pool's batches are then shuffled.
  std::vector<std::vector<Example>> batch_queue;
  auto refill = [&] {
    const std::size_t pool_size = 512;
    std::vector<const LineSample*> picked(pool_size);
    std::vector<std::uint32_t> seeds(pool_size);
    for (std::size_t i = 0; i < pool_size; ++i) {
      const Source& s = sources[pick_source(rng)];
      picked[i] = &s.train[std::uniform_int_distribution<std::size_t>(0, s.train.size() - 1)(rng)];
      seeds[i] = static_cast<std::uint32_t>(rng());
    }
    std::vector<Example> pool(pool_size);
    // OpenMP rather than oneTBB inside the training loop: oneDNN's OpenMP team is already
    // spinning on these cores, and a second thread pool would fight it for them.
#pragma omp parallel for schedule(dynamic, 8)
    for (std::size_t i = 0; i < pool_size; ++i) {
      std::mt19937 local(seeds[i]);
      try {
        pool[i].line = normalise_line(line_image(*picked[i]));
      } catch (const Error&) {
        pool[i].line = NormalisedLine{};  // a file gone since loading: the line is left out below
        continue;
      }
      if (options.augment) augment_line(pool[i].line, local);
      pool[i].labels = alphabet.encode(picked[i]->text);
    }
    std::sort(pool.begin(), pool.end(), [](const Example& a, const Example& b) { return a.line.width < b.line.width; });
    std::vector<Example> current;
    for (Example& e : pool) {
      if (e.line.width <= 0 || e.line.width > kMaxLineWidth) continue;
      if (frames_needed(e.labels) > e.line.width / stride) continue;  // no CTC alignment exists
      int w = padded_width(e.line.width, kWidthQuantum);
      if (!current.empty() && static_cast<int>(current.size()) >= runners.batch_for(w)) {
        batch_queue.push_back(std::move(current));
        current.clear();
      }
      current.push_back(std::move(e));
    }
    if (!current.empty()) batch_queue.push_back(std::move(current));
    std::shuffle(batch_queue.begin(), batch_queue.end(), rng);
  };

  // Validation CER by best path: overall, and per source folder.
  struct Score {
    double cer = 0;
    std::vector<double> per_source;  ///< -1 for a folder without validation lines
  };
  auto evaluate_model = [&](const Model& m, std::int64_t version) -> Score {
    std::vector<std::size_t> edits(sources.size(), 0), chars(sources.size(), 0);
    for (std::size_t i = 0; i < validation.size();) {
      int w = padded_width(validation[i].line.width, kWidthQuantum);
      NetworkRunner& net = runners.get(m, w, version);
      std::vector<const NormalisedLine*> lines;
      std::size_t first = i;
      while (i < validation.size() && static_cast<int>(lines.size()) < net.batch() &&
             padded_width(validation[i].line.width, kWidthQuantum) <= w)
        lines.push_back(&validation[i++].line);
      fill_input(net, lines);
      net.forward();
      for (std::size_t n = 0; n < lines.size(); ++n) {
        int t = valid_frames(*lines[n], stride, net.frames());
        auto decoded = ctc_best_path(net.logits() + n * net.frames() * net.classes(), t, net.classes());
        std::vector<int> hyp;
        for (auto& d : decoded) hyp.push_back(d.label);
        const Example& e = validation[first + n];
        edits[e.source] += edit_distance(hyp, e.labels);
        chars[e.source] += e.labels.size();
      }
    }
    Score s;
    std::size_t all_edits = 0, all_chars = 0;
    for (std::size_t k = 0; k < sources.size(); ++k) {
      all_edits += edits[k], all_chars += chars[k];
      s.per_source.push_back(chars[k] ? static_cast<double>(edits[k]) / chars[k] : -1.0);
    }
    s.cer = all_chars ? static_cast<double>(all_edits) / all_chars : 0.0;
    return s;
  };
  auto evaluate = [&] { return evaluate_model(model, state.adam.step); };
  // "2.31 % on 400 held-out lines (lines/ 3.10 %, out.base-lines 1.52 %)".
  auto describe_score = [&](const Score& s) {
    std::string text = percent(s.cer) + " on " + std::to_string(validation.size()) + " held-out lines";
    if (sources.size() > 1) {
      std::string parts;
      for (std::size_t k = 0; k < sources.size(); ++k)
        if (s.per_source[k] >= 0)
          parts += (parts.empty() ? "" : ", ") + folder_name(sources[k].folder) + " " +
                   percent(s.per_source[k]);
      text += " (" + parts + ")";
    }
    return text;
  };
  {
    // A resumed run on other data (a folder added, say) measures on other lines: its old
    // best CER is no yardstick for the new one.
    std::string paths;
    for (const Source& s : sources)
      for (const LineSample& l : s.validation) paths += l.path + '\n';
    std::uint32_t fingerprint = crc32_of(reinterpret_cast<const std::uint8_t*>(paths.data()), paths.size());
    if (fingerprint != state.validation_fingerprint) {
      if (options.resume) log("validation lines differ from the checkpoint's: best CER starts afresh");
      state.best_cer = 1e9;
      state.start_cer = 1e9;
      state.validation_fingerprint = fingerprint;
    }
  }
  // Validation lines in width order, so evaluate() fills batches of one width class.
  std::sort(validation.begin(), validation.end(),
            [](const Example& a, const Example& b) { return a.line.width < b.line.width; });

  // A fine-tune measures its start model first: the tuned model must beat it to be written.
  if (fine_tune && !validation.empty() && state.start_cer >= 1e8) {
    Score start_score;
    if (!options.resume) {
      start_score = evaluate();  // no update yet: the start model (with any new classes)
    } else if (!options.init_model.empty()) {
      // Resumed on other validation lines: the start model is measured again on them.
      Model start_model = Model::load(options.init_model);
      start_model.extend_alphabet(alphabet.symbols(), options.seed);
      if (start_model.alphabet.symbols() != alphabet.symbols())
        throw ModelError(options.init_model + ": not the start model of checkpoint " + checkpoint_path);
      start_score = evaluate_model(start_model, -1);
    }
    if (!options.resume || !options.init_model.empty()) {
      state.start_cer = start_score.cer;
      state.best_cer = std::min(state.best_cer, start_score.cer);
      log("start model: validation CER " + describe_score(start_score) + "; " + options.output_model +
          " is written only when a tuned model does better");
    } else {
      log("validation lines differ from the checkpoint's and no --init was given: the start model "
          "cannot be measured again, the best tuned model is written");
    }
  }
  // Limits, said once.
  double max_minutes = options.max_minutes;
  if (max_minutes < 0) max_minutes = fine_tune && options.max_iterations < 0 ? kDefaultFineTuneMinutes : 0;
  {
    std::string stop;
    if (max_minutes > 0) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g minutes", max_minutes);
      stop = std::string("after ") + buf +
             (options.max_minutes < 0 ? " (the default for a fine-tune; --max-minutes to change, 0 for none)" : "");
    }
    if (options.max_iterations > 0)
      stop += (stop.empty() ? "at update " : ", or at update ") + std::to_string(options.max_iterations);
    log(stop.empty() ? std::string("no stop set (--max-minutes, --max-iterations): runs until interrupted; "
                                   "the best model so far is in ") + options.output_model
                     : "stops " + stop);
  }

  const auto start = Clock::now();
  const double elapsed_before = state.elapsed_seconds;
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  double last_checkpoint = 0, last_progress = 0;
  double loss_avg = 0, cer_avg = 1;
  std::size_t lines_done = 0;
  const std::int64_t first_step = state.adam.step;
  bool saved = false;
  auto save_model = [&](const Score& score) {
    calibrate_activation_ranges(model, calibration);
    model.save(options.output_model);
    saved = true;
    log("saved " + options.output_model + " (update " + std::to_string(state.adam.step) +
        (validation.empty() ? std::string(")") : ", validation CER " + percent(score.cer) + ")"));
  };
  auto save_state = [&] {
    std::ostringstream os;
    os << rng;
    state.rng_state = os.str();
    state.elapsed_seconds = elapsed_before + elapsed();
    save_checkpoint(checkpoint_path, state);
  };

  while (true) {
    if (options.max_iterations > 0 && state.adam.step >= options.max_iterations) break;
    if (max_minutes > 0 && elapsed() > max_minutes * 60) break;
    if (batch_queue.empty()) refill();
    std::vector<Example> batch = std::move(batch_queue.back());
    batch_queue.pop_back();
    int w = padded_width(batch.back().line.width, kWidthQuantum);
    for (auto& e : batch) w = std::max(w, padded_width(e.line.width, kWidthQuantum));
    NetworkRunner& net = runners.get(model, w, state.adam.step);
    std::vector<const NormalisedLine*> lines;
    for (auto& e : batch) lines.push_back(&e.line);
    fill_input(net, lines);
    net.forward();

    const int T = net.frames(), C = net.classes();
    float* grad = net.logits_gradient();
    std::fill(grad, grad + static_cast<std::size_t>(net.batch()) * T * C, 0.0f);
    std::vector<double> losses(batch.size());
    std::vector<std::size_t> edits(batch.size());
    const float scale = 1.0f / batch.size();
#pragma omp parallel for schedule(dynamic, 1)
    for (std::size_t n = 0; n < batch.size(); ++n) {
      const float* logits = net.logits() + n * T * C;
      int t = valid_frames(batch[n].line, stride, T);
      std::vector<float> g;
      double loss = ctc_loss(logits, t, C, batch[n].labels, g);
      if (!std::isfinite(loss)) {
        losses[n] = 0;
        edits[n] = batch[n].labels.size();
        continue;
      }
      losses[n] = loss;
      float* out = grad + n * T * C;
      for (std::size_t k = 0; k < g.size(); ++k) out[k] = g[k] * scale;
      std::vector<int> hyp;
      for (auto& d : ctc_best_path(logits, t, C)) hyp.push_back(d.label);
      edits[n] = edit_distance(hyp, batch[n].labels);
    }
    net.backward();

    // Adam with global-norm gradient clipping (CTC gradients spike on hard lines).
    const auto& wg = net.weight_gradients();
    const auto& bg = net.bias_gradients();
    double norm2 = 0;
    for (auto& g : wg) for (float v : g) norm2 += double(v) * v;
    for (auto& g : bg) for (float v : g) norm2 += double(v) * v;
    const double clip = 5.0, norm = std::sqrt(norm2);
    const float gscale = norm > clip ? static_cast<float>(clip / norm) : 1.0f;
    ++state.adam.step;
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const double warmup = std::min(1.0, state.adam.step / 300.0);
    const double lr = options.learning_rate * warmup * std::sqrt(1 - std::pow(b2, state.adam.step)) /
                      (1 - std::pow(b1, state.adam.step));
    auto update = [&](std::vector<float>& p, const std::vector<float>& g, std::vector<float>& m, std::vector<float>& v) {
      for (std::size_t k = 0; k < p.size(); ++k) {
        float gk = g[k] * gscale;
        m[k] = static_cast<float>(b1 * m[k] + (1 - b1) * gk);
        v[k] = static_cast<float>(b2 * v[k] + (1 - b2) * gk * gk);
        p[k] -= static_cast<float>(lr * m[k] / (std::sqrt(v[k]) + eps));
      }
    };
    const std::size_t nw = model.weights.size();
    for (std::size_t i = 0; i < nw; ++i) update(model.weights[i], wg[i], state.adam.m[i], state.adam.v[i]);
    for (std::size_t i = 0; i < nw; ++i) update(model.biases[i], bg[i], state.adam.m[nw + i], state.adam.v[nw + i]);

    double batch_loss = 0;
    std::size_t batch_edits = 0, batch_chars = 0;
    for (std::size_t n = 0; n < batch.size(); ++n) {
      batch_loss += losses[n];
      batch_edits += edits[n];
      batch_chars += batch[n].labels.size();
    }
    lines_done += batch.size();
    const double a = state.adam.step - first_step < 20 ? 0.5 : 0.02;
    loss_avg = (1 - a) * loss_avg + a * batch_loss / batch.size();
    cer_avg = (1 - a) * cer_avg + a * (batch_chars ? double(batch_edits) / batch_chars : 0.0);

    const double now = elapsed();
    if (now - last_progress >= 20) {
      last_progress = now;
      double rate = lines_done / now;
      std::ostringstream os;
      os.precision(4);
      os << "update " << state.adam.step << "  loss " << loss_avg << "  train CER " << percent(cer_avg) << "  "
         << static_cast<int>(rate) << " lines/s  elapsed " << format_duration(elapsed_before + now);
      // Time left: the sooner of the time limit and the updates left at this call's pace.
      double remaining = -1;
      if (max_minutes > 0) remaining = std::max(0.0, max_minutes * 60 - now);
      if (options.max_iterations > 0) {
        double per_step = now / std::max<std::int64_t>(1, state.adam.step - first_step);
        double r2 = per_step * std::max<std::int64_t>(0, options.max_iterations - state.adam.step);
        remaining = remaining < 0 ? r2 : std::min(remaining, r2);
      }
      if (remaining >= 0) {
        const std::time_t end = std::chrono::system_clock::to_time_t(
            std::chrono::system_clock::now() + std::chrono::seconds(static_cast<long long>(remaining)));
        std::tm utc{};
        gmtime_r(&end, &utc);
        char at[32];
        std::strftime(at, sizeof at, "%H:%M UTC", &utc);
        os << "  ETA " << format_duration(remaining) << " left (" << at << ")";
      }
      log(os.str());
    }
    if (state.adam.step % options.validate_every == 0 && !validation.empty()) {
      const Score score = evaluate();
      log("validation CER " + describe_score(score) + " (best " + percent(std::min(score.cer, state.best_cer)) + ")");
      if (score.cer < state.best_cer) {
        state.best_cer = score.cer;
        save_model(score);
      }
    }
    if (now - last_checkpoint >= options.checkpoint_minutes * 60) {
      last_checkpoint = now;
      save_state();
    }
  }
  save_state();
  TrainResult result;
  result.fine_tune = fine_tune;
  result.updates = state.adam.step;
  if (validation.empty()) {
    save_model(Score{});
    result.output_written = true;
  } else {
    const Score score = evaluate();
    log("final validation CER " + describe_score(score));
    if (score.cer < state.best_cer) {
      state.best_cer = score.cer;
      save_model(score);
      save_state();
    }
    result.best_cer = state.best_cer;
    result.start_cer = state.start_cer < 1e8 ? state.start_cer : -1;
    // Written now or in an earlier session of this run: the best is a tuned model's.
    result.output_written = saved || (state.best_cer < 1e8 && (state.start_cer >= 1e8 || state.best_cer < state.start_cer));
    if (!result.output_written) {
      log("nothing written to " + options.output_model + ": no tuned model beat the start model's validation CER of " +
          percent(state.start_cer) + " in " + std::to_string(state.adam.step) + " updates");
    } else {
      log(options.output_model + " holds the best model: validation CER " + percent(state.best_cer) +
          (result.start_cer >= 0 ? " (start model " + percent(result.start_cer) + ")" : std::string()));
    }
  }
  return result;
}

}  // namespace platen
