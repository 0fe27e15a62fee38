// scenarios/interp/fence_cb_list.cc: a fence's callback list as the kernel has it
// (include/linux/dma-fence.h): `fence->cb_list` and a `struct dma_fence_cb`'s `node` are
// struct list_heads of <linux/list.h> (scenarios/lang/kernel_list.cc), its `func` a
// dma_fence_func_t, so kernel code walking the list runs verbatim:
// list_for_each_entry_safe(cur, tmp, &cb_list, node) { INIT_LIST_HEAD(&cur->node);
// cur->func(fence, cur); }.
//
// Design note. One representation: when the scenario's own code names one of these fields
// (fence_cb_in_memory), every fence's list of the execution is this memory, and the model's
// built-ins (dma_fence_add_callback, _remove_callback, _signal, dma_fence_init, the release)
// do their list steps on it through model::DmaFenceCbMemory, with the fence lock held where the
// kernel holds it: each step is the list code of kernel_list.cc (__ravel_fence_cb_*), so every
// link load and store is a visible operation of that memory (race-checked, a uaf after the
// owner's kfree, dependent with the scenario's own accesses), and CONFIG_DEBUG_LIST's checks
// report a corruption whoever made it. A callback the built-in adds is on the list the scenario
// walks; one the scenario list_add_tail()s is run by the built-in signal. A scenario that never
// names them keeps the model's own list (model/dma_fence.h DmaFence::cb_list): nothing can see
// it then, and its built-ins stay the single steps they were.
#include <string>

#include "model/dma_fence.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using lang::ModelType;

// The built-in list steps (kernel_list.cc), by name.
enum Helper : uint8_t { kListInit, kNodeInit, kAdd, kDel, kEmpty, kRun, kHelperCount };
constexpr const char* kHelperNames[kHelperCount] = {
    "__ravel_fence_cb_list_init", "__ravel_fence_cb_node_init", "__ravel_fence_cb_add",
    "__ravel_fence_cb_del",       "__ravel_fence_cb_empty",     "__ravel_fence_cb_run"};

class FenceCbMemory final : public model::DmaFenceCbMemory {
 public:
  explicit FenceCbMemory(Runtime& rt) : rt_(rt) {
    for (int h = 0; h < kHelperCount; ++h) {
      fns_[h] = UINT32_MAX;
      for (size_t i = 0; i < rt.in.prog.functions.size(); ++i) {
        if (rt.in.prog.functions[i].name == kHelperNames[h]) fns_[h] = static_cast<uint32_t>(i);
      }
    }
  }

  void init(model::DmaFence* f, Loc loc) override { call(kListInit, {fence(f)}, loc); }
  void init_node(model::DmaFenceCb* cb, Loc loc) override { call(kNodeInit, {callback(cb)}, loc); }
  void add_tail(model::DmaFence* f, model::DmaFenceCb* cb, const model::DmaFenceFunc& func,
                Loc loc) override {
    const ScenarioFenceFunc* fn = func.target<ScenarioFenceFunc>();
    if (fn == nullptr) {
      rt_.error(
          "a fence callback that is not a scenario function cannot be put on the "
          "scenario's cb_list",
          loc);
    }
    Value cb_obj = callback(cb);
    rt_.write(rt_.fence_cb_func(cb_obj.ref), fn->fn, loc);  // cb->func = func;
    call(kAdd, {fence(f), cb_obj}, loc);
  }
  bool del_init(model::DmaFenceCb* cb, Loc loc) override {
    return call(kDel, {callback(cb)}, loc).truthy();
  }
  bool empty(model::DmaFence* f, Loc loc) override {
    return call(kEmpty, {fence(f)}, loc).truthy();
  }
  void run(model::DmaFence* f, Loc loc) override { call(kRun, {fence(f)}, loc); }

 private:
  Value fence(model::DmaFence* f) { return Value::of(rt_.obj_of(ModelType::kDmaFence, f)); }
  Value callback(model::DmaFenceCb* cb) {
    return Value::of(rt_.obj_of(ModelType::kDmaFenceCb, cb));
  }
  Value call(Helper h, std::initializer_list<Value> args, Loc loc) {
    if (fns_[h] == UINT32_MAX) {
      rt_.error("the fence's callback list in memory needs <linux/list.h> (missing " +
                    std::string(kHelperNames[h]) + ")",
                loc);
    }
    return rt_.call(fns_[h], args.begin(), args.size(), loc);
  }

  Runtime& rt_;
  uint32_t fns_[kHelperCount];
};

}  // namespace

bool is_fence_cb_field(int index) {
  const lang::ModelField& mf = lang::model_field_at(index);
  return (mf.owner == ModelType::kDmaFence && mf.name == "cb_list") ||
         (mf.owner == ModelType::kDmaFenceCb && (mf.name == "node" || mf.name == "func"));
}

// The heap object a model object embedded in a kmalloc'ed instance lives in (uaf, dependency
// with its kfree), else none.
static ObjectId owner_heap(const Obj* owner) {
  return owner->parent != nullptr ? owner->parent->heap : kNoObject;
}

Obj* Runtime::model_list(Obj* owner, int field) {
  uint64_t key = (uint64_t{owner->handle} << 16) | static_cast<uint64_t>(field);
  auto [it, fresh] = fields_.emplace(key, nullptr);
  if (!fresh) return it->second;
  if (in.list_head_struct < 0)
    error("a model's list head needs <linux/list.h>", Loc{in.file, 0, 0});
  Obj* o = make_instance(in.list_head_struct, owner_heap(owner), false);
  o->parent = owner;
  o->field = field;
  // The fence's head is initialised by dma_fence_init (INIT_LIST_HEAD: both links point to it);
  // a callback's node is zeroed memory until dma_fence_add_callback links or initialises it
  // (list_empty() is then false, and a list_del of it is "list_del corruption").
  const bool fence = lang::model_field_at(field).owner == ModelType::kDmaFence;
  const int64_t link = fence ? encode(Value::of(o)) : 0;
  for (uint32_t k = 0; k < o->count; ++k) o->elems[k]->var->value = link;
  it->second = o;
  return o;
}

Obj* Runtime::fence_cb_func(Obj* cb) {
  const int field = lang::model_field_index(lang::find_model_field(ModelType::kDmaFenceCb, "func"));
  uint64_t key = (uint64_t{cb->handle} << 16) | static_cast<uint64_t>(field);
  auto [it, fresh] = fields_.emplace(key, nullptr);
  if (!fresh) return it->second;
  Obj* o = make_var("dma_fence_cb.func", Value::null(), owner_heap(cb), false);
  o->parent = cb;
  o->field = field;
  it->second = o;
  return o;
}

void Runtime::install_fence_cb_memory() {
  // A scenario without these fields leaves the dma models' state alone (it may use none).
  if (in.fence_cb_memory) model::dma_fence_cb_memory(ctx.make<FenceCbMemory>(*this));
}

}  // namespace ravel::interp
