#!/usr/bin/env python3
"""Seeded random RCU scenarios, explored by dpor and by dfs, which must agree.

docs/reduction.md, "Read-side sections": the entries and exits of read-side sections commute
with each other and are ordered only with grace periods. dfs explores every interleaving
whatever the dependency relation says, so a scenario where dpor misses an order that matters
shows as a violation, or a final state, that dfs finds and dpor does not.

Each scenario has two or three threads (one maybe sharing cpu 0 with an irq handler), made of
read-side sections (rcu_read_lock, a spinlock region or a preempt-disabled region: readers under
flavor consolidation), marked and plain accesses, rcu_dereference of a published object,
updaters (unpublish, then synchronize_rcu, kfree_rcu, call_rcu or nothing, then free; a
callback may also set the flag readers await) and rcu_barrier. Every third seed is the same
scenario on SRCU (docs/reduction.md "SRCU"): its rcu_read_lock sections, grace periods,
callbacks and barrier become an srcu_struct's, while the spinlock and preempt-disabled regions
and kfree_rcu stay RCU's, a second domain. The final block turns the final state into one of 16
assertion lines, so equal violation sets mean the same final states (up to that hash).

usage: rcu_random.py RAVEL [FIRST_SEED COUNT]
"""
import json
import os
import random
import subprocess
import sys
import tempfile

DFS_CAP = 100000  # a seed whose dfs does not finish within this many executions is skipped


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.uses_gp = False

    def pick(self, *xs):
        return self.r.choice(xs)

    def access(self):
        var = self.pick("x", "y")
        k = self.r.randrange(1, 4)
        return self.pick(
            f"WRITE_ONCE({var}, {k});",
            f"acc = acc * 3 + READ_ONCE({var});",
            f"{var} = {k};",                      # plain: a race unless ordered
            f"acc = acc * 3 + {var};",
            "{ struct obj *p = rcu_dereference(gp); if (p != NULL) acc = acc * 2 + p->v; }",
            "await(READ_ONCE(f) != 0);",          # a hang when a grace period waits for it
            "WRITE_ONCE(f, 1);",
        )

    def body(self):
        return [self.access()]

    def section(self):
        kind = self.pick("rcu", "rcu", "spin", "preempt", "nested")
        inner = self.body()
        if kind == "rcu":
            return ["rcu_read_lock();"] + inner + ["rcu_read_unlock();"]
        if kind == "spin":
            return ["spin_lock(&l);"] + inner + ["spin_unlock(&l);"]
        if kind == "preempt":
            return ["preempt_disable();"] + inner + ["preempt_enable();"]
        return ["rcu_read_lock();", "spin_lock(&l);"] + inner + ["rcu_read_unlock();",
                                                                 "spin_unlock(&l);"]

    def update(self):
        self.uses_gp = True
        free = self.pick("sync", "sync", "kfree_rcu", "call_rcu", "call_rcu_flag", "none")
        lines = ["{ struct obj *old = rcu_access_pointer(gp);",
                 "  rcu_assign_pointer(gp, NULL);"]
        if free == "sync":
            lines += ["  synchronize_rcu();", "  kfree(old); }"]
        elif free == "kfree_rcu":
            lines += ["  if (old != NULL) kfree_rcu(old, rcu); }"]
        elif free == "call_rcu":
            lines += ["  if (old != NULL) call_rcu(&old->rcu, free_cb); }"]
        elif free == "call_rcu_flag":   # the callback also sets the flag readers may await
            lines += ["  if (old != NULL) call_rcu(&old->rcu, flag_cb); }"]
        else:
            lines += ["  kfree(old); }"]
        return lines

    def item(self, updater):
        k = self.r.randrange(10)
        if updater and k < 3:
            return self.update()
        if k < 7:
            return self.section()
        if k == 7 and updater:
            self.uses_gp = True
            return [self.pick("synchronize_rcu();", "rcu_barrier();")]
        return [self.access()]

    def thread(self, updater, budget):
        out = []
        while budget > 0:
            it = self.item(updater)
            out += it
            budget -= 1
            updater = updater and not any("rcu_assign_pointer" in s for s in it)
        return out


# Every third seed: the RCU calls become SRCU calls of the srcu_struct `s`.
SRCU = [("rcu_read_lock();", "{ int i = srcu_read_lock(&s);"),
        ("rcu_read_unlock();", "srcu_read_unlock(&s, i); }"),
        ("rcu_dereference(gp)", "srcu_dereference(gp, &s)"),
        ("synchronize_rcu();", "synchronize_srcu(&s);"),
        ("call_rcu(&old->rcu, ", "call_srcu(&s, &old->rcu, "),
        ("rcu_barrier();", "srcu_barrier(&s);")]


def on_srcu(line):
    for rcu, srcu in SRCU:
        line = line.replace(rcu, srcu)
    return line


def scenario(seed):
    g = Gen(seed)
    nthreads = 2 if g.r.randrange(3) else 3
    updater = g.r.randrange(nthreads)
    threads = [g.thread(t == updater, g.r.randrange(1, 5 - nthreads)) for t in range(nthreads)]
    if not g.uses_gp:
        threads[updater] += ["synchronize_rcu();"]
    irq = g.body() if nthreads == 2 and g.r.randrange(3) == 0 else None
    src = [f'scenario "rcu random {seed}";',
           "struct obj { int v; struct rcu_head rcu; };",
           "struct obj *gp;", "int x;", "int y;", "int f;", "spinlock_t l;", "DEFINE_SRCU(s);"]
    src += [f"int out{t};" for t in range(nthreads)]
    src += ["void free_cb(struct rcu_head *h) { kfree(container_of(h, struct obj, rcu)); }",
            "void flag_cb(struct rcu_head *h) { WRITE_ONCE(f, 1); free_cb(h); }",
            "init { struct obj *o = kzalloc(struct obj); o->v = 1; rcu_assign_pointer(gp, o); }"]
    for t, body in enumerate(threads):
        cpu = " on cpu 0" if irq is not None and t == 0 else ""
        src.append(f"thread T{t}{cpu} {{")
        src.append("    int acc = 0;")
        src += ["    " + s for s in body]
        src.append(f"    WRITE_ONCE(out{t}, acc % 97);")
        src.append("}")
    if irq is not None:
        src.append("irq I on cpu 0 {")
        src.append("    int acc = 0;")
        src += ["    " + s for s in irq]
        src.append("}")
    h = " + ".join([f"{7 + 6 * t} * READ_ONCE(out{t})" for t in range(nthreads)])
    src.append("final {")
    src.append(f"    int h = (READ_ONCE(x) * 4 + READ_ONCE(y) + {h}) % 16;")
    src += [f"    assert(h != {k});" for k in range(16)]
    src.append("}")
    src.append("expect ok;")
    if seed % 3 == 0:
        src = [on_srcu(line) for line in src]
    return "\n".join(src) + "\n"


def run(ravel, path, strategy):
    p = subprocess.run([ravel, "run", "--json", "--strategy", strategy,
                        "--executions", str(DFS_CAP), path],
                       capture_output=True, text=True, timeout=600)
    if p.returncode not in (0, 1):
        sys.exit(f"{path} ({strategy}): exit {p.returncode}\n{p.stdout}{p.stderr}")
    doc = json.loads(p.stdout.splitlines()[0])
    if "error" in doc:
        sys.exit(f"{path} ({strategy}): error\n{p.stdout}")
    if not doc["complete"]:
        return None, doc["executions"]
    found = sorted({(v["kind"], v["location"]) for v in doc["violations"]})
    return found, doc["executions"]


def main():
    ravel = sys.argv[1]
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    fewer = skipped = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first, first + count):
            path = os.path.join(tmp, f"rcu_random_{seed}.ravel")
            with open(path, "w") as f:
                f.write(scenario(seed))
            dpor, n_dpor = run(ravel, path, "dpor")
            dfs, n_dfs = run(ravel, path, "dfs")
            if dfs is None:
                skipped += 1
                continue
            if dpor != dfs or n_dpor > n_dfs:
                sys.stderr.write(scenario(seed))
                sys.exit(f"seed {seed}: dpor {n_dpor} executions found {dpor}\n"
                         f"dfs {n_dfs} executions found {dfs}")
            fewer += n_dpor < n_dfs
    print(f"{count} seeds from {first}: dpor and dfs agree; dpor explored fewer in {fewer}; "
          f"skipped {skipped} (dfs over {DFS_CAP} executions)")
    if skipped * 3 > count:
        sys.exit("too many seeds skipped: the generator makes scenarios too large for dfs")


if __name__ == "__main__":
    main()
