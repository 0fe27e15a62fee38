// tests/litmus/lkmm_random.cc: random litmus tests (see lkmm_random.h).
#include "tests/litmus/lkmm_random.h"

#include <vector>

namespace ravel::litmus::testing {
namespace {

class Gen {
 public:
  explicit Gen(std::mt19937& rng) : rng_(rng) {}

  std::string test(const RandomShape& s) {
    const int threads = s.min_threads + pick(s.max_threads - s.min_threads + 1);
    std::string body;
    for (int p = 0; p < threads; ++p) body += process(p, s);
    // p (a pointer) starts at x, so address dependencies have somewhere to point.
    return "C random\n{\nint x = 0;\nint y = 0;\nint *p = &x;\n}\n" + body + "exists (" + cond_ +
           "x=0 /\\ y=0)\n";
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }
  std::string loc() { return pick(2) ? "x" : "y"; }
  std::string value() { return std::to_string(next_value_++); }
  static std::string suffix(int k) {
    static const char* kS[] = {"", "_relaxed", "_acquire", "_release"};
    return kS[k];
  }

  // A new register holding what `expr` returns.
  std::string reg(const std::string& expr, bool pointer = false) {
    last_ = "r" + std::to_string(nregs_++);
    const std::string& r = last_;
    decls_ += std::string(pointer ? "\tint *" : "\tint ") + r + ";\n";
    cond_ += std::to_string(proc_) + ":" + r + "=0 /\\ ";
    if (!pointer) regs_.push_back(r);
    return "\t" + r + " = " + expr + ";\n";
  }

  std::string access() {
    switch (pick(9)) {
      case 0:
        return "\tWRITE_ONCE(*" + loc() + ", " + value() + ");\n";
      case 1:
        return reg("READ_ONCE(*" + loc() + ")");
      case 2:
        return "\tsmp_store_release(" + loc() + ", " + value() + ");\n";
      case 3:
        return reg("smp_load_acquire(" + loc() + ")");
      case 4:
        return "\t*" + loc() + " = " + value() + ";\n";
      case 5:
        return reg("*" + loc());
      case 6:
        return reg("xchg" + suffix(pick(4)) + "(" + loc() + ", " + value() + ")");
      case 7:
        return reg("cmpxchg" + suffix(pick(4)) + "(" + loc() + ", " +
                   (pick(2) ? "0" : std::to_string(1 + pick(next_value_))) + ", " + value() + ")");
      default:
        return "\tatomic_inc(" + loc() + ");\n";
    }
  }

  std::string statement() {
    static const char* kFences[] = {"smp_mb", "smp_rmb", "smp_wmb"};
    switch (pick(10)) {
      case 0:
        return "\t" + std::string(kFences[pick(3)]) + "();\n";
      case 1:  // a data dependency
        if (!regs_.empty()) {
          return "\tWRITE_ONCE(*" + loc() + ", " + regs_[pick(int(regs_.size()))] + " + 1);\n";
        }
        break;
      case 2:  // a control dependency
        if (!regs_.empty()) {
          return "\tif (" + regs_[pick(int(regs_.size()))] + " == " + std::to_string(pick(3)) +
                 ") {\n\t" + access() + "\t}\n";
        }
        break;
      case 3: {  // an address dependency: p points to x
        std::string load = reg("READ_ONCE(*p)", true);
        return load + reg("READ_ONCE(*" + last_ + ")");
      }
      case 4:
        return "\tspin_lock(s);\n" + access() + "\tspin_unlock(s);\n";
      default:
        break;
    }
    return access();
  }

  std::string process(int p, const RandomShape& s) {
    proc_ = p;
    regs_.clear();
    decls_.clear();
    nregs_ = 0;
    std::string code;
    const int n = s.min_statements + pick(s.max_statements - s.min_statements + 1);
    for (int i = 0; i < n; ++i) code += statement();
    return "P" + std::to_string(p) + "(int *x, int *y, int **p, spinlock_t *s)\n{\n" + decls_ +
           code + "}\n";
  }

  std::mt19937& rng_;
  int proc_ = 0;
  int next_value_ = 1;
  int nregs_ = 0;
  std::string last_;  // the register reg() declared last
  std::vector<std::string> regs_;
  std::string decls_, cond_;
};

}  // namespace

std::string random_litmus(std::mt19937& rng, const RandomShape& shape) {
  return Gen(rng).test(shape);
}

}  // namespace ravel::litmus::testing
