#include "training/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <sys/wait.h>

#include "core/text.h"
#include "image/page_reader.h"
#include "recognition/line_normaliser.h"
#include "recognition/model.h"
#include "recognition/recognizer.h"
#include "training/line_renderer.h"
#include "test_paths.h"
#include "test_shell.h"

namespace platen {
namespace {

const char* kFont = "/usr/share/fonts/truetype/freefont/FreeMono.ttf";

/// Renders `texts` crisply into `dir` as NNN.png + NNN.gt.txt; returns the images.
std::vector<GreyImage> render_lines(const std::vector<std::string>& texts, const std::string& dir) {
  LineRenderer renderer(kFont);
  std::mt19937 rng(1);
  std::vector<GreyImage> images;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    GreyImage g = renderer.render(utf8_to_utf32(texts[i]), LineStyle::clean(), rng);
    std::string stem = dir + "/" + std::to_string(100 + i);
    PixPtr pix = pix_from_grey_image(g);
    pixWrite((stem + ".png").c_str(), pix.get(), IFF_PNG);
    std::ofstream(stem + ".gt.txt") << texts[i] << "\n";
    images.push_back(std::move(g));
  }
  return images;
}

TEST(Trainer, SmallNetworkLearnsAHandfulOfRenderedLinesToZeroCer) {
  if (!std::filesystem::exists(kFont)) GTEST_SKIP() << "fonts-freefont-ttf not installed";
  const std::vector<std::string> texts = {"Platen 1938", "Žluťoučký kůň", "Съешь ещё", "„Nr. 5“ — § 12"};
  std::string dir = test::make_temp_dir();
  std::vector<GreyImage> images = render_lines(texts, dir);

  TrainOptions o;
  o.sources = {{dir, 1.0}};
  o.output_model = test::make_temp_dir() + "/tiny.platen";
  o.network = "C3x3:16 M2x2 C3x3:32 M2x2 C3x3:48 M2x1 CHx3:96 C1x3:96 O";
  o.learning_rate = 3e-3;
  o.max_iterations = 900;
  o.batch_columns = 1600;  // the four lines in one batch
  o.threads = 1;
  o.validation_fraction = 0;
  o.augment = false;
  o.base_mix.enabled = false;  // fine-tunes here learn the given lines alone
  o.seed = 3;
  std::vector<std::string> log;
  train(o, [&](const std::string& line) { log.push_back(line); });
  ASSERT_TRUE(std::filesystem::exists(o.output_model));

  Recognizer recognizer(o.output_model);
  DecodeOptions best_path;
  best_path.use_language_model = false;
  std::vector<RecognisedLine> read = recognizer.recognise(images, best_path);
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(read[i].text, texts[i]);

  // The trained network reads the same in bf16 where the CPU has it.
  if (cpu_has_native_bf16()) {
    RecognizerOptions bf16;
    bf16.precision = Precision::bf16;
    read = Recognizer(o.output_model, bf16).recognise(images, best_path);
    for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(read[i].text, texts[i]) << "bf16";
  }
}

TEST(Trainer, ResumeContinuesFromTheCheckpoint) {
  if (!std::filesystem::exists(kFont)) GTEST_SKIP() << "fonts-freefont-ttf not installed";
  std::string dir = test::make_temp_dir();
  render_lines({"abc", "def"}, dir);
  TrainOptions o;
  o.sources = {{dir, 1.0}};
  o.output_model = test::make_temp_dir() + "/r.platen";
  o.network = "C3x3:4 M2x2 C3x3:8 M2x2 CHx3:8 O";
  o.max_iterations = 5;
  o.threads = 1;
  o.validation_fraction = 0;
  train(o, [](const std::string&) {});
  o.resume = true;
  o.max_iterations = 8;
  std::vector<std::string> log;
  train(o, [&](const std::string& line) { log.push_back(line); });
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log[0].find("resumed from"), std::string::npos) << log[0];
  EXPECT_NE(log[0].find("update 5"), std::string::npos) << log[0];
}

TEST(Trainer, FineTuningWithExtendAlphabetLearnsANewCharacter) {
  if (!std::filesystem::exists(kFont)) GTEST_SKIP() << "fonts-freefont-ttf not installed";
  const std::string work = test::make_temp_dir();
  const std::string spec = "C3x3:8 M2x2 C3x3:16 M2x2 C3x3:32 M2x1 CHx3:48 O";
  TrainOptions o;
  o.network = spec;
  o.learning_rate = 3e-3;
  o.batch_columns = 1600;
  o.threads = 1;
  o.validation_fraction = 0;
  o.augment = false;
  o.base_mix.enabled = false;  // fine-tunes here learn the given lines alone
  o.seed = 5;

  // A base model that has learnt a little of "l n o s" and space, and has no ß.
  const std::string base_dir = work + "/base";
  std::filesystem::create_directory(base_dir);
  render_lines({"son lo", "no sol", "lo son", "sol no"}, base_dir);
  Model::initialise(Alphabet(U" lnos"), NetworkSpec::parse(spec), kLineHeight, 5).save(work + "/init.platen");
  o.sources = {{base_dir, 1.0}};
  o.init_model = work + "/init.platen";
  o.base_mix.enabled = false;  // these fine-tunes learn the given lines alone
  o.output_model = work + "/base.platen";
  o.max_iterations = 200;
  train(o, [](const std::string&) {});

  // Fine-tuning on lines with ß: the alphabet grows by one class, which is learnt.
  const std::string new_dir = work + "/new";
  std::filesystem::create_directory(new_dir);
  const std::vector<std::string> texts = {"sßn lo", "nßs ol", "lo sßn", "ßl nos"};
  std::vector<GreyImage> images = render_lines(texts, new_dir);
  o.sources = {{new_dir, 1.0}};
  o.init_model = work + "/base.platen";
  o.base_mix.enabled = false;  // these fine-tunes learn the given lines alone
  o.output_model = work + "/tuned.platen";
  o.extend_alphabet = true;
  o.max_iterations = 150;
  std::vector<std::string> log;
  train(o, [&](const std::string& line) { log.push_back(line); });
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[0], "fine-tuning from " + work + "/base.platen");
  EXPECT_EQ(log[1], "alphabet extended by 1 character: ß (U+00DF, 4 lines)");

  EXPECT_EQ(Model::load(o.output_model).alphabet.symbols(), U" lnosß");
  Recognizer recognizer(o.output_model);
  DecodeOptions best_path;
  best_path.use_language_model = false;
  std::vector<RecognisedLine> read = recognizer.recognise(images, best_path);
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(read[i].text, texts[i]);
}

TEST(Trainer, ResumeKeepsTheExtendedAlphabetAndCanExtendItFurther) {
  if (!std::filesystem::exists(kFont)) GTEST_SKIP() << "fonts-freefont-ttf not installed";
  const std::string work = test::make_temp_dir();
  const std::string spec = "C3x3:4 M2x2 C3x3:8 M2x2 CHx3:8 O";
  const std::string first = work + "/first", second = work + "/second";
  std::filesystem::create_directory(first);
  std::filesystem::create_directory(second);
  render_lines({"abc", "cab"}, first);
  render_lines({"bad"}, second);
  Model::initialise(Alphabet(U"ab"), NetworkSpec::parse(spec), kLineHeight, 1).save(work + "/ab.platen");

  TrainOptions o;
  o.sources = {{first, 1.0}};
  o.init_model = work + "/ab.platen";
  o.base_mix.enabled = false;  // these fine-tunes learn the given lines alone
  o.extend_alphabet = true;
  o.output_model = work + "/r.platen";
  o.network = spec;
  o.max_iterations = 3;
  o.threads = 1;
  o.validation_fraction = 0;
  std::vector<std::string> log;
  train(o, [&](const std::string& line) { log.push_back(line); });
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[1], "alphabet extended by 1 character: c (U+0063, 2 lines)");

  // Resumed on the same lines: the checkpoint has "c" already.
  o.resume = true;
  o.max_iterations = 5;
  log.clear();
  train(o, [&](const std::string& line) { log.push_back(line); });
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log[0].find("update 3"), std::string::npos) << log[0];
  for (const std::string& line : log) EXPECT_EQ(line.find("alphabet extended"), std::string::npos) << line;
  EXPECT_EQ(Model::load(o.output_model).alphabet.symbols(), U"abc");

  // Resumed with a folder holding "d": model and optimiser state grow together.
  o.sources.push_back({second, 1.0});
  o.max_iterations = 8;
  log.clear();
  train(o, [&](const std::string& line) { log.push_back(line); });
  ASSERT_GE(log.size(), 2u);
  EXPECT_NE(log[0].find("update 5"), std::string::npos) << log[0];
  EXPECT_EQ(log[1], "alphabet extended by 1 character: d (U+0064, 1 line)");
  Model done = Model::load(o.output_model);
  EXPECT_EQ(done.alphabet.symbols(), U"abcd");
  EXPECT_EQ(done.biases.back().size(), 5u);  // blank + a b c d
  // Saved models are calibrated for int8 inference, for the extended output layer too.
  ASSERT_EQ(done.activation_ranges.size(), done.weights.size());
  EXPECT_FLOAT_EQ(done.activation_ranges[0], 1.0f);
  for (float r : done.activation_ranges) EXPECT_GT(r, 0.0f);
}

/// `count` lines "line N of the test" rendered into `dir`, one document each (NAME-N holds
/// them apart), so that a share of them is held out for validation.
void render_numbered_lines(int count, const std::string& dir) {
  std::vector<std::string> texts;
  for (int i = 0; i < count; ++i) texts.push_back("line " + std::to_string(i) + " of the test");
  render_lines(texts, dir);
}

// A fine-tune whose tuned model never reads the validation lines better than its start model
// (a learning rate too small to change anything) writes nothing, says so, and `ocr train`
// exits 1, so that a script never takes an unimproved or worse model for a tuned one.
TEST(TrainCommand, FineTuneThatNeverBeatsItsStartWritesNothingAndExitsOne) {
  if (!std::filesystem::exists(kFont)) GTEST_SKIP() << "fonts-freefont-ttf not installed";
  const std::string work = test::make_temp_dir();
  const std::string lines = work + "/lines";
  std::filesystem::create_directory(lines);
  render_numbered_lines(60, lines);
  Model::initialise(Alphabet(U" abcdefghijklmnopqrstuvwxyz0123456789"), NetworkSpec::parse("C3x3:4 M2x2 C3x3:8 M2x2 CHx3:8 O"),
                    kLineHeight, 3)
      .save(work + "/start.platen");
  const std::string output = work + "/tuned.platen";
  const std::string command = test::shell_quote(test::ocr_binary()) + " train --data " + test::shell_quote(lines) +
                              " --init " + test::shell_quote(work + "/start.platen") + " --output " +
                              test::shell_quote(output) + " --lr 1e-12 --max-iterations 3 --no-base-mix -j 1 2>" +
                              test::shell_quote(work + "/stderr") + " >/dev/null";
  const int rc = std::system(command.c_str());
  const std::string err = test::read_text_file(work + "/stderr");
  ASSERT_TRUE(WIFEXITED(rc)) << err;
  EXPECT_EQ(WEXITSTATUS(rc), 1) << err;
  EXPECT_FALSE(std::filesystem::exists(output)) << err;
  EXPECT_TRUE(test::contains(err, "start model: validation CER ")) << err;
  EXPECT_TRUE(test::contains(err, "nothing written to " + output + ": no tuned model beat the start model")) << err;
  EXPECT_TRUE(test::contains(err, "was not written (try more time")) << err;
}

// A fine-tune given only the user's lines mixes in base-like lines by default: rendered by the
// shipped recipe in the faces of the shipped models' training-fonts.txt, kept beside the output,
// drawn for training, and with validation lines of their own.
TEST(Trainer, FineTuneMixesInRenderedBaseLikeLinesByDefault) {
  if (!std::filesystem::exists(kFont)) GTEST_SKIP() << "fonts-freefont-ttf not installed";
  const std::string work = test::make_temp_dir();
  const std::string lines = work + "/newface";
  std::filesystem::create_directory(lines);
  render_numbered_lines(12, lines);
  const std::string spec = "C3x3:4 M2x2 C3x3:8 M2x2 CHx3:8 O";
  // The standard alphabet, as the shipped models': the base-like lines use all of it.
  Model::initialise(Alphabet::standard(), NetworkSpec::parse(spec), kLineHeight, 3).save(work + "/start.platen");

  TrainOptions o;  // base_mix as it comes: enabled, the shipped faces
  ASSERT_TRUE(o.base_mix.enabled);
  o.base_mix.rendered_lines = 40;  // fewer than the default 3000, for time
  o.sources = {{lines, 1.0}};
  o.init_model = work + "/start.platen";
  o.output_model = work + "/tuned.platen";
  o.max_iterations = 2;
  o.threads = 1;
  o.validation_fraction = 0.3;
  std::vector<std::string> log;
  train(o, [&](const std::string& line) { log.push_back(line); });

  const std::string base_folder = o.output_model + ".base-lines";
  std::size_t pngs = 0, transcriptions = 0;
  for (const auto& entry : std::filesystem::directory_iterator(base_folder)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".png") ++pngs;
    if (name.size() > 7 && name.substr(name.size() - 7) == ".gt.txt") {
      ++transcriptions;
      EXPECT_FALSE(test::read_text_file(entry.path().string()).empty()) << name;
    }
  }
  EXPECT_EQ(pngs, 40u);
  EXPECT_EQ(transcriptions, 40u);

  bool said_mixed = false, base_folder_used = false;
  for (const std::string& line : log) {
    if (test::contains(line, "base-like lines mixed in, 50 % of the lines drawn: 40 lines rendered in the faces of ") &&
        test::contains(line, "training-fonts.txt"))
      said_mixed = true;
    // "FOLDER: N training lines, M validation lines, ...": the base-like lines are drawn and
    // some are held out for validation, beside the user's.
    if (line.rfind(base_folder + ": ", 0) == 0 && !test::contains(line, ": 0 training lines") &&
        !test::contains(line, ", 0 validation lines"))
      base_folder_used = true;
  }
  EXPECT_TRUE(said_mixed);
  EXPECT_TRUE(base_folder_used);
}

}  // namespace
}  // namespace platen
