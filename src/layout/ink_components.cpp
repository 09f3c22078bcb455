#include "layout/ink_components.h"

#include <algorithm>
#include <numeric>

namespace platen::layout {

namespace {

// Union-find with path halving; union by index keeps the smallest (top-left) run as root,
// which makes component numbering follow the page's row order for free.
int find_root(std::vector<int>& parent, int i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

void unite(std::vector<int>& parent, int a, int b) {
  a = find_root(parent, a);
  b = find_root(parent, b);
  if (a == b) return;
  if (a < b) {
    parent[b] = a;
  } else {
    parent[a] = b;
  }
}

}  // namespace

InkRuns extract_ink_runs(Pix* binary) {
  InkRuns out;
  if (!binary || pixGetDepth(binary) != 1) return out;
  const int w = pixGetWidth(binary);
  const int h = pixGetHeight(binary);
  const int wpl = pixGetWpl(binary);
  const l_uint32* data = pixGetData(binary);
  out.width = w;
  out.height = h;
  out.row_start.assign(static_cast<std::size_t>(h) + 1, 0);
  // Words whose pixels lie wholly inside the image; the last partial word's padding bits are
  // not guaranteed clear, so runs are clipped to the width.
  for (int y = 0; y < h; ++y) {
    out.row_start[y] = static_cast<int>(out.runs.size());
    const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    bool in_run = false;
    int start = 0;
    for (int wi = 0; wi < wpl; ++wi) {
      const std::uint32_t word = line[wi];
      // Blank words outside a run and full words inside one change nothing: skip them whole.
      if (!in_run && word == 0) continue;
      if (in_run && word == 0xffffffffu) continue;
      const int base = wi * 32;
      int bit = 0;
      while (bit < 32) {
        // Leptonica stores pixel 0 in the most significant bit, so count leading zeros of
        // the word shifted left to find the next transition.
        if (!in_run) {
          const std::uint32_t rest = word << bit;
          if (rest == 0) break;
          bit += __builtin_clz(rest);
          start = base + bit;
          in_run = true;
        } else {
          const std::uint32_t rest = ~word << bit;
          if (rest == 0) break;
          bit += __builtin_clz(rest);
          const int end = std::min(base + bit, w);
          if (start < w && end > start) out.runs.push_back({y, start, end});
          in_run = false;
        }
      }
    }
    if (in_run && start < w) out.runs.push_back({y, start, w});
  }
  out.row_start[h] = static_cast<int>(out.runs.size());
  return out;
}

InkRuns extract_mask_runs(const std::vector<std::uint8_t>& mask, int width, int height) {
  InkRuns out;
  out.width = width;
  out.height = height;
  out.row_start.assign(static_cast<std::size_t>(std::max(height, 0)) + 1, 0);
  for (int y = 0; y < height; ++y) {
    out.row_start[y] = static_cast<int>(out.runs.size());
    const std::uint8_t* row = mask.data() + static_cast<std::size_t>(y) * width;
    int x = 0;
    while (x < width) {
      while (x < width && !row[x]) ++x;
      if (x >= width) break;
      const int start = x;
      while (x < width && row[x]) ++x;
      out.runs.push_back({y, start, x});
    }
  }
  if (height > 0) out.row_start[height] = static_cast<int>(out.runs.size());
  return out;
}

ComponentLabels label_components(const InkRuns& runs, const std::vector<std::uint8_t>* run_class) {
  ComponentLabels out;
  const int n = static_cast<int>(runs.runs.size());
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto same_class = [&](int a, int b) { return !run_class || (*run_class)[a] == (*run_class)[b]; };

  // Merge each row with the one above: two pointers walk both rows' runs in x order.
  for (int y = 1; y < runs.height; ++y) {
    int a = runs.row_start[y - 1];
    const int a_end = runs.row_start[y];
    int b = runs.row_start[y];
    const int b_end = runs.row_start[y + 1];
    while (a < a_end && b < b_end) {
      const InkRun& ra = runs.runs[a];
      const InkRun& rb = runs.runs[b];
      // 8-connectivity: pixel ranges [x0, x1 - 1] touch when they overlap after widening by 1.
      if (ra.x0 <= rb.x1 && rb.x0 <= ra.x1 && same_class(a, b)) unite(parent, a, b);
      if (ra.x1 < rb.x1) {
        ++a;
      } else {
        ++b;
      }
    }
  }

  out.run_component.assign(n, -1);
  std::vector<int> counts;
  for (int i = 0; i < n; ++i) {
    const int root = find_root(parent, i);
    if (root == i) {
      out.run_component[i] = static_cast<int>(out.components.size());
      const InkRun& r = runs.runs[i];
      InkComponent c;
      c.x0 = r.x0;
      c.x1 = r.x1;
      c.y0 = r.y;
      c.y1 = r.y + 1;
      out.components.push_back(c);
      counts.push_back(0);
    } else {
      // The root has the smallest index of its set, so it was numbered already.
      out.run_component[i] = out.run_component[root];
    }
    const int c = out.run_component[i];
    const InkRun& r = runs.runs[i];
    InkComponent& comp = out.components[c];
    comp.x0 = std::min(comp.x0, r.x0);
    comp.x1 = std::max(comp.x1, r.x1);
    comp.y0 = std::min(comp.y0, r.y);
    comp.y1 = std::max(comp.y1, r.y + 1);
    comp.area += r.length();
    ++counts[c];
  }

  const int nc = static_cast<int>(out.components.size());
  out.run_start.assign(static_cast<std::size_t>(nc) + 1, 0);
  for (int c = 0; c < nc; ++c) out.run_start[c + 1] = out.run_start[c] + counts[c];
  out.component_runs.assign(n, 0);
  std::vector<int> fill(out.run_start.begin(), out.run_start.end() - 1);
  for (int i = 0; i < n; ++i) out.component_runs[fill[out.run_component[i]]++] = i;
  return out;
}

}  // namespace platen::layout
