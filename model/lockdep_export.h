// model/lockdep_export.h: a read-only export of the lock-class orderings lockdep observes, for
// `ravel lockorder` (tools/ravel/lockorder.h) and tests.
//
// Design note. Lockdep's own graph (model/lockdep.h) keeps one edge per class pair, the first
// one recorded, and never records the edge that closes a cycle; both depend on exploration order.
// A regression baseline must not: LockOrderRecorder listens to every dependency lockdep
// validates (set_lock_order_observer, per thread) and LockOrderSet keeps, per ordering
// (from, to, IRQ context, IRQs off), the smallest pair of acquisition locations, compared as
// (file, line, col) tuples. The set is therefore the same for every exhaustive strategy, every
// exploration order and every way of splitting the scenarios over runs. Classes are lockdep's
// class names (model/lockdep.h: "a", "job.lock", "reservation_ww_class_mutex", "name/1" for a
// subclass). As lockdep (check_prev_add), recursive-read acquisitions and trylocks add no
// ordering, and only the nearest held lock of the same IRQ context (or, through trylocks,
// further ones) precedes the acquired one.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "model/lockdep.h"

namespace ravel::model {

enum class IrqContext : uint8_t { kProcess = 0, kSoftirq = 1, kHardirq = 2 };
const char* irq_context_name(IrqContext c);  // "process", "softirq", "hardirq"
// Inverse of irq_context_name; false for an unknown name.
bool parse_irq_context(std::string_view name, IrqContext* out);

struct SrcLoc {
  std::string file;
  uint32_t line = 0;
  uint32_t col = 0;
  auto operator<=>(const SrcLoc&) const = default;
  std::string str() const;  // "file:line:col"
};

// One ordering: `to` acquired while `from` was held.
struct LockOrder {
  std::string from, to;
  IrqContext context = IrqContext::kProcess;  // of the acquisition of `to`
  bool irqs_off = false;                      // hardirqs disabled at the acquisition of `to`
  SrcLoc from_loc, to_loc;                    // smallest location pair seen
};

// Orderings, one per (from, to, context, irqs_off), merged order-independently.
class LockOrderSet {
 public:
  // Adds one observation; keeps the smaller location pair when the ordering is known.
  void add(const LockOrder& o);
  void add_all(const LockOrderSet& other);
  // Sorted by (from, to, context, irqs_off).
  std::vector<LockOrder> sorted() const;
  size_t size() const { return orders_.size(); }
  // Fast path for the recorder: no allocation when the ordering is known with a smaller pair.
  void observe(const LockOrderSeen& seen);

 private:
  struct Key {
    std::string from, to;
    int context;
    bool irqs_off;
  };
  struct KeyView {
    std::string_view from, to;
    int context;
    bool irqs_off;
  };
  struct Less {
    using is_transparent = void;
    // Both sides as string_views: comparing a tuple of strings with a tuple of string_views
    // is a GCC extension that clang (the fuzz build) rejects.
    template <class K>
    static auto view(const K& k) {
      return std::make_tuple(std::string_view(k.from), std::string_view(k.to), k.context,
                             k.irqs_off);
    }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return view(a) < view(b);
    }
  };
  struct Locs {
    SrcLoc first, then;
  };
  std::map<Key, Locs, Less> orders_;
};

// While alive, records into `into` every ordering lockdep validates on this thread (runs explored
// on this thread, e.g. interp::run_program). Restores "no observer" when destroyed.
class LockOrderRecorder final : public LockOrderObserver {
 public:
  explicit LockOrderRecorder(LockOrderSet* into);
  ~LockOrderRecorder() override;
  LockOrderRecorder(const LockOrderRecorder&) = delete;
  LockOrderRecorder& operator=(const LockOrderRecorder&) = delete;
  void seen(const LockOrderSeen& order) override { into_->observe(order); }

 private:
  LockOrderSet* into_;
};

}  // namespace ravel::model
