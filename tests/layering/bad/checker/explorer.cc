// The engine naming a kernel primitive: the layering check must name this include.
#include "model/dma_fence.h"
