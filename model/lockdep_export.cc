// model/lockdep_export.cc: see lockdep_export.h.
#include "model/lockdep_export.h"

#include <cstring>
#include <tuple>

namespace ravel::model {
namespace {

// (file, line, col) of a model Loc against an exported one, without building strings.
int compare(const Loc& a, const SrcLoc& b) {
  int c = std::strcmp(a.file != nullptr ? a.file : "", b.file.c_str());
  if (c != 0) return c < 0 ? -1 : 1;
  if (a.line != b.line) return a.line < b.line ? -1 : 1;
  if (a.col != b.col) return a.col < b.col ? -1 : 1;
  return 0;
}

SrcLoc to_src(const Loc& l) { return SrcLoc{l.file != nullptr ? l.file : "", l.line, l.col}; }

}  // namespace

const char* irq_context_name(IrqContext c) {
  switch (c) {
    case IrqContext::kSoftirq: return "softirq";
    case IrqContext::kHardirq: return "hardirq";
    case IrqContext::kProcess: break;
  }
  return "process";
}

bool parse_irq_context(std::string_view name, IrqContext* out) {
  for (IrqContext c : {IrqContext::kProcess, IrqContext::kSoftirq, IrqContext::kHardirq}) {
    if (name == irq_context_name(c)) {
      *out = c;
      return true;
    }
  }
  return false;
}

std::string SrcLoc::str() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

void LockOrderSet::add(const LockOrder& o) {
  Key k{o.from, o.to, static_cast<int>(o.context), o.irqs_off};
  auto it = orders_.find(k);
  if (it == orders_.end()) {
    orders_.emplace(std::move(k), Locs{o.from_loc, o.to_loc});
  } else if (std::tie(o.from_loc, o.to_loc) < std::tie(it->second.first, it->second.then)) {
    it->second = Locs{o.from_loc, o.to_loc};
  }
}

void LockOrderSet::add_all(const LockOrderSet& other) {
  for (const LockOrder& o : other.sorted()) add(o);
}

void LockOrderSet::observe(const LockOrderSeen& s) {
  KeyView v{s.from, s.to, s.irq_context, s.irqs_off};
  auto it = orders_.find(v);
  if (it == orders_.end()) {
    orders_.emplace(Key{s.from, s.to, s.irq_context, s.irqs_off},
                    Locs{to_src(s.from_loc), to_src(s.to_loc)});
    return;
  }
  int c = compare(s.from_loc, it->second.first);
  if (c < 0 || (c == 0 && compare(s.to_loc, it->second.then) < 0)) {
    it->second = Locs{to_src(s.from_loc), to_src(s.to_loc)};
  }
}

std::vector<LockOrder> LockOrderSet::sorted() const {
  std::vector<LockOrder> out;
  out.reserve(orders_.size());
  for (const auto& [k, locs] : orders_) {  // std::map: already in key order
    out.push_back(LockOrder{k.from, k.to, static_cast<IrqContext>(k.context), k.irqs_off,
                            locs.first, locs.then});
  }
  return out;
}

LockOrderRecorder::LockOrderRecorder(LockOrderSet* into) : into_(into) {
  set_lock_order_observer(this);
}

LockOrderRecorder::~LockOrderRecorder() { set_lock_order_observer(nullptr); }

}  // namespace ravel::model
