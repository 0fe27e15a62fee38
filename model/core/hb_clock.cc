// model/core/hb_clock.cc: vector clock operations (see hb_clock.h).
#include "model/core/hb_clock.h"

namespace ravel::model {

void VectorClock::set(TaskId t, uint32_t v) {
  if (t >= c_.size()) c_.resize(t + 1, 0);
  c_[t] = v;
}

void VectorClock::join(const VectorClock& other) {
  if (other.c_.size() > c_.size()) c_.resize(other.c_.size(), 0);
  for (size_t i = 0; i < other.c_.size(); ++i) c_[i] = std::max(c_[i], other.c_[i]);
}

bool VectorClock::leq(const VectorClock& other) const {
  for (size_t i = 0; i < c_.size(); ++i) {
    if (c_[i] > other.get(static_cast<TaskId>(i))) return false;
  }
  return true;
}

std::string VectorClock::to_string() const {
  std::string s = "[";
  for (size_t i = 0; i < c_.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(c_[i]);
  }
  return s + "]";
}

}  // namespace ravel::model
