#include "batch/batch_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <thread>

#include "batch/file_identity.h"
#include "batch/journal.h"
#include "batch/output_folder.h"
#include "batch/progress.h"
#include "batch/stop_signals.h"
#include "core/errors.h"

namespace platen::batch {

namespace fs = std::filesystem;

namespace {

/// How an input is named in messages: the path as given, "standard input" for "-".
std::string display_name(const std::string& input) { return input == "-" ? std::string("standard input") : input; }

/// True when some journal record says `input` is done with `settings` in every chosen format
/// and those outputs are still exactly what was written.
bool is_done(const BatchInput& input, const std::multimap<std::string, JournalRecord>& journal,
             const BatchOptions& options) {
  auto [first, last] = journal.equal_range(input.output_stem);
  if (first == last || input.path == "-") return false;
  FileIdentity identity;
  try {
    identity = identify_file(input.path, options.resume_hash_whole);
  } catch (const Error&) {
    return false;  // read again: the reader names the problem
  }
  for (auto it = first; it != last; ++it) {
    const JournalRecord& record = it->second;
    if (!(record.identity == identity) || record.settings != options.settings) continue;
    bool intact = true;
    for (DocumentFormat format : options.formats) {
      const std::string name = format_name(format);
      bool any = false;
      for (const OutputRecord& output : record.outputs) {
        if (output.format != name) continue;
        any = true;
        const std::string path = (fs::path(options.output_dir) / output.path).string();
        std::error_code ec;
        const auto size = fs::file_size(path, ec);
        try {
          intact = !ec && size == output.size && sha256_of_file(path) == output.sha256;
        } catch (const Error&) {
          intact = false;
        }
        if (!intact) break;
      }
      intact = intact && any;
      if (!intact) break;
    }
    if (intact) return true;
  }
  return false;
}

/// Whole-file SHA-256 of each input for the report, computed once per input.
class FixityCache {
 public:
  const std::string& of(const std::string& path) {
    if (path == path_) return digest_;
    path_ = path;
    digest_.clear();
    try {
      if (path != "-") digest_ = sha256_of_file(path);
    } catch (const Error&) {
    }
    return digest_;
  }

 private:
  std::string path_, digest_;
};

/// One output file as rendered.
struct RenderedFile {
  std::string path;  ///< "" without an output folder
  std::string bytes;
  DocumentFormat format;
};

/// The writers of the chosen formats, made once per batch.
class OutputRenderer {
 public:
  explicit OutputRenderer(const BatchOptions& options) : options_(options) {
    for (DocumentFormat format : options.formats) writers_.push_back(make_document_writer(format, options.writer));
  }

  /// The files of `document` in every chosen format: (path, bytes) in format order, pages in
  /// order within a per-page format. With no output folder the path is "". Writers' remarks
  /// (a page the PDF left out) go to `remarks`. Throws Error when a writer fails.
  std::vector<RenderedFile> render(const Document& document, const BatchInput& input,
                                   std::vector<std::string>& remarks) const {
    std::vector<RenderedFile> files;
    const int page_count = static_cast<int>(document.pages.size());
    for (std::size_t f = 0; f < writers_.size(); ++f) {
      const DocumentFormat format = options_.formats[f];
      if (!written_per_page(format, page_count, options_)) {
        WriteResult result = writers_[f]->write(document);
        remarks.insert(remarks.end(), result.remarks.begin(), result.remarks.end());
        files.push_back({output_file_for(options_.output_dir, input, format), std::move(result.bytes), format});
        continue;
      }
      for (int p = 0; p < page_count; ++p) {
        const PageResult& page = document.pages[p];
        if (format == DocumentFormat::pdf && !page.ok && (!page.image || page.width <= 0)) {
          remarks.push_back("'" + document.source + "' page " + std::to_string(p + 1) +
                            " has no PDF: " + (page.error.empty() ? "it did not decode" : page.error));
          continue;
        }
        Document one;
        one.source = document.source;
        one.processing = document.processing;
        one.single_line = document.single_line;
        one.pages.push_back(page);
        WriteResult result = writers_[f]->write(one);
        remarks.insert(remarks.end(), result.remarks.begin(), result.remarks.end());
        files.push_back({output_file_for(options_.output_dir, input, format, p + 1), std::move(result.bytes), format});
      }
    }
    return files;
  }

 private:
  const BatchOptions& options_;
  std::vector<std::unique_ptr<DocumentWriter>> writers_;
};

/// Sleeps `ms` milliseconds in short steps, returning early once a stop signal has come.
void test_delay(int ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (stop_signal() == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

int text_line_count(const PageResult& page) { return static_cast<int>(text_lines(page).size()); }

int word_count(const PageResult& page) {
  int words = 0;
  for (const Line* line : text_lines(page)) words += static_cast<int>(words_of(*line).size());
  return words;
}

}  // namespace

std::string batch_settings(const ProcessingInfo& processing, const BatchOptions& options) {
  std::string settings = "platen=" + processing.software_version + " model=" + processing.model_checksum;
  const std::string text = describe_text_options(processing);
  if (!text.empty()) settings += " " + text;
  settings += std::string(" split-pages=") + (options.split_pages ? "1" : "0");
  settings += std::string(" preserve-spacing=") + (options.writer.preserve_spacing ? "1" : "0");
  return settings;
}

bool written_per_page(DocumentFormat format, int page_count, const BatchOptions& options) {
  if (page_count <= 1) return false;
  return options.split_pages || format == DocumentFormat::page;
}

std::string output_file_for(const std::string& output_dir, const BatchInput& input, DocumentFormat format,
                            int page_number) {
  if (output_dir.empty()) return "";
  std::string name = input.output_stem;
  if (page_number >= 1) {
    char number[16];
    std::snprintf(number, sizeof number, "-%04d", page_number);
    name += number;
  }
  return (fs::path(output_dir) / (name + format_extension(format))).string();
}

int exit_status_of(const BatchOutcome& outcome) {
  if (outcome.stop_signal != 0) return exit_status_for_signal(outcome.stop_signal);
  return outcome.summary.failed == 0 ? 0 : 1;
}

BatchOutcome run_batch(const std::vector<BatchInput>& inputs, const std::vector<WalkProblem>& problems,
                       const Engine& engine, const ProcessingInfo& processing, const BatchOptions& options,
                       std::ostream& out, std::ostream& err) {
  BatchOutcome outcome;
  const bool to_folder = !options.output_dir.empty();
  const auto start = std::chrono::steady_clock::now();

  // The whole-document file names of each input (a per-page format adds -0001… when the
  // input turns out to have several pages).
  auto planned = [&](const BatchInput& input) {
    std::vector<std::string> paths;
    for (DocumentFormat format : options.formats) paths.push_back(output_file_for(options.output_dir, input, format));
    return paths;
  };
  if (to_folder && !options.dry_run) {
    std::vector<std::string> all;
    for (const BatchInput& input : inputs)
      for (std::string& path : planned(input)) all.push_back(std::move(path));
    remove_stale_temp_files(all, /*numbered_pages=*/true);
  }
  std::multimap<std::string, JournalRecord> journal;
  if (to_folder && options.resume) journal = read_journals(options.output_dir);
  std::vector<bool> skip(inputs.size(), false);
  for (std::size_t i = 0; i < inputs.size(); ++i) skip[i] = options.resume && is_done(inputs[i], journal, options);

  if (options.dry_run) {
    for (const WalkProblem& problem : problems) err << "ocr: " << problem.message << "\n";
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      std::string where;
      if (!to_folder) where = "standard output";
      for (const std::string& path : planned(inputs[i])) where += (where.empty() ? "" : ", ") + path;
      out << (skip[i] ? "skip  " : "read  ") << inputs[i].path << "  ->  " << where << "\n";
    }
    outcome.summary.files_skipped = std::count(skip.begin(), skip.end(), true);
    err << "ocr: dry run: " << inputs.size() - outcome.summary.files_skipped << " files to read, "
        << outcome.summary.files_skipped << " to skip (done before), nothing read or written\n";
    return outcome;
  }

  std::unique_ptr<ReportWriter> report;
  if (!options.report_path.empty()) report = std::make_unique<ReportWriter>(options.report_path);
  std::unique_ptr<JournalWriter> journal_writer;
  if (to_folder) journal_writer = std::make_unique<JournalWriter>(options.output_dir);
  std::optional<ProgressMeter> progress;
  if (options.progress) progress.emplace(err, options.progress_terminal);
  FixityCache fixity;
  const OutputRenderer renderer(options);

  ProgressCounts counts;
  counts.files_total = inputs.size();
  BatchSummary& summary = outcome.summary;

  auto base_report = [&](const std::string& input) {
    PageReport row;
    row.input = input;
    row.sha256 = report ? fixity.of(input) : std::string();
    row.model = options.model_label;
    row.precision = options.precision_label;
    return row;
  };
  auto add_report = [&](const PageReport& row) {
    if (!report) return;
    try {
      report->add(row);
    } catch (const Error& e) {
      err << "ocr: " << e.what() << "\n";
    }
  };

  for (const WalkProblem& problem : problems) {
    err << "ocr: " << problem.message << "\n";
    ++summary.failed;
    ++counts.failed;
    PageReport row = base_report(problem.path);
    row.status = "failed";
    row.error = problem.message;
    add_report(row);
  }

  std::vector<std::string> to_read;
  std::vector<std::size_t> read_index;  // position in `inputs` of each entry of to_read
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!skip[i]) {
      to_read.push_back(inputs[i].path);
      read_index.push_back(i);
      continue;
    }
    ++summary.files_skipped;
    ++counts.files_done;
    PageReport row = base_report(inputs[i].path);
    if (to_folder) row.output = planned(inputs[i]).front();
    row.status = "skipped";
    add_report(row);
  }

  std::vector<PageResult> current;  // pages of the input being collected
  bool wrote_to_stream = false;     // standard output: the next txt document needs a '\f'

  Batch batch(engine);
  batch.should_cancel = [] { return stop_signal() != 0; };
  batch.on_result = [&](const PageResult& page) {
    if (options.page_delay_ms > 0) test_delay(options.page_delay_ms);
    if (page.page_index == 0) current.clear();
    current.push_back(page);
    if (page.page_index + 1 < page.page_count) return;

    Document document;
    document.pages.swap(current);
    const BatchInput& input = inputs[read_index[page.input_index]];
    document.source = input.path;
    document.processing = processing;
    document.processing.timestamp = input.path == "-" ? document_timestamp("") : document_timestamp(input.path);
    document.single_line = options.single_line;
    bool all_ok = true, any_ok = false;
    for (const PageResult& p : document.pages) {
      all_ok = all_ok && p.ok;
      any_ok = any_ok || p.ok;
    }

    if (!to_folder) {
      // Text and TSV keep a failed file's place on the stream; the single-input formats
      // write nothing for a file none of whose pages read.
      const DocumentFormat format = options.formats.front();
      const bool keeps_place = format == DocumentFormat::txt || format == DocumentFormat::tsv;
      if (!any_ok && !keeps_place) return;
      if (written_per_page(format, static_cast<int>(document.pages.size()), options))
        throw Error("'" + display_name(input.path) + "' has " + std::to_string(document.pages.size()) +
                    " pages and PAGE XML holds one page a file: write it with -o DIR (NAME-0001.page.xml ...)");
      std::vector<std::string> remarks;
      const auto files = renderer.render(document, input, remarks);
      for (const std::string& remark : remarks) err << "ocr: " << remark << "\n";
      if (format == DocumentFormat::txt && wrote_to_stream && !options.single_line) out << '\f';
      for (const RenderedFile& file : files) out << file.bytes;
      out.flush();
      wrote_to_stream = true;
      if (!out) throw Error("cannot write the output of '" + display_name(input.path) + "' to standard output");
      return;
    }

    if (!any_ok) {
      // Nothing read: no file, and none left by an earlier run to pass for this one's.
      for (const std::string& path : planned(input)) {
        std::error_code ec;
        fs::remove(path, ec);
      }
      return;
    }
    std::vector<std::string> remarks;
    const auto files = renderer.render(document, input, remarks);
    for (const std::string& remark : remarks) err << "ocr: " << remark << "\n";
    JournalRecord record;
    for (const RenderedFile& file : files) {
      write_output_file(file.path, file.bytes);
      record.outputs.push_back({fs::path(file.path).lexically_relative(options.output_dir).generic_string(),
                                file.bytes.size(), sha256_hex(file.bytes), format_name(file.format)});
    }
    // Redone on --resume: only wholly read inputs are recorded (standard input never is).
    if (!all_ok || input.path == "-") return;
    record.key = input.output_stem;
    record.input = input.path;
    record.identity = identify_file(input.path, options.resume_hash_whole);
    record.settings = options.settings;
    journal_writer->append(record);
  };

  batch.on_page_done = [&](const PageResult& page) {
    for (const std::string& warning : page.warnings)
      err << "ocr: warning: " << display_name(page.source) << ": page " << page.page_index + 1 << ": " << warning
          << "\n";
    if (!page.ok) {
      err << "ocr: " << page.error << std::endl;
      ++summary.failed;
      ++counts.failed;
    } else if (page.low_confidence) {
      err << "ocr: " << display_name(page.source) << ": page " << page.page_index + 1
          << ": read with low confidence " << page.confidence << std::endl;
    }
    const BatchInput& input = inputs[read_index[page.input_index]];
    PageReport row = base_report(input.path);
    row.page = page.page_index + 1;
    if (to_folder) {
      const DocumentFormat first = options.formats.front();
      row.output = output_file_for(options.output_dir, input, first,
                                   written_per_page(first, page.page_count, options) ? page.page_index + 1 : 0);
    }
    row.status = page.ok ? "ok" : "failed";
    row.error = page.ok ? std::string() : page.error;
    if (page.ok) {
      ++summary.pages_read;
      ++counts.pages;
      row.confidence = page.confidence;
      row.low_confidence = page.low_confidence;
      if (page.low_confidence) ++summary.low_confidence;
      row.orientation = page.orientation_degrees;
      row.skew = page.skew_degrees;
      row.lines = text_line_count(page);
      row.words = word_count(page);
    }
    row.seconds = page.timings.total();
    add_report(row);
    if (page.page_index + 1 >= page.page_count) ++counts.files_done;
    counts.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress) progress->update(counts);
  };

  outcome.pages = batch.run(to_read);
  outcome.stop_signal = stop_signal();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  counts.elapsed_seconds = summary.seconds;
  if (progress) progress->finish(counts);
  std::string line = summary_line(summary);
  if (outcome.stop_signal != 0)
    line += "; stopped by " + std::string(outcome.stop_signal == 2 ? "SIGINT" : "SIGTERM") + " after " +
            std::to_string(counts.files_done) + " of " + std::to_string(counts.files_total) +
            " files (--resume goes on from there)";
  if (options.summary || outcome.stop_signal != 0) err << line << std::endl;
  return outcome;
}

}  // namespace platen::batch
