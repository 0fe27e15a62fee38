// tools/ravel/lockorder_dot.cc: see lockorder_dot.h.
#include "tools/ravel/lockorder_dot.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>

namespace ravel::cli {
namespace {

using Graph = std::map<std::string, std::set<std::string>>;

bool reaches(const Graph& g, const std::string& from, const std::string& to) {
  std::set<std::string> seen{from};
  std::deque<std::string> queue{from};
  while (!queue.empty()) {
    std::string c = queue.front();
    queue.pop_front();
    if (c == to) return true;
    auto it = g.find(c);
    if (it == g.end()) continue;
    for (const std::string& n : it->second) {
      if (seen.insert(n).second) queue.push_back(n);
    }
  }
  return false;
}

// A DOT double-quoted string: only '"' and '\' need escaping (and newlines, which we never emit
// raw). Backslash sequences like \n are DOT label escapes, so a literal '\' is doubled.
std::string q(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

struct Usage {
  bool hardirq = false;  // HARDIRQ-safe: used in hardirq context
  bool softirq = false;  // SOFTIRQ-safe: used in softirq context
  bool unsafe = false;   // HARDIRQ-unsafe: taken or held in process context with hardirqs on
};

// The absolute path of `name` in $PATH, or "" when it is not there.
std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "";
  size_t begin = 0;
  while (begin <= p.size()) {
    size_t end = p.find(':', begin);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(begin, end - begin);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    begin = end + 1;
  }
  return "";
}

}  // namespace

std::set<std::pair<std::string, std::string>> cycle_pairs(const std::vector<LockEdge>& edges) {
  Graph g;
  for (const LockEdge& e : edges) g[e.from].insert(e.to);
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& [from, tos] : g) {
    for (const std::string& to : tos) {
      if (reaches(g, to, from)) out.emplace(from, to);
    }
  }
  return out;
}

namespace {

// The legend: one left-justified line each (\l ends a line in a DOT label).
std::string legend(bool against_baseline) {
  std::string s =
      "red edge: on a cycle (possible circular locking dependency)\\l"
      "orange: HARDIRQ-safe (used in hardirq context)   yellow: SOFTIRQ-safe (used in softirq)\\l"
      "bold border: HARDIRQ-unsafe (taken or held with hardirqs on)   red double border: both "
      "(inconsistent)\\l";
  if (against_baseline) {
    s += "dashed edge: new ordering (not in the baseline)   dotted edge: in the baseline, "
         "no longer observed\\l";
  }
  return s;
}

std::string node_line(const std::string& name, const Usage& u) {
  std::vector<std::string> marks;
  if (u.hardirq) marks.push_back("HARDIRQ-safe");
  if (u.softirq) marks.push_back("SOFTIRQ-safe");
  if (u.unsafe) marks.push_back("HARDIRQ-unsafe");
  std::string label = name;
  for (size_t i = 0; i < marks.size(); ++i) label += (i == 0 ? "\n" : ", ") + marks[i];
  std::string style = "rounded";
  std::string attrs;
  if (u.hardirq) {
    style += ",filled";
    attrs += ", fillcolor=\"#fdb863\"";
  } else if (u.softirq) {
    style += ",filled";
    attrs += ", fillcolor=\"#fee08b\"";
  }
  if (u.unsafe && (u.hardirq || u.softirq)) {
    attrs += ", color=red, peripheries=2";
  } else if (u.unsafe) {
    style += ",bold";
  }
  return "  " + q(name) + " [label=" + q(label) + ", style=" + q(style) + attrs + "];\n";
}

}  // namespace

std::string to_dot(const std::vector<LockEdge>& edges, const LockDiff* diff) {
  // Against a baseline, the graph is the baseline's and the run's together (what the diff's
  // cycles are searched in): the observed orderings plus the baseline's no longer observed.
  std::vector<LockEdge> all = edges;
  std::set<LockEdge> added, removed;
  if (diff != nullptr) {
    added.insert(diff->added.begin(), diff->added.end());
    removed.insert(diff->removed.begin(), diff->removed.end());
    all.insert(all.end(), diff->removed.begin(), diff->removed.end());
    std::sort(all.begin(), all.end());
  }
  std::map<std::string, Usage> nodes;
  for (const LockEdge& e : all) {
    for (const std::string* c : {&e.from, &e.to}) {
      Usage& u = nodes[*c];
      if (e.context == "hardirq") u.hardirq = true;
      if (e.context == "softirq") u.softirq = true;
      // `from` is held and `to` taken with the IRQ state of this ordering.
      if (e.context == "process" && !e.irqs_off) u.unsafe = true;
    }
  }
  std::set<std::pair<std::string, std::string>> cyclic = cycle_pairs(all);
  std::string s =
      "// ravel lockorder --dot: lock-class graph (an edge A -> B: B taken while A held)\n"
      "digraph lockorder {\n"
      "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=10, labelloc=b, labeljust=l, label=\"" +
      legend(diff != nullptr) +
      "\"];\n"
      "  node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=11];\n"
      "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const auto& [name, u] : nodes) s += node_line(name, u);
  for (const LockEdge& e : all) {
    std::string label = e.context + (e.irqs_off ? ", irqs off" : ", irqs on");
    if (added.count(e)) label = "new: " + label;
    if (removed.count(e)) label += " (no longer observed)";
    s += "  " + q(e.from) + " -> " + q(e.to) + " [label=" + q(label) +
         ", tooltip=" + q("first: " + e.first + "\nthen: " + e.then);
    if (cyclic.count({e.from, e.to})) s += ", color=red, fontcolor=red, penwidth=2";
    if (added.count(e)) s += ", style=dashed";
    if (removed.count(e)) {
      if (!cyclic.count({e.from, e.to})) s += ", color=grey, fontcolor=grey";
      s += ", style=dotted";
    }
    s += "];\n";
  }
  return s + "}\n";
}

bool dot_to_svg(const std::string& dot_text, const std::string& svg_path, std::string* err) {
  std::string dot = find_in_path("dot");
  if (dot.empty()) {
    *err = "Graphviz 'dot' was not found in PATH (install the graphviz package; --dot FILE writes "
           "the graph without it)";
    return false;
  }
  int in[2];
  if (::pipe(in) != 0) return *err = std::string("pipe: ") + std::strerror(errno), false;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(in[0]);
    ::close(in[1]);
    return *err = std::string("fork: ") + std::strerror(errno), false;
  }
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::close(in[0]);
    ::close(in[1]);
    ::execl(dot.c_str(), "dot", "-Tsvg", "-o", svg_path.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  // dot may exit early (bad output path): ignore SIGPIPE while writing, report its status.
  struct sigaction ign{}, old{};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ign, &old);
  size_t off = 0;
  while (off < dot_text.size()) {
    ssize_t n = ::write(in[1], dot_text.data() + off, dot_text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  ::close(in[1]);
  ::sigaction(SIGPIPE, &old, nullptr);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *err = dot + " -Tsvg failed (exit status " +
           (WIFEXITED(status) ? std::to_string(WEXITSTATUS(status)) : std::string("signal")) +
           "); no SVG written to " + svg_path;
    return false;
  }
  return true;
}

}  // namespace ravel::cli
