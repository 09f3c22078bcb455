#include "training/text_corpus.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

#include "core/errors.h"
#include "core/text.h"
#include "recognition/alphabet.h"

namespace platen {
namespace {

namespace fs = std::filesystem;

// ---- Random choices -------------------------------------------------------------------------
// Drawn from the generator's raw output (not std::*_distribution or std::shuffle, whose
// algorithms differ between standard libraries), so a seed gives the same corpus everywhere.

double uniform01(std::mt19937& rng) { return (rng() >> 8) * (1.0 / 16777216.0); }
bool chance(std::mt19937& rng, double p) { return uniform01(rng) < p; }
/// Uniform index in [0, n); n > 0.
std::size_t pick(std::mt19937& rng, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(uniform01(rng) * static_cast<double>(n)));
}
/// Uniform integer in [lo, hi].
int between(std::mt19937& rng, int lo, int hi) { return lo + static_cast<int>(pick(rng, hi - lo + 1)); }
template <typename T>
const T& choose(const std::vector<T>& v, std::mt19937& rng) {
  return v[pick(rng, v.size())];
}
/// Fisher–Yates shuffle.
template <typename T>
void shuffle(std::vector<T>& v, std::mt19937& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[pick(rng, i)]);
}

// ---- UTF-8 helpers --------------------------------------------------------------------------

/// Code points in UTF-8 text (bytes that do not continue a sequence).
std::size_t length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string upper_first(const std::string& s) {
  std::u32string u = utf8_to_utf32(s);
  if (!u.empty()) u[0] = static_cast<char32_t>(u_toupper(static_cast<UChar32>(u[0])));
  return utf32_to_utf8(u);
}

std::string to_upper(const std::string& s) {
  std::u32string u = utf8_to_utf32(s);
  for (char32_t& c : u) c = static_cast<char32_t>(u_toupper(static_cast<UChar32>(c)));
  return utf32_to_utf8(u);
}

std::string to_lower(const std::string& s) {
  std::u32string u = utf8_to_utf32(s);
  for (char32_t& c : u) c = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
  return utf32_to_utf8(u);
}

std::string fold_whitespace(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot read '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw DataError("error reading '" + path + "'");
  return ss.str();
}

// ---- Languages ------------------------------------------------------------------------------

/// One language of the corpus and where its text comes from.
struct Language {
  const char* code;                         ///< ISO 639-1
  const char* tesseract;                    ///< Tesseract (ISO 639-2/T) code, as in lang-<code>.lm
  double weight;                            ///< share of generated lines, relative
  std::vector<std::string> fortunes;        ///< under fortune_dir: folders ("" = top level) or files
  std::vector<std::string> exclude;         ///< fortune file names to leave out
  const char* dictionary;                   ///< Hunspell base name under hunspell_dir
};

/// The archive's languages (en de fr cs da sk) weigh most of the Latin lines; pl hu are there
/// for the alphabet's coverage; the Cyrillic languages make about a third of all lines, since
/// Cyrillic is read worst (and Latin look-alikes inside it are the commonest error).
const std::vector<Language>& languages() {
  static const std::vector<Language> table = {
      {"en", "eng", 13, {""}, {"art", "ascii-art"}, "en_US"},
      {"de", "deu", 13, {"de"}, {"asciiart"}, "de_DE"},
      {"fr", "fra", 10, {}, {}, "fr"},
      {"cs", "ces", 10, {"cs"}, {"klasik-sk"}, "cs_CZ"},
      {"da", "dan", 7, {}, {}, "da_DK"},
      {"sk", "slk", 7, {"cs/klasik-sk"}, {}, "sk_SK"},
      {"pl", "pol", 6, {"pl"}, {}, "pl_PL"},
      {"hu", "hun", 6, {}, {}, "hu_HU"},
      // Cyrillic, about a third of the lines: Russian most (the émigré and Soviet papers),
      // Ukrainian and Bulgarian, Belarusian least.
      {"ru", "rus", 22, {"ru"}, {}, "ru_RU"},
      {"uk", "ukr", 8, {}, {}, "uk_UA"},
      {"be", "bel", 4, {}, {}, "be_BY"},
      {"bg", "bul", 7, {"bg"}, {}, "bg_BG"},
  };
  return table;
}

/// The commonest function words of each language, lower case: a page of text holds dozens
/// of them, so their counts tell the language where letter statistics of similar languages
/// (cs/sk, ru/uk/be) would need a trained model. Words shared by neighbours (je, že, на) are
/// listed in each; the ones that differ (jsem/som, что/що/што) decide.
const std::map<std::string, std::vector<std::string>>& function_words() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"en", {"the", "and", "of", "to", "in", "is", "that", "was", "for", "with", "which", "have",
              "has", "were", "this", "from", "by", "not", "are", "be"}},
      {"de", {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "sich", "auf", "dem",
              "des", "ein", "eine", "wurde", "wurden", "auch", "zu", "im"}},
      {"fr", {"le", "la", "les", "et", "des", "est", "une", "que", "du", "dans", "pour", "pas", "qui",
              "sur", "au", "aux", "ce", "il", "sont", "avec"}},
      {"cs", {"je", "se", "že", "jsem", "jsou", "byl", "byla", "bylo", "také", "který", "která",
              "které", "ve", "při", "již", "jak", "pro", "až", "jen", "mně"}},
      {"sk", {"je", "sa", "že", "som", "sú", "bol", "bola", "bolo", "aj", "ktorý", "ktorá", "ktoré",
              "vo", "pri", "už", "ako", "pre", "len", "ešte", "mi"}},
      {"da", {"og", "at", "det", "er", "en", "til", "af", "den", "for", "med", "ikke", "paa", "på",
              "har", "som", "de", "blev", "fra", "sig", "var"}},
      {"pl", {"się", "nie", "że", "jest", "na", "do", "jak", "przez", "oraz", "który", "która", "jego",
              "tylko", "już", "po", "od", "są", "było", "dla", "ze"}},
      {"hu", {"az", "és", "hogy", "nem", "is", "egy", "van", "meg", "már", "volt", "csak", "mint",
              "de", "ez", "azt", "el", "vagy", "még", "kell", "ki"}},
      {"ru", {"и", "в", "не", "на", "что", "с", "он", "как", "это", "по", "был", "была", "было",
              "его", "но", "к", "из", "от", "же", "только"}},
      {"uk", {"і", "в", "не", "на", "що", "з", "як", "це", "та", "до", "був", "була", "його", "але",
              "від", "для", "так", "ще", "ж", "вже"}},
      {"be", {"і", "у", "не", "на", "што", "з", "як", "гэта", "да", "быў", "была", "яго", "але", "ад",
              "для", "так", "ці", "ён", "яна", "ужо"}},
      {"bg", {"и", "в", "не", "на", "да", "се", "че", "с", "от", "за", "е", "са", "беше", "като", "но",
              "това", "към", "ще", "му", "по"}},
  };
  return table;
}

bool cyrillic(const std::string& lang) { return lang == "ru" || lang == "uk" || lang == "be" || lang == "bg"; }

/// Opening and closing quotation marks a typist of `lang` would use; straight quotes are in
/// every list because most typewriters had nothing else.
std::pair<std::string, std::string> quotes(const std::string& lang, std::mt19937& rng) {
  const double r = uniform01(rng);
  if (lang == "de") return r < 0.55 ? std::pair{"„", "“"} : (r < 0.85 ? std::pair{"\"", "\""} : std::pair{"»", "«"});
  if (lang == "cs" || lang == "sk" || lang == "bg")
    return r < 0.65 ? std::pair{"„", "“"} : std::pair{"\"", "\""};
  if (lang == "pl" || lang == "hu") return r < 0.65 ? std::pair{"„", "”"} : std::pair{"\"", "\""};
  if (lang == "da") return r < 0.4 ? std::pair{"»", "«"} : (r < 0.7 ? std::pair{"„", "“"} : std::pair{"\"", "\""});
  if (lang == "fr") return r < 0.6 ? std::pair{"« ", " »"} : (r < 0.7 ? std::pair{"«", "»"} : std::pair{"\"", "\""});
  if (lang == "ru" || lang == "uk" || lang == "be")
    return r < 0.65 ? std::pair{"«", "»"} : (r < 0.85 ? std::pair{"„", "“"} : std::pair{"\"", "\""});
  return r < 0.4 ? std::pair{"“", "”"} : (r < 0.5 ? std::pair{"‘", "’"} : std::pair{"\"", "\""});
}

const std::vector<std::string>& months(const std::string& lang) {
  // Genitive forms where a date uses them ("12. března 1938", "12 марта 1938 г.").
  static const std::map<std::string, std::vector<std::string>> table = {
      {"en", {"January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"}},
      {"de", {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
              "Oktober", "November", "Dezember"}},
      {"fr", {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"}},
      {"cs", {"ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září",
              "října", "listopadu", "prosince"}},
      {"sk", {"januára", "februára", "marca", "apríla", "mája", "júna", "júla", "augusta", "septembra",
              "októbra", "novembra", "decembra"}},
      {"pl", {"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
              "września", "października", "listopada", "grudnia"}},
      {"da", {"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
              "oktober", "november", "december"}},
      {"hu", {"január", "február", "március", "április", "május", "június", "július", "augusztus",
              "szeptember", "október", "november", "december"}},
      {"ru", {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря"}},
      {"uk", {"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
              "жовтня", "листопада", "грудня"}},
      {"be", {"студзеня", "лютага", "сакавіка", "красавіка", "мая", "чэрвеня", "ліпеня", "жніўня",
              "верасня", "кастрычніка", "лістапада", "снежня"}},
      {"bg", {"януари", "февруари", "март", "април", "май", "юни", "юли", "август", "септември",
              "октомври", "ноември", "декември"}},
  };
  auto it = table.find(lang);
  return it == table.end() ? table.at("en") : it->second;
}

const std::vector<std::string>& abbreviations(const std::string& lang) {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"en", {"Mr.", "Mrs.", "Dr.", "Ltd.", "Co.", "etc.", "e.g.", "i.e.", "p.", "pp.", "Esq.", "Messrs.",
              "U.S.A.", "a.m.", "p.m.", "Ref.", "No.", "Inc.", "Prof.", "St.", "Gen.", "Col."}},
      {"de", {"z.B.", "u.a.", "usw.", "bzw.", "d.h.", "Hr.", "Fr.", "Frl.", "Nr.", "S.", "Abs.", "Art.",
              "vgl.", "gez.", "i.A.", "Dr.", "Prof.", "Dipl.-Ing.", "u.s.w.", "ca.", "Str.", "v.", "Reg.-Rat"}},
      {"fr", {"M.", "Mme", "Mlle", "MM.", "S.A.", "etc.", "cf.", "p.", "n°", "art.", "Cie", "Dr", "St-",
              "av.", "bd", "c.-à-d."}},
      {"cs", {"atd.", "tj.", "č.", "čís.", "odst.", "písm.", "JUDr.", "MUDr.", "Ing.", "p.", "pí", "sl.",
              "t.zv.", "resp.", "např.", "č.j.", "Dr.", "ul.", "nám.", "okr.", "s.r.o."}},
      {"sk", {"napr.", "tzv.", "atď.", "č.", "p.", "JUDr.", "resp.", "t.j.", "Dr.", "Ing.", "ul.", "okr.",
              "a.s."}},
      {"pl", {"np.", "tzn.", "ok.", "m.in.", "ul.", "nr", "p.", "dr", "inż.", "r.", "tj.", "itd.", "prof.",
              "S.A."}},
      {"da", {"bl.a.", "f.eks.", "jf.", "hr.", "fru", "nr.", "ca.", "mht.", "Dr.", "A/S", "pct.", "St."}},
      {"hu", {"stb.", "pl.", "kb.", "ill.", "sz.", "u.", "dr.", "özv.", "Rt.", "ifj.", "id."}},
      {"ru", {"т.е.", "т.д.", "и т.п.", "г.", "ул.", "д.", "им.", "тов.", "см.", "т.н.", "гр.", "проф."}},
      {"uk", {"т.зв.", "р.", "вул.", "м.", "див.", "тов.", "ім.", "д-р", "проф.", "т.д."}},
      {"be", {"г.", "вул.", "і г.д.", "тав.", "гл.", "напр.", "т.зв."}},
      {"bg", {"т.е.", "г.", "ул.", "гр.", "др.", "и т.н.", "проф.", "вж."}},
  };
  auto it = table.find(lang);
  return it == table.end() ? table.at("en") : it->second;
}

std::string roman(int n) {
  static const char* const r[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};
  return r[std::clamp(n, 1, 12) - 1];
}

/// An integer written with the thousands separator a typist of `lang` might use.
std::string grouped(long value, const std::string& lang, std::mt19937& rng) {
  std::string digits = std::to_string(value);
  if (digits.size() <= 3 || chance(rng, 0.25)) return digits;
  std::string sep = lang == "en" ? "," : (cyrillic(lang) || lang == "fr" ? " " : ".");
  if (chance(rng, 0.2)) sep = lang == "en" ? "." : (sep == "." ? " " : ".");
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out.push_back(digits[i]);
  }
  return out;
}

long random_amount(std::mt19937& rng) {
  const int digits = between(rng, 1, 7);
  long v = between(rng, 1, 9);
  for (int i = 1; i < digits; ++i) v = v * 10 + between(rng, 0, 9);
  return v;
}

int random_year(std::mt19937& rng) { return chance(rng, 0.85) ? between(rng, 1900, 1950) : between(rng, 1850, 1999); }

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string date(const std::string& lang, std::mt19937& rng) {
  const int d = between(rng, 1, 28), m = between(rng, 1, 12), y = random_year(rng);
  const std::string yy = two(y % 100), ys = std::to_string(y), ds = std::to_string(d), ms = std::to_string(m);
  const double r = uniform01(rng);
  if (r < 0.35) {  // numeric forms
    switch (between(rng, 0, 5)) {
      case 0: return ds + "." + ms + "." + ys;
      case 1: return ds + ". " + ms + ". " + ys;
      case 2: return two(d) + "." + two(m) + "." + ys;
      case 3: return ms + "/" + ds + "/" + yy;
      case 4: return ds + "/" + ms + "/" + (chance(rng, 0.5) ? yy : ys);
      default: return ds + "." + ms + "." + yy;
    }
  }
  const std::string& month = months(lang)[m - 1];
  if (lang == "en") return chance(rng, 0.6) ? month + " " + ds + ", " + ys : ds + "th " + month + " " + ys;
  if (lang == "fr") return (d == 1 ? std::string("1er") : ds) + " " + month + " " + ys;
  if (lang == "hu") return ys + ". " + month + " " + ds + ".";
  if (lang == "pl") return ds + " " + month + " " + ys + (chance(rng, 0.5) ? " r." : "");
  if (lang == "ru" || lang == "be" || lang == "bg") return ds + " " + month + " " + ys + " г.";
  if (lang == "uk") return ds + " " + month + " " + ys + " р.";
  return ds + ". " + month + " " + ys;  // de cs sk da
}

std::string amount(const std::string& lang, std::mt19937& rng) {
  const long v = random_amount(rng);
  const std::string n = grouped(v, lang, rng);
  const std::string cents = two(between(rng, 0, 99));
  if (chance(rng, 0.15)) return std::to_string(between(rng, 1, 99)) + (chance(rng, 0.5) ? " %" : "%");
  if (lang == "en") {
    switch (between(rng, 0, 3)) {
      case 0: return "$ " + n + "." + cents;
      case 1: return "$" + n;
      case 2: return "£ " + n;
      default: return n + " dollars";
    }
  }
  if (lang == "de") {
    switch (between(rng, 0, 3)) {
      case 0: return "RM " + n + ".--";
      case 1: return n + ",- RM";
      case 2: return n + " Kronen";
      default: return n + "," + cents + " M";
    }
  }
  if (lang == "fr") return chance(rng, 0.5) ? n + " frs." : "Fr. " + n + "," + cents;
  if (lang == "cs") return chance(rng, 0.5) ? "Kč " + n + ",-" : n + "," + cents + " Kč";
  if (lang == "sk") return chance(rng, 0.5) ? "Ks " + n + ",-" : n + " Ks";
  if (lang == "pl") return chance(rng, 0.5) ? n + "," + cents + " zł" : "zł " + n;
  if (lang == "da") return chance(rng, 0.5) ? "kr. " + n : n + " Kr.";
  if (lang == "hu") return chance(rng, 0.5) ? n + " P" : n + " pengő";
  if (lang == "uk") return n + " крб.";
  if (lang == "bg") return n + " лв.";
  return n + (chance(rng, 0.7) ? " руб." : " коп.");  // ru be
}

std::string reference(const std::string& lang, std::mt19937& rng) {
  const std::string n = std::to_string(between(rng, 1, 9999)), yy = two(between(rng, 20, 49));
  switch (between(rng, 0, 11)) {
    case 0: return "Nr. " + n + "/" + yy;
    case 1: return "Zl. " + grouped(between(rng, 1000, 99999), "de", rng) + "/" + yy;
    case 2: return "č.j. " + n + "/" + roman(between(rng, 1, 12)) + "-" + yy;
    case 3: return "№ " + std::to_string(between(rng, 1, 300));
    case 4: return "§ " + std::to_string(between(rng, 1, 120));
    case 5: return "No. " + n;
    case 6: return "Az. " + roman(between(rng, 1, 5)) + " B " + std::to_string(between(rng, 1, 9)) + " - " + n + "/" + yy;
    case 7: return "Ref. " + std::to_string(between(rng, 1, 99)) + "/" + std::string(1, static_cast<char>('A' + between(rng, 0, 7)));
    case 8: return "Tel. " + std::to_string(between(rng, 100, 999)) + "-" + two(between(rng, 0, 99));
    case 9: return cyrillic(lang) ? "№ " + n + "/" + yy : "čís. " + n;
    case 10: return roman(between(rng, 1, 12)) + ".";
    default: return std::to_string(between(rng, 1, 40)) + ")";
  }
}

std::string time_of_day(const std::string& lang, std::mt19937& rng) {
  const std::string h = std::to_string(between(rng, 1, 23)), m = two(between(rng, 0, 11) * 5);
  if (lang == "de") return h + "." + m + " Uhr";
  if (lang == "en") return chance(rng, 0.5) ? h + ":" + m : std::to_string(between(rng, 1, 12)) + " p.m.";
  if (lang == "fr") return h + " h " + m;
  if (lang == "cs" || lang == "sk") return "o " + h + "." + m + " hod.";
  if (lang == "da") return "kl. " + h + "." + m;
  if (lang == "hu") return h + " óra " + m + " perc";
  if (cyrillic(lang)) return "в " + h + " ч. " + m + " м.";
  return h + ":" + m;
}

/// Language-specific typing habits applied to a finished line.
std::string vary(const std::string& line, const std::string& lang, std::mt19937& rng) {
  std::string out = line;
  if (lang == "fr" && chance(rng, 0.3)) {
    // French typists put a space before , ; : ? ! (visible in the TapusCorpus lines).
    std::string spaced;
    for (char c : out) {
      if ((c == ',' || c == ';' || c == ':' || c == '?' || c == '!') && !spaced.empty() && spaced.back() != ' ')
        spaced.push_back(' ');
      spaced.push_back(c);
    }
    out = spaced;
  }
  if (chance(rng, 0.015)) {
    // A letter-spaced word ("K a s t n e r a"), the typewriter's emphasis.
    std::vector<std::string> words = split_words(out);
    if (!words.empty()) {
      std::string& w = words[pick(rng, words.size())];
      std::u32string u = utf8_to_utf32(w), spaced;
      for (std::size_t i = 0; i < u.size(); ++i) {
        if (i) spaced.push_back(U' ');
        spaced.push_back(u[i]);
      }
      w = utf32_to_utf8(spaced);
      std::string joined;
      for (const auto& x : words) joined += (joined.empty() ? "" : " ") + x;
      out = joined;
    }
  }
  if (chance(rng, 0.03)) out = to_upper(out);  // headings and names in capitals
  return out;
}

/// Fortune files under `base/spec` (a folder, or a single file), sorted, leaving out the
/// strfile indexes (.dat), the .u8 symlinks to the same text and excluded names.
std::vector<std::string> fortune_files(const std::string& base, const std::string& spec,
                                       const std::vector<std::string>& exclude) {
  std::vector<std::string> files;
  const fs::path p = spec.empty() ? fs::path(base) : fs::path(base) / spec;
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return {p.string()};
  if (!fs::is_directory(p, ec)) return files;
  for (const auto& entry : fs::directory_iterator(p, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_symlink(ec) || !entry.is_regular_file(ec)) continue;
    const std::string ext = entry.path().extension().string();
    if (ext == ".dat" || ext == ".u8") continue;
    if (std::find(exclude.begin(), exclude.end(), name) != exclude.end()) continue;
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// True when a fortune reads like prose: mostly letters, no URLs, few programming symbols.
bool prose_like(const std::string& text) {
  if (text.find("http") != std::string::npos || text.find("www.") != std::string::npos ||
      text.find('@') != std::string::npos)
    return false;
  std::size_t letters = 0, visible = 0, symbols = 0;
  for (char32_t c : utf8_to_utf32(text)) {
    if (c == U' ') continue;
    ++visible;
    if (u_isalpha(static_cast<UChar32>(c))) ++letters;
    if (std::u32string_view(U"<>{}[]|\\_=#*^~$").find(c) != std::u32string_view::npos) ++symbols;
  }
  return visible > 0 && letters >= 0.75 * visible && symbols <= 2;
}

}  // namespace

// ---- Sources --------------------------------------------------------------------------------

std::vector<std::string> read_fortunes(const std::string& path) {
  const std::string text = read_file(path);
  std::vector<std::string> fortunes;
  std::string current;
  std::istringstream in(text);
  std::string line;
  auto flush = [&] {
    std::string f = fold_whitespace(current);
    if (!f.empty() && prose_like(f)) fortunes.push_back(std::move(f));
    current.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "%") {
      flush();
    } else {
      current += line;
      current += '\n';
    }
  }
  flush();
  return fortunes;
}

std::vector<std::string> read_hunspell_words(const std::string& dic_path) {
  std::string bytes = read_file(dic_path);
  // The .aff beside the .dic names the encoding ("SET ISO8859-2"); default is ISO-8859-1.
  std::string encoding = "ISO8859-1";
  fs::path aff = fs::path(dic_path).replace_extension(".aff");
  std::ifstream affin(aff);
  for (std::string l; affin && std::getline(affin, l);) {
    if (l.rfind("SET ", 0) == 0) {
      std::istringstream ls(l.substr(4));
      ls >> encoding;
      break;
    }
  }
  std::string upper = encoding;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper != "UTF-8" && upper != "UTF8") {
    icu::UnicodeString u(bytes.data(), static_cast<int32_t>(bytes.size()), encoding.c_str());
    if (u.isBogus()) throw DataError("cannot convert '" + dic_path + "' from " + encoding);
    bytes.clear();
    u.toUTF8String(bytes);
  }

  std::vector<std::string> words;
  std::istringstream in(bytes);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {  // the word count
      first = false;
      continue;
    }
    // The word runs to the first unescaped '/' (affix flags) or whitespace (morphology).
    std::string word;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '\\' && i + 1 < line.size() && line[i + 1] == '/') {
        word.push_back('/');
        ++i;
        continue;
      }
      if (c == '/' || c == ' ' || c == '\t' || c == '\r') break;
      word.push_back(c);
    }
    if (word.empty()) continue;
    const std::u32string u = utf8_to_utf32(word);
    if (u.size() > 24) continue;
    bool ok = true;
    for (std::size_t i = 0; i < u.size() && ok; ++i) {
      const char32_t c = u[i];
      const bool inner = i > 0 && i + 1 < u.size();
      ok = u_isalpha(static_cast<UChar32>(c)) || (inner && (c == U'-' || c == U'\'' || c == U'’'));
    }
    if (ok) words.push_back(std::move(word));
  }
  return words;
}

// ---- Line making ----------------------------------------------------------------------------

std::vector<std::string> wrap_text(const std::string& text, int min_chars, int max_chars,
                                   std::mt19937& rng, double hyphenate_rate) {
  std::vector<std::string> lines;
  min_chars = std::max(1, min_chars);
  max_chars = std::max(min_chars, max_chars);
  // Typewritten lines are mostly long (60–70 characters on a page of 10 cpi type): targets
  // favour the upper part of the range.
  const int split = min_chars + (max_chars - min_chars) * 6 / 10;
  auto target = [&] {
    return chance(rng, 0.65) ? between(rng, split, max_chars) : between(rng, min_chars, split);
  };
  std::vector<std::string> words = split_words(text);
  std::string cur;
  std::size_t cur_len = 0;
  int goal = target();
  auto emit = [&] {
    if (cur_len >= static_cast<std::size_t>(min_chars)) lines.push_back(cur);
    cur.clear();
    cur_len = 0;
    goal = target();
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string word = words[i];
    std::size_t wl = length(word);
    if (wl > static_cast<std::size_t>(max_chars)) {
      emit();
      continue;
    }
    const std::size_t needed = cur_len + (cur_len ? 1 : 0) + wl;
    // Fits the target, or the line is still too short to stand alone and the word fits the
    // hard limit.
    if (needed <= static_cast<std::size_t>(goal) ||
        (cur_len < static_cast<std::size_t>(min_chars) && needed <= static_cast<std::size_t>(max_chars))) {
      if (cur_len) cur += ' ';
      cur += word;
      cur_len = needed;
      continue;
    }
    // The word does not fit: perhaps break it with a hyphen, as a typist at the bell would.
    const std::u32string u = utf8_to_utf32(word);
    const int room = goal - static_cast<int>(cur_len) - (cur_len ? 1 : 0) - 1;  // after the '-'
    if (cur_len && u.size() >= 6 && room >= 2 && word.find('-') == std::string::npos &&
        chance(rng, hyphenate_rate) && u_isalpha(static_cast<UChar32>(u[0]))) {
      const int k = between(rng, 2, std::min<int>(room, static_cast<int>(u.size()) - 3));
      bool letters = true;
      for (int j = 0; j < k + 1 && letters; ++j) letters = u_isalpha(static_cast<UChar32>(u[j]));
      if (letters) {
        cur += ' ' + utf32_to_utf8(u.substr(0, k)) + "-";
        cur_len += 1 + k + 1;
        emit();
        word = utf32_to_utf8(u.substr(k));
        wl = u.size() - k;
      }
    }
    if (cur_len) emit();
    cur = word;
    cur_len = wl;
  }
  emit();
  return lines;
}

std::string pseudo_sentence(const std::vector<std::string>& words, const std::string& language,
                            std::mt19937& rng) {
  if (words.empty()) return {};
  const int n = between(rng, 4, 14);
  std::vector<std::string> parts;
  for (int i = 0; i < n; ++i) {
    std::string w = choose(words, rng);
    if (i > 0 && i + 1 < n && chance(rng, 0.1)) w += ",";
    parts.push_back(std::move(w));
  }
  if (n >= 5 && chance(rng, 0.05)) {  // a parenthesis of one or two words
    const std::size_t at = 1 + pick(rng, parts.size() - 2);
    parts[at] = "(" + parts[at];
    std::size_t end = std::min(parts.size() - 2, at + pick(rng, 2));
    if (!parts[end].empty() && parts[end].back() == ',') parts[end].pop_back();
    parts[end] += ")";
  }
  parts[0] = upper_first(parts[0]);
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : " ") + p;
  if (!s.empty() && s.back() == ',') s.pop_back();
  const double r = uniform01(rng);
  s += r < 0.76 ? "." : r < 0.83 ? "?" : r < 0.88 ? "!" : r < 0.92 ? ":" : r < 0.95 ? ";" : r < 0.98 ? "..." : " –";
  if (chance(rng, 0.08)) {
    const auto q = quotes(language, rng);
    s = q.first + s + q.second;
  }
  return s;
}

std::string synthetic_line(const std::vector<std::string>& words, const std::string& language,
                           int target_chars, std::mt19937& rng) {
  std::vector<std::string> tokens;
  std::size_t len = 0;
  auto add = [&](std::string t) {
    len += length(t) + (tokens.empty() ? 0 : 1);
    tokens.push_back(std::move(t));
  };
  if (chance(rng, 0.12)) {
    static const std::vector<std::string> markers = {"1)", "2)", "a)", "b)", "I.", "II.", "3.", "-", "–", "ad 1)"};
    add(choose(markers, rng));
  }
  auto word = [&] {
    if (words.empty()) return std::string("x");
    std::string w = choose(words, rng);
    return chance(rng, 0.25) ? upper_first(w) : w;
  };
  while (len < static_cast<std::size_t>(target_chars)) {
    const double r = uniform01(rng);
    if (r < 0.50) {
      add(word());
    } else if (r < 0.60) {
      add(chance(rng, 0.8) ? choose(abbreviations(language), rng) : choose(abbreviations("en"), rng));
    } else if (r < 0.68) {
      add(date(language, rng));
    } else if (r < 0.75) {
      add(chance(rng, 0.5) ? amount(language, rng) : grouped(random_amount(rng), language, rng));
    } else if (r < 0.81) {
      add(reference(language, rng));
    } else if (r < 0.84) {
      add(time_of_day(language, rng));
    } else if (r < 0.89) {
      const auto q = quotes(language, rng);
      std::string phrase = word();
      for (int i = between(rng, 0, 2); i > 0; --i) phrase += " " + word();
      add(q.first + phrase + q.second);
    } else if (r < 0.93) {
      static const std::vector<std::string> dashes = {"–", "—", "-", "--"};
      if (!tokens.empty()) add(choose(dashes, rng));
    } else if (r < 0.96) {
      add("(" + word() + (chance(rng, 0.5) ? " " + word() : "") + ")");
    } else if (!tokens.empty()) {
      static const std::vector<std::string> marks = {",", ",", ";", ":", ".", "!", "?", "/", "&", "+", "=", "*"};
      const std::string& m = choose(marks, rng);
      if (m == "/" || m == "&" || m == "+" || m == "=" || m == "*") {
        add(m);
      } else {
        tokens.back() += m;
        len += 1;
      }
    }
    if (!tokens.empty() && chance(rng, 0.1) && std::isalnum(static_cast<unsigned char>(tokens.back().back()))) {
      tokens.back() += ",";
      len += 1;
    }
  }
  if (!tokens.empty() && chance(rng, 0.5) && std::isalnum(static_cast<unsigned char>(tokens.back().back())))
    tokens.back() += ".";
  std::string line;
  for (const auto& t : tokens) line += (line.empty() ? "" : " ") + t;
  return line;
}


std::string cyrillic_office_line(const std::vector<std::string>& words, const std::string& language,
                                 int target_chars, std::mt19937& rng) {
  static const std::vector<std::string> surnames = {
      "Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Новиков",
      "Морозов", "Волков", "Чехов", "Толстой", "Бунин", "Милюков", "Струве", "Деникин", "Врангель",
      "Шевченко", "Франко", "Коваленко", "Бондаренко", "Ткаченко", "Мельник", "Купала", "Колас",
      "Богданович", "Вазов", "Ботев", "Димитров", "Георгиев", "Петкова", "Иванова", "Орлова",
      "Набоков", "Керенский", "Гучков", "Маклаков", "Зайцев", "Ремизов", "Цветаева", "Ходасевич"};
  static const std::vector<std::string> abbreviations = {
      "т.к.", "т. к.", "т.е.", "т. е.", "г.", "гг.", "№", "тов.", "гр.", "и т.д.", "и т. д.", "и т.п.",
      "и т. п.", "см.", "стр.", "с.г.", "п.", "ст.", "обл.", "р-н", "зам.", "пред.", "нач.", "ген.",
      "полк.", "кап.", "проф.", "д-р", "ок.", "т.н.", "т. н.", "вх.", "исх.", "ул.", "д.", "кв.", "им.",
      "руб.", "коп.", "млн.", "тыс.", "в.", "вв.", "н.ст.", "ст.ст.", "б.", "м.б.", "и др."};
  static const std::vector<std::string> cyrillic_acronyms = {
      "СССР", "РСФСР", "НКВД", "ОГПУ", "ВКП(б)", "ЦК", "ВЦИК", "СНК", "УССР", "БССР", "РККА", "США",
      "ООН", "РОВС", "НТС", "МИД", "ЦК ВКП(б)", "ЗАГС", "ГПУ", "КГБ", "РСДРП", "ВЧК", "БКП", "ЮНРРА"};
  static const std::vector<std::string> latin = {
      "UNRRA", "USA", "YMCA", "IRO", "NATO", "BBC", "ILO", "UNESCO", "SS", "DP", "USSR", "ABC", "S.A.",
      "Ltd.", "GmbH", "de facto", "de jure", "status quo", "post scriptum", "P.S.", "N.B.", "via",
      "pro forma", "curriculum vitae", "persona non grata", "Siemens", "Paris", "Berlin", "Praha",
      "New York", "Times", "Le Monde", "Dr.", "Mr.", "Prof.", "Inc.", "et cetera", "a priori"};
  static const std::vector<std::string> headings = {
      "СЕКРЕТНО", "ПРОТОКОЛ", "СПРАВКА", "ПРИКАЗ", "ЗАЯВЛЕНИЕ", "ДОКЛАД", "СОВЕРШЕННО СЕКРЕТНО",
      "ВЫПИСКА", "РАСПОРЯЖЕНИЕ", "ПИСЬМО", "ОТЧЕТ", "АКТ", "ДОВІДКА", "ЗАЯВА", "ПРОТОКОЛ №"};
  const std::string letters = "АБВГДЕЖЗИКЛМНОПРСТФХЦЧШЭЮЯ";
  const std::u32string initials = utf8_to_utf32(letters);
  auto initial = [&] { return utf32_to_utf8(std::u32string(1, initials[pick(rng, initials.size())])) + "."; };
  auto name = [&] {
    const std::string surname = choose(surnames, rng);
    const std::string a = initial(), b = initial();
    switch (between(rng, 0, 5)) {
      case 0: return a + " " + b + " " + surname;
      case 1: return a + b + " " + surname;
      case 2: return surname + " " + a + b;
      case 3: return surname + " " + a + " " + b;
      case 4: return a + " " + surname;
      default: return to_upper(surname) + " " + a + b;
    }
  };
  auto word = [&] {
    if (words.empty()) return std::string("дело");
    const std::string w = choose(words, rng);
    return chance(rng, 0.2) ? upper_first(w) : w;
  };
  std::vector<std::string> tokens;
  std::size_t len = 0;
  auto add = [&](std::string t) {
    len += length(t) + (tokens.empty() ? 0 : 1);
    tokens.push_back(std::move(t));
  };
  if (chance(rng, 0.12)) add(choose(headings, rng) + (chance(rng, 0.5) ? " " + std::to_string(between(rng, 1, 300)) : ""));
  while (len < static_cast<std::size_t>(target_chars)) {
    const double r = uniform01(rng);
    if (r < 0.42) {
      add(word());
    } else if (r < 0.52) {
      add(name());
    } else if (r < 0.64) {
      add(choose(abbreviations, rng));
    } else if (r < 0.70) {
      add(choose(cyrillic_acronyms, rng));
    } else if (r < 0.76) {
      add(choose(latin, rng));
    } else if (r < 0.81) {
      const std::string numeral = roman(between(rng, 1, 12));
      switch (between(rng, 0, 3)) {
        case 0: add(std::string(chance(rng, 0.5) ? "XIX" : "XX") + (chance(rng, 0.5) ? " в." : " века")); break;
        case 1: add("гл. " + numeral); break;
        case 2: add("т. " + numeral); break;
        default: add(numeral + (chance(rng, 0.5) ? " съезд" : " отдел"));
      }
    } else if (r < 0.87) {
      switch (between(rng, 0, 4)) {
        case 0: add("№ " + std::to_string(between(rng, 1, 999))); break;
        case 1: add("№" + std::to_string(between(rng, 1, 99)) + "/" + std::to_string(between(rng, 1, 40))); break;
        case 2: add(std::to_string(between(rng, 1900, 1950)) + " г."); break;
        case 3: add(std::to_string(between(rng, 1, 31)) + "-го"); break;
        default: add(grouped(random_amount(rng), language, rng));
      }
    } else if (r < 0.92) {
      add(chance(rng, 0.6) ? date(language, rng) : amount(language, rng));
    } else if (!tokens.empty()) {
      static const std::vector<std::string> marks = {",", ",", ".", ";", ":", " –", " —"};
      const std::string& m = choose(marks, rng);
      tokens.back() += m;
      len += length(m);
    }
  }
  if (!tokens.empty() && chance(rng, 0.5)) tokens.back() += ".";
  std::string line;
  for (const auto& t : tokens) line += (line.empty() ? "" : " ") + t;
  return line;
}

std::string pre_reform_spelling(const std::string& line) {
  // Stems (lower case, matched at the start of a word) and their old spelling.
  static const std::vector<std::pair<std::u32string, std::u32string>> stems = {
      {U"хлеб", U"хлѣб"}, {U"бел", U"бѣл"}, {U"дел", U"дѣл"}, {U"мест", U"мѣст"}, {U"врем", U"врѣм"},
      {U"человек", U"человѣк"}, {U"лес", U"лѣс"}, {U"свет", U"свѣт"}, {U"цвет", U"цвѣт"},
      {U"вмест", U"вмѣст"}, {U"совет", U"совѣт"}, {U"ответ", U"отвѣт"}, {U"обед", U"обѣд"},
      {U"побед", U"побѣд"}, {U"сосед", U"сосѣд"}, {U"лет", U"лѣт"}, {U"вер", U"вѣр"}, {U"ветер", U"вѣтер"},
      {U"след", U"слѣд"}, {U"смел", U"смѣл"}, {U"сеч", U"сѣч"}, {U"мер", U"мѣр"}, {U"нем", U"нѣм"},
      {U"бед", U"бѣд"}, {U"бег", U"бѣг"}, {U"вед", U"вѣд"}, {U"цел", U"цѣл"}, {U"пес", U"пѣс"},
      {U"рек", U"рѣк"}, {U"снег", U"снѣг"}, {U"федор", U"ѳедор"}, {U"фом", U"ѳом"},
      {U"марф", U"марѳ"}, {U"афин", U"аѳин"}, {U"арифмет", U"ариѳмет"}, {U"орфограф", U"орѳограф"},
      {U"кафедр", U"каѳедр"}, {U"тимофе", U"тимоѳе"}, {U"миф", U"миѳ"}, {U"синод", U"сѵнод"}};
  // Whole words.
  static const std::vector<std::pair<std::u32string, std::u32string>> whole = {
      {U"где", U"гдѣ"}, {U"здесь", U"здѣсь"}, {U"нет", U"нѣт"}, {U"две", U"двѣ"}, {U"тебе", U"тебѣ"},
      {U"себе", U"себѣ"}, {U"мне", U"мнѣ"}, {U"везде", U"вездѣ"}, {U"миро", U"мѵро"}, {U"ведь", U"вѣдь"}};
  static const std::u32string hard = U"бвгджзклмнпрстфхцчшщ", vowels = U"аеёиоуыэюяй";
  auto lower = [](char32_t c) -> char32_t {
    if (c >= 0x0410 && c <= 0x042F) return c + 0x20;
    if (c == 0x0401) return 0x0451;
    return c;
  };
  auto is_upper = [](char32_t c) { return (c >= 0x0410 && c <= 0x042F) || c == 0x0401; };
  auto cyrillic_letter = [](char32_t c) { return (c >= 0x0400 && c <= 0x04FF); };
  // Old letters in the case of the letter they replace.
  auto cased = [](char32_t old, bool upper) -> char32_t {
    if (!upper) return old;
    switch (old) {
      case U'ѣ': return U'Ѣ';
      case U'ѳ': return U'Ѳ';
      case U'ѵ': return U'Ѵ';
      case U'і': return U'І';
      case U'ъ': return U'Ъ';
      default: return old >= 0x0430 && old <= 0x044F ? old - 0x20 : old;
    }
  };
  const std::u32string in = utf8_to_utf32(line);
  std::u32string out;
  std::size_t i = 0;
  while (i < in.size()) {
    if (!cyrillic_letter(in[i])) {
      out.push_back(in[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < in.size() && cyrillic_letter(in[j])) ++j;
    std::u32string word = in.substr(i, j - i), low;
    for (char32_t& c : word)
      if (c == U'ё') c = U'е';
      else if (c == U'Ё') c = U'Е';
    for (char32_t c : word) low.push_back(lower(c));
    std::size_t upper_count = 0;
    for (char32_t c : word) upper_count += is_upper(c);
    const bool all_caps = upper_count == word.size() && word.size() > 1;
    auto replace_prefix = [&](const std::u32string& from, const std::u32string& to, bool whole_word) {
      if (low.size() < from.size() || low.compare(0, from.size(), from) != 0) return false;
      if (whole_word && low.size() != from.size()) return false;
      for (std::size_t k = 0; k < to.size(); ++k)
        if (to[k] != from[k]) word[k] = cased(to[k], is_upper(word[k]));
      return true;
    };
    bool done = false;
    for (const auto& [from, to] : whole)
      if (!done) done = replace_prefix(from, to, true);
    for (const auto& [from, to] : stems)
      if (!done) done = replace_prefix(from, to, false);
    // і before a vowel (and й).
    for (std::size_t k = 0; k + 1 < word.size(); ++k)
      if (lower(word[k]) == U'и' && vowels.find(lower(word[k + 1])) != std::u32string::npos)
        word[k] = is_upper(word[k]) ? U'І' : U'і';
    // Final hard sign, except in abbreviations ("г.", "тов.") and acronyms.
    const bool abbreviation = j < in.size() && in[j] == U'.' && word.size() <= 3;
    const bool acronym = upper_count >= 2 && word.size() <= 5 && all_caps;
    if (!abbreviation && !acronym && hard.find(lower(word.back())) != std::u32string::npos)
      word.push_back(all_caps ? U'Ъ' : U'ъ');
    out += word;
    i = j;
  }
  return utf32_to_utf8(out);
}

namespace {

/// fit_to_alphabet's folding and replacements, without its verdict: symbols the alphabet
/// lacks and has no replacement for are kept.
std::u32string fold_for_alphabet(const std::string& line, const Alphabet& alphabet) {
  const std::u32string in = utf8_to_utf32(to_nfc(line));
  std::u32string out;
  out.reserve(in.size());
  bool pending_space = false;
  auto put = [&](char32_t c) {
    if (c == U' ') {
      pending_space = !out.empty();
      return;
    }
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(c);
  };
  for (char32_t c : in) {
    if (c < 0x20 || c == 0x7F || c == 0x00A0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F ||
        c == 0x205F || c == 0x3000) {
      put(U' ');
    } else if (c == 0x00AD || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF) {
      // soft hyphen and zero-width characters: invisible on paper
    } else if (alphabet.index_of(c) >= 0) {
      put(c);
    } else if (u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK) {
      // a mark NFC could not compose (e.g. Russian stress accents): not typed on a typewriter
    } else if (c == 0x2026) {
      put(U'.'), put(U'.'), put(U'.');
    } else if (c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2212) {
      put(U'-');
    } else if (c == 0x201A) {
      put(U',');
    } else if (c == 0x04D3 || c == 0x04E7 || c == 0x04D2 || c == 0x04E6) {
      // Cyrillic ӓ ӧ Ӓ Ӧ belong to none of the alphabet's languages; in the real transcriptions
      // they are Latin ä ö Ä Ö picked from the wrong keyboard.
      put(c == 0x04D3 ? U'ä' : c == 0x04E7 ? U'ö' : c == 0x04D2 ? U'Ä' : U'Ö');
    } else if (c == 0x02BC || c == 0x00B4 || c == 0x2032) {
      put(U'\'');
    } else if (c == 0x2033) {
      put(U'"');
    } else {
      put(c);  // rejected by fit_to_alphabet
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> fit_to_alphabet(const std::string& line, const Alphabet& alphabet) {
  const std::u32string out = fold_for_alphabet(line, alphabet);
  if (out.empty()) return std::nullopt;
  for (char32_t c : out)
    if (alphabet.index_of(c) < 0) return std::nullopt;  // includes ' ' when the alphabet lacks it
  return utf32_to_utf8(out);
}

std::u32string symbols_outside_alphabet(const std::string& line, const Alphabet& alphabet) {
  std::u32string outside;
  for (char32_t c : fold_for_alphabet(line, alphabet))
    if (alphabet.index_of(c) < 0 && outside.find(c) == std::u32string::npos) outside.push_back(c);
  return outside;
}

// ---- Languages ------------------------------------------------------------------------------

std::vector<std::string> corpus_languages() {
  std::vector<std::string> codes;
  for (const auto& lang : languages()) codes.push_back(lang.tesseract);
  return codes;
}

std::string corpus_language_code(const std::string& code) {
  for (const auto& lang : languages())
    if (code == lang.code || code == lang.tesseract) return lang.code;
  return {};
}

std::string document_language(const std::vector<std::string>& lines) {
  std::map<std::string, std::size_t> hits;
  for (const auto& line : lines) {
    for (const auto& raw : split_words(to_lower(line))) {
      // Punctuation clings to words in running text ("že," "(the"): trimmed off here.
      const std::u32string u = utf8_to_utf32(raw);
      std::size_t b = 0, e = u.size();
      while (b < e && !u_isalpha(static_cast<UChar32>(u[b]))) ++b;
      while (e > b && !u_isalpha(static_cast<UChar32>(u[e - 1]))) --e;
      if (b == e) continue;
      const std::string word = utf32_to_utf8(u.substr(b, e - b));
      for (const auto& [lang, words] : function_words())
        if (std::find(words.begin(), words.end(), word) != words.end()) ++hits[lang];
    }
  }
  std::string best;
  std::size_t most = 0;
  for (const auto& lang : languages()) {  // table order breaks ties, favouring the archive's
    const auto it = hits.find(lang.code);
    if (it != hits.end() && it->second > most) most = it->second, best = lang.code;
  }
  return best;
}

std::string ground_truth_language(const std::string& document, const std::vector<std::string>& lines) {
  if (document.rfind("tapus-", 0) == 0) return "fr";
  // EHRI names carry a country or language tag between separators: "…-19390125-US_02",
  // "…_CZ_01". Only upper-case tokens count, so words of a name ("default") never match.
  static const std::map<std::string, std::string> tags = {
      {"EN", "en"}, {"US", "en"}, {"GB", "en"}, {"DE", "de"}, {"FR", "fr"}, {"CZ", "cs"},
      {"CS", "cs"}, {"SK", "sk"}, {"DA", "da"}, {"DK", "da"}, {"PL", "pl"}, {"HU", "hu"},
      {"RU", "ru"}};
  std::size_t start = 0;
  while (start <= document.size()) {
    std::size_t end = document.find_first_of("-_", start);
    if (end == std::string::npos) end = document.size();
    const auto it = tags.find(document.substr(start, end - start));
    if (it != tags.end()) return it->second;
    start = end + 1;
  }
  return document_language(lines);
}

// ---- Corpus ---------------------------------------------------------------------------------

Corpus build_corpus(const CorpusOptions& options, const Alphabet& alphabet) {
  const std::string only = corpus_language_code(options.language);
  if (!options.language.empty() && only.empty())
    throw std::invalid_argument("build_corpus: '" + options.language + "' is not a corpus language");
  // With one language it alone is built; every other step is as for the whole corpus.
  auto selected = [&](const Language& lang) { return only.empty() || only == lang.code; };
  Corpus corpus;
  std::mt19937 rng(options.seed);
  std::unordered_set<std::string> seen;
  std::vector<std::string> lines;
  auto keep = [&](const std::string& raw, std::string source) {
    // A small share of the Russian lines in the old orthography (émigré papers).
    const bool russian = source.size() > 3 && source.compare(source.size() - 3, 3, ":ru") == 0;
    std::string text = raw;
    if (russian && chance(rng, 0.06)) {
      text = pre_reform_spelling(raw);
      source = "pre-reform:ru";
    }
    std::optional<std::string> fitted = fit_to_alphabet(text, alphabet);
    if (!fitted) return false;
    // Generated lines respect max_chars even after vary() spaced them out; real lines are
    // kept whatever their length.
    if (source != "ground-truth" && length(*fitted) > static_cast<std::size_t>(options.max_chars)) return false;
    if (!seen.insert(*fitted).second) return false;
    lines.push_back(std::move(*fitted));
    ++corpus.lines_by_source[source];
    return true;
  };

  double total_weight = 0;
  for (const auto& lang : languages())
    if (selected(lang)) total_weight += lang.weight;
  const double prose_lines = static_cast<double>(options.lines) * (1 - std::clamp(options.synthetic_share, 0.0, 1.0));

  // Word lists of every language, for pseudo-sentences and for the synthetic lines; each is
  // capped at a random 60,000 words to bound memory (the large lists are mostly inflections).
  std::map<std::string, std::vector<std::string>> words;
  for (const auto& lang : languages()) {
    if (!selected(lang)) continue;
    const fs::path dic = fs::path(options.hunspell_dir) / (std::string(lang.dictionary) + ".dic");
    std::error_code ec;
    if (!fs::exists(dic, ec)) {
      corpus.notes.push_back(std::string("no word list for ") + lang.code + " (" + dic.string() + " missing)");
      continue;
    }
    std::vector<std::string> all = read_hunspell_words(dic.string());
    std::vector<std::string> usable;
    for (auto& w : all)
      if (fit_to_alphabet(w, alphabet)) usable.push_back(std::move(w));
    shuffle(usable, rng);
    if (usable.size() > 60000) usable.resize(60000);
    words[lang.code] = std::move(usable);
  }

  for (const auto& lang : languages()) {
    if (!selected(lang)) continue;
    const auto quota = static_cast<std::size_t>(prose_lines * lang.weight / total_weight);
    std::size_t made = 0;
    const bool has_fortunes = !lang.fortunes.empty();
    if (has_fortunes) {
      // Fortunes make most of the language's lines: real sentences, real punctuation.
      std::vector<std::string> fortunes;
      for (const auto& spec : lang.fortunes)
        for (const auto& file : fortune_files(options.fortune_dir, spec, lang.exclude)) {
          auto f = read_fortunes(file);
          fortunes.insert(fortunes.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
        }
      if (fortunes.empty())
        corpus.notes.push_back(std::string("no fortunes for ") + lang.code + " under " + options.fortune_dir);
      shuffle(fortunes, rng);
      // Cyrillic keeps a sixth of its quota for office lines (below).
      const std::size_t fortune_quota =
          words.count(lang.code) ? quota * (cyrillic(lang.code) ? 65 : 80) / 100 : quota;
      const std::string source = std::string("fortunes:") + lang.code;
      for (std::size_t i = 0; i < fortunes.size() && made < fortune_quota; ++i)
        for (const auto& l : wrap_text(fortunes[i], options.min_chars, options.max_chars, rng, 0.06))
          if (made < fortune_quota && keep(vary(l, lang.code, rng), source)) ++made;
    }
    // Pseudo-sentences fill the rest: the vocabulary and diacritics of the whole word list.
    auto it = words.find(lang.code);
    if (it == words.end() || it->second.empty()) continue;
    if (cyrillic(lang.code)) {
      // Office matter: initials, abbreviations, numbers and Latin inside Cyrillic text.
      const std::size_t office_quota = std::min(quota, made + quota / 6);
      const std::string office = std::string("office:") + lang.code;
      std::size_t tries = 0;
      while (made < office_quota && tries++ < quota + 100) {
        const int target = between(rng, std::max(8, options.min_chars / 2), options.max_chars - 10);
        std::string line = cyrillic_office_line(it->second, lang.code, target, rng);
        if (static_cast<int>(length(line)) <= options.max_chars && keep(line, office)) ++made;
      }
    }
    const std::string source = std::string("words:") + lang.code;
    std::size_t attempts = 0;
    while (made < quota && attempts++ < quota * 4 + 100) {
      std::string paragraph;
      for (int k = between(rng, 2, 5); k > 0; --k) paragraph += pseudo_sentence(it->second, lang.code, rng) + " ";
      for (const auto& l : wrap_text(paragraph, options.min_chars, options.max_chars, rng, 0.06))
        if (made < quota && keep(vary(l, lang.code, rng), source)) ++made;
    }
  }

  // Archive matter: dates, amounts, references, abbreviations, in every language.
  const auto synthetic = static_cast<std::size_t>(static_cast<double>(options.lines) * options.synthetic_share);
  if (!words.empty()) {
    std::vector<std::pair<std::string, double>> weights;
    for (const auto& lang : languages())
      if (words.count(lang.code)) weights.emplace_back(lang.code, lang.weight);
    double sum = 0;
    for (const auto& w : weights) sum += w.second;
    std::size_t made = 0, attempts = 0;
    while (made < synthetic && attempts++ < synthetic * 4 + 100) {
      double r = uniform01(rng) * sum;
      std::size_t li = 0;
      while (li + 1 < weights.size() && r >= weights[li].second) r -= weights[li++].second;
      const std::string& code = weights[li].first;
      const int target = between(rng, std::max(8, options.min_chars / 2), options.max_chars - 10);
      std::string line = synthetic_line(words[code], code, target, rng);
      if (static_cast<int>(length(line)) > options.max_chars) continue;
      if (keep(vary(line, code, rng), "synthetic")) ++made;
    }
  }

  // The real transcriptions: the archive's own wording, each once.
  for (const auto& dir : options.ground_truth_dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw DataError("ground-truth folder '" + dir + "' does not exist");
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 7 && name.compare(name.size() - 7, 7, ".gt.txt") == 0) files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    if (only.empty()) {
      for (const auto& f : files)
        for (const auto& l : read_text_lines(f)) keep(l, "ground-truth");
      continue;
    }
    // One language: documents (file names without "-NNN.gt.txt") are kept or left whole,
    // since a single line is too short to tell its language.
    std::map<std::string, std::vector<std::string>> documents;  // sorted: same order every run
    for (const auto& f : files) {
      std::string name = fs::path(f).filename().string();
      name.erase(name.size() - 7);
      const std::size_t dash = name.rfind('-');
      if (dash != std::string::npos && dash + 1 < name.size() &&
          name.find_first_not_of("0123456789", dash + 1) == std::string::npos)
        name.erase(dash);
      auto& text = documents[name];
      for (auto& l : read_text_lines(f)) text.push_back(std::move(l));
    }
    for (const auto& [name, text] : documents)
      if (ground_truth_language(name, text) == only)
        for (const auto& l : text) keep(l, "ground-truth");
  }

  // Asking for the transcriptions alone (lines = 0) of a language that has none is no error:
  // most languages have no real lines yet.
  if (lines.empty() && options.lines == 0 && !options.ground_truth_dirs.empty())
    corpus.notes.push_back("no transcription of " + (only.empty() ? std::string("any language") : only) +
                           " under the ground-truth folders");
  else if (lines.empty())
    throw DataError("no corpus line could be made: check " + options.fortune_dir + " and " + options.hunspell_dir);
  shuffle(lines, rng);
  corpus.lines = std::move(lines);
  return corpus;
}

// ---- Files ----------------------------------------------------------------------------------

std::vector<std::string> read_text_lines(const std::string& path) {
  const std::string text = read_file(path);
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // byte-order mark
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    // utf8_to_utf32 turns each invalid byte into U+FFFD; a U+FFFD not in the bytes means the
    // line was not valid UTF-8.
    const std::u32string u = utf8_to_utf32(line);
    if (u.find(static_cast<char32_t>(0xFFFD)) != std::u32string::npos &&
        line.find("\xEF\xBF\xBD") == std::string::npos)
      throw DataError("'" + path + "' line " + std::to_string(number) +
                      " is not UTF-8; convert the file (e.g. iconv -t UTF-8)");
    lines.push_back(std::move(line));
  }
  return lines;
}

void write_text_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw DataError("cannot write '" + path + "'");
  for (const auto& l : lines) out << l << '\n';
  out.flush();
  if (!out) throw DataError("error writing '" + path + "' (disk full?)");
}

}  // namespace platen
