#include "recognition/char_ngram_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include <unicode/uchar.h>

#include "core/binary_io.h"
#include "core/errors.h"
#include "recognition/code_point_hash.h"
#include "recognition/language_model_sections.h"

namespace platen {

namespace {

using code_point_hash::mix;
using code_point_hash::nonzero;
using lm_sections::get_count;
using lm_sections::get_f32;
using lm_sections::put_f32;

// An n-gram's key is built from its last code point backwards, so that while looking up
// ever longer contexts of one prediction each step costs a single mix() of the key so far.
constexpr std::uint64_t kNgramSeed = 0x243F6A8885A308D3ULL;  // key of the empty sequence

bool is_space(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)); }

/// Training text as the model sees it: whitespace runs folded to one space, ends trimmed,
/// control characters (and our own sentinels) removed.
std::u32string clean_line(const std::u32string& line) {
  std::u32string out;
  out.reserve(line.size());
  bool pending_space = false;
  for (char32_t c : line) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (u_iscntrl(static_cast<UChar32>(c))) continue;
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

/// Training statistics of one code-point sequence, as an n-gram (the last symbol predicted
/// after the others) and as a context (of the symbols that followed it).
struct NgramRecord {
  std::uint64_t key = 0;      // nonzero(hash of the sequence); 0 marks an empty slot
  std::uint64_t context = 0;  // key of the sequence without its last symbol
  std::uint64_t lower = 0;    // key of the sequence without its first symbol (backoff n-gram)
  std::uint64_t count = 0;    // c(h,w): times seen as an n-gram
  std::uint64_t followers = 0;  // c(h): n-gram tokens with this sequence as context
  std::uint32_t types = 0;      // t(h): distinct symbols seen after it
  std::int32_t order = 0;       // n-gram length; 0 when only ever a context
  double prob = 0;              // interpolated P(w|h)
};

/// Open-addressed table of NgramRecords (linear probing, load ≤ 1/2): one flat array instead
/// of a heap node per n-gram, which made counting millions of them allocator-bound.
class NgramCounts {
 public:
  NgramCounts() : slots_(1 << 16) {}
  NgramRecord& at(std::uint64_t key) {
    key = nonzero(key);
    if (2 * (size_ + 1) > slots_.size()) grow();
    NgramRecord& r = slot(key);
    if (r.key == 0) {
      r.key = key;
      ++size_;
    }
    return r;
  }
  NgramRecord* find(std::uint64_t key) {
    key = nonzero(key);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = key & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == key) return &slots_[i];
      if (slots_[i].key == 0) return nullptr;
    }
  }
  std::vector<NgramRecord>& slots() { return slots_; }

 private:
  NgramRecord& slot(std::uint64_t key) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = key & mask;
    while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask;
    return slots_[i];
  }
  void grow() {
    std::vector<NgramRecord> old(slots_.size() * 2);
    old.swap(slots_);
    for (const NgramRecord& r : old)
      if (r.key != 0) slot(r.key) = r;
  }
  std::vector<NgramRecord> slots_;
  std::size_t size_ = 0;
};

}  // namespace

CharLanguageModel CharLanguageModel::train(const std::vector<std::u32string>& lines, int order,
                                           int min_count) {
  if (order < 1 || order > kMaxOrder)
    throw std::invalid_argument("CharLanguageModel::train: order " + std::to_string(order) +
                                " outside [1, " + std::to_string(kMaxOrder) + "]");
  if (min_count < 1)
    throw std::invalid_argument("CharLanguageModel::train: min_count " + std::to_string(min_count) +
                                " is below 1");
  // Each record remembers its context's key and the key of the n-gram one shorter (its
  // backoff), so the smoothing pass needs no second look at the text.
  NgramCounts table;
  table.at(mix(kNgramSeed, kLineStart));  // the one context that is never an n-gram itself
  std::u32string seq;
  for (const std::u32string& raw : lines) {
    std::u32string text = clean_line(raw);
    if (text.empty()) continue;
    seq.clear();
    seq.push_back(kLineStart);
    seq += text;
    seq.push_back(kLineEnd);
    for (std::size_t i = 1; i < seq.size(); ++i) {
      std::uint64_t event = mix(kNgramSeed, seq[i]), context = kNgramSeed, lower = 0;
      for (int n = 1;; ++n) {
        NgramRecord& e = table.at(event);
        e.count++;
        e.context = context;
        e.lower = lower;
        e.order = n;
        // The context cannot reach before the line-start marker.
        if (n == order || i < static_cast<std::size_t>(n)) break;
        lower = event;
        context = mix(context, seq[i - n]);
        event = mix(event, seq[i - n]);
      }
    }
  }

  // Per context h: c(h) = n-gram tokens following it, t(h) = distinct symbols following it.
  // Every context is itself a record (an n-gram one shorter, or the line start), so this
  // pass only updates records and never grows the table under its own iteration.
  std::uint64_t root_total = 0, root_types = 0;
  for (NgramRecord& e : table.slots()) {
    if (e.key == 0 || e.order == 0) continue;
    if (e.order == 1) {
      root_total += e.count;
      root_types += 1;
    } else if (NgramRecord* c = table.find(e.context)) {
      c->followers += e.count;
      c->types += 1;
    }
  }

  CharLanguageModel model;
  model.order_ = order;
  if (root_total == 0) {  // no text: a valid model that predicts the uniform floor
    model.build_table({});
    return model;
  }
  // Unigrams interpolate with a uniform distribution over the V seen symbols plus one slot
  // for every unseen one, so an unseen symbol keeps a small, fixed probability.
  const double uniform = 1.0 / static_cast<double>(root_types + 1);
  model.log_uniform_ = static_cast<float>(std::log(uniform));
  model.root_backoff_ = static_cast<float>(
      std::log(static_cast<double>(root_types) / static_cast<double>(root_total + root_types)));

  // Interpolated Witten-Bell, lowest order first so each n-gram's backoff is ready:
  //   P(w|h) = (c(h,w) + t(h)·P(w|h')) / (c(h) + t(h)),   h' = h without its first symbol.
  for (int n = 1; n <= order; ++n) {
    for (NgramRecord& e : table.slots()) {
      if (e.key == 0 || e.order != n) continue;
      double followers, types, lower;
      if (n == 1) {
        followers = static_cast<double>(root_total);
        types = static_cast<double>(root_types);
        lower = uniform;
      } else {
        const NgramRecord* c = table.find(e.context);
        const NgramRecord* l = table.find(e.lower);
        followers = c ? static_cast<double>(c->followers) : 0.0;
        types = c ? static_cast<double>(c->types) : 0.0;
        lower = l ? l->prob : uniform;
      }
      e.prob = (static_cast<double>(e.count) + types * lower) / (followers + types);
    }
  }

  // Count pruning: n-grams of order ≥ 3 seen fewer than min_count times are not stored, so
  // they are scored by backing off. Since an n-gram is never seen more often than the one
  // without its first symbol, whatever is dropped takes its longer extensions with it, and
  // the lookup's "first miss ends the search" stays true. Unigrams and bigrams stay: there
  // are few of them, and every backoff ends in them.
  auto kept = [&](const NgramRecord& r) {
    return r.order <= 2 || r.count >= static_cast<std::uint64_t>(min_count);
  };
  // A context that lost followers gives their mass back through its backoff weight
  // (Katz 1987's renormalisation): γ(h) = (1 − Σ P(w|h)) / (1 − Σ P(w|h')) over the kept w.
  struct KeptMass {
    double here = 0, lower = 0;
    bool pruned = false;
  };
  std::unordered_map<std::uint64_t, KeptMass> kept_mass;
  if (min_count > 1) {
    for (const NgramRecord& r : table.slots()) {
      if (r.key == 0 || r.order < 3) continue;
      KeptMass& m = kept_mass[r.context];
      if (!kept(r)) {
        m.pruned = true;
        continue;
      }
      const NgramRecord* l = table.find(r.lower);
      m.here += r.prob;
      m.lower += l ? l->prob : 0.0;
    }
  }

  // Backoff form: an n-gram's entry holds log P(w|h); a context's entry holds
  // log γ(h) = log t(h)/(c(h)+t(h)), the mass left for symbols not seen after h.
  std::vector<Entry> entries;
  for (const NgramRecord& r : table.slots()) {
    if (r.key == 0 || (r.order > 0 && !kept(r))) continue;
    Entry entry;
    entry.key = r.key;
    if (r.order > 0) entry.log_prob = static_cast<float>(std::log(r.prob));
    const auto m = kept_mass.find(r.key);
    if (m != kept_mass.end() && m->second.pruned) {
      const double left = std::max(1e-12, 1.0 - m->second.here);
      const double lower_left = std::max(1e-12, 1.0 - m->second.lower);
      entry.backoff = static_cast<float>(std::log(left / lower_left));
    } else if (r.types > 0) {
      entry.backoff = static_cast<float>(std::log(
          static_cast<double>(r.types) / static_cast<double>(r.followers + r.types)));
    }
    entries.push_back(entry);
  }
  model.build_table(entries);
  return model;
}

bool CharLanguageModel::build_table(const std::vector<Entry>& entries, std::size_t max_probes) {
  count_ = entries.size();
  // Load factor ≤ 1/2 keeps linear-probing runs short (about 1.5 probes per hit).
  std::size_t capacity = 16;
  while (capacity < 2 * entries.size()) capacity *= 2;
  table_.assign(capacity, Entry{});
  for (auto& slot : table_) slot.key = 0;
  const std::size_t mask = capacity - 1;
  for (const Entry& e : entries) {
    std::size_t i = e.key & mask, probes = 0;
    while (table_[i].key != 0 && table_[i].key != e.key) {
      i = (i + 1) & mask;
      if (++probes > max_probes) return false;
    }
    table_[i] = e;
  }
  return true;
}

const CharLanguageModel::Entry* CharLanguageModel::find(std::uint64_t key) const {
  key = nonzero(key);
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = key & mask;; i = (i + 1) & mask) {
    const Entry& e = table_[i];
    if (e.key == key) return &e;
    if (e.key == 0) return nullptr;
  }
}

float CharLanguageModel::log_prob(std::u32string_view context, char32_t next) const {
  if (empty()) return 0.0f;
  // The context symbols used, nearest first: the last order−1 code points, or all of them
  // followed by the line-start marker when the line is shorter than that.
  const std::size_t max_context = static_cast<std::size_t>(order_ - 1);
  const int used = static_cast<int>(std::min(context.size(), max_context));
  const int depth = used + (context.size() < max_context ? 1 : 0);
  // events[m]: key of (m context symbols, next); contexts[m]: key of those m symbols.
  std::uint64_t events[kMaxOrder + 1], contexts[kMaxOrder + 1];
  events[0] = mix(kNgramSeed, next);
  contexts[0] = kNgramSeed;
  const std::size_t mask = table_.size() - 1;
  __builtin_prefetch(&table_[nonzero(events[0]) & mask]);
  for (int m = 1; m <= depth; ++m) {
    const char32_t s = m <= used ? context[context.size() - m] : kLineStart;
    events[m] = mix(events[m - 1], s);
    contexts[m] = mix(contexts[m - 1], s);
    // A table much larger than the cache costs a miss per probe; fetching every slot this
    // query may touch up front lets those misses overlap instead of queueing.
    __builtin_prefetch(&table_[nonzero(events[m]) & mask]);
    __builtin_prefetch(&table_[nonzero(contexts[m]) & mask]);
  }
  // The longest seen n-gram ending in `next` gives the probability; an unseen symbol gets
  // its share of the unigram model's uniform floor.
  const Entry* e = find(events[0]);
  float best = (e && e->log_prob <= 0) ? e->log_prob : log_uniform_ + root_backoff_;
  int found = 0;
  if (e && e->log_prob <= 0) {
    // If (h, w) is unseen then (xh, w) is too, so the first miss ends the search.
    for (int m = 1; m <= depth; ++m) {
      const Entry* longer = find(events[m]);
      if (!longer || longer->log_prob > 0) break;
      best = longer->log_prob;
      found = m;
    }
  }
  // Every seen context longer than that one passes on only its backoff share.
  float backoff = 0;
  for (int m = found + 1; m <= depth; ++m) {
    const Entry* c = find(contexts[m]);
    if (!c) break;  // an unseen context has no seen extensions either
    backoff += c->backoff;
  }
  return best + backoff;
}

void CharLanguageModel::save(BinaryWriter& out) const {
  out.u32(static_cast<std::uint32_t>(order_));
  put_f32(out, log_uniform_);
  put_f32(out, root_backoff_);
  std::vector<Entry> entries;
  entries.reserve(count_);
  for (const Entry& e : table_)
    if (e.key != 0) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });
  out.u64(entries.size());
  for (const Entry& e : entries) {
    out.u64(e.key);
    put_f32(out, e.log_prob);
    put_f32(out, e.backoff);
  }
}

CharLanguageModel CharLanguageModel::load(BinaryReader& in) {
  CharLanguageModel model;
  std::uint32_t order = in.u32();
  if (order > static_cast<std::uint32_t>(kMaxOrder))
    throw ModelError("language model n-gram order " + std::to_string(order) +
                     " is over the maximum " + std::to_string(kMaxOrder) + "; the file is corrupt");
  model.order_ = static_cast<int>(order);
  model.log_uniform_ = get_f32(in);
  model.root_backoff_ = get_f32(in);
  std::vector<Entry> entries(get_count(in, 16));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Entry& e = entries[i];
    e.key = nonzero(in.u64());
    e.log_prob = get_f32(in);
    e.backoff = get_f32(in);
    // save() writes the keys in ascending order: anything else (misaligned or overwritten
    // entries) is refused here, in one pass, before building the table. Such keys used to
    // pile into a few slots of it: 1.7 s of linear probing to refuse a corrupt file later.
    if (i > 0 && e.key <= entries[i - 1].key)
      throw ModelError("language model n-gram keys out of order at entry " + std::to_string(i) +
                       "; the file is corrupt, rebuild it");
  }
  // Keys are hashes, so at load ≤ 1/2 a probe run of more than kMaxProbes slots has odds
  // below 1e-20 per table; ascending keys that nonetheless share their low bits (a crafted or
  // damaged file) are refused after a bounded amount of work rather than quadratic.
  constexpr std::size_t kMaxProbes = 256;
  if (!model.build_table(entries, kMaxProbes))
    throw ModelError("language model n-gram keys collide far beyond chance; the file is corrupt, rebuild it");
  return model;
}

}  // namespace platen
