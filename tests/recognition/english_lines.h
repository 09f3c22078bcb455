#pragma once
// A few lines of simple English that the language-model and beam-search tests train their
// small n-gram models and word lists on.

#include <string>
#include <vector>

namespace platen::test {

inline const std::vector<std::u32string> kEnglish = {
    U"hello world",         U"the little bell rang all day",  U"hello again, hello",
    U"all is well",         U"tell me a tale",                U"the small hall",
    U"we will fill it all", U"hello there, little fellow",    U"a yellow balloon",
};

}  // namespace platen::test
