// model/core/ under a model: the layering check must name this include.
#include "model/spinlock.h"
#include "model/core/hb_clock.h"
