// scenarios/lang/input_file.h: reading a file named on the command line (scenarios, traces,
// lock-order baselines) without trusting it.
//
// Design note. `ravel check /dev/zero` or a FIFO named x.ravel in a folder used to read forever:
// an input must be a regular file, and one above a documented size is refused before it is read
// (kMaxScenarioBytes, kMaxDocumentBytes). A failure names the reason (strerror), never just
// "cannot read".
#pragma once

#include <cstddef>
#include <string>

namespace ravel::lang {

// A scenario is a page of C: 1 MiB is far above any real one (the library's largest is ~10 KiB).
inline constexpr size_t kMaxScenarioBytes = size_t{1} << 20;
// Trace documents and baselines: 100000 events per execution at a few hundred bytes each.
inline constexpr size_t kMaxDocumentBytes = size_t{256} << 20;

// Reads the whole regular file `path` of at most max_bytes into *text. False with *reason (e.g.
// "not a regular file", "No such file or directory", "larger than 1048576 bytes") otherwise.
bool read_input_file(const std::string& path, size_t max_bytes, std::string* text,
                     std::string* reason);

}  // namespace ravel::lang
