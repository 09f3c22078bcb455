// --shard K/N: disjoint, complete, and the same in any order of the list.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "batch/shard.h"
#include "core/errors.h"

namespace platen::batch {
namespace {

std::vector<BatchInput> archive(int files) {
  std::vector<BatchInput> inputs;
  for (int i = 0; i < files; ++i) {
    const std::string stem = "box" + std::to_string(i % 7) + "/folder" + std::to_string(i % 13) + "/page-" + std::to_string(i);
    inputs.push_back({"in/" + stem + ".tif", stem});
  }
  return inputs;
}

TEST(Shard, PartsAreDisjointCompleteAndIndependentOfOrder) {
  const std::vector<BatchInput> inputs = archive(1000);
  std::vector<BatchInput> shuffled = inputs;
  std::mt19937 random(7);
  std::shuffle(shuffled.begin(), shuffled.end(), random);
  for (int n : {1, 2, 3, 4, 16}) {
    std::map<std::string, int> owner;
    for (int k = 0; k < n; ++k) {
      const std::vector<BatchInput> part = select_shard(inputs, Shard{k, n});
      std::set<std::string> in_order, in_shuffled;
      for (const BatchInput& i : part) in_order.insert(i.output_stem);
      for (const BatchInput& i : select_shard(shuffled, Shard{k, n})) in_shuffled.insert(i.output_stem);
      EXPECT_EQ(in_order, in_shuffled) << k << "/" << n;
      for (const BatchInput& i : part) EXPECT_TRUE(owner.emplace(i.output_stem, k).second) << i.output_stem << " in two parts";
      // Roughly even: no part is empty or holds more than twice its share.
      EXPECT_GT(part.size(), 0u);
      EXPECT_LT(part.size(), 2 * inputs.size() / n + 1);
      // Each part keeps the list's order.
      for (std::size_t j = 1; j < part.size(); ++j)
        EXPECT_LT(std::stoi(part[j - 1].output_stem.substr(part[j - 1].output_stem.rfind('-') + 1)),
                  std::stoi(part[j].output_stem.substr(part[j].output_stem.rfind('-') + 1)));
    }
    EXPECT_EQ(owner.size(), inputs.size()) << "parts of " << n << " miss inputs";
  }
}

TEST(Shard, HashIsFixedAcrossMachines) {
  // FNV-1a 64 test vectors: the partition must not change with the build or the machine.
  EXPECT_EQ(shard_hash(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(shard_hash("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(shard_hash("foobar"), 0x85944171f73967e8ULL);
}

TEST(Shard, ParsesKOfNAndRefusesTheRest) {
  const Shard s = parse_shard("3/4");
  EXPECT_EQ(s.index, 3);
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(parse_shard("0/1").count, 1);
  for (const char* bad : {"4/4", "5/4", "1", "/4", "1/", "-1/4", "1/0", "a/b", "1/4/2", " 1/4"})
    EXPECT_THROW(parse_shard(bad), UsageError) << bad;
}

}  // namespace
}  // namespace platen::batch
