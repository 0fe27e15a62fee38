// scenarios/interp/explore.cc: one scenario on the engine (see interp.h).
//
// Every execution: the setup (the engine's root task, "init", process context on cpu 0)
// creates the globals, runs `init`, then spawns the threads (model/cpu.h: their own CPU unless
// `on cpu N`) and IRQ handlers (model/irq.h: daemons that may fire up to `repeat` times or
// never). Nothing else runs before `init` finished, as language.md section 1 requires. The
// engine then joins every task and runs `final`. A Session owns what one exploration needs (the
// Interp, the kernel and sync plugins, the setup/final closures): run_program explores with one,
// a trace replay (`ravel run --trace/--replay`) with a fresh one built from the same options.
#include "model/atomic.h"
#include "model/cpu.h"
#include "model/dma_buf.h"
#include "model/irq.h"
#include "model/kernel.h"
#include "model/lockdep.h"
#include "model/race.h"
#include "scenarios/interp/runtime.h"
#include "scenarios/interp/symmetry.h"
#include "scenarios/lang/ast_walk.h"
#include "scenarios/lang/sema.h"

namespace ravel::interp {

// The checker's static task limit is the engine's, minus init.
static_assert(lang::kMaxDeclaredTasks + 1 == kMaxTasksPerExecution);

namespace {

struct TaskArg {
  Runtime* rt;
  const lang::Task* task;
  const std::vector<uint32_t>* own_jobs;  // fence globals its code signals (own_jobs())
};

void task_entry(void* p) {
  auto* a = static_cast<TaskArg*>(p);
  for (uint32_t g : *a->own_jobs) {
    const Obj* o = a->rt->globals[g];
    model::dma_note_own_job(static_cast<const model::DmaFence*>(o->model));
  }
  a->rt->run_body(a->task->body);
}

// Per task, the fence globals its body signals by name (`dma_fence_signal(&job)`, not in the
// functions it calls): a fact of its code, the same in every execution. A device's write after
// an invalidation reads those first (model::dma_note_own_job, docs/reduction.md "Snapshot
// order").
std::vector<std::vector<uint32_t>> own_jobs(const Program& prog) {
  std::vector<std::vector<uint32_t>> out(prog.tasks.size());
  for (size_t i = 0; i < prog.tasks.size(); ++i) {
    std::vector<const lang::Expr*> calls;
    lang::calls_of(prog.tasks[i].body.block, "dma_fence_signal", &calls);
    for (const lang::Expr* c : calls) {
      const int g =
          c->args.empty() ? -1 : lang::kernel_global(prog, c->args[0], lang::ModelType::kDmaFence);
      if (g >= 0) out[i].push_back(static_cast<uint32_t>(g));
    }
  }
  return out;
}

}  // namespace

struct Session::Impl {
  Impl(const Program& prog, const Options& opt)
      : in(prog, opt),
        kernel(kernel_options(prog, opt)),
        symmetry(opt.symmetry ? symmetry_classes(prog) : std::vector<uint32_t>(prog.tasks.size())),
        jobs(own_jobs(prog)) {
    // language.md section 7: the orderings dma_resv_lockdep() records at boot.
    kernel.lockdep().prime(
        {"mmap_lock", "reservation_ww_class_mutex", "fs_reclaim", "dma_fence_map"});
    setup = [this](Ctx& ctx) { run_setup(ctx); };
    if (prog.has_final) final_fn = [this](Ctx&) { current->run_body(in.prog.final_); };
  }

  static model::KernelOptions kernel_options(const Program& prog, const Options& opt) {
    model::KernelOptions ko;
    ko.signals = opt.signals;
    ko.early_timeouts = opt.early_timeouts;
    ko.rcu_consolidated = uses_grace_periods(prog);
    ko.coarse_sections = opt.coarse && coarse_sections_allowed(prog);
    // A scenario whose code puts callbacks on fence->cb_list itself has callbacks too.
    ko.no_fence_callbacks =
        !calls_builtin(prog, "dma_fence_add_callback") && !fence_cb_in_memory(prog);
    return ko;
  }

  void run_setup(Ctx& ctx) {
    Runtime* rt = ctx.make<Runtime>(in, ctx);
    current = rt;
    rt->install_fence_cb_memory();
    rt->make_globals();
    rt->run_body(in.prog.init);
    // One object per symmetry class, created in class order (the same ids in every execution).
    std::vector<ObjectId> tokens;
    for (uint32_t c : symmetry) {
      while (tokens.size() < c) tokens.push_back(ctx.new_object());
    }
    for (size_t i = 0; i < in.prog.tasks.size(); ++i) {
      const lang::Task& t = in.prog.tasks[i];
      auto* arg = ctx.make<TaskArg>(TaskArg{rt, &t, &jobs[i]});
      if (t.kind == lang::Task::Kind::kThread) {
        const ObjectId sym = symmetry[i] != 0 ? tokens[symmetry[i] - 1] : kNoObject;
        model::spawn_thread(ctx, {.name = in.task_names[i], .cpu = t.cpu, .symmetry = sym},
                            task_entry, arg);
      } else {
        model::spawn_irq(
            ctx, {.name = in.task_names[i], .cpu = t.cpu < 0 ? 0 : t.cpu, .repeat = t.repeat},
            task_entry, arg);
      }
    }
  }

  Interp in;
  model::KernelPlugin kernel;
  Runtime* current = nullptr;      // the execution's runtime (arena-owned), for `final`
  std::vector<uint32_t> symmetry;  // symmetry_classes(), or all 0 with --no-reduction=symmetry
  std::vector<std::vector<uint32_t>> jobs;  // own_jobs(): per task
  SetupFn setup, final_fn;
};

Session::Session(const Program& prog, const Options& opt)
    : impl_(std::make_unique<Impl>(prog, opt)) {
  builtin_table();  // built once, before any fiber runs
}
Session::~Session() = default;
const SetupFn& Session::setup() const { return impl_->setup; }
const SetupFn& Session::final_fn() const { return impl_->final_fn; }
uint64_t Session::discarded() const { return impl_->in.discarded; }

std::string Session::final_value(uint32_t slot) const {
  Runtime* rt = impl_->current;
  if (rt == nullptr || slot >= rt->globals.size()) return "?";
  const Obj* o = rt->globals[slot];
  int64_t raw = 0;
  if (o->kind == Obj::Kind::kVar) {
    raw = o->priv ? rt->encode(o->local) : o->var->value;
  } else if (o->kind == Obj::Kind::kModel && o->mtype == lang::ModelType::kAtomic) {
    raw = static_cast<const model::Atomic*>(o->model)->value;
  } else {
    return "?";
  }
  Value v = rt->decode(raw);
  if (v.tag == Value::Tag::kInt) return std::to_string(v.i);
  if (v.tag == Value::Tag::kNull) return "0";
  for (size_t g = 0; v.tag == Value::Tag::kRef && g < rt->globals.size(); ++g) {
    if (rt->globals[g] == v.ref) return impl_->in.global_names[g];
  }
  return "?";
}

void Session::prepare(ExploreOptions* ex) const {
  ex->plugins.push_back(&impl_->kernel);
  if (ex->stack_size < 1024 * 1024) ex->stack_size = 1024 * 1024;  // recursive tree walking
}

std::unique_ptr<Session> make_setup(const Program& prog, const Options& opt) {
  return std::make_unique<Session>(prog, opt);
}

std::vector<std::pair<std::string, std::string>> model_options(const Options& opt) {
  return {{"loop_bound", std::to_string(opt.loop_bound)},
          {"signals", opt.signals ? "true" : "false"}};
}

std::vector<std::string> replay_flags(const Options& opt) {
  std::vector<std::string> out;
  if (opt.loop_bound != Options{}.loop_bound) {
    out.push_back("--loop-bound " + std::to_string(opt.loop_bound));
  }
  if (opt.signals) out.push_back("--signals");
  if (opt.early_timeouts) out.push_back("--timeouts=early");
  // The reductions that change the executions themselves (which tasks may start, which steps
  // there are); commute changes only which ones dpor picks, so a schedule replays without it.
  std::string off;
  if (!opt.symmetry) off = "symmetry";
  if (!opt.coarse) off += off.empty() ? "coarse" : ",coarse";
  if (!off.empty()) out.push_back("--no-reduction=" + off);
  return out;
}

RunResult run_program(const Program& prog, const Options& opt, ExploreOptions ex) {
  std::unique_ptr<Session> session = make_setup(prog, opt);
  session->prepare(&ex);
  RunResult r;
  r.result = explore(ex, session->setup(), session->final_fn());
  r.discarded = r.result.discarded;
  return r;
}

PieceEnvFactory piece_env(const Program& prog, const Options& opt) {
  return [&prog, opt](ExploreOptions* piece, SetupFn* setup, SetupFn* final_fn) {
    std::shared_ptr<Session> session = make_setup(prog, opt);
    session->prepare(piece);
    *setup = session->setup();
    *final_fn = session->final_fn();
    return std::shared_ptr<void>(session);
  };
}

RunResult run_program_parallel(const Program& prog, const Options& opt, const ExploreOptions& ex,
                               const ParallelOptions& par, ParallelStats* stats) {
  RunResult r;
  r.result = explore_parallel(ex, par, piece_env(prog, opt), stats);
  r.discarded = r.result.discarded;
  return r;
}

}  // namespace ravel::interp
