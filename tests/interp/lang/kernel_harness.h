/*
 * kernel_harness.h: a shared harness for the kernel_include_*.ravel scenarios. It plays the
 * part of a driver header: a private struct, its helpers and an iterator macro, included by
 * several scenarios (docs/language.md section 1.2).
 */
#pragma once

#define RING_SLOTS 4
#define ring_for_each_slot(ring, i) for ((i) = 0; (i) < ARRAY_SIZE((ring)->slot); (i)++)

struct ring {
	spinlock_t lock;
	u32 head;
	int slot[RING_SLOTS];
};

static inline void ring_push(struct ring *r, int v)
{
	spin_lock(&r->lock);
	r->slot[r->head % RING_SLOTS] = v;
	r->head++;
	spin_unlock(&r->lock);
}

#include "kernel_harness.h" /* a second include is skipped by #pragma once */
