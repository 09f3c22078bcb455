// Reads one page with the installed library, as the README's example does: prints the page
// text to standard output and, to standard error, the model used and the first word's box.
#include <platen/platen.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: read_page IMAGE\n";
    return 2;
  }
  try {
    platen::Engine engine = platen::Engine::open(platen::EngineOptions{});  // shipped model, all languages
    platen::PageResult page = engine.read_page(argv[1]);                     // page 0
    std::cout << page.text;
    std::cerr << "model: " << engine.options().model_path << "\n";
    std::cerr << "version: " << platen::version() << " (headers " << PLATEN_VERSION_STRING << ")\n";
    if (!page.lines.empty())
      std::cerr << "first line box: " << page.lines[0].box.x << "," << page.lines[0].box.y << " "
                << page.lines[0].box.width << "x" << page.lines[0].box.height << "\n";
    return page.ok ? 0 : 1;
  } catch (const platen::Error& e) {
    std::cerr << "read_page: " << e.what() << "\n";
    return 1;
  }
}
