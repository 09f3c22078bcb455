#pragma once
// Where tests find their data: the repository's bundled samples and the shared dataset beside
// the checkout (../shared/datasets/typewritten), which CI also has.

#include <string>

namespace platen::test {

/// Absolute path of the repository checkout.
std::string source_dir();
/// `../shared/datasets/typewritten` beside the checkout ("" when absent).
std::string typewritten_dataset_dir();
/// Path of the `ocr` binary built beside the tests.
std::string ocr_binary();
/// Whole contents of a file ("" when it cannot be read).
std::string read_text_file(const std::string& path);
/// A fresh empty temporary directory, removed at process exit.
std::string make_temp_dir();

}  // namespace platen::test
