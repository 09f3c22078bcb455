#include "recognition/recognizer.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <chrono>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <numeric>

#include <unicode/uchar.h>

#include "core/errors.h"
#include "core/model_location.h"
#include "core/text.h"
#include "recognition/ctc.h"
#include "recognition/ctc_beam_search.h"
#include "recognition/language_model.h"
#include "recognition/language_model_folder.h"
#include "recognition/line_normaliser.h"
#include "recognition/model.h"
#include "recognition/network.h"
#include "recognition/openmp_guard.h"
#include "recognition/script_evidence.h"

namespace platen {

namespace {

/// Columns per batch (rows × row width, px): bounds activation memory per thread.
constexpr int kBatchColumns = 8192;
/// Shortest row, px, and the step by which rows grow to hold a longer line: a page's lines
/// (typewritten A4: 700–1100 px once normalised) pack two or three to a row, and nearly every
/// call uses one row width, so each thread holds a few sets of primitives in all.
constexpr int kRowWidth = 2048, kRowWidthStep = 1024;

/// Where a line sits in the network's input: row of its batch and first column (px).
struct Placement {
  std::size_t batch = 0;
  int row = 0, x = 0;
};

/// Lines laid end to end in rows of one width, as many rows per batch as kBatchColumns allows.
/// Measured on 21 benchmark pages, padding each line to one of a dozen width classes and
/// each partial batch to a power of four ran the network over 36 % more columns than the
/// lines had; in rows the overhead is the gaps and the rows' unused ends.
struct RowPacking {
  int row_width = 0;
  std::vector<int> rows_per_batch;    ///< by batch
  std::vector<Placement> placements;  ///< by line
};

/// Packs lines of `widths` px (first fit, widest first) so that every line has `gap` px of
/// paper on both sides within its row and starts at a multiple of `stride`: with `gap` at
/// least the network's context width, a line's scores are those it has alone, whatever its
/// neighbours.
RowPacking pack_rows(const std::vector<int>& widths, int stride, int gap) {
  RowPacking packing;
  auto span = [&](int width) { return (width + stride - 1) / stride * stride + gap; };
  int widest = 0;
  for (int w : widths) widest = std::max(widest, span(w));
  packing.row_width = kRowWidth;
  while (packing.row_width < gap + widest) packing.row_width += kRowWidthStep;
  std::vector<std::size_t> order(widths.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return widths[a] > widths[b]; });
  std::vector<int> used;  // by row: columns taken, the leading gap included
  std::vector<std::pair<int, int>> row_and_x(widths.size());
  for (std::size_t i : order) {
    std::size_t r = 0;
    while (r < used.size() && used[r] + span(widths[i]) > packing.row_width) ++r;
    if (r == used.size()) used.push_back(gap);
    row_and_x[i] = {static_cast<int>(r), used[r]};
    used[r] += span(widths[i]);
  }
  const int per_batch = std::max(1, kBatchColumns / packing.row_width);
  for (std::size_t r = 0; r < used.size(); r += per_batch)
    packing.rows_per_batch.push_back(static_cast<int>(std::min<std::size_t>(per_batch, used.size() - r)));
  for (const auto& [row, x] : row_and_x)
    packing.placements.push_back({static_cast<std::size_t>(row / per_batch), row % per_batch, x});
  return packing;
}

}  // namespace

struct Recognizer::Impl {
  /// The weights in the primitives' layouts, shared by every thread's runners. Declared
  /// before `threads`: runners point into it.
  PackedWeights weights;
  /// As asked for: with automatic, each runner may still fall back to f32 on its own.
  Precision precision = Precision::automatic;
  /// Per-thread primitives, one runner per (row width, rows): oneDNN primitives and their
  /// buffers are not shared between threads.
  struct ThreadState {
    ActivationArena arena;  // declared first: runners point into it
    std::map<std::pair<int, int>, std::unique_ptr<NetworkRunner>> runners;
  };
  tbb::enumerable_thread_specific<ThreadState> threads;
  /// Language models by language set ("eng+deu"), loaded on first use.
  std::mutex lm_mutex;
  std::map<std::string, std::shared_ptr<const LanguageModel>> language_models;

  std::shared_ptr<const LanguageModel> language_model(const std::string& dir, const std::vector<std::string>& langs) {
    std::string key;
    for (const std::string& l : langs) key += (key.empty() ? "" : "+") + l;
    std::lock_guard<std::mutex> lock(lm_mutex);
    auto it = language_models.find(key);
    if (it == language_models.end())
      it = language_models.emplace(key, std::make_shared<const LanguageModel>(LanguageModel::load(dir, langs))).first;
    return it->second;
  }

  /// This thread's runner for `rows` rows of `width` px, built on first use.
  NetworkRunner& runner(const Model& model, int width, int rows) {
    ThreadState& mine = threads.local();
    const std::pair<int, int> key(width, rows);
    auto it = mine.runners.find(key);
    if (it == mine.runners.end())
      it = mine.runners
               .emplace(key, std::make_unique<NetworkRunner>(model, key.second, width, false, &mine.arena,
                                                             precision, &weights))
               .first;
    return *it->second;
  }
};

Recognizer::Recognizer(const std::string& model_path, const RecognizerOptions& options)
    : Recognizer(std::make_shared<const Model>(Model::load(model_path)), options) {
  namespace fs = std::filesystem;
  auto has_language_files = [](const fs::path& dir) { return !language_codes_in(dir.string()).empty(); };
  const std::string calibration = WordCalibration::path_for_model(model_path);
  if (fs::exists(calibration)) calibration_ = WordCalibration::load(calibration);
  fs::path own = fs::path(model_path).parent_path();
  if (own.empty()) own = ".";
  model_dir_ = own.string();
  if (!has_language_files(own)) {
    try {
      const fs::path shipped = fs::path(default_model_path()).parent_path();
      if (has_language_files(shipped)) model_dir_ = shipped.string();
    } catch (const ModelError&) {
      // No shipped models either: decoding falls back to the image alone.
    }
  }
}

Recognizer::Recognizer(std::shared_ptr<const Model> model, const RecognizerOptions& options)
    : model_(std::move(model)), precision_(resolve_precision(options.precision, *model_)),
      impl_(std::make_unique<Impl>()) {
  impl_->precision = options.precision;
  if (precision_ == Precision::bf16 && !cpu_has_native_bf16())
    throw Error("bf16 arithmetic needs a CPU with AVX-512 BF16, which this one lacks; use precision f32 or auto");
  if (precision_ == Precision::int8 && model_->activation_ranges.empty())
    throw ModelError("int8 arithmetic needs a calibrated model (ocr calibrate); this one has no activation ranges");
  if (model_->input_height != kLineHeight)
    throw ModelError("model expects lines " + std::to_string(model_->input_height) + " px high, this build makes " +
                     std::to_string(kLineHeight));
}

Recognizer::~Recognizer() = default;

void Recognizer::load_language_model(const DecodeOptions& options) const {
  if (options.use_language_model && !model_dir_.empty()) impl_->language_model(model_dir_, options.languages);
}

namespace {

/// Whether `text` holds a letter.
bool has_letter(const std::u32string& text) {
  return std::any_of(text.begin(), text.end(), [](char32_t c) { return u_isalpha(static_cast<UChar32>(c)); });
}

/// Fills `r`'s text, symbols, word confidences and confidence from the decoded `text`, whose
/// char_confidences and spans `r` already holds; spaces at the ends are dropped from all three.
void finish_line(std::u32string text, RecognisedLine& r) {
  // Spaces at the ends carry no information and CTC sometimes emits them at padding.
  while (!text.empty() && text.back() == U' ') text.pop_back(), r.char_confidences.pop_back(), r.spans.pop_back();
  std::size_t lead = 0;
  while (lead < text.size() && text[lead] == U' ') ++lead;
  text.erase(0, lead);
  r.char_confidences.erase(r.char_confidences.begin(), r.char_confidences.begin() + lead);
  r.spans.erase(r.spans.begin(), r.spans.begin() + lead);
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == U' ') {
      ++i;
      continue;
    }
    std::size_t end = i;
    float sum = 0;
    for (; end < text.size() && text[end] != U' '; ++end) sum += r.char_confidences[end];
    r.word_confidences.push_back(sum / static_cast<float>(end - i));
    i = end;
  }
  r.text = to_nfc(utf32_to_utf8(text));
  r.symbols = std::move(text);
  r.confidence = r.char_confidences.empty()
                     ? 1.0f
                     : std::accumulate(r.char_confidences.begin(), r.char_confidences.end(), 0.0f) /
                           r.char_confidences.size();
}

}  // namespace

std::vector<RecognisedLine> Recognizer::recognise(const std::vector<GreyImage>& images, const DecodeOptions& options,
                                                  RecognitionTimings* timings) const {
  using Clock = std::chrono::steady_clock;
  // Thread time per part, in ns; atomics since the parts run on TBB workers.
  std::atomic<std::int64_t> normalise_ns{0}, network_ns{0}, decode_ns{0};
  auto add_since = [](std::atomic<std::int64_t>& total, Clock::time_point start) {
    total += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  };
  const Model& model = *model_;
  std::shared_ptr<const LanguageModel> lm;
  if (options.use_language_model && !model_dir_.empty()) lm = impl_->language_model(model_dir_, options.languages);
  if (lm && lm->empty()) lm.reset();
  const int stride = model.spec.frame_stride();
  std::vector<NormalisedLine> lines(images.size());
  tbb::parallel_for(std::size_t(0), images.size(), [&](std::size_t i) {
    const Clock::time_point start = Clock::now();
    lines[i] = normalise_line(images[i]);
    add_since(normalise_ns, start);
  });

  std::vector<int> widths;
  for (const NormalisedLine& l : lines) widths.push_back(l.width);
  const int gap = (model.spec.context_width() + stride - 1) / stride * stride;
  const RowPacking packing = pack_rows(widths, stride, gap);
  std::vector<std::vector<std::size_t>> batches(packing.rows_per_batch.size());
  for (std::size_t i = 0; i < lines.size(); ++i) batches[packing.placements[i].batch].push_back(i);

  std::vector<RecognisedLine> results(images.size());
  const bool share_script = lm && options.lines_share_script && options.beam.line_script < 0;
  std::vector<ScriptEvidence> evidence(share_script ? images.size() : 0);
  // Log posteriors of the lines whose script evidence is a tie, kept to decode them again.
  std::vector<std::vector<float>> undecided(share_script ? images.size() : 0);
  tbb::parallel_for(std::size_t(0), batches.size(), [&](std::size_t b) {
    // oneDNN's OpenMP team is per thread: kept at one thread on this worker, so the thread
    // count stays what the caller's TBB arena allows.
    const SingleThreadOpenMp single_thread;
    Clock::time_point start = Clock::now();
    const std::vector<std::size_t>& batch = batches[b];
    const int w = packing.row_width;
    NetworkRunner& net = impl_->runner(model, w, packing.rows_per_batch[b]);
    const int h = model.input_height, T = net.frames(), C = net.classes();
    float* in = net.input();
    std::fill(in, in + static_cast<std::size_t>(net.batch()) * h * w, 0.0f);
    for (std::size_t i : batch) {
      const NormalisedLine& l = lines[i];
      const Placement& at = packing.placements[i];
      for (int y = 0; y < h; ++y)
        std::copy(l.pixels.begin() + static_cast<std::size_t>(y) * l.width,
                  l.pixels.begin() + static_cast<std::size_t>(y + 1) * l.width,
                  in + (static_cast<std::size_t>(at.row) * h + y) * w + at.x);
    }
    net.forward();
    add_since(network_ns, start);
    start = Clock::now();
    for (std::size_t i : batch) {
      const NormalisedLine& l = lines[i];
      const Placement& at = packing.placements[i];
      const int t = (l.width + stride - 1) / stride;
      const float* logits = net.logits() + (static_cast<std::size_t>(at.row) * T + at.x / stride) * C;
      RecognisedLine& r = results[i];
      std::u32string text;
      if (lm) {
        // Kept per thread: a fresh vector of a line's t·C floats (~170 kB) came from mmap,
        // and its page faults and zeroing took about 7 % of the decoding time.
        thread_local std::vector<float> log_probs;
        log_probs.resize(static_cast<std::size_t>(t) * C);
        log_softmax_rows(logits, log_probs.data(), t, C);
        LmDecodeOptions beam = options.beam;
        if (share_script) {
          // The line's own script, found once: beam_search would find the same from line_script −1.
          evidence[i] = script_evidence(log_probs.data(), t, C, model.alphabet);
          if (beam.script_switch_penalty > 0) beam.line_script = evidence[i].script();
        }
        text = beam_search(log_probs.data(), t, C, model.alphabet, lm.get(), beam, &r.char_confidences, &r.spans);
        if (share_script && evidence[i].script() == 0 && has_letter(text)) undecided[i] = log_probs;
      } else {
        for (const DecodedSymbol& d : ctc_best_path(logits, t, C)) {
          text.push_back(model.alphabet.symbol(d.label));
          r.char_confidences.push_back(d.confidence);
          r.spans.push_back(SymbolSpan{d.frame, d.last_frame, d.confidence});
        }
      }
      r.frame_stride = stride;
      r.scale = l.scale;
      r.frames = t;
      finish_line(std::move(text), r);
    }
    add_since(decode_ns, start);
  });
  if (share_script) {
    const Clock::time_point start = Clock::now();
    ScriptEvidence page;
    for (const ScriptEvidence& e : evidence) page += e;
    if (page.script() != 0) {
      LmDecodeOptions beam = options.beam;
      beam.line_script = page.script();
      for (std::size_t i = 0; i < undecided.size(); ++i) {
        if (undecided[i].empty()) continue;
        RecognisedLine& r = results[i];
        const int t = r.frames;
        std::u32string text = beam_search(undecided[i].data(), t, model.alphabet.size(), model.alphabet, lm.get(),
                                          beam, &r.char_confidences, &r.spans);
        r.word_confidences.clear();
        finish_line(std::move(text), r);
      }
    }
    add_since(decode_ns, start);
  }
  if (timings) {
    timings->normalise = 1e-9 * static_cast<double>(normalise_ns.load());
    timings->network = 1e-9 * static_cast<double>(network_ns.load());
    timings->decode = 1e-9 * static_cast<double>(decode_ns.load());
  }
  return results;
}

double RecognisedLine::crop_x(double normalised_x) const {
  return scale > 0 ? (normalised_x - kLinePadding) / scale : 0.0;
}

std::pair<double, double> RecognisedLine::crop_columns(const SymbolSpan& s) const {
  return {crop_x(static_cast<double>(s.first_frame) * frame_stride),
          crop_x(static_cast<double>(s.last_frame + 1) * frame_stride)};
}

std::string default_model_path() {
  namespace fs = std::filesystem;
  const char* name = "platen.platen";
  const std::vector<std::string> dirs = shipped_model_dirs();
  std::string looked;
  for (const std::string& dir : dirs) {
    const fs::path p = fs::path(dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
    looked += (looked.empty() ? "" : ", ") + dir;
  }
  throw ModelError(std::string("no model found: the shipped ") + name + " is not in " +
                   (looked.empty() ? std::string("share/platen/models (the program's own location is unknown)") : looked) +
                   "; reinstall Platen, or name a model file");
}

}  // namespace platen
