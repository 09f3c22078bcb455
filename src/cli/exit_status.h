#pragma once
// How the sub-commands turn errors into exit statuses, in one place.

#include <boost/program_options/errors.hpp>

#include <iostream>
#include <string>

#include "core/errors.h"

namespace platen::cli {

/// Runs a sub-command's `body` (returning its exit status) and maps what it throws: a bad
/// option (Boost.Program_options) or a UsageError → 2, with a pointer to `--help`; any other
/// platen::Error → 1. `name` prefixes the message ("ocr lm").
template <typename Body>
int run_with_exit_status(const std::string& name, Body&& body) {
  try {
    return body();
  } catch (const boost::program_options::error& e) {
    std::cerr << name << ": " << e.what() << "\nTry '" << name << " --help'.\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << name << ": " << e.what() << "\nTry '" << name << " --help'.\n";
    return 2;
  } catch (const Error& e) {
    std::cerr << name << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace platen::cli
