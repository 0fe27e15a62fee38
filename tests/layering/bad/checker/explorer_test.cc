// Tests may reach across layers: not a violation.
#include "model/dma_fence.h"
