#pragma once
// The reading engine: a model, its language models and settings, opened once and then used to
// read any number of pages, from any number of threads at once.
//
//   platen::Engine engine = platen::Engine::open(platen::EngineOptions{});  // shipped model
//   platen::PageResult page = engine.read_page("scan.tif");                  // page 0
//   std::cout << page.text;   // page.lines[i].words[j].text / .box / .confidence
//
// Process-wide state: none is changed behind the caller's back. Threads come from an arena of
// the engine's own (oneTBB task_arena), not from tbb::global_control; OpenMP (oneDNN's runtime)
// is kept at one thread only inside the engine's own work, each thread's setting restored
// after it. One exception: Leptonica's message level and its standard-error handler, which
// Leptonica keeps process-wide, are set once per process at the first page decoded, to
// silence its messages (every failure they describe becomes an ImageError); set the
// environment variable PLATEN_LEPTONICA_VERBOSE=1 to keep them.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platen/errors.h"
#include "platen/export.h"
#include "platen/page_result.h"

namespace platen {

/// Arithmetic of the network.
enum class Precision {
  automatic,  ///< int8 for a calibrated model on a CPU with VNNI, else bf16 with AMX, else f32
  f32,        ///< float32 throughout, as in training
  bf16,       ///< bfloat16 weights and activations (needs AVX-512 BF16); CER within ±0.01 points of f32
  /// u8 activations and s8 weights; needs a calibrated model; CER within ±0.02 points of f32.
  int8,
};

/// Parses a precision as `ocr --precision` takes it: "f32", "bf16", "int8" or "auto"
/// (Precision::automatic). Throws Error (a usage error) naming the known values otherwise.
PLATEN_API Precision parse_precision(const std::string& text);

/// The name parse_precision takes for `precision`: "f32", "bf16", "int8" or "auto".
PLATEN_API const char* precision_name(Precision precision);

/// The image formats Engine reads and what of each, for a program's --help: one format a
/// line (continuation lines indented), each line starting with two spaces and ending in '\n'.
PLATEN_API std::string readable_formats_help();

/// The beam search's tuned settings (see the figures in src/recognition/ctc_beam_search.h, where
/// each was measured). The defaults are those the shipped model was tuned with.
struct DecoderSettings {
  int beam_width = 16;              ///< prefixes kept after each frame
  float lm_weight = 0.5f;           ///< weight of the n-gram log probability
  float char_bonus = 1.0f;          ///< nats added per emitted symbol with a language model
  float word_bonus = 0.5f;          ///< nats added when a word of a word list ends
  float mixed_script_penalty = 10;  ///< nats subtracted per word mixing Latin and Cyrillic
  float candidate_log_prob = -8;    ///< classes below this log posterior are not tried at a frame
  int max_candidates = 12;          ///< most non-blank classes tried per frame
  float blank_log_prob = -0.03f;    ///< a frame whose blank is this sure starts no symbol (≥ 0: off)
  double score_margin = 15;         ///< prefixes this many nats below the best are dropped
};

/// What an engine reads with. Plain data.
struct EngineOptions {
  /// Model file (.platen); "" = the shipped model (shipped_model_path()).
  std::string model_path;
  /// Tesseract codes of the languages whose language models to use ("eng", "deu", "rus"…);
  /// empty = every language model beside the model (or the shipped ones).
  std::vector<std::string> languages;
  /// Beam search with the languages' character n-grams and word lists; false = CTC best path,
  /// the image alone (then `languages` must be empty).
  bool use_language_model = true;
  DecoderSettings decoder;
  Precision precision = Precision::automatic;
  /// Threads for pages and lines together; 0 = all cores. The engine's own arena: a
  /// read_page call uses at most this many threads, as does a Batch run.
  int threads = 0;
  /// Each page is one text line: no layout analysis; the line's box is the whole image.
  bool single_line = false;
  /// Resolution of the scans in px per inch, when the files' own is missing or wrong; 0 = the
  /// file's when plausible, else estimated from the text.
  int dpi = 0;
  /// Keep the page image as stored (PageResult::image) for writers that embed it (a
  /// searchable PDF); otherwise `image` stays null.
  bool keep_page_image = false;
  /// Largest page accepted, px (width × height), checked from the file's header before any
  /// pixel is decoded; larger pages fail. Default 3e8 (an A3 page at 1200 ppi is 2.8e8).
  double max_pixels = 3.0e8;
  /// A PDF page that has a text layer of its own keeps that text instead of being read
  /// (OCRmyPDF's --skip-text); the page result then has text but no lines.
  bool skip_text = false;
};

/// Pixels already in memory: 8-bit grey (1 channel) or RGB (3 channels, R G B bytes), rows
/// top to bottom. Not owned: the caller keeps them alive during the call.
struct PixelView {
  const std::uint8_t* data = nullptr;
  int width = 0;             ///< px, ≥ 1
  int height = 0;            ///< px, ≥ 1
  int channels = 1;          ///< 1 (grey, 0 = black) or 3 (RGB)
  std::size_t stride = 0;    ///< bytes from one row to the next; 0 = width × channels
  int dpi = 0;               ///< px per inch when known, else 0 (then estimated)
};

/// A loaded model with its language models, ready to read pages.
///
/// Thread safety: every const member may be called from any number of threads at once on one
/// engine (each thread gets its own network buffers; the weights are shared). Moving or
/// destroying an engine while another thread uses it is not allowed.
/// Ownership: move-only; its resources (model, language models, thread arena) live until it is
/// destroyed.
class PLATEN_API Engine {
 public:
  /// Loads the model and the language models `options` ask for, and checks the settings, so
  /// that nothing fails later for want of them. Throws ModelError (missing, corrupt or
  /// incompatible model or language file; a language with no language model; int8 for an
  /// uncalibrated model), Error (bf16 on a CPU without it; threads or dpi out of range).
  static Engine open(const EngineOptions& options = {});

  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  ~Engine();

  /// Reads page `page_index` (0-based) of the image file at `path` (TIFF, PNG, JPEG, JPEG 2000,
  /// PNM, WebP). Throws ImageError naming the file and page when it cannot be read; any other
  /// failure while reading the page is thrown as Error naming the file and page. The result is
  /// `ok`, with `source` = `path`.
  PageResult read_page(const std::string& path, int page_index = 0) const;

  /// Reads page `page_index` of an encoded image file held in memory (`size` bytes at `data`,
  /// not owned, read only during the call). `name` names it in messages and becomes `source`.
  /// Throws as read_page(path) does.
  PageResult read_page(const std::uint8_t* data, std::size_t size, int page_index = 0,
                       const std::string& name = "image in memory") const;

  /// Reads pixels already decoded (see PixelView). Throws Error for an invalid view.
  PageResult read_pixels(const PixelView& pixels) const;

  /// Number of pages of the image file at `path` (TIFF may hold several, the other formats one).
  /// Throws ImageError when it is missing or not an image.
  int page_count(const std::string& path) const;

  /// The options the engine was opened with, `model_path` resolved to the file actually loaded
  /// and `threads` to the thread count used.
  const EngineOptions& options() const;

  /// The arithmetic the network runs in on this CPU (automatic resolved).
  Precision precision() const;

  /// Implementation access for the library's own Batch; not part of the stable interface.
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Path of the shipped model (platen.platen): in share/platen/models beside the installed
/// library's prefix (found from the library's own location, so an installed tree may be moved);
/// in a build tree, the source tree's models/. Throws ModelError naming where it looked.
PLATEN_API std::string shipped_model_path();

}  // namespace platen
