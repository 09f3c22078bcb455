#include "pipeline/page_pipeline.h"

#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <utility>

#include "core/errors.h"
#include "image/stream_input.h"
#include "pipeline/orientation_check.h"
#include "pipeline/page_assembly.h"
#include "pipeline/page_confidence.h"
#include "pipeline/upright_reading.h"
#include "recognition/openmp_guard.h"

namespace platen {

PageTimings& PageTimings::operator+=(const PageTimings& other) {
  decode += other.decode;
  binarise += other.binarise;
  deskew += other.deskew;
  segment += other.segment;
  recognise += other.recognise;
  decode_text += other.decode_text;
  write += other.write;
  return *this;
}

std::string assemble_page_text(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    text += line;
    text += '\n';
  }
  return text;
}

std::string input_display_name(const std::string& file) {
  return file == "-" ? std::string("standard input") : file;
}

std::string page_error_message(const std::string& file, int page_index, const std::string& what) {
  const std::string name = input_display_name(file);
  std::string message = what.find("'" + name + "'") != std::string::npos
                            ? what
                            : name + ": page " + std::to_string(page_index + 1) + ": " + what;
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\r', ' ');
  return message;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}


/// Expands one input into its page jobs (or one failed job), appended to `jobs`.
void list_pages(std::size_t index, const std::string& file, std::deque<PageJob>& jobs) {
  const Clock::time_point start = Clock::now();
  auto page_job = [&](int page_index, int page_count) {
    PageJob job;
    job.input_index = index;
    job.file = file;
    job.page_index = page_index;
    job.page_count = page_count;
    return job;
  };
  PageJob failed = page_job(0, 1);
  try {
    PageCount count;
    std::shared_ptr<const std::vector<std::uint8_t>> bytes;
    if (file == "-" || is_stream_input(file)) {
      // A stream can be read only once: its bytes are read here, with a limit on silence.
      const std::string name = input_display_name(file);
      bytes = std::make_shared<const std::vector<std::uint8_t>>(read_stream(file, name, stream_timeout_seconds()));
      count = count_pages_in_memory(bytes->data(), bytes->size(), name);
    } else {
      count = count_pages(file);
    }
    // A damaged TIFF directory: the pages before it, then one failed page that says so.
    const int listed = count.pages + (count.trusted ? 0 : 1);
    for (int p = 0; p < count.pages; ++p) {
      PageJob job = page_job(p, listed);
      job.bytes = bytes;
      // Counting pages (or reading the stream) is charged to the first page's decoding.
      if (p == 0) job.decode_seconds = seconds_since(start);
      jobs.push_back(std::move(job));
    }
    if (!count.trusted) {
      PageJob damaged = page_job(count.pages, listed);
      damaged.error = count.damage;
      jobs.push_back(std::move(damaged));
    }
    return;
  } catch (const std::bad_alloc&) {
    failed.error = "out of memory";
  } catch (const std::exception& e) {
    failed.error = e.what();
  }
  failed.decode_seconds = seconds_since(start);
  jobs.push_back(std::move(failed));
}

/// Decode → prepare → segment → recognise one page. Throws on any failure of the page.
void process_page(PageJob& job, const Recognizer& recognizer, const PipelineOptions& options,
                  PageResult& result) {
  PageTimings& t = result.timings;
  Clock::time_point start = Clock::now();
  DecodedPage page = job.decoded ? std::move(*job.decoded)
                    : job.bytes ? read_image_page_from_memory(job.bytes->data(), job.bytes->size(),
                                                              input_display_name(job.file), job.page_index, options.read)
                                : read_image_page(job.file, job.page_index, options.read);
  job.decoded.reset();
  job.bytes.reset();
  t.decode += seconds_since(start);
  result.warnings = std::move(page.warnings);
  result.image = std::move(page.original);
  if (options.skip_text && page.has_text_layer) {
    // --skip-text: the page's own text layer stands (OCRmyPDF's habit), one line per line.
    std::string text;
    std::size_t from = 0;
    while (from <= page.text_layer.size()) {
      std::size_t to = page.text_layer.find('\n', from);
      if (to == std::string::npos) to = page.text_layer.size();
      std::string line = page.text_layer.substr(from, to - from);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\f')) line.pop_back();
      if (!line.empty()) text += line + "\n";
      from = to + 1;
    }
    result.width = static_cast<int>(pixGetWidth(page.pix.get()));
    result.height = static_cast<int>(pixGetHeight(page.pix.get()));
    result.text = text;
    result.warnings.push_back("the page has a text layer; it was kept as it is (--skip-text)");
    result.ok = true;
    return;
  }
  result.width = static_cast<int>(pixGetWidth(page.pix.get()));
  result.height = static_cast<int>(pixGetHeight(page.pix.get()));

  std::vector<GreyImage> crops;
  std::vector<LinePlacement> placements;  // where each crop lies on the prepared page
  std::vector<RecognisedLine> recognised;
  PageFrame frame{result.width, result.height, 0, 0.0};
  if (options.single_line) {
    start = Clock::now();
    PixPtr grey = to_grey(page.pix.get());
    page.pix.reset();
    crops.push_back(grey_image_from_pix(grey.get()));
    placements.push_back(LinePlacement{Box{0, 0, result.width, result.height}, {}, result.height - 1, 0});
    t.deskew = seconds_since(start);
    RecognitionTimings rt;
    recognised = recognizer.recognise(crops, options.decode, &rt);
    t.recognise = rt.normalise + rt.network;
    t.decode_text = rt.decode;
  } else {
    // With orientation detected, the detector's sure quarter turns are applied and the rest is
    // left as found: the page's orientation is settled by reading it (read_upright).
    const bool detected = options.prepare.detect_orientation && options.prepare.quarter_turns < 0;
    PrepareOptions first_look = options.prepare;
    if (detected) {
      first_look.turn_upside_down = false;
      first_look.min_quarter_turn_confidence = kSureOrientationConfidence;
    }
    start = Clock::now();
    PreparedPage prepared = prepare_page(page, first_look);
    t.binarise = prepared.binarise_seconds;
    t.deskew = seconds_since(start) - prepared.binarise_seconds;

    start = Clock::now();
    std::vector<TextLine> lines = find_text_lines(prepared, options.layout);
    t.segment = seconds_since(start);
    UprightReading upright = read_upright(page, std::move(prepared), std::move(lines), detected, recognizer,
                                          UprightOptions{options.prepare, options.layout, options.decode});
    page.pix.reset();  // the page's largest buffer; not needed past this point
    t.deskew += upright.orientation_seconds;
    t.recognise = upright.timings.normalise + upright.timings.network;
    t.decode_text = upright.timings.decode;

    start = Clock::now();
    crops = std::move(upright.crops);
    recognised = std::move(upright.recognised);
    placements.reserve(upright.lines.size());
    for (TextLine& line : upright.lines) {
      placements.push_back(LinePlacement{line.box, std::move(line.top_rows), line.baseline, line.x_height});
    }
    frame.orientation_degrees = upright.page.orientation_degrees;
    frame.skew_degrees = upright.page.skew_degrees;
    result.resolution = upright.page.dpi;
    result.resolution_from_file = page.dpi > 0 && page.dpi == upright.page.dpi;
    t.segment += seconds_since(start);
  }

  assemble_page(crops, placements, recognised, frame, recognizer.word_calibration(), result);
  result.low_confidence = read_with_low_confidence(result);

  if (options.single_line) {
    result.text = recognised.empty() ? std::string("\n") : recognised.front().text + "\n";
  } else {
    std::vector<std::string> texts;
    texts.reserve(recognised.size());
    for (RecognisedLine& r : recognised) texts.push_back(std::move(r.text));
    result.text = assemble_page_text(texts);
  }
  result.ok = true;
}

/// The page's fields that come from its job.
PageResult result_for(const PageJob& job) {
  PageResult result;
  result.input_index = job.input_index;
  result.source = job.file;
  result.page_index = job.page_index;
  result.page_count = job.page_count;
  result.timings.decode = job.decode_seconds;
  return result;
}

PageResult run_job(PageJob& job, const Recognizer& recognizer, const PipelineOptions& options) {
  const SingleThreadOpenMp single_thread;
  PageResult result = result_for(job);
  std::string what = job.error;
  if (what.empty()) {
    // The page boundary: whatever goes wrong on this page stays on this page.
    try {
      process_page(job, recognizer, options, result);
    } catch (const std::bad_alloc&) {
      what = "out of memory";
    } catch (const std::exception& e) {
      what = e.what();
      if (what.empty()) what = "unknown error";
    } catch (...) {
      what = "unknown error";
    }
  }
  if (!what.empty()) {
    result.ok = false;
    result.text.clear();
    result.lines.clear();
    result.blocks.clear();
    result.error = page_error_message(job.file, job.page_index, what);
  }
  return result;
}

/// The page's content dropped (it went to the sink), its status, size and timings kept.
void drop_content(PageResult& result) {
  result.text.clear();
  result.text.shrink_to_fit();
  result.lines.clear();
  result.lines.shrink_to_fit();
  result.blocks.clear();
  result.non_text.clear();
  result.image.reset();
}

}  // namespace

PageResult read_page_job(PageJob& job, const Recognizer& recognizer, const PipelineOptions& options) {
  const SingleThreadOpenMp single_thread;
  if (!job.error.empty()) throw Error(page_error_message(job.file, job.page_index, job.error));
  PageResult result = result_for(job);
  process_page(job, recognizer, options, result);
  return result;
}

PipelineReport run_page_pipeline(const std::vector<std::string>& inputs,
                                 const Recognizer& recognizer, const PipelineOptions& options,
                                 const PageSink& sink, const PageObserver& done, tbb::task_arena* arena) {
  const Clock::time_point run_start = Clock::now();
  std::optional<tbb::task_arena> own_arena;
  if (!arena) {
    own_arena.emplace(options.threads > 0 ? options.threads : tbb::info::default_concurrency());
    arena = &*own_arena;
  }
  const int threads = arena->max_concurrency();

  PipelineReport report;
  std::deque<PageJob> pending;
  std::size_t next_input = 0;

  // Tokens are pages in flight; twice the threads keeps workers busy while one page waits
  // its turn at the ordered output stage, and bounds how many decoded pages sit in memory.
  const std::size_t tokens = static_cast<std::size_t>(threads) * 2;

  auto input = tbb::make_filter<void, std::shared_ptr<PageJob>>(
      tbb::filter_mode::serial_in_order, [&](tbb::flow_control& fc) -> std::shared_ptr<PageJob> {
        if (options.stop_requested && options.stop_requested()) {
          report.stopped = !pending.empty() || next_input < inputs.size();
          fc.stop();
          return nullptr;
        }
        while (pending.empty() && next_input < inputs.size()) {
          list_pages(next_input, inputs[next_input], pending);
          ++next_input;
        }
        if (pending.empty()) {
          fc.stop();
          return nullptr;
        }
        auto job = std::make_shared<PageJob>(std::move(pending.front()));
        pending.pop_front();
        return job;
      });

  auto page = tbb::make_filter<std::shared_ptr<PageJob>, std::shared_ptr<PageResult>>(
      tbb::filter_mode::parallel, [&](std::shared_ptr<PageJob> job) {
        return std::make_shared<PageResult>(run_job(*job, recognizer, options));
      });

  auto output = tbb::make_filter<std::shared_ptr<PageResult>, void>(
      tbb::filter_mode::serial_in_order, [&](std::shared_ptr<PageResult> result) {
        const Clock::time_point start = Clock::now();
        try {
          if (sink) sink(*result);
        } catch (const std::exception& e) {
          result->ok = false;
          result->error = page_error_message(result->source, result->page_index, e.what());
        }
        result->timings.write = seconds_since(start);
        if (done) done(*result);
        if (!result->ok) ++report.failed;
        drop_content(*result);
        report.pages.push_back(std::move(*result));
      });

  arena->execute([&] { tbb::parallel_pipeline(tokens, input & page & output); });
  report.wall_seconds = seconds_since(run_start);
  return report;
}

}  // namespace platen
