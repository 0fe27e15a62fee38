// reports/testing/write_samples.cc: `ravel_trace_samples OUTDIR` writes NAME.json and NAME.html
// for every sample model (the browser test's input). Exit 0, or 1 with a message.
#include <cstdio>
#include <fstream>

#include "reports/html.h"
#include "reports/testing/samples.h"

int main(int argc, char** argv) {
  using namespace ravel::report;  // NOLINT
  if (argc != 2) {
    std::fputs("usage: ravel_trace_samples OUTDIR\n", stderr);
    return 2;
  }
  std::string dir = argv[1];
  for (const testing::Sample& s : testing::samples()) {
    ravel::FoundViolation f;
    TraceDoc doc;
    std::string err, html;
    if (!testing::explore_sample(s, &f, &err) || !testing::trace_sample(s, f.schedule, &doc, &err)) {
      std::fprintf(stderr, "ravel_trace_samples: %s: %s\n", s.name.c_str(), err.c_str());
      return 1;
    }
    std::string json = trace_to_json(doc);
    if (!render_html(json, &html, &err)) {
      std::fprintf(stderr, "ravel_trace_samples: %s: %s\n", s.name.c_str(), err.c_str());
      return 1;
    }
    std::ofstream(dir + "/" + s.name + ".json", std::ios::binary) << json;
    std::ofstream(dir + "/" + s.name + ".html", std::ios::binary) << html;
  }
  return 0;
}
