// tools/ravel/lockorder.h: the lock-order file of `ravel lockorder` and its baseline diff.
//
// Design note. The file is a stable, diff-friendly JSON document: edges sorted by (from, to,
// context, irqs), one edge object per line, fixed key order, written by hand (to_json) so a
// one-ordering change is a one-line change in review. Identity of an ordering (what a baseline
// compares) is (from, to, context, irqs); locations are information (the smallest acquisition pair
// seen, model/lockdep_export.h) and never make an ordering new. A diff reports: orderings not in
// the baseline ("+"), cycles of lock classes that those new orderings close together with the
// baseline's (each cycle once, with its full chain, rotated to start at its smallest class), and
// baseline orderings no longer observed ("-", information only). The cycle rule follows lockdep's
// check_noncircular(): a new dependency A -> B closes a cycle when B already reaches A.
#pragma once

#include <string>
#include <vector>

#include "model/lockdep_export.h"

namespace ravel::cli {

struct LockEdge {
  std::string from, to;
  std::string context;  // "process", "softirq", "hardirq"
  bool irqs_off = false;
  std::string first;    // "file:line:col" of the acquisition of `from`
  std::string then;     // ... and of `to`
  // By identity: (from, to, context in process/softirq/hardirq order, irqs on before off).
  bool operator<(const LockEdge& o) const;
  bool same_ordering(const LockEdge& o) const;
};

std::vector<LockEdge> to_edges(const std::vector<model::LockOrder>& orders);

// The file: {"version": 1, "naming": ..., "edges": [...]} with one edge per line.
std::string to_json(const std::vector<LockEdge>& edges);
// Parses a lock-order file; false with `err` set on malformed input (unknown version, missing
// or mistyped fields, unknown context, duplicate ordering).
bool parse_json(const std::string& text, std::vector<LockEdge>* out, std::string* err);

struct LockCycle {
  std::vector<LockEdge> chain;  // chain[i].to == chain[i+1].from, last.to == first.from
};

struct LockDiff {
  std::vector<LockEdge> added;    // observed, not in the baseline (sorted)
  std::vector<LockEdge> removed;  // in the baseline, not observed (sorted)
  std::vector<LockCycle> cycles;  // closed by the added orderings (sorted by chain)
  bool failed() const { return !added.empty() || !cycles.empty(); }
};

LockDiff diff(const std::vector<LockEdge>& baseline, const std::vector<LockEdge>& current);

// "A -> B  [hardirq, irqs off]  first: f:12:5  then: f:14:5"
std::string describe(const LockEdge& e);
// The readable diff: "+ ..." lines, cycles with their chain, "- A -> B  [...] (no longer
// observed)" lines, and a summary line.
std::string render(const LockDiff& d);

}  // namespace ravel::cli
