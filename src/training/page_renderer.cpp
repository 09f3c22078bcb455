#include "training/page_renderer.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "core/errors.h"
#include "core/text.h"
#include "training/random_draws.h"

namespace platen {
namespace {

constexpr double kPi = 3.14159265358979323846;

using draws::chance;
using draws::uniform;
using draws::uniform01;

// ---- Language guess -------------------------------------------------------------------------

/// Letters that point to a language, with a weight: strong for letters of one or two of the
/// corpus languages, weak for those several share.
struct LetterVote {
  char32_t letter;
  const char* language;
  int weight;
};

const std::vector<LetterVote>& latin_votes() {
  static const std::vector<LetterVote> votes = {
      {U'ř', "ces", 4}, {U'ě', "ces", 4}, {U'ů', "ces", 4},
      {U'ľ', "slk", 4}, {U'ĺ', "slk", 4}, {U'ŕ', "slk", 4}, {U'ô', "slk", 3}, {U'ä', "slk", 1},
      {U'č', "ces", 1}, {U'č', "slk", 1}, {U'š', "ces", 1}, {U'š', "slk", 1}, {U'ž', "ces", 1},
      {U'ž', "slk", 1}, {U'ť', "ces", 1}, {U'ť', "slk", 1}, {U'ď', "ces", 1}, {U'ď', "slk", 1},
      {U'ň', "ces", 1}, {U'ň', "slk", 1}, {U'ý', "ces", 1}, {U'ý', "slk", 1},
      {U'ß', "deu", 4}, {U'ä', "deu", 2}, {U'ö', "deu", 2}, {U'ü', "deu", 2},
      {U'æ', "dan", 4}, {U'ø', "dan", 4}, {U'å', "dan", 4},
      {U'ç', "fra", 4}, {U'œ', "fra", 4}, {U'è', "fra", 3}, {U'ê', "fra", 3}, {U'à', "fra", 3},
      {U'â', "fra", 3}, {U'ù', "fra", 3}, {U'û', "fra", 3}, {U'î', "fra", 3}, {U'ï', "fra", 3},
      {U'ë', "fra", 2}, {U'é', "fra", 1},
      {U'ł', "pol", 4}, {U'ą', "pol", 4}, {U'ę', "pol", 4}, {U'ś', "pol", 4}, {U'ź', "pol", 4},
      {U'ż', "pol", 4}, {U'ń', "pol", 4}, {U'ć', "pol", 4}, {U'ó', "pol", 1},
      {U'ő', "hun", 4}, {U'ű', "hun", 4}, {U'ö', "hun", 1}, {U'ü', "hun", 1}, {U'á', "hun", 1},
      {U'é', "hun", 1}, {U'á', "ces", 1}, {U'á', "slk", 1}, {U'í', "ces", 1}, {U'í', "slk", 1},
      {U'é', "ces", 1}, {U'é', "slk", 1}, {U'ú', "ces", 1}, {U'ú', "slk", 1},
  };
  return votes;
}

/// Frequent short words of each Latin-script corpus language (lower case).
const std::map<std::string, std::set<std::string>>& common_words() {
  static const std::map<std::string, std::set<std::string>> words = {
      {"eng", {"the", "and", "of", "to", "is", "that", "was", "for", "with", "you", "it", "are", "this",
               "have", "be", "not", "on", "by", "as", "at", "from", "we", "he", "his", "which", "will"}},
      {"deu", {"der", "die", "das", "und", "ist", "nicht", "ein", "eine", "den", "dem", "des", "von", "mit",
               "sich", "auch", "zu", "im", "für", "auf", "wird", "sie", "er", "wir", "ich", "es", "wie"}},
      {"fra", {"le", "la", "les", "et", "est", "des", "une", "un", "du", "que", "pour", "dans", "pas",
               "qui", "au", "sur", "ne", "il", "elle", "nous", "vous", "de", "par", "aux"}},
      {"ces", {"se", "na", "je", "že", "to", "jsem", "jako", "jsou", "by", "ale", "pro", "jak", "už",
               "není", "ve", "ze", "a", "v", "o", "k", "s"}},
      {"slk", {"sa", "na", "je", "že", "to", "som", "ako", "sú", "by", "ale", "pre", "už", "nie", "vo",
               "zo", "a", "v", "o", "k", "s"}},
      {"dan", {"og", "er", "det", "at", "en", "til", "af", "på", "den", "med", "ikke", "jeg", "de",
               "som", "har", "et", "for"}},
      {"pol", {"i", "się", "nie", "na", "że", "w", "z", "jest", "to", "jak", "do", "po", "ale", "czy"}},
      {"hun", {"a", "az", "és", "hogy", "nem", "egy", "is", "van", "meg", "de", "ez", "volt"}},
  };
  return words;
}

bool is_cyrillic(char32_t c) { return c >= 0x0400 && c <= 0x04FF; }

/// Letters of the Cyrillic corpus languages: points for the languages that have them, and a
/// penalty for those whose alphabet lacks them (Belarusian has no и щ ъ, Ukrainian no ы э ё ъ,
/// Bulgarian no ы э ё, Russian and Bulgarian no і).
const std::vector<LetterVote>& cyrillic_votes() {
  static const std::vector<LetterVote> votes = {
      {U'ы', "rus", 2}, {U'ы', "bel", 2}, {U'ы', "ukr", -4}, {U'ы', "bul", -4},
      {U'э', "rus", 2}, {U'э', "bel", 2}, {U'э', "ukr", -4}, {U'э', "bul", -4},
      {U'ё', "rus", 2}, {U'ё', "bel", 2}, {U'ё', "ukr", -4}, {U'ё', "bul", -4},
      {U'и', "bel", -3}, {U'щ', "bel", -3},
      {U'ъ', "bul", 3}, {U'ъ', "ukr", -4}, {U'ъ', "bel", -4},
      {U'і', "ukr", 2}, {U'і', "bel", 2}, {U'і', "rus", -4}, {U'і', "bul", -4},
      {U'ї', "ukr", 4}, {U'ї', "rus", -4}, {U'ї', "bel", -4}, {U'ї', "bul", -4},
      {U'є', "ukr", 4}, {U'є', "rus", -4}, {U'є', "bel", -4}, {U'є', "bul", -4},
      {U'ґ', "ukr", 4}, {U'ґ', "rus", -4}, {U'ґ', "bel", -4}, {U'ґ', "bul", -4},
      {U'ў', "bel", 4}, {U'ў', "rus", -4}, {U'ў', "ukr", -4}, {U'ў', "bul", -4},
  };
  return votes;
}

const std::map<std::string, std::set<std::string>>& cyrillic_words() {
  static const std::map<std::string, std::set<std::string>> words = {
      {"rus", {"что", "это", "как", "он", "она", "не", "и", "в", "на", "я", "с", "по", "так", "все", "его",
               "только", "же", "был", "была", "если", "уже", "когда", "вы", "мы", "чтобы", "или", "к", "бы"}},
      {"ukr", {"що", "це", "як", "він", "вона", "не", "і", "в", "на", "я", "з", "до", "та", "але", "від",
               "для", "так", "його", "ми", "ви"}},
      {"bel", {"што", "гэта", "як", "ён", "яна", "не", "і", "у", "на", "я", "з", "да", "але", "ад", "для",
               "так", "яго", "мы", "вы"}},
      {"bul", {"че", "това", "как", "той", "тя", "не", "и", "в", "на", "аз", "с", "да", "се", "от", "за",
               "е", "са", "ще", "който", "като", "към", "но"}},
  };
  return words;
}

}  // namespace

std::string guess_language(const std::string& utf8_line) {
  std::u32string lower;
  int cyrillic = 0, latin = 0;
  for (char32_t c : utf8_to_utf32(to_nfc(utf8_line))) {
    const char32_t l = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
    lower.push_back(l);
    if (is_cyrillic(l)) ++cyrillic;
    else if (u_isalpha(static_cast<UChar32>(l))) ++latin;
  }
  const bool cyrillic_script = cyrillic > latin;
  const auto& votes = cyrillic_script ? cyrillic_votes() : latin_votes();
  const auto& common = cyrillic_script ? cyrillic_words() : common_words();

  std::map<std::string, int> score;
  for (const auto& vote : votes)
    score[vote.language] += vote.weight * static_cast<int>(std::count(lower.begin(), lower.end(), vote.letter));
  // Words: runs of letters (apostrophes split, so "l'état" gives "l" and "état").
  std::u32string word;
  auto finish_word = [&] {
    if (word.empty()) return;
    const std::string w = utf32_to_utf8(word);
    for (const auto& [language, words] : common) score[language] += 2 * static_cast<int>(words.count(w));
    word.clear();
  };
  for (char32_t c : lower) {
    if (u_isalpha(static_cast<UChar32>(c))) word.push_back(c);
    else finish_word();
  }
  finish_word();
  std::string best;
  int best_score = 0, second = 0;
  for (const auto& [language, s] : score) {
    if (s > best_score) {
      second = best_score;
      best = language, best_score = s;
    } else if (s > second) {
      second = s;
    }
  }
  // Sure only with two clues (a strong letter, or two common words) and 1.5 times the
  // runner-up; English, having no letters of its own, also with no letter beyond ASCII.
  if (best_score < 4 || 2 * best_score < 3 * second) return "";
  if (best == "eng" && std::any_of(lower.begin(), lower.end(), [](char32_t c) {
        return c > 0x7F && u_isalpha(static_cast<UChar32>(c));
      }))
    return "";
  return best;
}

// ---- PageCorpus -----------------------------------------------------------------------------

PageCorpus::PageCorpus(const std::vector<std::string>& lines, const std::vector<std::string>& languages) {
  const std::set<std::string> wanted(languages.begin(), languages.end());
  for (const auto& line : lines) {
    std::u32string text = utf8_to_utf32(line);
    std::size_t letters = 0, visible = 0;
    for (char32_t c : text) {
      if (c == U' ' || c == U'\t') continue;
      ++visible;
      letters += u_isalpha(static_cast<UChar32>(c)) ? 1 : 0;
    }
    if (visible == 0) continue;
    if (letters * 10 < visible * 3) {
      neutral_.push_back(std::move(text));
      continue;
    }
    std::string language = guess_language(line);
    if (language.empty() || (!wanted.empty() && !wanted.count(language))) continue;
    by_language_[language].push_back(std::move(text));
    ++size_;
  }
  if (size_ == 0)
    throw DataError(wanted.empty() ? "no corpus line to build pages from"
                                   : "no corpus line in the requested languages; check the language list");
}

const std::string& PageCorpus::draw_language(std::mt19937& rng) const {
  std::size_t r = static_cast<std::size_t>(rng()) % size_;
  for (const auto& [language, lines] : by_language_) {
    if (r < lines.size()) return language;
    r -= lines.size();
  }
  return by_language_.begin()->first;  // not reached: the counts add up to size_
}

// ---- render_page ----------------------------------------------------------------------------

namespace {

/// Slow paper unevenness in [0, 1]: random values on a coarse grid, interpolated with a
/// smooth step. `cell` in px.
std::vector<float> stain_field(int w, int h, double cell, std::mt19937& rng) {
  const int gw = static_cast<int>(w / cell) + 2, gh = static_cast<int>(h / cell) + 2;
  std::vector<float> grid(static_cast<std::size_t>(gw) * gh);
  for (float& g : grid) g = static_cast<float>(uniform01(rng));
  std::vector<float> out(static_cast<std::size_t>(w) * h);
  auto smooth = [](double t) { return static_cast<float>(t * t * (3 - 2 * t)); };
  std::vector<int> gx(w);
  std::vector<float> fx(w);
  for (int x = 0; x < w; ++x) {
    const double t = x / cell;
    gx[x] = static_cast<int>(t);
    fx[x] = smooth(t - gx[x]);
  }
  for (int y = 0; y < h; ++y) {
    const double t = y / cell;
    const int gy = static_cast<int>(t);
    const float fy = smooth(t - gy);
    const float* g0 = &grid[static_cast<std::size_t>(gy) * gw];
    const float* g1 = g0 + gw;
    float* o = &out[static_cast<std::size_t>(y) * w];
    for (int x = 0; x < w; ++x) {
      const float top = g0[gx[x]] + (g0[gx[x] + 1] - g0[gx[x]]) * fx[x];
      const float bottom = g1[gx[x]] + (g1[gx[x] + 1] - g1[gx[x]]) * fx[x];
      o[x] = top + (bottom - top) * fy;
    }
  }
  return out;
}

/// Rotates a darkness map (0 = paper) by `degrees` about its centre, counter-clockwise as seen,
/// with bilinear interpolation; what comes in from outside is paper.
std::vector<float> rotate(const std::vector<float>& in, int w, int h, double degrees) {
  const double a = degrees * kPi / 180, c = std::cos(a), s = std::sin(a);
  const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
  std::vector<float> out(in.size(), 0.f);
  for (int y = 0; y < h; ++y) {
    const double dy = y - cy;
    float* o = &out[static_cast<std::size_t>(y) * w];
    for (int x = 0; x < w; ++x) {
      const double dx = x - cx;
      const double sx = cx + dx * c - dy * s, sy = cy + dx * s + dy * c;
      const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
      if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h) continue;
      const float fx = static_cast<float>(sx - x0), fy = static_cast<float>(sy - y0);
      const float* r0 = &in[static_cast<std::size_t>(y0) * w + x0];
      const float* r1 = r0 + w;
      const float t = r0[0] + (r0[1] - r0[0]) * fx, b = r1[0] + (r1[1] - r1[0]) * fx;
      o[x] = t + (b - t) * fy;
    }
  }
  return out;
}

/// The words of a line drawn at (x0, y0) on the page, from where its glyphs were struck
/// (`glyphs`, crop px); a word's box is the union of its glyphs', rounded outwards.
std::vector<TruthWord> words_struck(const std::u32string& text, const std::vector<GlyphPlacement>& glyphs, int x0,
                                    int y0) {
  std::vector<TruthWord> words;
  std::size_t g = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == U' ' || text[i] == U'\t') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && text[end] != U' ' && text[end] != U'\t') ++end;
    double bx0 = 1e300, by0 = 1e300, bx1 = -1e300, by1 = -1e300;
    for (; g < glyphs.size() && glyphs[g].index < end; ++g) {
      if (glyphs[g].index < i) continue;
      bx0 = std::min(bx0, glyphs[g].x0), by0 = std::min(by0, glyphs[g].y0);
      bx1 = std::max(bx1, glyphs[g].x1), by1 = std::max(by1, glyphs[g].y1);
    }
    TruthWord word;
    word.text = to_nfc(utf32_to_utf8(text.substr(i, end - i)));
    if (bx1 > bx0) {
      const int left = x0 + static_cast<int>(std::floor(bx0)), top = y0 + static_cast<int>(std::floor(by0));
      const int right = x0 + static_cast<int>(std::ceil(bx1)), bottom = y0 + static_cast<int>(std::ceil(by1));
      word.box = Box{left, top, right - left, bottom - top};
      word.outline = {{left, top}, {right, top}, {right, bottom}, {left, bottom}};
    }
    words.push_back(std::move(word));
    i = end;
  }
  return words;
}

/// Moves a word's box as rotate() moves the page's pixels (counter-clockwise by `degrees`
/// about the centre of a w × h page).
void skew_word(TruthWord& word, int w, int h, double degrees) {
  if (word.outline.empty()) return;
  const double a = degrees * kPi / 180, c = std::cos(a), s = std::sin(a);
  const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (Point& p : word.outline) {
    // rotate() reads output pixel q from source q' = centre + R(q − centre) (pixel centres at
    // index coordinates); a source point p therefore lands at centre + Rᵀ(p − centre).
    const double dx = p.x - 0.5 - cx, dy = p.y - 0.5 - cy;
    const double qx = cx + c * dx + s * dy + 0.5, qy = cy - s * dx + c * dy + 0.5;
    p = Point{static_cast<int>(std::lround(qx)), static_cast<int>(std::lround(qy))};
    x0 = std::min(x0, qx), y0 = std::min(y0, qy), x1 = std::max(x1, qx), y1 = std::max(y1, qy);
  }
  const int left = static_cast<int>(std::floor(x0)), top = static_cast<int>(std::floor(y0));
  word.box = Box{left, top, static_cast<int>(std::ceil(x1)) - left, static_cast<int>(std::ceil(y1)) - top};
}

}  // namespace

RenderedPage render_page(const PageCorpus& corpus, const std::vector<LineRenderer*>& fonts,
                         const PageOptions& options, std::mt19937& rng) {
  if (fonts.empty()) throw DataError("render_page: no font given");
  const int W = options.width, H = options.height;
  if (W < 200 || H < 200) throw DataError("render_page: page of " + std::to_string(W) + "×" + std::to_string(H) + " px is too small");
  const double px_per_cm = options.dpi / 2.54;

  RenderedPage page;
  page.language = corpus.draw_language(rng);
  const std::vector<std::u32string>& pool = corpus.by_language().at(page.language);
  page.font = static_cast<int>(rng() % fonts.size());
  LineRenderer& font = *fonts[static_cast<std::size_t>(page.font)];

  // One ribbon, one typewriter, one scan for the whole sheet: the line style is drawn once.
  // Lines are drawn on white; paper tone, stains, noise, dirt and 1-bit thresholding are the
  // scan's and come over the whole page at the end.
  LineStyle style = options.clean ? LineStyle::clean() : sample_line_style(rng);
  const double xh = uniform(rng, options.x_height_min, options.x_height_max);
  style.x_height = xh;
  style.rotation_deg = 0;  // the sheet is skewed as a whole instead
  style.baseline_wave *= 0.3;
  style.crop_height = 4.2;
  style.baseline_position = 0.66;
  style.margin_left = style.margin_right = 0.3;
  style.neighbours = false;
  style.polygon_crop = false;
  style.output_height = 0;
  style.output_jpeg_quality = 0;
  const double paper_tone = options.clean ? 255.0 : std::max(style.paper_tone, 200);
  const double paper_variation = options.clean ? 0.0 : std::min(style.paper_variation, 16.0);
  const double noise_sigma = options.clean ? 0.0 : std::min(style.noise_sigma, 6.0);
  const double dirt = options.clean ? 0.0 : style.dirt;
  const bool bilevel = style.bilevel;
  const int ink_tone = style.ink_tone;
  style.paper_tone = 255;
  style.paper_variation = 0;
  style.noise_sigma = 0;
  style.dirt = 0;
  style.bilevel = false;

  // Layout: typewriter pitch is 6 lines an inch at single spacing; large type needs a little more.
  const double single = std::max(options.dpi / 6, 2.1 * xh);
  const double r = uniform01(rng);
  const double spacing = r < 0.6 ? 1.0 : (r < 0.9 ? 1.5 : 2.0);
  page.x_height = xh;
  page.line_pitch = single * spacing;
  const double left = (options.left_margin_cm + uniform(rng, -0.3, 0.5)) * px_per_cm;
  const double right_limit = W - uniform(rng, 1.2, 2.2) * px_per_cm;
  const double first_baseline = uniform(rng, 2.0, 4.0) * px_per_cm + 1.5 * xh;
  double last_baseline = H - uniform(rng, 2.0, 3.0) * px_per_cm;
  if (chance(rng, 0.3)) last_baseline = first_baseline + uniform(rng, 0.3, 1.0) * (last_baseline - first_baseline);
  const double char_advance = 1.3 * xh;  // about a monospace advance at these faces' proportions

  std::vector<float> dark(static_cast<std::size_t>(W) * H, 0.f);  // 0 = paper, 1 = full ink
  bool indent = chance(rng, 0.5);
  int misses = 0;
  for (double baseline = first_baseline; baseline <= last_baseline && misses < 40;) {
    const bool neutral = !corpus.neutral().empty() && chance(rng, 0.05);
    std::u32string text = neutral ? corpus.neutral()[rng() % corpus.neutral().size()] : pool[rng() % pool.size()];
    if (!font.missing_glyphs(text).empty()) {
      ++misses;  // consecutive misses end the page (a face lacking most of a language's letters)
      continue;
    }
    const double x = left + (indent ? 5 * char_advance : 0) + uniform(rng, -0.1, 0.1) * xh;
    const int x0 = static_cast<int>(std::lround(x - style.margin_left * xh));
    std::vector<GlyphPlacement> glyphs;
    GreyImage crop = font.render(text, style, rng, &glyphs);
    const double room = right_limit - x0 - style.margin_right * xh;
    if (crop.width > room) {
      // Too long for the line: the typist would have returned the carriage at a space before
      // the margin. Keep the words that fit (estimated from the width per character).
      const auto fit = static_cast<std::size_t>(static_cast<double>(text.size()) * room / crop.width);
      const std::size_t space = text.rfind(U' ', fit);
      if (space == std::u32string::npos || space < 10) {
        ++misses;
        continue;
      }
      text.resize(space);
      crop = font.render(text, style, rng, &glyphs);
      if (crop.width > room) {
        ++misses;
        continue;
      }
    }
    misses = 0;
    const int y0 = static_cast<int>(std::lround(baseline - style.baseline_position * crop.height));
    for (int cy = 0; cy < crop.height; ++cy) {
      const int py = y0 + cy;
      if (py < 0 || py >= H) continue;
      const std::uint8_t* src = crop.row(cy);
      float* d = &dark[static_cast<std::size_t>(py) * W];
      for (int cx = 0; cx < crop.width; ++cx) {
        const int px = x0 + cx;
        if (px < 0 || px >= W || src[cx] == 255) continue;
        const float a = (255 - src[cx]) / 255.f;
        d[px] = d[px] + a - d[px] * a;  // overlapping strikes darken like layered ink
      }
    }
    page.lines.push_back(to_nfc(utf32_to_utf8(text)));
    page.words.push_back(words_struck(text, glyphs, x0, y0));
    const bool paragraph = chance(rng, 0.12);
    baseline += page.line_pitch + (paragraph && spacing < 2 ? single : 0);
    indent = paragraph && chance(rng, 0.7);
  }
  if (page.lines.empty())
    throw DataError("no corpus line in language '" + page.language + "' fits the page in font '" +
                    font.font_path() + "'");

  if (!options.clean) {
    page.skew_deg = uniform(rng, -options.max_skew_deg, options.max_skew_deg);
    if (std::abs(page.skew_deg) > 0.01) {
      dark = rotate(dark, W, H, page.skew_deg);
      for (auto& line : page.words)
        for (TruthWord& word : line) skew_word(word, W, H, page.skew_deg);
    }
  }

  if (dirt > 0) {
    // Specks of dirt and paper flaws, fewer than on the tight line crops.
    const int specks = static_cast<int>(dirt * W * H / 100000.0);
    for (int k = 0; k < specks; ++k) {
      const double cx = uniform(rng, 0, W), cy = uniform(rng, 0, H), radius = uniform(rng, 0.6, 2.2);
      const float d = static_cast<float>(uniform(rng, 0.2, 0.7));
      for (int y = static_cast<int>(cy - radius - 1); y <= static_cast<int>(cy + radius + 1); ++y)
        for (int x = static_cast<int>(cx - radius - 1); x <= static_cast<int>(cx + radius + 1); ++x) {
          if (x < 0 || y < 0 || x >= W || y >= H) continue;
          const double cover = std::clamp(radius + 0.5 - std::hypot(x + 0.5 - cx, y + 0.5 - cy), 0.0, 1.0);
          float& v = dark[static_cast<std::size_t>(y) * W + x];
          v = std::max(v, static_cast<float>(cover) * d);
        }
    }
  }

  // Paper, stains, scanner noise (a table of normal deviates indexed by a fast generator),
  // and the threshold of a 1-bit scan halfway between paper and full ink.
  std::vector<float> stain;
  if (paper_variation > 0) stain = stain_field(W, H, uniform(rng, 150, 600), rng);
  std::array<float, 4096> gauss{};
  {
    std::normal_distribution<float> normal(0.f, 1.f);
    for (float& g : gauss) g = normal(rng);
  }
  std::uint64_t state = (static_cast<std::uint64_t>(rng()) << 32 | rng()) | 1;
  const float noise = static_cast<float>(noise_sigma);
  const float full_ink = (255 - std::clamp(ink_tone, 0, 254)) / 255.f;
  page.image = GreyImage(W, H);
  for (int y = 0; y < H; ++y) {
    const float* d = &dark[static_cast<std::size_t>(y) * W];
    const float* st = stain.empty() ? nullptr : &stain[static_cast<std::size_t>(y) * W];
    std::uint8_t* out = page.image.row(y);
    for (int x = 0; x < W; ++x) {
      float v;
      if (bilevel) {
        v = d[x] > 0.5f * full_ink ? 0.f : 255.f;
      } else {
        float p = static_cast<float>(paper_tone);
        if (st) p += static_cast<float>(paper_variation) * (2 * st[x] - 1);
        v = p * (1 - std::min(d[x], 1.f));
        if (noise > 0) {
          state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
          v += noise * gauss[state & 4095];
        }
      }
      out[x] = static_cast<std::uint8_t>(std::clamp(v + 0.5f, 0.f, 255.f));
    }
  }
  return page;
}

}  // namespace platen
