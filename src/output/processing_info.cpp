#include "output/processing_info.h"

#define POINTERHOLDER_TRANSITION 4
#include <qpdf/QPDFCryptoProvider.hh>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "output/xml_writer.h"

namespace platen {

std::string file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + path + "' to compute its checksum");
  std::shared_ptr<QPDFCryptoImpl> crypto = QPDFCryptoProvider::getImpl();
  crypto->SHA2_init(256);
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in.gcount();
    if (n > 0) crypto->SHA2_update(reinterpret_cast<const unsigned char*>(buffer.data()), static_cast<std::size_t>(n));
  }
  if (in.bad()) throw Error("cannot read '" + path + "' to compute its checksum");
  crypto->SHA2_finalize();
  const std::string digest = crypto->SHA2_digest();
  static const char hex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned char c : digest) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> text_changing_options(const EngineOptions& options,
                                                                      Precision precision) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!options.use_language_model) {
    out.emplace_back("no-lm", "");
  } else {
    std::string languages;
    for (const std::string& code : options.languages) languages += (languages.empty() ? "" : "+") + code;
    out.emplace_back("lang", languages.empty() ? "all" : languages);
  }
  switch (precision) {
    case Precision::bf16: out.emplace_back("precision", "bf16"); break;
    case Precision::int8: out.emplace_back("precision", "int8"); break;
    default: out.emplace_back("precision", "f32"); break;
  }
  if (options.dpi > 0) out.emplace_back("dpi", std::to_string(options.dpi));
  if (options.single_line) out.emplace_back("line", "");
  if (options.skip_text) out.emplace_back("skip-text", "");
  if (options.use_language_model) {  // the beam search's settings (best path has none)
    const DecoderSettings& d = options.decoder;
    const DecoderSettings shipped;
    auto real = [&](const char* name, double value, double default_value) {
      if (value != default_value) out.emplace_back(name, format_decimal(value, 6));
    };
    if (d.beam_width != shipped.beam_width) out.emplace_back("beam", std::to_string(d.beam_width));
    real("lm-weight", d.lm_weight, shipped.lm_weight);
    real("char-bonus", d.char_bonus, shipped.char_bonus);
    real("word-bonus", d.word_bonus, shipped.word_bonus);
    real("mixed-script-penalty", d.mixed_script_penalty, shipped.mixed_script_penalty);
    real("candidate-log-prob", d.candidate_log_prob, shipped.candidate_log_prob);
    if (d.max_candidates != shipped.max_candidates) out.emplace_back("max-candidates", std::to_string(d.max_candidates));
    real("blank-log-prob", d.blank_log_prob, shipped.blank_log_prob);
    real("score-margin", d.score_margin, shipped.score_margin);
  }
  return out;
}

ProcessingInfo processing_info(const EngineOptions& options, Precision precision) {
  ProcessingInfo info;
  info.model_name = std::filesystem::path(options.model_path).filename().string();
  info.model_checksum = file_sha256(options.model_path);
  info.text_options = text_changing_options(options, precision);
  return info;
}

ProcessingInfo processing_info(const Engine& engine) { return processing_info(engine.options(), engine.precision()); }

}  // namespace platen
