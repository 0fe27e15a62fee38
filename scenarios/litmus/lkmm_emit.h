// scenarios/litmus/lkmm_emit.h: the events of one thread run alone under --memory-model lkmm,
// shared by both front ends (litmus bodies, lkmm_thread.h; .ravel scenarios, lkmm_ravel.h).
//
// Design note. A front end evaluates its own syntax and calls the Emitter for every access to
// shared memory: the Emitter answers each read from the read-value oracle (the choice vector
// replayed by each_path(), odometer order), records the events in program order with their
// dependencies (addr, data, ctrl, rmw, rscs), and knows how the kernel's primitives become
// linux-kernel.bell / lock.cat events: fences, RMWs with their ordering suffixes, spinlocks
// (LKR/LKW/UL), RCU read-side sections and SRCU. It knows nothing of either syntax. A path
// that cannot complete throws DeadPath (dropped, as herd7 reports no execution for it); a
// construct lkmm does not support throws Refused with its position.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/litmus/lkmm_thread.h"

namespace ravel::litmus::lkmm_thread {

struct Val {
  int64_t v = 0;
  uint64_t deps = 0;  // thread-local indices of the reads the value came from
};

struct DeadPath {};
struct Refused {
  Error err;
};

// Two's complement arithmetic, without signed overflow.
int64_t wrap_add(int64_t a, int64_t b);

enum class Order : uint8_t { kMb, kRelaxed, kAcquire, kRelease };

// An RMW built-in, NAME[_relaxed|_acquire|_release]. Its arguments: `operands` values, the
// pointer at index `ptr`, evaluated in the order the front end chooses.
struct RmwSpec {
  enum class Op : uint8_t {
    kAdd,
    kSub,
    kXchg,
    kCmpxchg,
    kAddUnless,  // atomic_add_unless (a bool) and atomic_fetch_add_unless (`fetch`)
    kSetBit,
    kClearBit,
    kAnd,  // atomic_{and,or,xor,andnot} and atomic_fetch_*() of them: the mask first
    kOr,
    kXor,
    kAndnot,
    kDecIfPositive,  // returns the value minus one, stored only when not negative
  } op;
  Order order = Order::kMb;
  bool noreturn = false;   // atomic_inc/dec/add/sub/and/or/xor/andnot: relaxed, no value
  bool fetch = false;      // returns the old value (else the new one)
  int64_t unit = 0;        // atomic_inc/dec and *_inc/dec_return: the fixed amount (else 0)
  bool test_zero = false;  // atomic_dec_and_test: returns whether the new value is 0
  // test_and_set_bit: returns the old bit; when the bit is already set nothing is written,
  // and the read is fully ordered all the same (atomic_bitops.txt: only test_and_set_bit_lock()
  // is unordered on failure).
  bool test_bit = false;
  size_t nargs = 0;
  size_t ptr = 0;  // index of the pointer argument
};
std::optional<RmwSpec> rmw_spec(const std::string& name);

// smp_mb() and the other F[Barriers] of linux-kernel.bell, by built-in name.
const std::map<std::string, lkmm::Fence>& fence_table();

// The exploration of lkmm_explore.h answers reads from the writes they may read from instead of
// the value domains: options() lists the values the next read of the running thread may return
// at `loc` (each once), given the thread's events so far. The explorer then chooses, for the
// value the read returned, which write of that value it read from.
class ReadOracle {
 public:
  virtual ~ReadOracle() = default;
  virtual std::vector<int64_t> options(int loc, const Trace& so_far) = 0;
};

// While alive, each_path() answers the reads of the paths it runs from `oracle` (the front ends,
// lkmm_thread.h and lkmm_ravel.h, call each_path unchanged). init and final, which build their
// own Emitter, never see it.
class OracleScope {
 public:
  explicit OracleScope(ReadOracle* oracle);
  ~OracleScope();
  OracleScope(const OracleScope&) = delete;
  OracleScope& operator=(const OracleScope&) = delete;

 private:
  ReadOracle* prev_;
};

class Emitter {
 public:
  Emitter(int proc, size_t locations, const std::vector<std::vector<int64_t>>& domain,
          const std::vector<size_t>& choices)
      : proc_(proc), locations_(locations), domain_(domain), choices_(choices) {}

  [[noreturn]] static void refuse(Pos pos, const std::string& msg) {
    throw Refused{Error{pos, msg}};
  }

  // A read of `loc`: its value is the next choice among the oracle's options or, without an
  // oracle, the location's domain (choose_value).
  Val read(int loc, uint32_t tags, uint64_t addr);
  int write(int loc, uint32_t tags, Val v, uint64_t addr);
  void fence(lkmm::Fence f, int loc = -1);
  // herd7: every later event of the thread depends on a branch's condition.
  void branch(uint64_t deps) { ctrl_ |= deps; }
  // The location a pointer value designates, with the reads its address came from; DeadPath
  // when it is no address.
  std::pair<int, uint64_t> location(const Val& p) const;
  bool is_address(int64_t v) const;

  void rcu(bool lock, Pos pos);
  // A path that ends inside RCU read-side sections (an assertion, a wait for ever) closes them
  // where it ends: the prefix judged is then bound by the part of each section it ran, the
  // part the whole execution's section constrains too (fewer events, no stronger guarantee).
  void close_rcu(Pos pos);
  // spin_lock / spin_unlock / spin_is_locked (lock.cat's LKR+LKW, UL, a read of the lock).
  Val lock(const std::string& name, int loc, uint64_t addr, Pos pos);
  // A lock attempt whose read takes its value from the oracle (scenarios: mutex_trylock,
  // spin_trylock, and spin_lock/mutex_lock that may find the lock held and wait): 1 when the
  // lock was free and is now held (LKR+LKW), 0 when the read saw it held (an RL read, nothing
  // taken). The result's deps are the read's. The lock write stores `value` (1; a ww_mutex
  // taken with an acquire context stores the context's stamp, lkmm_ravel_ww.cc); *seen, when
  // given, gets the value the read saw (the holder's).
  Val try_lock(int loc, uint64_t addr, int64_t value = 1, int64_t* seen = nullptr);
  // `args`: the RMW's arguments in the built-in's order (the pointer's entry is ignored).
  Val rmw(const RmwSpec& s, int loc, uint64_t addr, const std::vector<Val>& args);
  // A choice that is no read (scenarios: whether an irq handler fires here): one of `n`,
  // replayed and advanced as the reads' values are.
  size_t choose(size_t n);
  // Refuses an open RCU section or a held spinlock at the end of the thread.
  void finish();
  // Drops the events recorded so far, keeping the state (locks held, open RCU sections): for
  // init and final, which only need memory's values, so that they are not bound by
  // kMaxThreadEvents.
  void forget_events();

  Trace trace;
  ReadOracle* oracle = nullptr;  // each_path sets it from the OracleScope
  std::vector<size_t> sizes;     // domain size of each oracle choice made
  Pos last_pos;
  std::string thread_name;  // the thread in messages; "P<proc>" when empty
  bool in_hardirq = false;  // the events emitted now are an irq handler's (Trace::hardirq)
  bool irqs_off = false;    // the thread's hardirqs are disabled now (Trace::irqs_off)
  // Called before each access (read, write, lock, RMW) with its location and address
  // dependencies, not for the events of an access itself nor the hook's own (scenarios: KASAN's
  // check of a freeable fence, lkmm_ravel_rcu_free.cc).
  std::function<void(int, uint64_t)> before_access;

 private:
  int emit(lkmm::Event e, uint64_t addr, uint64_t data);
  int64_t choose_value(int loc);
  Val test_bit_set(const RmwSpec& s, Val old);
  // Runs before_access unless an access is already under way (busy_).
  struct Access {
    Access(Emitter& em, int loc, uint64_t addr);
    ~Access() { --em_.busy_; }
    Emitter& em_;
  };
  int busy_ = 0;

  int proc_;
  size_t locations_;
  const std::vector<std::vector<int64_t>>& domain_;
  const std::vector<size_t>& choices_;
  size_t choice_index_ = 0;
  std::map<int, int64_t> locks_held_;  // the value of the thread's lock write, 0: not held
  std::vector<int> rcu_open_;
  uint64_t ctrl_ = 0;
};

// Runs `body` once per combination of read values, collecting the paths that complete. False
// with *err set when `body` refuses a construct or there are more than `max_paths` paths.
bool each_path(int proc, size_t locations, const std::vector<std::vector<int64_t>>& domain,
               size_t max_paths, const std::function<void(Emitter&)>& body, std::vector<Trace>* out,
               Error* err);

}  // namespace ravel::litmus::lkmm_thread
