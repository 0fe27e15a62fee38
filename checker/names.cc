// checker/names.cc: names of violation kinds (violations.def) and the op-name registry.
//
// Design note. Op kinds are numbers defined by models (model/ops.def); models register their
// name table once at start-up. The registry is a plain vector indexed by kind, filled before
// exploration starts, read at report time only. Re-registering the same table is allowed (every
// translation unit including a header with a registration may run it).
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "checker/api.h"

namespace ravel {
namespace {

struct ViolationInfo {
  const char* name;
  bool fatal;
};

constexpr ViolationInfo kViolations[] = {
#define X(e, name, fatal) {name, fatal},
#include "checker/violations.def"
#undef X
};

struct OpRegistry {
  std::mutex mu;
  std::vector<const char*> names;
  std::vector<std::string> fallback;  // "op<k>" strings handed out for unknown kinds
};

OpRegistry& registry() {
  static OpRegistry* r = new OpRegistry();  // never destroyed: used by static initializers
  return *r;
}

}  // namespace

const char* violation_name(Violation::Kind kind) {
  auto i = static_cast<size_t>(kind);
  return i < std::size(kViolations) ? kViolations[i].name : "?";
}

bool violation_is_fatal(Violation::Kind kind) {
  auto i = static_cast<size_t>(kind);
  return i < std::size(kViolations) && kViolations[i].fatal;
}

bool violation_from_name(const std::string& name, Violation::Kind* out) {
  for (size_t i = 0; i < std::size(kViolations); ++i) {
    if (name == kViolations[i].name) {
      *out = static_cast<Violation::Kind>(i);
      return true;
    }
  }
  return false;
}

void register_op_names(const char* const* names, size_t count, OpKind first) {
  OpRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.names.size() < first + count) r.names.resize(first + count, nullptr);
  for (size_t i = 0; i < count; ++i) r.names[first + i] = names[i];
}

const char* op_name(OpKind kind) {
  OpRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (kind < r.names.size() && r.names[kind] != nullptr) return r.names[kind];
  if (kind == 0) return "start";
  if (kind == 2) return "join_all";
  // Unknown kinds still print something stable; the strings live as long as the registry.
  std::string s = "op" + std::to_string(kind);
  for (const std::string& f : r.fallback) {
    if (f == s) return f.c_str();
  }
  r.fallback.reserve(256);  // Safety: c_str() of earlier entries must stay valid
  if (r.fallback.size() == r.fallback.capacity()) return "op?";
  r.fallback.push_back(s);
  return r.fallback.back().c_str();
}

}  // namespace ravel
