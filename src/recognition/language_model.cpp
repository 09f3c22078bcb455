#include "recognition/language_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.h"
#include "recognition/language_model_folder.h"

namespace platen {

void LanguageModel::add(std::shared_ptr<const LanguagePack> pack) {
  if (!pack) return;
  order_ = std::max(order_, pack->chars.order());
  packs_.push_back(std::move(pack));
}

LanguageModel LanguageModel::load(const std::string& models_dir,
                                  const std::vector<std::string>& languages) {
  auto file_of = [&](const std::string& code) { return language_model_path(models_dir, code); };
  const std::vector<std::string> available = language_codes_in(models_dir);

  LanguageModel model;
  if (languages.empty()) {
    bool has_all = std::find(available.begin(), available.end(), "all") != available.end();
    if (has_all) {
      model.add(std::make_shared<LanguagePack>(LanguagePack::load(file_of("all"))));
    } else {
      for (const std::string& code : available)
        model.add(std::make_shared<LanguagePack>(LanguagePack::load(file_of(code))));
    }
    return model;
  }
  for (const std::string& code : languages) {
    if (std::find(available.begin(), available.end(), code) == available.end()) {
      std::string known;
      for (const std::string& a : available) known += (known.empty() ? "" : ", ") + a;
      throw ModelError("no language model for '" + code + "' (expected " + file_of(code) +
                       "); available: " + (known.empty() ? "none" : known) +
                       ". Choose one of those languages, or read without a language model");
    }
    model.add(std::make_shared<LanguagePack>(LanguagePack::load(file_of(code))));
  }
  return model;
}

float LanguageModel::log_prob(std::u32string_view context, char32_t next) const {
  if (packs_.empty()) return 0.0f;
  if (packs_.size() == 1) return packs_[0]->chars.log_prob(context, next);
  // log of the mean probability, by a running log-sum-exp.
  double m = -std::numeric_limits<double>::infinity(), sum = 0;
  for (const auto& pack : packs_) {
    const double v = pack->chars.log_prob(context, next);
    if (v > m) {
      sum = sum * std::exp(m - v) + 1.0;
      m = v;
    } else {
      sum += std::exp(v - m);
    }
  }
  return static_cast<float>(m + std::log(sum / static_cast<double>(packs_.size())));
}

bool LanguageModel::contains_word_hash(std::uint64_t hash) const {
  for (const auto& p : packs_)
    if (p->words.contains_hash(hash)) return true;
  return false;
}

std::vector<std::string> LanguageModel::languages() const {
  std::vector<std::string> codes;
  for (const auto& p : packs_) codes.push_back(p->language);
  return codes;
}

}  // namespace platen
