// scenarios/interp/explore.cc: one scenario on the engine (see interp.h).
//
// Every execution: the setup (the engine's root task, "init", process context on cpu 0)
// creates the globals, runs `init`, then spawns the threads (model/cpu.h: their own CPU unless
// `on cpu N`) and IRQ handlers (model/irq.h: daemons that may fire up to `repeat` times or
// never). Nothing else runs before `init` finished, as language.md section 1 requires. The
// engine then joins every task and runs `final`.
#include "model/cpu.h"
#include "model/irq.h"
#include "model/kernel.h"
#include "model/lockdep.h"
#include "model/race.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

struct TaskArg {
  Runtime* rt;
  const lang::Task* task;
};

// Keeps the events of the current execution (for --replay, which runs exactly one).
class Recorder final : public Plugin {
 public:
  explicit Recorder(std::vector<Event>* out) : out_(out) {}
  void begin_execution(Ctx&) override { out_->clear(); }
  void on_event(const Event& e) override { out_->push_back(e); }

 private:
  std::vector<Event>* out_;
};

void task_entry(void* p) {
  auto* a = static_cast<TaskArg*>(p);
  a->rt->run_body(a->task->body);
}

}  // namespace

RunResult run_program(const Program& prog, const Options& opt, ExploreOptions ex) {
  Interp in(prog, opt);
  builtin_table();  // built once, before any fiber runs
  model::KernelOptions ko;
  ko.signals = opt.signals;
  model::KernelPlugin kernel(ko);
  model::SyncPlugin sync;
  // language.md section 7: the orderings dma_resv_lockdep() records at boot.
  kernel.lockdep().prime(
      {"mmap_lock", "reservation_ww_class_mutex", "fs_reclaim", "dma_fence_map"});
  ex.plugins.push_back(&kernel);
  ex.plugins.push_back(&sync);
  Recorder recorder(opt.record_events);
  if (opt.record_events != nullptr) ex.plugins.push_back(&recorder);
  if (ex.stack_size < 1024 * 1024) ex.stack_size = 1024 * 1024;  // recursive tree walking

  Runtime* current = nullptr;
  SetupFn setup = [&](Ctx& ctx) {
    Runtime* rt = ctx.make<Runtime>(in, ctx);
    current = rt;
    rt->make_globals();
    rt->run_body(prog.init);
    for (size_t i = 0; i < prog.tasks.size(); ++i) {
      const lang::Task& t = prog.tasks[i];
      auto* arg = ctx.make<TaskArg>(TaskArg{rt, &t});
      if (t.kind == lang::Task::Kind::kThread) {
        model::spawn_thread(ctx, {.name = in.task_names[i], .cpu = t.cpu}, task_entry, arg);
      } else {
        model::spawn_irq(
            ctx, {.name = in.task_names[i], .cpu = t.cpu < 0 ? 0 : t.cpu, .repeat = t.repeat},
            task_entry, arg);
      }
    }
  };
  SetupFn final_fn;
  if (prog.has_final) final_fn = [&](Ctx&) { current->run_body(prog.final_); };
  RunResult r;
  r.result = explore(ex, setup, final_fn);
  r.discarded = in.discarded;
  return r;
}

}  // namespace ravel::interp
