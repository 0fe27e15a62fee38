// scenarios/lang/kernel_list.cc: the built-in <linux/list.h> (preprocess.h). The kernel's
// doubly linked lists are not a model object: they are the kernel's own algorithm, written here
// in the scenario language, so every link update is the plain (or, where the kernel marks it,
// WRITE_ONCE / rcu_assign_pointer) access the kernel does, the race detector sees it, KASAN
// sees a link into a freed entry, and RCU readers get rcu_dereference's ordering.
//
// CONFIG_DEBUG_LIST is on: list_add and list_del check their neighbours first and, on a
// mismatch, report `warn` with the kernel's wording ("list_add corruption. ...") and skip the
// link update, as lib/list_debug.c's checks do (CHECK_DATA_CORRUPTION without
// CONFIG_BUG_ON_DATA_CORRUPTION); what the kernel does after the check regardless (list_del's
// poisoning, list_del_init's re-initialisation, list_move's add) it does here too.
// LIST_POISON1/LIST_POISON2 are NULL: a use of a deleted entry's links is then a null-deref, where
// the kernel oopses on the poison address, and a second list_del is "list_del corruption,
// entry->next is NULL".
//
// The code part is spliced in front of a scenario that names one of its functions or structs
// (Preprocessor::run); its macros are built-in macros like likely(). A finding inside these
// functions is shown at the scenario's call (interp: Interp::loc_slow).
#include "scenarios/lang/preprocess.h"

namespace ravel::lang {

const char* kernel_list_macros() {
  return R"list(#define LIST_POISON1 NULL
#define LIST_POISON2 NULL
#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
#define HLIST_HEAD_INIT { NULL }
#define HLIST_HEAD(name) struct hlist_head name = { NULL }
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member) list_entry((ptr)->prev, type, member)
#define list_first_entry_or_null(ptr, type, member) \
  (!list_empty(ptr) ? list_first_entry(ptr, type, member) : NULL)
#define list_next_entry(pos, member) list_entry((pos)->member.next, typeof(*(pos)), member)
#define list_prev_entry(pos, member) list_entry((pos)->member.prev, typeof(*(pos)), member)
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))
#define list_for_each(pos, head) for (pos = (head)->next; !list_is_head(pos, (head)); pos = pos->next)
#define list_for_each_safe(pos, n, head) \
  for (pos = (head)->next, n = pos->next; !list_is_head(pos, (head)); pos = n, n = pos->next)
#define list_for_each_entry(pos, head, member) \
  for (pos = list_first_entry(head, typeof(*(pos)), member); \
       !list_entry_is_head(pos, head, member); pos = list_next_entry(pos, member))
#define list_for_each_entry_reverse(pos, head, member) \
  for (pos = list_last_entry(head, typeof(*(pos)), member); \
       !list_entry_is_head(pos, head, member); pos = list_prev_entry(pos, member))
#define list_for_each_entry_continue(pos, head, member) \
  for (pos = list_next_entry(pos, member); !list_entry_is_head(pos, head, member); \
       pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member) \
  for (pos = list_first_entry(head, typeof(*(pos)), member), n = list_next_entry(pos, member); \
       !list_entry_is_head(pos, head, member); pos = n, n = list_next_entry(n, member))
#define __list_rcu_cond(dummy, cond, extra...) (cond)
#define list_entry_rcu(ptr, type, member) container_of(rcu_dereference_raw(ptr), type, member)
#define list_for_each_entry_rcu(pos, head, member, cond...) \
  for (pos = container_of(rcu_dereference_check((head)->next, __list_rcu_cond(0, ## cond, 0)), \
                          typeof(*(pos)), member); \
       !list_entry_is_head(pos, head, member); \
       pos = container_of(rcu_dereference_check((pos)->member.next, \
                                                __list_rcu_cond(0, ## cond, 0)), \
                          typeof(*(pos)), member))
#define hlist_entry(ptr, type, member) container_of(ptr, type, member)
#define hlist_for_each_entry(pos, head, member) \
  for (struct hlist_node *__hn = (head)->first; \
       __hn != NULL ? (pos = hlist_entry(__hn, typeof(*(pos)), member), 1) : (pos = NULL, 0); \
       __hn = __hn->next)
#define hlist_for_each_entry_safe(pos, n, head, member) \
  for (struct hlist_node *__hn = (head)->first; \
       __hn != NULL ? (n = __hn->next, pos = hlist_entry(__hn, typeof(*(pos)), member), 1) \
                    : (pos = NULL, 0); \
       __hn = n)
#define hlist_for_each_entry_rcu(pos, head, member, cond...) \
  for (struct hlist_node *__hn = rcu_dereference_check((head)->first, \
                                                      __list_rcu_cond(0, ## cond, 0)); \
       __hn != NULL ? (pos = hlist_entry(__hn, typeof(*(pos)), member), 1) : (pos = NULL, 0); \
       __hn = rcu_dereference_check(__hn->next, __list_rcu_cond(0, ## cond, 0)))
)list";
}

// Written from the kernel's documented behaviour (include/linux/list.h, rculist.h,
// lib/list_debug.c), in the scenario language.
const char* kernel_list_code() {
  return R"list(struct list_head { struct list_head *next, *prev; };
struct hlist_node { struct hlist_node *next, **pprev; };
struct hlist_head { struct hlist_node *first; };

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	WRITE_ONCE(list->next, list);
	WRITE_ONCE(list->prev, list);
}

/* lib/list_debug.c: the neighbours must point at each other, and new must not be one. */
static bool __list_add_valid(struct list_head *new, struct list_head *prev,
			     struct list_head *next)
{
	if (WARN(prev == NULL, "list_add corruption. prev is NULL."))
		return false;
	if (WARN(next == NULL, "list_add corruption. next is NULL."))
		return false;
	if (WARN(next->prev != prev, "list_add corruption. next->prev should be prev, but was not."))
		return false;
	if (WARN(prev->next != next, "list_add corruption. prev->next should be next, but was not."))
		return false;
	if (WARN(new == prev || new == next, "list_add double add: new is prev or next."))
		return false;
	return true;
}

static bool __list_del_entry_valid(struct list_head *entry)
{
	struct list_head *prev = entry->prev, *next = entry->next;

	if (WARN(next == NULL, "list_del corruption, entry->next is NULL (LIST_POISON1: deleted twice?)"))
		return false;
	if (WARN(prev == NULL, "list_del corruption, entry->prev is NULL (LIST_POISON2: deleted twice?)"))
		return false;
	if (WARN(prev->next != entry, "list_del corruption. prev->next should be entry, but was not."))
		return false;
	if (WARN(next->prev != entry, "list_del corruption. next->prev should be entry, but was not."))
		return false;
	return true;
}

static inline void __list_add(struct list_head *new, struct list_head *prev,
			      struct list_head *next)
{
	if (!__list_add_valid(new, prev, next))
		return;
	next->prev = new;
	new->next = next;
	new->prev = prev;
	WRITE_ONCE(prev->next, new);
}

static inline void list_add(struct list_head *new, struct list_head *head)
{
	__list_add(new, head, head->next);
}

static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	__list_add(new, head->prev, head);
}

static inline void __list_del(struct list_head *prev, struct list_head *next)
{
	next->prev = prev;
	WRITE_ONCE(prev->next, next);
}

static inline bool __list_del_entry(struct list_head *entry)
{
	if (!__list_del_entry_valid(entry))
		return false;
	__list_del(entry->prev, entry->next);
	return true;
}

/* As in the kernel, the entry is poisoned (and list_del_init()'s re-initialised, list_move()'s
   re-added) whether or not the check let the unlink happen. */
static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = LIST_POISON1;
	entry->prev = LIST_POISON2;
}

static inline void list_del_init(struct list_head *entry)
{
	__list_del_entry(entry);
	INIT_LIST_HEAD(entry);
}

static inline void list_replace(struct list_head *old, struct list_head *new)
{
	new->next = old->next;
	new->next->prev = new;
	new->prev = old->prev;
	new->prev->next = new;
}

static inline void list_replace_init(struct list_head *old, struct list_head *new)
{
	list_replace(old, new);
	INIT_LIST_HEAD(old);
}

static inline void list_move(struct list_head *list, struct list_head *head)
{
	__list_del_entry(list);
	list_add(list, head);
}

static inline void list_move_tail(struct list_head *list, struct list_head *head)
{
	__list_del_entry(list);
	list_add_tail(list, head);
}

static inline bool list_is_head(struct list_head *list, struct list_head *head)
{
	return list == head;
}

static inline bool list_is_first(struct list_head *list, struct list_head *head)
{
	return list->prev == head;
}

static inline bool list_is_last(struct list_head *list, struct list_head *head)
{
	return list->next == head;
}

/* A marked read: list_empty() is the lockless emptiness test of the kernel. */
static inline bool list_empty(struct list_head *head)
{
	return READ_ONCE(head->next) == head;
}

static inline bool list_empty_careful(struct list_head *head)
{
	struct list_head *next = smp_load_acquire(&head->next);

	return list_is_head(next, head) && next == READ_ONCE(head->prev);
}

static inline bool list_is_singular(struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

static inline void __list_splice(struct list_head *list, struct list_head *prev,
				 struct list_head *next)
{
	struct list_head *first = list->next;
	struct list_head *last = list->prev;

	first->prev = prev;
	prev->next = first;
	last->next = next;
	next->prev = last;
}

static inline void list_splice(struct list_head *list, struct list_head *head)
{
	if (!list_empty(list))
		__list_splice(list, head, head->next);
}

static inline void list_splice_tail(struct list_head *list, struct list_head *head)
{
	if (!list_empty(list))
		__list_splice(list, head->prev, head);
}

static inline void list_splice_init(struct list_head *list, struct list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head, head->next);
		INIT_LIST_HEAD(list);
	}
}

static inline void list_splice_tail_init(struct list_head *list, struct list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head->prev, head);
		INIT_LIST_HEAD(list);
	}
}

/* include/linux/rculist.h: the new entry is complete before rcu_assign_pointer publishes it. */
static inline void INIT_LIST_HEAD_RCU(struct list_head *list)
{
	WRITE_ONCE(list->next, list);
	WRITE_ONCE(list->prev, list);
}

static inline void __list_add_rcu(struct list_head *new, struct list_head *prev,
				  struct list_head *next)
{
	if (!__list_add_valid(new, prev, next))
		return;
	new->next = next;
	new->prev = prev;
	rcu_assign_pointer(prev->next, new);
	next->prev = new;
}

static inline void list_add_rcu(struct list_head *new, struct list_head *head)
{
	__list_add_rcu(new, head, head->next);
}

static inline void list_add_tail_rcu(struct list_head *new, struct list_head *head)
{
	__list_add_rcu(new, head->prev, head);
}

/*
 * Readers may still be on the entry: its ->next stays valid, only ->prev is poisoned.
 * The kernel unlinks with WRITE_ONCE: the next entry was published by its own
 * rcu_assign_pointer, and a reader that now reaches it through prev->next is ordered after
 * that publication by its address dependency. The model's happens-before has no such
 * transitive step, so the store that links prev to next is a release here (rcu_assign_pointer),
 * which orders exactly what that earlier publication did plus the unlinker's writes before it.
 */
static inline void list_del_rcu(struct list_head *entry)
{
	struct list_head *prev, *next;

	if (__list_del_entry_valid(entry)) {
		prev = entry->prev;
		next = entry->next;
		next->prev = prev;
		rcu_assign_pointer(prev->next, next);
	}
	entry->prev = LIST_POISON2;
}

static inline void list_replace_rcu(struct list_head *old, struct list_head *new)
{
	new->next = old->next;
	new->prev = old->prev;
	rcu_assign_pointer(new->prev->next, new);
	new->next->prev = new;
	old->prev = LIST_POISON2;
}

static inline void INIT_HLIST_HEAD(struct hlist_head *h)
{
	h->first = NULL;
}

static inline void INIT_HLIST_NODE(struct hlist_node *n)
{
	n->next = NULL;
	n->pprev = NULL;
}

static inline bool hlist_unhashed(struct hlist_node *n)
{
	return n->pprev == NULL;
}

static inline bool hlist_empty(struct hlist_head *h)
{
	return READ_ONCE(h->first) == NULL;
}

static inline void __hlist_del(struct hlist_node *n)
{
	struct hlist_node *next = n->next;
	struct hlist_node **pprev = n->pprev;

	WRITE_ONCE(*pprev, next);
	if (next)
		WRITE_ONCE(next->pprev, pprev);
}

static inline void hlist_del(struct hlist_node *n)
{
	__hlist_del(n);
	n->next = LIST_POISON1;
	n->pprev = LIST_POISON2;
}

static inline void hlist_del_init(struct hlist_node *n)
{
	if (!hlist_unhashed(n)) {
		__hlist_del(n);
		INIT_HLIST_NODE(n);
	}
}

static inline void hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	WRITE_ONCE(n->next, first);
	if (first)
		WRITE_ONCE(first->pprev, &n->next);
	WRITE_ONCE(h->first, n);
	WRITE_ONCE(n->pprev, &h->first);
}

static inline void hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	WRITE_ONCE(n->pprev, &h->first);
	rcu_assign_pointer(h->first, n);
	if (first)
		WRITE_ONCE(first->pprev, &n->next);
}

/*
 * The steps of ravel's dma_fence built-ins on a fence's callback list (drivers/dma-buf/dma-fence.c)
 * when the scenario's code sees that list (fence->cb_list, cb->node, cb->func): the built-ins call
 * these with the fence lock held, so the list is one representation, this memory
 * (model/dma_fence.h DmaFenceCbMemory, scenarios/interp/fence_cb_list.cc).
 */
static void __ravel_fence_cb_list_init(struct dma_fence *fence)
{
	INIT_LIST_HEAD(&fence->cb_list);
}

static void __ravel_fence_cb_node_init(struct dma_fence_cb *cb)
{
	INIT_LIST_HEAD(&cb->node);
}

static void __ravel_fence_cb_add(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	list_add_tail(&cb->node, &fence->cb_list);
}

/* dma_fence_remove_callback(): a node on no list was re-initialised when it left one. */
static bool __ravel_fence_cb_del(struct dma_fence_cb *cb)
{
	bool queued = !list_empty(&cb->node);

	if (queued)
		list_del_init(&cb->node);
	return queued;
}

static bool __ravel_fence_cb_empty(struct dma_fence *fence)
{
	return list_empty(&fence->cb_list);
}

/*
 * The signal: the list is moved to the stack first (the head shares its memory with the
 * timestamp in the kernel, so it is not re-initialised), then each callback's node is
 * re-initialised before its function runs, which may re-add it.
 */
static void __ravel_fence_cb_run(struct dma_fence *fence)
{
	struct list_head pending;
	struct dma_fence_cb *pos, *next;

	list_replace(&fence->cb_list, &pending);
	list_for_each_entry_safe(pos, next, &pending, node) {
		INIT_LIST_HEAD(&pos->node);
		pos->func(fence, pos);
	}
}

/* As list_del_rcu: the store that skips n is a release in the model. */
static inline void hlist_del_rcu(struct hlist_node *n)
{
	struct hlist_node *next = n->next;
	struct hlist_node **pprev = n->pprev;

	rcu_assign_pointer(*pprev, next);
	if (next)
		WRITE_ONCE(next->pprev, pprev);
	WRITE_ONCE(n->pprev, LIST_POISON2);
}
)list";
}

}  // namespace ravel::lang
