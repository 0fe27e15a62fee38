// A report that reads a model type directly: the layering check must name this include.
#include "checker/api.h"
#include "model/kernel.h"
