#pragma once
// Where the language models of a models folder are: one `lang-<code>.lm` file per language
// (language_pack.h), found by name.

#include <string>
#include <vector>

namespace platen {

/// Language codes of the `lang-<code>.lm` files in `models_dir`, sorted; empty when there
/// are none or the folder cannot be read. Never throws.
std::vector<std::string> language_codes_in(const std::string& models_dir);

/// Path of the language model file for `code` in `models_dir`: `models_dir/lang-<code>.lm`,
/// whether or not it exists. Never throws (beyond std::bad_alloc).
std::string language_model_path(const std::string& models_dir, const std::string& code);

}  // namespace platen
