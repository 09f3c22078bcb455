#include "pipeline/page_pipeline.h"

#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
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
#include "pipeline/orientation_check.h"
#include "pipeline/page_assembly.h"
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

Box box_on_original_page(const Box& box, int orientation_degrees, double skew_degrees,
                         int original_width, int original_height) {
  const int quarter_turns = ((orientation_degrees / 90) % 4 + 4) % 4;
  // The turned page's size, which the prepared page keeps through the deskew.
  const bool sideways = quarter_turns % 2 == 1;
  const double turned_w = sideways ? original_height : original_width;
  const double turned_h = sideways ? original_width : original_height;
  // Leptonica's pixRotate turns about (w/2, h/2), clockwise for a positive angle; undone by
  // the opposite turn. Corners are pixel edges (continuous coordinates).
  const double a = skew_degrees * 3.14159265358979323846 / 180.0;
  const double c = std::cos(a), s = std::sin(a);
  const double cx = turned_w / 2, cy = turned_h / 2;
  const std::array<std::array<double, 2>, 4> corners = {{{double(box.x), double(box.y)},
                                                         {double(box.right()), double(box.y)},
                                                         {double(box.x), double(box.bottom())},
                                                         {double(box.right()), double(box.bottom())}}};
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const auto& p : corners) {
    const double dx = p[0] - cx, dy = p[1] - cy;
    const double tx = cx + dx * c + dy * s;  // on the turned page, before the deskew
    const double ty = cy - dx * s + dy * c;
    // pixRotateOrth turns clockwise by quarter turns: (x, y) → (H - y, x) for one turn.
    double ox = tx, oy = ty;
    switch (quarter_turns) {
      case 1: ox = ty; oy = original_height - tx; break;
      case 2: ox = original_width - tx; oy = original_height - ty; break;
      case 3: ox = original_width - ty; oy = tx; break;
      default: break;
    }
    x0 = std::min(x0, ox);
    y0 = std::min(y0, oy);
    x1 = std::max(x1, ox);
    y1 = std::max(y1, oy);
  }
  const int left = std::clamp(static_cast<int>(std::floor(x0 + 1e-6)), 0, original_width);
  const int top = std::clamp(static_cast<int>(std::floor(y0 + 1e-6)), 0, original_height);
  const int right = std::clamp(static_cast<int>(std::ceil(x1 - 1e-6)), 0, original_width);
  const int bottom = std::clamp(static_cast<int>(std::ceil(y1 - 1e-6)), 0, original_height);
  return Box{left, top, std::max(0, right - left), std::max(0, bottom - top)};
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<std::uint8_t> read_standard_input() {
  std::vector<std::uint8_t> bytes;
  std::uint8_t buffer[1 << 16];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
  if (std::ferror(stdin)) throw ImageError("cannot read image 'standard input': read error");
  return bytes;
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
    if (file == "-") {
      // Standard input can be read only once, so its pages are decoded here rather than
      // re-read per page; their decode time is shared out evenly.
      std::vector<DecodedPage> pages =
          read_image_pages_from_memory(read_standard_input(), input_display_name(file));
      const double each = seconds_since(start) / std::max<std::size_t>(1, pages.size());
      const int count = static_cast<int>(pages.size());
      for (int p = 0; p < count; ++p) {
        PageJob job = page_job(p, count);
        job.decoded = std::move(pages[p]);
        job.decode_seconds = each;
        jobs.push_back(std::move(job));
      }
      return;
    }
    const int count = count_image_pages(file);
    for (int p = 0; p < count; ++p) {
      PageJob job = page_job(p, count);
      // Counting pages reads the file once; charged to its first page's decoding.
      if (p == 0) job.decode_seconds = seconds_since(start);
      jobs.push_back(std::move(job));
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

/// A page prepared with `turns` clockwise quarter turns, and its lines.
struct Prepared {
  int turns = 0;
  PreparedPage page;
  std::vector<TextLine> lines;
};

Prepared prepared_at(const DecodedPage& page, int turns, const PipelineOptions& options) {
  PrepareOptions o = options.prepare;
  o.quarter_turns = turns;
  Prepared p{turns, prepare_page(page, o), {}};
  p.lines = find_text_lines(p.page, options.layout);
  return p;
}

std::vector<const GreyImage*> crops_of(const std::vector<TextLine>& lines) {
  std::vector<const GreyImage*> images;
  images.reserve(lines.size());
  for (const TextLine& l : lines) images.push_back(&l.image);
  return images;
}

/// The recognizer's first look at a prepared page: the turns that make it upright (its own,
/// or 180° more) when the beginnings of its widest lines read clearly one way up, else −1.
/// Read as they stand, upright lines score at least kClearReadingConfidence, or failing that
/// at least kFairReadingConfidence and kQuickReadingMargin more than turned by 180°; lines
/// upside down or sideways never do (see orientation_check.h).
int quick_verdict(const Prepared& p, const Recognizer& recognizer) {
  const std::vector<const GreyImage*> crops = crops_of(p.lines);
  const int width = static_cast<int>(std::lround(kQuickReadingInches * p.page.dpi));
  const double as_is = quick_reading_confidence(crops, recognizer, width, false);
  if (as_is >= kClearReadingConfidence) return p.turns;
  const double flipped = quick_reading_confidence(crops, recognizer, width, true);
  if (flipped >= kClearReadingConfidence) return (p.turns + 2) % 4;
  if (as_is >= kFairReadingConfidence && as_is >= flipped + kQuickReadingMargin) return p.turns;
  if (flipped >= kFairReadingConfidence && flipped >= as_is + kQuickReadingMargin) return (p.turns + 2) % 4;
  return -1;
}

/// Settles by reading the orientation of a page the detector found turned, or was unsure of:
/// it found `detected_turns` with `detected_confidence` (0 when undecided). `first` is the page
/// as prepared: turned that way, or left as found. First looks: that page, and for a doubtful
/// quarter turn the other reading (the page turned if it was left as found, or as found if it
/// was turned); each decides when it reads clearly one way up. Otherwise the full check: the
/// page as the detector would turn it and turned by 180° more are read; after a doubtful
/// quarter turn, also the page as found and upside down; and when a page the detector did
/// not find sideways reads poorly both ways, also turned by a quarter either way (two Cyrillic
/// pages turned by 90°, which the detector took for upside down, are read right only so). The
/// orientation read with the highest confidence is kept (a later reading must beat an earlier
/// one by kOrientationReadingMargin). Returns the page prepared that way up, and its lines.
Prepared settle_orientation(const DecodedPage& page, Prepared first, int detected_turns, double detected_confidence,
                            const Recognizer& recognizer, const PipelineOptions& options) {
  const bool doubtful_quarter_turn = detected_turns % 2 == 1 && detected_confidence < kSureOrientationConfidence;
  std::vector<Prepared> looked_at;  // pages prepared so far
  looked_at.push_back(std::move(first));
  int verdict = quick_verdict(looked_at.back(), recognizer);
  if (verdict < 0 && doubtful_quarter_turn) {
    looked_at.push_back(prepared_at(page, looked_at[0].turns == 0 ? detected_turns : 0, options));
    verdict = quick_verdict(looked_at.back(), recognizer);
  }
  if (verdict < 0) {
    // The full check.
    double best = -1;
    verdict = detected_turns;
    // Reads a page as it is and turned by 180°, keeping the better. The lines of the page
    // turned by 180° are found again on the page prepared that way: those of this page,
    // turned and in the opposite order, read worse (layout is not symmetric: commas above the
    // line, dots below; one rendered page turned by 180° read at 10.5 % CER instead of 6.0 %).
    auto consider = [&](const Prepared& p) {
      const std::vector<const GreyImage*> crops = crops_of(p.lines);
      const double as_is = reading_confidence(crops, recognizer, false);
      const double flipped = reading_confidence(crops, recognizer, true);
      const double margin = best < 0 ? 0.0 : kOrientationReadingMargin;
      if (as_is >= flipped && as_is > best + margin) {
        best = as_is, verdict = p.turns;
      } else if (flipped > as_is && flipped > best + margin) {
        best = flipped, verdict = (p.turns + 2) % 4;
      }
    };
    // The detector's reading first.
    std::stable_partition(looked_at.begin(), looked_at.end(),
                          [&](const Prepared& p) { return p.turns % 2 == detected_turns % 2; });
    for (const Prepared& p : looked_at) consider(p);
    if (detected_turns % 2 == 0 && best < kPoorReadingConfidence) {
      looked_at.push_back(prepared_at(page, 1, options));
      consider(looked_at.back());
    }
  }
  for (Prepared& p : looked_at) {
    if (p.turns == verdict) return std::move(p);
  }
  return prepared_at(page, verdict, options);
}

/// Decode → prepare → segment → recognise one page. Throws on any failure of the page.
void process_page(PageJob& job, const Recognizer& recognizer, const PipelineOptions& options,
                  PageResult& result) {
  PageTimings& t = result.timings;
  Clock::time_point start = Clock::now();
  DecodedPage page = job.decoded ? std::move(*job.decoded) : read_image_page(job.file, job.page_index);
  job.decoded.reset();
  t.decode += seconds_since(start);
  result.width = static_cast<int>(pixGetWidth(page.pix.get()));
  result.height = static_cast<int>(pixGetHeight(page.pix.get()));

  std::vector<GreyImage> crops;
  std::vector<LinePlacement> placements;  // where each crop lies on the prepared page
  PageFrame frame{result.width, result.height, 0, 0.0};
  if (options.single_line) {
    start = Clock::now();
    PixPtr grey = to_grey(page.pix.get());
    page.pix.reset();
    crops.push_back(grey_image_from_pix(grey.get()));
    placements.push_back(LinePlacement{Box{0, 0, result.width, result.height}, {}, result.height - 1, 0});
    t.deskew = seconds_since(start);
  } else {
    // With orientation detected, the recognizer settles the orientations the detector is
    // unsure of (below), and pages are read as found first: most are upright, and typewritten
    // Cyrillic often looks upside down to the detector.
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
    // The orientation detector guesses on Cyrillic (few ascenders, many descenders), can turn
    // an upright page sideways, and leaves some pages undecided; when it was unsure, or turned
    // the page, the recognizer has the last word (see settle_orientation).
    if (detected && lines.size() >= 2 &&
        (prepared.detected_orientation_degrees != 0 || prepared.orientation_confidence < kSureOrientationConfidence)) {
      start = Clock::now();
      const int detected_turns = prepared.detected_orientation_degrees / 90;
      const double detected_confidence = prepared.orientation_confidence;
      Prepared first{prepared.orientation_degrees / 90, std::move(prepared), std::move(lines)};
      Prepared settled =
          settle_orientation(page, std::move(first), detected_turns, detected_confidence, recognizer, options);
      prepared = std::move(settled.page);
      lines = std::move(settled.lines);
      t.deskew += seconds_since(start);
    }
    page.pix.reset();  // the page's largest buffer; not needed past this point

    start = Clock::now();
    crops.reserve(lines.size());
    placements.reserve(lines.size());
    for (TextLine& line : lines) {
      crops.push_back(std::move(line.image));
      placements.push_back(LinePlacement{line.box, std::move(line.top_rows), line.baseline, line.x_height});
    }
    frame.orientation_degrees = prepared.orientation_degrees;
    frame.skew_degrees = prepared.skew_degrees;
    result.resolution = prepared.dpi;
    result.resolution_from_file = page.dpi > 0 && page.dpi == prepared.dpi;
    t.segment += seconds_since(start);
  }

  std::vector<RecognisedLine> recognised;
  RecognitionTimings rt;
  if (!crops.empty()) recognised = recognizer.recognise(crops, options.decode, &rt);
  t.recognise = rt.normalise + rt.network;
  t.decode_text = rt.decode;

  assemble_page(crops, placements, recognised, frame, recognizer.word_calibration(), result);

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
