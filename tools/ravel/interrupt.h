// tools/ravel/interrupt.h: Ctrl-C and SIGTERM during `ravel run`.
//
// Design note. The first SIGINT or SIGTERM only sets a flag (the handler does nothing else: it
// must be async-signal-safe); the explorations poll it (ExploreOptions::stop) and stop, the
// scenario being explored is reported incomplete, scenarios not started are left out, and the
// command still prints its summary and writes its JUnit and trace files, then exits 128 + the
// signal number (130, 143: what a shell reports for a process the signal killed). The handler
// is installed with SA_RESETHAND, so a second signal kills at once, as without ravel.
#pragma once

#include <atomic>

namespace ravel::cli {

void install_interrupt_handlers();
// The flag the handlers set; pass it as ExploreOptions::stop.
const std::atomic<bool>* interrupt_flag();
// The signal received (SIGINT, SIGTERM), 0 when none.
int interrupt_signal();
// 128 + interrupt_signal(), the exit code of an interrupted run.
int interrupted_exit_code();

}  // namespace ravel::cli
