// tools/ravel/lockorder_dot.h: the lock-class graph of `ravel lockorder` as a picture
// (`--dot FILE`, `--svg FILE`).
//
// Design note. The picture is drawn from the same sorted orderings as the lock-order file
// (tools/ravel/lockorder.h), so it is as deterministic as the file: nodes sorted by class name,
// one DOT edge per ordering (from, to, context, irqs) in file order, with the context as label and
// the acquisition locations as tooltip. Two facts are derived, as lockdep would:
//  - IRQ usage of a class (lockdep's usage bits, reduced to what orderings show). A class taken
//    or held in a hardirq (softirq) ordering is HARDIRQ-safe (SOFTIRQ-safe): used in that
//    context. A class taken, or held while another was taken, in process context with hardirqs
//    on is HARDIRQ-unsafe (lockdep's mark_held_locks marks held locks too). Classes that are both
//    are lockdep's "inconsistent lock state": drawn with a red double border. Usage of
//    acquisitions that nest nothing is not in the orderings and therefore not shown.
//  - Cycles. An ordering A -> B is on a cycle when B reaches A in the class graph (a self-loop
//    A -> A included); such edges are red and bold: lockdep's "possible circular locking
//    dependency" once every ordering runs on one machine.
// `--svg` pipes the DOT text through Graphviz (`dot -Tsvg`); no Graphviz, no SVG (an error).
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tools/ravel/lockorder.h"

namespace ravel::cli {

// The (from, to) class pairs that lie on a cycle of the class graph of `edges`.
std::set<std::pair<std::string, std::string>> cycle_pairs(const std::vector<LockEdge>& edges);

// The Graphviz DOT document of the class graph (see above); ends with a newline. With the diff
// against a baseline (`ravel lockorder --baseline F --svg G`), the graph is the baseline's and
// the observed orderings together, as the diff searches cycles in: new orderings dashed and
// labelled "new:", baseline orderings no longer observed grey and dotted.
std::string to_dot(const std::vector<LockEdge>& edges, const LockDiff* diff = nullptr);

// Runs `dot -Tsvg -o svg_path` on `dot_text`. False with *err set ("Graphviz 'dot' was not
// found ...", or dot's failure) when no SVG was written.
bool dot_to_svg(const std::string& dot_text, const std::string& svg_path, std::string* err);

}  // namespace ravel::cli
