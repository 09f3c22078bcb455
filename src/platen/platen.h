#pragma once
// Platen, OCR for typewritten and other printed archive pages: the one header a caller
// includes. Link with Platen::platen (CMake: find_package(Platen CONFIG)) or
// `pkg-config --cflags --libs platen`; C++17.
//
//   #include <platen/platen.h>
//   platen::Engine engine = platen::Engine::open(platen::EngineOptions{});
//   platen::PageResult page = engine.read_page("scan.tif");
//   for (const platen::Line& line : page.lines)
//     for (const platen::Word& word : line.words) use(word.text, word.box, word.confidence);

#include "platen/batch.h"
#include "platen/engine.h"
#include "platen/errors.h"
#include "platen/geometry.h"
#include "platen/page_result.h"
#include "platen/version.h"
