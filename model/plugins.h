// model/plugins.h: the model's state among a run's plugins, for code that holds only the
// engine's Plugin list (the trace recorder draws the lock graph of the run it replays). The
// downcast to the model's plugin type stays in the model.
#pragma once

#include <vector>

#include "checker/api.h"

namespace ravel::model {

class Lockdep;

// Lockdep's graph of the run whose plugins these are; nullptr when no KernelPlugin is among them.
const Lockdep* find_lockdep(const std::vector<Plugin*>& plugins);

}  // namespace ravel::model
