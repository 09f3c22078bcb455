// Behaviour of `ocr lm`, run as a user runs it: the built binary through the shell, checking
// the exit status, the messages and the language pack it writes.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/text.h"
#include "recognition/language_pack.h"
#include "test_paths.h"
#include "test_shell.h"

namespace platen {
namespace {

namespace fs = std::filesystem;
using test::shell_quote;

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

struct Outcome {
  int status = -1;  ///< exit status; -1 when killed by a signal (a crash)
  std::string out, err;
};

/// Runs `ocr lm` with `args` (already quoted) in a fresh folder's context.
Outcome ocr_lm(const std::string& args) {
  const std::string dir = test::make_temp_dir();
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  const std::string command =
      shell_quote(test::ocr_binary()) + " lm " + args + " </dev/null >" + shell_quote(out) + " 2>" + shell_quote(err);
  const int rc = std::system(command.c_str());
  Outcome o;
  o.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  o.out = test::read_text_file(out);
  o.err = test::read_text_file(err);
  return o;
}

/// Natural-log probability of the whole line under `model`, its end included.
double line_log_prob(const CharLanguageModel& model, const std::u32string& line) {
  double sum = 0;
  for (std::size_t i = 0; i <= line.size(); ++i)
    sum += model.log_prob(std::u32string_view(line).substr(0, i),
                          i < line.size() ? line[i] : CharLanguageModel::kLineEnd);
  return sum;
}

/// Czech report lines, each a few times, as a small corpus; plus a line in decomposed form
/// (NFD) and one with a character no typewriter had, which the command must fold and drop.
std::string small_corpus() {
  const std::vector<std::string> lines = {
      "Strážmistr Miroslav Humplík konal službu na hraničním přechodu.",
      "Ministerstvo vnitra nemá o událostech v Rakousku žádné zprávy.",
      "Dopravu osob přes Dunaj provedli pionýři z posádky v Hainburgu.",
      "Četnická stanice hlásí, že noc proběhla klidně a bez událostí.",
  };
  std::string text;
  for (int repeat = 0; repeat < 5; ++repeat)
    for (const auto& l : lines) text += l + "\n";
  text += "Nadstra\xcc\x81z\xcc\x8cmistr\n";           // "Nadstrážmistr" with combining marks
  text += "Nadstra\xcc\x81z\xcc\x8cmistr podepsal.\n";  // twice: words need two sightings
  text += "Sněhulák \xe2\x98\x83 hlídkoval.\n";         // U+2603 SNOWMAN: not in the alphabet
  text += "Sněhulák \xe2\x98\x83 hlídkoval znovu.\n";
  return text;
}

TEST(LmCommand, BuildsAPackThatLoadsBackAndPrefersItsText) {
  const fs::path dir = test::make_temp_dir();
  write_text(dir / "ces.txt", small_corpus());
  write_text(dir / "held.txt", "Strážmistr konal službu v Rakousku.\n");
  const fs::path out = dir / "lang-ces.lm";
  const Outcome o = ocr_lm("--lang ces --order 4 --text " + shell_quote((dir / "ces.txt").string()) +
                           " --held-out " + shell_quote((dir / "held.txt").string()) + " --out " +
                           shell_quote(out.string()));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.err.find("2 lines with characters outside the alphabet left out"), std::string::npos) << o.err;
  EXPECT_NE(o.out.find("bits per character"), std::string::npos) << o.out;

  const LanguagePack pack = LanguagePack::load(out.string());
  EXPECT_EQ(pack.language, "ces");
  EXPECT_EQ(pack.chars.order(), 4);
  // Words seen twice or more are listed, in any case; NFD input was composed first; the
  // snowman's lines were left out whole.
  EXPECT_TRUE(pack.words.contains(U"strážmistr"));
  EXPECT_TRUE(pack.words.contains(U"NADSTRÁŽMISTR"));
  EXPECT_FALSE(pack.words.contains(U"sněhulák"));
  EXPECT_FALSE(pack.words.contains(U"hlídkoval"));
  // Its own text is far likelier than the same letters shuffled, and than another language.
  const std::u32string seen = U"Ministerstvo vnitra nemá o událostech v Rakousku žádné zprávy.";
  std::u32string shuffled = seen;
  for (std::size_t i = 0; i + 3 < shuffled.size(); i += 3) std::swap(shuffled[i], shuffled[i + 2]);
  EXPECT_GT(line_log_prob(pack.chars, seen), line_log_prob(pack.chars, shuffled) + 20);
  EXPECT_GT(line_log_prob(pack.chars, U"Četnická stanice hlásí klid."),
            line_log_prob(pack.chars, U"The weather is fine today."));
}

TEST(LmCommand, AFileNamedOtherwiseGetsANote) {
  const fs::path dir = test::make_temp_dir();
  write_text(dir / "ces.txt", small_corpus());
  const Outcome o = ocr_lm("--lang ces --text " + shell_quote((dir / "ces.txt").string()) + " --out " +
                           shell_quote((dir / "czech.lm").string()));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.err.find("lang-ces.lm"), std::string::npos) << o.err;
  EXPECT_EQ(LanguagePack::load((dir / "czech.lm").string()).chars.order(), 5);  // the default
}

TEST(LmCommand, BadArgumentsExitTwoAndWriteNothing) {
  const fs::path dir = test::make_temp_dir();
  write_text(dir / "t.txt", small_corpus());
  const std::string text = " --text " + shell_quote((dir / "t.txt").string());
  const std::string out = " --out " + shell_quote((dir / "lang-ces.lm").string());
  for (const std::string& args : {
           text + out,                                              // no --lang
           "--lang ces" + out,                                      // no --text
           "--lang ces" + text,                                     // no --out
           "--lang ces --text " + shell_quote((dir / "none.txt").string()) + out,  // missing text
           "--lang ces" + text + " --held-out " + shell_quote((dir / "none.txt").string()) + out,
           "--lang ces --order 9" + text + out,                     // order out of range
           "--lang ces --order 0" + text + out,
           "--lang ces --order five" + text + out,
           "--lang ces --min-word-count 0" + text + out,
           "--lang ../ces" + text + out,                            // not a code
           "--lang ces --bogus" + text + out,                       // unknown option
           "--lang ces" + text + " --out " + shell_quote((dir / "no" / "lang-ces.lm").string()),
       }) {
    const Outcome o = ocr_lm(args);
    EXPECT_EQ(o.status, 2) << args << "\n" << o.err;
    EXPECT_NE(o.err.find("ocr lm --help"), std::string::npos) << args << "\n" << o.err;
    EXPECT_FALSE(fs::exists(dir / "lang-ces.lm")) << args;
  }
}

TEST(LmCommand, TextWithoutAUsableLineFailsWithStatusOne) {
  const fs::path dir = test::make_temp_dir();
  write_text(dir / "t.txt", "\xe2\x98\x83\xe2\x98\x83\n\n");
  const Outcome o = ocr_lm("--lang ces --text " + shell_quote((dir / "t.txt").string()) + " --out " +
                           shell_quote((dir / "lang-ces.lm").string()));
  EXPECT_EQ(o.status, 1) << o.err;
  EXPECT_NE(o.err.find("alphabet"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "lang-ces.lm"));
}

TEST(LmCommand, HelpShowsExamples) {
  const Outcome o = ocr_lm("--help");
  EXPECT_EQ(o.status, 0);
  EXPECT_NE(o.out.find("Examples:"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("--min-word-count"), std::string::npos) << o.out;
}

}  // namespace
}  // namespace platen
