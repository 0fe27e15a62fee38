// tools/ravel/lockorder.cc: see lockorder.h.
#include "tools/ravel/lockorder.h"

#include <algorithm>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

namespace ravel::cli {
namespace {

using Pair = std::pair<std::string, std::string>;

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

const char* irqs_str(bool off) { return off ? "off" : "on"; }

// Shortest chain from `from` to `to` over `adj` (BFS, neighbours in name order: deterministic).
std::vector<std::string> bfs(const std::map<std::string, std::map<std::string, LockEdge>>& adj,
                             const std::string& from, const std::string& to) {
  std::map<std::string, std::string> parent{{from, ""}};
  std::deque<std::string> queue{from};
  while (!queue.empty()) {
    std::string c = queue.front();
    queue.pop_front();
    if (c == to) {
      std::vector<std::string> path;
      for (std::string x = c; !x.empty(); x = parent[x]) path.insert(path.begin(), x);
      return path;
    }
    auto it = adj.find(c);
    if (it == adj.end()) continue;
    for (const auto& [next, edge] : it->second) {
      if (parent.emplace(next, c).second) queue.push_back(next);
    }
  }
  return {};
}

}  // namespace

// Contexts sort as model::IrqContext (process, softirq, hardirq), like LockOrderSet::sorted().
static int context_rank(const std::string& c) {
  model::IrqContext ctx = model::IrqContext::kProcess;
  return model::parse_irq_context(c, &ctx) ? static_cast<int>(ctx) : -1;
}

bool LockEdge::operator<(const LockEdge& o) const {
  int a = context_rank(context), b = context_rank(o.context);
  return std::tie(from, to, a, irqs_off) < std::tie(o.from, o.to, b, o.irqs_off);
}

bool LockEdge::same_ordering(const LockEdge& o) const { return !(*this < o) && !(o < *this); }

std::vector<LockEdge> to_edges(const std::vector<model::LockOrder>& orders) {
  std::vector<LockEdge> out;
  for (const model::LockOrder& o : orders) {
    out.push_back(LockEdge{o.from, o.to, model::irq_context_name(o.context), o.irqs_off,
                           o.from_loc.str(), o.to_loc.str()});
  }
  return out;
}

std::string to_json(const std::vector<LockEdge>& edges) {
  std::string s = "{\n  \"version\": 1,\n  \"naming\": \"lockdep class names\",\n  \"edges\": [";
  for (size_t i = 0; i < edges.size(); ++i) {
    const LockEdge& e = edges[i];
    s += i == 0 ? "\n" : ",\n";
    s += "    {\"from\": " + quote(e.from) + ", \"to\": " + quote(e.to) +
         ", \"context\": " + quote(e.context) + ", \"irqs\": " + quote(irqs_str(e.irqs_off)) +
         ", \"first\": " + quote(e.first) + ", \"then\": " + quote(e.then) + "}";
  }
  s += edges.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return s;
}

bool parse_json(const std::string& text, std::vector<LockEdge>* out, std::string* err) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return *err = "not a JSON object", false;
  if (!j.contains("version") || j["version"] != 1) return *err = "expected \"version\": 1", false;
  if (!j.contains("edges") || !j["edges"].is_array())
    return *err = "missing \"edges\" array", false;
  std::set<LockEdge> seen;
  size_t index = 0;
  for (const nlohmann::json& e : j["edges"]) {
    std::string where = "edge " + std::to_string(index++) + ": ";
    if (!e.is_object()) return *err = where + "not an object", false;
    LockEdge edge;
    for (auto [key, field] : {std::pair{"from", &edge.from},
                              {"to", &edge.to},
                              {"context", &edge.context},
                              {"first", &edge.first},
                              {"then", &edge.then}}) {
      if (!e.contains(key) || !e[key].is_string()) {
        return *err = where + "missing string field \"" + key + "\"", false;
      }
      *field = e[key].get<std::string>();
    }
    model::IrqContext ctx;
    if (!model::parse_irq_context(edge.context, &ctx)) {
      return *err = where + "unknown context '" + edge.context + "'", false;
    }
    if (!e.contains("irqs") || (e["irqs"] != "on" && e["irqs"] != "off")) {
      return *err = where + "\"irqs\" must be \"on\" or \"off\"", false;
    }
    edge.irqs_off = e["irqs"] == "off";
    if (!seen.insert(edge).second) return *err = where + "duplicate ordering", false;
  }
  out->assign(seen.begin(), seen.end());
  return true;
}

LockDiff diff(const std::vector<LockEdge>& baseline, const std::vector<LockEdge>& current) {
  LockDiff d;
  std::set<LockEdge> base(baseline.begin(), baseline.end());
  std::set<LockEdge> cur(current.begin(), current.end());
  std::set<Pair> base_pairs;
  std::map<std::string, std::map<std::string, LockEdge>> adj;  // class graph, baseline + current
  for (const LockEdge& e : base) {
    base_pairs.emplace(e.from, e.to);
    adj[e.from].emplace(e.to, e);
  }
  for (const LockEdge& e : cur) {
    if (!base.count(e)) d.added.push_back(e);
    if (!base_pairs.count({e.from, e.to})) adj[e.from].emplace(e.to, e);  // smallest context
  }
  for (const LockEdge& e : base) {
    if (!cur.count(e)) d.removed.push_back(e);
  }
  // Cycles: a new class pair A -> B closes one when B reaches A (lockdep's check_noncircular).
  std::set<std::vector<std::string>> found;
  for (const LockEdge& e : d.added) {
    // An old pair closes no new cycle; a new pair is searched once (from its representative).
    if (base_pairs.count({e.from, e.to}) || !adj[e.from].at(e.to).same_ordering(e)) continue;
    std::vector<std::string> path = bfs(adj, e.to, e.from);
    if (path.empty()) continue;
    path.insert(path.begin(), e.from);  // A, B, ..., A
    path.pop_back();
    size_t start = 0;
    for (size_t i = 1; i < path.size(); ++i) {
      if (path[i] < path[start]) start = i;
    }
    std::vector<std::string> ring(path.begin() + start, path.end());
    ring.insert(ring.end(), path.begin(), path.begin() + start);
    if (!found.insert(ring).second) continue;
    LockCycle c;
    for (size_t i = 0; i < ring.size(); ++i) {
      c.chain.push_back(adj[ring[i]].at(ring[(i + 1) % ring.size()]));
    }
    d.cycles.push_back(std::move(c));
  }
  std::sort(d.cycles.begin(), d.cycles.end(), [](const LockCycle& a, const LockCycle& b) {
    return std::lexicographical_compare(a.chain.begin(), a.chain.end(), b.chain.begin(),
                                        b.chain.end());
  });
  return d;
}

std::string describe(const LockEdge& e) {
  return e.from + " -> " + e.to + "  [" + e.context + ", irqs " + irqs_str(e.irqs_off) +
         "]  first: " + e.first + "  then: " + e.then;
}

std::string render(const LockDiff& d) {
  std::string s;
  std::set<LockEdge> added(d.added.begin(), d.added.end());
  for (const LockEdge& e : d.added) s += "+ " + describe(e) + "\n";
  for (const LockCycle& c : d.cycles) {
    s += "! new cycle: ";
    for (const LockEdge& e : c.chain) s += e.from + " -> ";
    s += c.chain.front().from + "\n";
    for (const LockEdge& e : c.chain) {
      s += std::string("    ") + (added.count(e) ? "(new)      " : "(baseline) ") + describe(e) +
           "\n";
    }
  }
  for (const LockEdge& e : d.removed) s += "- " + describe(e) + "  (no longer observed)\n";
  auto n = [](size_t k, const char* one, const char* many) {
    return std::to_string(k) + " " + (k == 1 ? one : many);
  };
  s += "lockorder: " + n(d.added.size(), "new ordering", "new orderings") + ", " +
       n(d.cycles.size(), "new cycle", "new cycles") + ", " + std::to_string(d.removed.size()) +
       " no longer observed\n";
  return s;
}

}  // namespace ravel::cli
