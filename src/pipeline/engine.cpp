// platen::Engine (platen/engine.h): a Recognizer with its language models and the pipeline's
// settings, and one page read at a time on the engine's own arena.

#include <tbb/info.h>

#include <chrono>
#include <exception>
#include <new>
#include <utility>

#include "core/errors.h"
#include "image/pixel_page.h"
#include "pipeline/engine_impl.h"
#include "platen/engine.h"

namespace platen {

namespace {

constexpr int kMinDpi = 50, kMaxDpi = 2400;

LmDecodeOptions beam_options(const DecoderSettings& d) {
  LmDecodeOptions o;
  o.beam_width = d.beam_width;
  o.lm_weight = d.lm_weight;
  o.char_bonus = d.char_bonus;
  o.word_bonus = d.word_bonus;
  o.mixed_script_penalty = d.mixed_script_penalty;
  o.candidate_log_prob = d.candidate_log_prob;
  o.max_candidates = d.max_candidates;
  o.blank_log_prob = d.blank_log_prob;
  o.score_margin = d.score_margin;
  return o;
}

void check(const EngineOptions& o) {
  if (o.threads < 0) throw Error("a thread count of " + std::to_string(o.threads) + " is not possible; give 0 (all cores) or more");
  if (o.dpi != 0 && (o.dpi < kMinDpi || o.dpi > kMaxDpi))
    throw Error("a resolution of " + std::to_string(o.dpi) + " ppi is not a plausible scan resolution (" +
                std::to_string(kMinDpi) + "-" + std::to_string(kMaxDpi) + "; 0 = the files' own)");
  if (!o.use_language_model && !o.languages.empty())
    throw Error("languages choose language models, so they cannot be given when the language model is off");
  if (!(o.max_pixels >= 4))
    throw Error("a page limit of " + std::to_string(o.max_pixels) + " px cannot hold a page; give at least 4 (default 3e8)");
  if (o.decoder.beam_width < 1) throw Error("the beam search needs a beam width of at least 1");
}

using Clock = std::chrono::steady_clock;

}  // namespace

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

Engine Engine::open(const EngineOptions& options) {
  check(options);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.model_path.empty()) impl->options.model_path = default_model_path();
  if (impl->options.threads == 0) impl->options.threads = tbb::info::default_concurrency();

  PipelineOptions& p = impl->pipeline;
  p.threads = impl->options.threads;
  p.single_line = options.single_line;
  p.prepare.dpi_override = options.dpi;
  p.decode.languages = options.languages;
  p.decode.use_language_model = options.use_language_model;
  p.decode.beam = beam_options(options.decoder);
  p.read.max_pixels = options.max_pixels;
  p.read.keep_page_image = options.keep_page_image;
  p.skip_text = options.skip_text;

  RecognizerOptions recognizer_options;
  recognizer_options.precision = options.precision;
  impl->recognizer = std::make_unique<Recognizer>(impl->options.model_path, recognizer_options);
  // The language models now, so that a missing or corrupt one fails here, not on a page.
  impl->recognizer->load_language_model(p.decode);
  impl->arena.initialize(impl->options.threads);
  return Engine(std::move(impl));
}

const EngineOptions& Engine::options() const { return impl_->options; }

Precision Engine::precision() const { return impl_->recognizer->precision(); }

namespace {

/// Reads `job` on the engine's arena; any failure is thrown naming the file and page.
PageResult read_job(const Engine::Impl& impl, PageJob& job) {
  PageResult result;
  std::string what;
  try {
    impl.arena.execute([&] { result = read_page_job(job, *impl.recognizer, impl.pipeline); });
    return result;
  } catch (const ImageError&) {
    throw;  // names the file and page already
  } catch (const ModelError& e) {
    throw ModelError(page_error_message(job.file, job.page_index, e.what()));
  } catch (const std::bad_alloc&) {
    what = "out of memory";
  } catch (const std::exception& e) {
    what = e.what();
  }
  throw Error(page_error_message(job.file, job.page_index, what.empty() ? "unknown error" : what));
}

void check_page_index(const std::string& name, int page_index, int page_count) {
  if (page_index < 0 || page_index >= page_count)
    throw ImageError("cannot read image '" + name + "' (page " + std::to_string(page_index + 1) + "): it has " +
                     std::to_string(page_count) + (page_count == 1 ? " page" : " pages") +
                     "; page indexes count from 0");
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

PageResult Engine::read_page(const std::string& path, int page_index) const {
  const Clock::time_point start = Clock::now();
  PageJob job;
  job.file = path;
  job.page_index = page_index;
  const PageCount count = count_pages(path);
  // A damaged TIFF directory: the pages before it read; the page after names the damage.
  if (!count.trusted && page_index >= count.pages) throw ImageError(count.damage);
  job.page_count = count.pages;
  check_page_index(path, page_index, job.page_count);
  job.decode_seconds = seconds_since(start);  // counting the pages reads the file once
  return read_job(*impl_, job);
}

PageResult Engine::read_page(const std::uint8_t* data, std::size_t size, int page_index,
                             const std::string& name) const {
  const Clock::time_point start = Clock::now();
  if (!data && size > 0) throw ImageError("cannot read image '" + name + "': no data (null pointer)");
  const PageCount count = count_pages_in_memory(data, size, name);
  PageJob job;
  job.file = name;
  job.page_index = page_index;
  job.page_count = count.pages;
  check_page_index(name, page_index, job.page_count);
  job.decoded = read_image_page_from_memory(data, size, name, page_index, impl_->pipeline.read);
  job.decode_seconds = seconds_since(start);
  return read_job(*impl_, job);  // source = name
}

PageResult Engine::read_pixels(const PixelView& pixels) const {
  PageJob job;
  job.file = "pixels in memory";
  const Clock::time_point start = Clock::now();
  job.decoded = decoded_page_from_pixels(pixels.data, pixels.width, pixels.height, pixels.channels, pixels.stride,
                                         pixels.dpi);
  job.decode_seconds = seconds_since(start);
  PageResult result = read_job(*impl_, job);
  result.source.clear();
  return result;
}

int Engine::page_count(const std::string& path) const { return count_image_pages(path); }

std::string shipped_model_path() { return default_model_path(); }

}  // namespace platen
