// scenarios/litmus/lkmm_ravel_dma_buf.cc: struct dma_buf's file reference under lkmm (see
// lkmm_ravel_eval.h): dma_buf_get(), dma_buf_put() and the exporter's .release.
//
// Design note. A dma_buf global is one location: the reference count of its file, which
// dma_buf_export() creates with one reference (anon_inode_getfile(): f_count 1) and
// dma_buf_put() drops with fput(dmabuf->file) (drivers/dma-buf/dma-buf.c). The last fput()
// runs the file's release, dma_buf_file_release() -> dma_buf_release(), which calls
// dmabuf->ops->release(dmabuf). A `struct dma_buf_ops` global is a table known before any path
// runs: `{ .release = fn }` names the function, so the call is a direct one (no pointer read).
// sc (model/dma_buf.cc dma_buf_get/dma_buf_put) counts that reference as a refcount_t with
// refcount-vs-atomic.rst's ordering, and so does this file. The kernel's fput() defers __fput()
// to task_work (run before the task returns to user space) or to a workqueue; sc runs the
// release inside dma_buf_put(), and so does this file, so that the verdicts match sc's.
// Its `.resv` (the address of a global dma_resv), the exporter's .attach, .map and .unmap and
// the importer's struct dma_buf_attach_ops `{ .invalidate_mappings = fn }` are checked here and
// used by lkmm_ravel_dma_buf_att.cc (attachments, mappings, invalidation, pinning, detach).
// The other ops (.owner ...) stay refused here, at the initializer item that names them.
#include <set>
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

using lang::ModelType;

const char* kRefusedOps =
    "' is not modelled under --memory-model lkmm (of struct dma_buf_ops only .release, "
    ".attach, .detach, .map, .unmap, .pin and .unpin are)";
const char* kRefusedBuf =
    "' is not modelled under --memory-model lkmm (of struct dma_buf only .ops and .resv are: "
    "priv and the rest run under sc only)";
const char* kRefusedImporter =
    "' is not modelled under --memory-model lkmm (of struct dma_buf_attach_ops only "
    ".invalidate_mappings is)";

// Every item of an ops table names a function and is one of `fields`.
bool screen_ops(const lang::Program& prog, const lang::VarDecl* d,
                const std::set<std::string>& fields, const char* refused, Error* err) {
  for (const lang::Init::Item& it : d->init->items) {
    if (fields.count(it.field) == 0) {
      *err = Error{it.pos, "'." + it.field + refused};
      return false;
    }
    if (named_function(prog, init_expr(it.value)) < 0) {
      *err = Error{it.pos, d->type->spelling + " '." + it.field +
                               "' must name a defined function under lkmm"};
      return false;
    }
  }
  return true;
}

bool screen_buf(const lang::Program& prog, const lang::VarDecl* d, Error* err) {
  for (const lang::Init::Item& it : d->init->items) {
    if (it.field != "ops" && it.field != "resv") {
      *err = Error{it.pos, "'." + it.field + kRefusedBuf};
      return false;
    }
    const ModelType want = it.field == "ops" ? ModelType::kDmaBufOps : ModelType::kDmaResv;
    if (kernel_global(prog, init_expr(it.value), want) < 0) {
      *err = Error{it.pos, "struct dma_buf '." + it.field + "' must be the address of a global " +
                               std::string(lang::model_type_name(want)) + " under lkmm"};
      return false;
    }
  }
  return true;
}

// The function `.release` of the ops of the dma_buf global at location `loc`, or null.
const lang::Function* release_of(const lang::Program& prog, const Layout& lay, int loc) {
  for (const lang::VarDecl* d : prog.globals) {
    if (lay.loc_of_global[d->bind.index] != loc ||
        !is_kernel_type(d->type->stype, ModelType::kDmaBuf))
      continue;
    if (d->init == nullptr) return nullptr;
    for (const lang::Init::Item& it : d->init->items) {
      const int g = kernel_global(prog, init_expr(it.value), ModelType::kDmaBufOps);
      const lang::VarDecl* ops = g >= 0 ? prog.globals[g] : nullptr;
      if (ops == nullptr || ops->init == nullptr) continue;
      for (const lang::Init::Item& o : ops->init->items)
        if (o.field == "release") return &prog.functions[o.value->expr->bind.index];
    }
  }
  return nullptr;
}

}  // namespace

bool dma_buf_builtin_name(const std::string& n) { return n == "dma_buf_get" || n == "dma_buf_put"; }

bool dma_buf_object(lang::ModelType m) {
  return m == ModelType::kDmaBuf || m == ModelType::kDmaBufOps || m == ModelType::kDmaBufAttachOps;
}

bool screen_dma_buf_global(const lang::Program& prog, const lang::VarDecl* d, Error* err) {
  if (d->init == nullptr || d->init->expr != nullptr) return true;
  if (is_kernel_type(d->type->stype, ModelType::kDmaBufOps))
    return screen_ops(prog, d, {"release", "attach", "detach", "map", "unmap", "pin", "unpin"},
                      kRefusedOps, err);
  if (is_kernel_type(d->type->stype, ModelType::kDmaBufAttachOps))
    return screen_ops(prog, d, {"invalidate_mappings"}, kRefusedImporter, err);
  if (is_kernel_type(d->type->stype, ModelType::kDmaBuf)) return screen_buf(prog, d, err);
  return true;
}

// dma_buf_export() hands out the file with one reference; an ops table holds no value.
bool dma_buf_initial(const lang::VarDecl* d, int loc, Domain* seq) {
  const lang::SType& t = d->type->stype;
  if (is_kernel_type(t, ModelType::kDmaBufOps) || is_kernel_type(t, ModelType::kDmaBufAttachOps))
    return true;
  if (!is_kernel_type(t, ModelType::kDmaBuf)) return false;
  (*seq)[loc] = {1};
  return true;
}

bool Eval::dma_buf(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!dma_buf_builtin_name(n)) return false;
  Val p = eval(e->args[0], f);
  if (p.v == 0 && n == "dma_buf_get")  // sc stops the run on it (a scenario error)
    refuse(e->pos, "dma_buf_get(NULL) is not modelled under lkmm");
  if (p.v == 0) {  // dma_buf_put(): WARN_ON(!dmabuf || !dmabuf->file), as sc words it
    em_.trace.findings.push_back({"warn", "WARNING: " + n + ": !dmabuf || !dmabuf->file", e->pos});
    *out = Val{0, p.deps};
    return true;
  }
  auto [loc, addr] = deref(p, e->args[0]->pos);  // p evaluated once: as pointer_arg()
  kasan(loc, addr, builtin_.c_str(), e->args[0]->pos);
  if (n == "dma_buf_get") {
    refcount_inc(loc, addr, e->pos);  // get_dma_buf(): get_file(), a refcount_inc()
    *out = p;                         // sc's dma_buf_get returns the buffer it took a reference on
  } else {
    buf_put(loc, addr, e->pos);
    *out = Val{};
  }
  return true;
}

// dma_buf_put() = fput(dmabuf->file): refcount_dec_and_test() (lkmm_ravel_kernel.cc); the last
// one runs dma_buf_release() -> dmabuf->ops->release(dmabuf) under the test's control
// dependency.
void Eval::buf_put(int loc, uint64_t addr, lang::Pos pos) {
  if (refcount_dec_and_test(loc, addr, pos).v != 1) return;
  const lang::Function* rel = release_of(prog_, lay_, loc);
  if (rel == nullptr) return;  // no .release: dma_buf_release() calls nothing of the exporter's
  invoke(*rel, {Val{lkmm_thread::kAddrBase + loc, addr}}, pos);
}

}  // namespace ravel::litmus::lkmm_ravel
