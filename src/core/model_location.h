#pragma once
// Where the shipped models are: found from the location of the binary that holds this code
// (libplaten.so, or an executable linking Platen statically), never from a path compiled in,
// so an installed tree works wherever it is moved and after the source tree is gone.
//
// Installed: PREFIX/lib/libplaten.so and PREFIX/bin/ocr find PREFIX/share/platen/models.
// Build tree: the build mirrors that layout (BUILD/lib, BUILD/src, BUILD/tests beside
// BUILD/share/platen/models, a link to the source tree's models/ made by CMake).

#include <string>
#include <vector>

namespace platen {

/// Folders where the shipped models may be, in the order they are tried: the binary's own
/// folder joined with the relative path CMake computed for its kind (library or executable).
/// Empty when the binary's location cannot be found.
std::vector<std::string> shipped_model_dirs();

}  // namespace platen
