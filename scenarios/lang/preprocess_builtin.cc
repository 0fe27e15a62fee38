// scenarios/lang/preprocess_builtin.cc: the built-in macros (preprocess.h). They are the
// kernel's own spellings, written in the project's words with the meaning the model needs:
//  - annotations for sparse, the linker, the inliner and the compiler carry no meaning for a
//    model of the concurrency and expand to nothing (docs/language.md section 1.2 lists them);
//  - likely()/unlikely() are the condition's truth value, as __builtin_expect(!!(x), 1) is;
//  - the once-only warnings warn like WARN_ON/WARN: "once" only limits how often the kernel
//    prints, a finding is reported once per execution anyway;
//  - `fallthrough;` only silences a compiler warning: an empty statement;
//  - RCU_INIT_POINTER() is WRITE_ONCE() without rcu_assign_pointer's release, as in the kernel
//    (for a pointer no reader can see yet, or NULL);
//  - kzalloc_obj(p)/kmalloc_obj(p) allocate an object of p's type, as the model's
//    kzalloc(T) does (include/linux/slab.h: typeof(P), the gfp argument optional);
//  - wait_event_killable() is wait_event() returning 0: the model sends no fatal signal (as
//    no fence or resv wait is ever interrupted, docs/language.md section 10);
//  - atomic64_t and atomic_long_t are atomic_t, and atomic64_*() and atomic_long_*() the
//    atomic_*() built-ins, every one of them (aliases made from the built-in table): a model
//    atomic holds a 64-bit value (it is not wrapped to 32 bits), so the three types behave the
//    same on a 64-bit kernel;
//  - atomic_inc_not_zero(), atomic_{inc,sub}_and_test() and atomic_add_negative*() are what
//    include/linux/atomic/atomic-arch-fallback.h makes of them: atomic_add_unless(v, 1, 0), and
//    the value-returning RMW compared with zero (the same ordering);
//  - mb()/rmb()/wmb() order what smp_mb()/smp_rmb()/smp_wmb() do between CPUs (they also order
//    device I/O, which the model has none of);
//  - EXPORT_SYMBOL*() only makes a symbol visible to modules, MODULE_LICENSE() and its kin only
//    describe the module: they expand to nothing (the `;` after them is an empty declaration).
// min(), max(), ARRAY_SIZE() and the printing families are not macros: a macro would evaluate
// an argument twice or could not see the array's length (sema_intrinsic.cc).
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/lang/builtins.h"
#include "scenarios/lang/preprocess.h"

namespace ravel::lang {

namespace {

// The atomic_t helpers the kernel defines from other atomics (atomic-arch-fallback.h).
const char* const kAtomicDerived = R"(#define atomic_inc_not_zero(v) atomic_add_unless(v, 1, 0)
#define atomic_inc_and_test(v) (atomic_inc_return(v) == 0)
#define atomic_sub_and_test(i, v) (atomic_sub_return(i, v) == 0)
#define atomic_add_negative(i, v) (atomic_add_return(i, v) < 0)
#define atomic_add_negative_relaxed(i, v) (atomic_add_return_relaxed(i, v) < 0)
#define atomic_add_negative_acquire(i, v) (atomic_add_return_acquire(i, v) < 0)
#define atomic_add_negative_release(i, v) (atomic_add_return_release(i, v) < 0)
#define atomic64_t atomic_t
#define atomic_long_t atomic_t
#define ATOMIC64_INIT(i) ATOMIC_INIT(i)
#define ATOMIC_LONG_INIT(i) ATOMIC_INIT(i)
)";

// `#define atomic64_X atomic_X` and `#define atomic_long_X atomic_X` for every atomic_X, the
// built-ins and the helpers above.
std::string atomic_aliases() {
  std::vector<std::string> names;
  for (const Builtin& b : builtins()) {
    if (b.name.rfind("atomic_", 0) == 0) names.emplace_back(b.name);
  }
  std::string_view derived = kAtomicDerived;
  for (size_t at = derived.find("#define atomic_"); at != std::string_view::npos;
       at = derived.find("#define atomic_", at + 1)) {
    const size_t from = at + 8;
    names.emplace_back(derived.substr(from, derived.find_first_of("( ", from) - from));
  }
  std::string text;
  for (const std::string& n : names) {
    if (n == "atomic_t" || n == "atomic_long_t") continue;
    const std::string rest = n.substr(7);
    text += "#define atomic64_" + rest + " " + n + "\n";
    text += "#define atomic_long_" + rest + " " + n + "\n";
  }
  return text;
}

const char* const kBaseMacros = R"(#define __rcu
#define __must_check
#define __maybe_unused
#define __always_unused
#define __always_inline
#define __inline__
#define noinline
#define __init
#define __exit
#define __initdata
#define __exitdata
#define __iomem
#define __user
#define __kernel
#define __force
#define __percpu
#define __private
#define __read_mostly
#define __ro_after_init
#define __cold
#define __hot
#define __pure
#define __weak
#define __used
#define __noreturn
#define __sched
#define __visible
#define __packed
#define notrace
#define __attribute__(x)
#define __aligned(x)
#define __acquires(x)
#define __releases(x)
#define __must_hold(x)
#define __cond_acquires(x)
#define likely(x) (!!(x))
#define unlikely(x) (!!(x))
#define BIT(nr) (1UL << (nr))
#define BIT_ULL(nr) (1ULL << (nr))
#define WARN_ON_ONCE(condition) WARN_ON(condition)
#define WARN_ONCE(condition, ...) WARN(condition, __VA_ARGS__)
#define fallthrough do {} while (0)
#define RCU_INIT_POINTER(p, v) WRITE_ONCE(p, v)
#define RCU_INITIALIZER(v) (v)
#define mb() smp_mb()
#define kzalloc_obj(P, gfp...) kzalloc(typeof(P), ## gfp)
#define kmalloc_obj(P, gfp...) kmalloc(typeof(P), ## gfp)
#define wait_event_killable(wq, condition) (wait_event(wq, condition), 0)
#define rmb() smp_rmb()
#define wmb() smp_wmb()
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS(sym, ns)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)
#define EXPORT_TRACEPOINT_SYMBOL(sym)
#define EXPORT_TRACEPOINT_SYMBOL_GPL(sym)
#define MODULE_LICENSE(text)
#define MODULE_AUTHOR(text)
#define MODULE_DESCRIPTION(text)
#define MODULE_VERSION(text)
#define MODULE_ALIAS(text)
#define MODULE_IMPORT_NS(ns)
)";

}  // namespace

const char* builtin_macro_text() {
  static const std::string text = std::string(kBaseMacros) + kAtomicDerived + atomic_aliases();
  return text.c_str();
}

}  // namespace ravel::lang
