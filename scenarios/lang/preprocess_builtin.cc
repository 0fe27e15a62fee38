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
//  - atomic64_t is atomic_t and atomic64_*() the atomic_*() built-ins: a model atomic holds a
//    64-bit value (it is not wrapped to 32 bits), so the two types behave the same;
//  - mb()/rmb()/wmb() order what smp_mb()/smp_rmb()/smp_wmb() do between CPUs (they also order
//    device I/O, which the model has none of);
//  - EXPORT_SYMBOL*() only makes a symbol visible to modules, MODULE_LICENSE() and its kin only
//    describe the module: they expand to nothing (the `;` after them is an empty declaration).
// min(), max(), ARRAY_SIZE() and the printing families are not macros: a macro would evaluate
// an argument twice or could not see the array's length (sema_intrinsic.cc).
#include "scenarios/lang/preprocess.h"

namespace ravel::lang {

const char* builtin_macro_text() {
  return R"(#define __rcu
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
#define atomic64_t atomic_t
#define ATOMIC64_INIT(i) ATOMIC_INIT(i)
#define atomic64_read(v) atomic_read(v)
#define atomic64_set(v, i) atomic_set(v, i)
#define atomic64_inc(v) atomic_inc(v)
#define atomic64_dec(v) atomic_dec(v)
#define atomic64_add(i, v) atomic_add(i, v)
#define atomic64_sub(i, v) atomic_sub(i, v)
#define atomic64_inc_return(v) atomic_inc_return(v)
#define atomic64_add_return(i, v) atomic_add_return(i, v)
#define atomic64_sub_return(i, v) atomic_sub_return(i, v)
#define atomic64_dec_and_test(v) atomic_dec_and_test(v)
#define atomic64_cmpxchg(v, o, n) atomic_cmpxchg(v, o, n)
#define atomic64_xchg(v, n) atomic_xchg(v, n)
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
}

}  // namespace ravel::lang
