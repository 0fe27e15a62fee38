// checker/path.h: the branch log of one execution and its printable schedule string.
//
// Design note. Stateless model checking (Godefroid, "Model checking for programming languages
// using VeriSoft", POPL 1997) re-runs every execution from the start, so an execution is fully
// named by the sequence of choices made in it: which task ran at each scheduling point, which
// value each Ctx::choose() returned, which timed wait timed out. Path records them in order; the
// schedule string is their compact encoding, and the replay strategy follows it back.
//
// Encoding (version 1): "v1:" then tokens separated by '.':
//   <t>        task t ran           (t in base 36, lower case)
//   _<v>       a choice returned v  (base 36)
//   @<t>       task t's wait timed out
//   -          the strategy abandoned the execution here (a dpor sleep-set-blocked execution)
// and a token may end in "+<n>" (base 36): the same choice n times in a row. Only characters that
// need no quoting in a shell are used.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ravel {

enum class ChoiceKind : uint8_t { kTask, kValue, kTimeout, kAbandon };

struct Choice {
  ChoiceKind kind = ChoiceKind::kTask;
  uint32_t value = 0;
  bool operator==(const Choice&) const = default;
};

class Path {
 public:
  void clear() { choices_.clear(); }
  void reserve(size_t n) { choices_.reserve(n); }
  void push(ChoiceKind kind, uint32_t value) { choices_.push_back({kind, value}); }
  const std::vector<Choice>& choices() const { return choices_; }

  std::string encode() const { return encode(choices_); }
  static std::string encode(const std::vector<Choice>& choices);
  // An execution has at most ExploreOptions::max_events (100000 by default) scheduling points
  // and as many value choices again: a schedule naming more choices than this bound cannot come
  // from ravel, and decoding it would allocate without limit ("v1:0+zzzzzz" is 2^31 choices).
  static constexpr size_t kMaxChoices = size_t{1} << 22;
  // False and an error message naming the offending position when `text` is malformed or
  // names more than kMaxChoices choices.
  static bool decode(const std::string& text, std::vector<Choice>* out, std::string* error);

 private:
  std::vector<Choice> choices_;
};

}  // namespace ravel
