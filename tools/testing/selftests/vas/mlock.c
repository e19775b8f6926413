// SPDX-License-Identifier: GPL-2.0
/*
 * mlock: locking pages in memory, seen from user space (mincore, status
 * VmLck, smaps Locked and VmFlags, fault counters, meminfo Mlocked) and,
 * with the helper module, from the kernel (VM_LOCKED, VM_LOCKONFAULT,
 * mm->locked_vm, the page tables).
 *
 * The rules checked, from mm/mlock.c, mm/gup.c and the man pages:
 *
 *  - mlock() sets VM_LOCKED, adds the range to mm->locked_vm (VmLck) and
 *    populates it (__mm_populate, write faults for private writable
 *    mappings), so no page of it faults afterwards; munlock() clears the
 *    flag and the count. smaps "Locked" is the Pss of a VM_LOCKED VMA.
 *  - mlock2(MLOCK_ONFAULT) (4.4) sets VM_LOCKED | VM_LOCKONFAULT and
 *    counts the whole range in locked_vm, but populate_vma_page_range()
 *    does nothing for it: pages become resident and locked as they fault.
 *  - mlockall(): MCL_CURRENT locks every VMA except VM_SPECIAL ones (vDSO,
 *    vvar...) and populates; MCL_FUTURE sets mm->def_flags so later
 *    mappings are locked (and populated by mmap); MCL_ONFAULT adds
 *    VM_LOCKONFAULT; munlockall() clears the VMAs and def_flags.
 *  - RLIMIT_MEMLOCK without CAP_IPC_LOCK: a zero limit is EPERM
 *    (can_do_mlock()), going over it ENOMEM (do_mlock(), mlockall()
 *    MCL_CURRENT against total_vm), a later MCL_FUTURE mapping over it
 *    EAGAIN (mlock_future_ok()). CAP_IPC_LOCK bypasses both.
 *  - A range with a hole, or unmapped, is ENOMEM; start + len wrapping
 *    around is EINVAL (apply_vma_lock_flags()), checked after the limit.
 *  - Locked pages are unevictable (NR_MLOCK, meminfo Mlocked);
 *    MADV_PAGEOUT refuses a VM_LOCKED VMA with EINVAL (can_madv_lru_vma()).
 *  - fork: dup_mmap() clears VM_LOCKED and locked_vm in the child and
 *    mm_init() keeps no VM_LOCKED in its def_flags.
 *
 * Whole-process locks (mlockall) and privilege changes run in children;
 * the children record what they saw in a shared log that the test then
 * checks, so that each failure still prints the expected and observed
 * values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"
#include "vas_kmod.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT	0x01
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT	4	/* asm-generic/mman.h: x86, arm, arm64 */
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define REGION_PAGES	16	/* pages of an ordinary test region */
#define FAULT_SLACK	2	/* faults not ours during a measured loop */
#define MAX_CHECKS	40
#define MLOCKED_TRIES	3	/* attempts when others change Mlocked */
#define MLOCKED_MAX	(256 * VAS_MIB)	/* most the Mlocked test locks */
/*
 * Room a child under MCL_FUTURE needs besides its regions: everything it
 * maps is locked, the buffers of an smaps read included.
 */
#define FUTURE_HEADROOM	(4 * VAS_MIB)

#define SKIP_MEMLOCK		"RLIMIT_MEMLOCK too low"
#define SKIP_MEMLOCK_PROC	"RLIMIT_MEMLOCK below the process size"
#define SKIP_MLOCK2		"mlock2 unsupported (ENOSYS)"
#define SKIP_ONFAULT		"MLOCK_ONFAULT unsupported (EINVAL)"
#define SKIP_MCL_ONFAULT	"MCL_ONFAULT unsupported (EINVAL)"
#define SKIP_PAGEOUT		"MADV_PAGEOUT unsupported (EINVAL)"
#define SKIP_IPC_LOCK		"needs CAP_IPC_LOCK"
#define SKIP_NO_MLOCKED		"no Mlocked in /proc/meminfo"
#define SKIP_COMPAT_WRAP	"no address wrap for a compat task"
#define SKIP_MLOCKED_COARSE	"vmstat drift too large to measure Mlocked"

static size_t ps(void)
{
	return vas_page_size();
}

static unsigned long long kb_of_pages(unsigned long long pages)
{
	return pages * (ps() / VAS_KIB);
}

static int err_of(int ret)
{
	return ret ? errno : 0;
}

static int sys_mlock2(const void *addr, size_t len, unsigned int flags)
{
#ifdef __NR_mlock2
	return syscall(__NR_mlock2, addr, len, flags);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Whether this kernel has mlock2(MLOCK_ONFAULT): NULL, or the fixed
 * reason to SKIP with. Both came in 4.4 (with VM_LOCKONFAULT); probed
 * with a zero length, which locks nothing. The flags are checked before
 * anything else, so EPERM (a zero RLIMIT_MEMLOCK) still means "there".
 */
static const char *mlock2_missing(void)
{
	if (!sys_mlock2(NULL, 0, MLOCK_ONFAULT))
		return NULL;
	if (errno == ENOSYS)
		return SKIP_MLOCK2;
	return errno == EINVAL ? SKIP_ONFAULT : NULL;
}

/*
 * smaps shows VM_LOCKONFAULT as "lf" since 6.2 (commit 8614d6c5eda0,
 * "mm: do not show fs mm pc for VM_LOCKONFAULT pages"); older kernels
 * have no mnemonic for it, so only "lo" can be checked there.
 */
static bool smaps_shows_lf(void)
{
	return vas_kernel_at_least(6, 2);
}

/*
 * An anonymous private read-write region of n pages between two
 * PROT_NONE guard pages, so that it is one VMA of its own whatever the
 * neighbours are, with THP off so that one fault maps one page. Returns
 * the region (the guards are at region - ps and region + n * ps), or
 * NULL.
 */
static char *map_region(size_t n)
{
	size_t len = (n + 2) * ps();
	char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + ps(), n * ps(), PROT_READ | PROT_WRITE)) {
		munmap(p, len);
		return NULL;
	}
	/* Fails without THP, which is just as good. */
	madvise(p + ps(), n * ps(), MADV_NOHUGEPAGE);
	return p + ps();
}

static void unmap_region(char *r, size_t n)
{
	munmap(r - ps(), (n + 2) * ps());
}

/* Write one byte per page; returns the minor faults that took. */
static long touch_pages(char *p, size_t n)
{
	struct vas_faults a, b;
	size_t i;

	if (vas_faults(&a))
		return -1;
	for (i = 0; i < n; i++)
		vas_poke(p + i * ps(), 1);
	if (vas_faults(&b))
		return -1;
	return (long)(b.minor - a.minor);
}

/* VmLck of this process in kB, or a negative errno. */
static long long vmlck_kb(void)
{
	unsigned long long v;
	int ret = vas_proc_value("/proc/self/status", "VmLck", &v);

	return ret ? ret : (long long)v;
}

/* The smaps view of the VMA containing addr. */
struct vma_view {
	bool found;
	uintptr_t start, end;
	long long size_kb, rss_kb, locked_kb;
	bool lo, lf;
	char flags[128];
};

static int vma_view(const void *addr, struct vma_view *v)
{
	struct vas_smaps *e = NULL;
	int n = vas_read_smaps(0, &e), i;

	memset(v, 0, sizeof(*v));
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if ((uintptr_t)addr < e[i].map.start ||
		    (uintptr_t)addr >= e[i].map.end)
			continue;
		v->found = true;
		v->start = e[i].map.start;
		v->end = e[i].map.end;
		v->size_kb = (long long)e[i].size_kb;
		v->rss_kb = (long long)e[i].rss_kb;
		v->locked_kb = (long long)e[i].locked_kb;
		v->lo = vas_vmflags_has(e[i].vmflags, "lo");
		v->lf = vas_vmflags_has(e[i].vmflags, "lf");
		snprintf(v->flags, sizeof(v->flags), "%s", e[i].vmflags);
		break;
	}
	free(e);
	return 0;
}

/*
 * Make room under RLIMIT_MEMLOCK for bytes more of locked memory: a task
 * without CAP_IPC_LOCK raises its soft limit to the hard one. False when
 * the limit cannot allow it.
 */
static bool memlock_allows(size_t bytes)
{
	struct rlimit rl;
	long long locked = vmlck_kb();

	if (vas_has_cap(CAP_IPC_LOCK))
		return true;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) || locked < 0)
		return false;
	if (rl.rlim_cur != rl.rlim_max &&
	    !vas_set_memlock(rl.rlim_max, rl.rlim_max))
		rl.rlim_cur = rl.rlim_max;
	if (rl.rlim_cur == RLIM_INFINITY)
		return true;
	return rl.rlim_cur >= (unsigned long long)locked * VAS_KIB + bytes;
}

/* vas_lib candidate */
static int drop_effective_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[cap / 32].effective &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* ---- what children saw, checked by the test ---- */

enum cmp { CMP_EQ, CMP_LE, CMP_GE };	/* got ==, <=, >= want */

struct check {
	char what[80];
	enum cmp cmp;
	long long want, got;
};

/* In MAP_SHARED memory, written by children (and grandchildren). */
struct child_log {
	const char *skip;	/* a fixed SKIP reason: string literals survive fork */
	int fd;			/* the helper module, when the test opened it */
	int n, lost;
	struct check c[MAX_CHECKS];
};

static struct child_log *log_new(void)
{
	struct child_log *l = mmap(NULL, sizeof(*l), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (l == MAP_FAILED)
		return NULL;
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	return l;
}

static void log_check(struct child_log *l, const char *what, enum cmp cmp,
		      long long want, long long got)
{
	struct check *c;

	if (l->n == MAX_CHECKS) {
		l->lost++;
		return;
	}
	c = &l->c[l->n++];
	snprintf(c->what, sizeof(c->what), "%s", what);
	c->cmp = cmp;
	c->want = want;
	c->got = got;
}

static void log_eq(struct child_log *l, const char *what, long long want,
		   long long got)
{
	log_check(l, what, CMP_EQ, want, got);
}

/* A fault count: the pages touched, plus at most FAULT_SLACK. */
static void log_faults(struct child_log *l, const char *what, long long pages,
		       long long got)
{
	log_check(l, what, CMP_GE, pages, got);
	log_check(l, what, CMP_LE, pages + FAULT_SLACK, got);
}

static void log_report(struct __test_metadata *_metadata,
		       const struct child_log *l, int status)
{
	const struct check *c;
	int i;

	for (i = 0; i < l->n; i++) {
		c = &l->c[i];
		switch (c->cmp) {
		case CMP_EQ:
			EXPECT_EQ(c->want, c->got) TH_LOG("child: %s", c->what);
			break;
		case CMP_LE:
			EXPECT_GE(c->want, c->got) TH_LOG("child: %s (at most)", c->what);
			break;
		case CMP_GE:
			EXPECT_LE(c->want, c->got) TH_LOG("child: %s (at least)", c->what);
			break;
		}
	}
	EXPECT_EQ(0, l->lost) TH_LOG("checks lost: raise MAX_CHECKS");
	ASSERT_EQ(0, status) TH_LOG("child exit status");
}

/*
 * Run fn in a child (by vas_run_child or vas_run_unprivileged) and report
 * every check it logged, or its SKIP.
 */
static void run_logged(struct __test_metadata *_metadata,
		       int (*run)(int (*fn)(void *arg), void *arg),
		       int (*fn)(void *arg))
{
	struct child_log *l = log_new();
	int status;

	ASSERT_NE((uintptr_t)0, (uintptr_t)l);
	status = run(fn, l);
	if (l->skip)
		SKIP(return, "%s", l->skip);
	log_report(_metadata, l, status);
}

/* ---- mlock ---- */

TEST(mlock_populates_locks_and_munlock_undoes)
{
	size_t n = REGION_PAGES, len = n * ps();
	long long lck0, lck1, lck2;
	struct vma_view v;
	char *r;

	if (!memlock_allows(len))
		SKIP(return, SKIP_MEMLOCK);
	r = map_region(n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)r);
	ASSERT_EQ(0, vas_resident_pages(r, len)) TH_LOG("resident before mlock");
	lck0 = vmlck_kb();
	ASSERT_LE(0, lck0);

	ASSERT_EQ(0, err_of(mlock(r, len)));
	/* Populated at once: resident without a touch. */
	EXPECT_EQ((long)n, vas_resident_pages(r, len)) TH_LOG("resident after mlock");
	lck1 = vmlck_kb();
	EXPECT_EQ((long long)kb_of_pages(n), lck1 - lck0) TH_LOG("VmLck growth, kB");
	ASSERT_EQ(0, vma_view(r, &v));
	ASSERT_TRUE(v.found);
	EXPECT_EQ((uintptr_t)r, v.start);
	EXPECT_EQ((uintptr_t)(r + len), v.end);
	EXPECT_TRUE(v.lo) TH_LOG("VmFlags: %s", v.flags);
	if (smaps_shows_lf())
		EXPECT_FALSE(v.lf) TH_LOG("VmFlags: %s", v.flags);
	EXPECT_EQ((long long)kb_of_pages(n), v.locked_kb) TH_LOG("smaps Locked");
	EXPECT_EQ((long long)kb_of_pages(n), v.rss_kb) TH_LOG("smaps Rss");
	/* Populated writable: not even a write faults now. */
	EXPECT_GE(FAULT_SLACK, touch_pages(r, n)) TH_LOG("minor faults touching locked pages");

	ASSERT_EQ(0, err_of(munlock(r, len)));
	lck2 = vmlck_kb();
	EXPECT_EQ(lck0, lck2) TH_LOG("VmLck after munlock, kB");
	ASSERT_EQ(0, vma_view(r, &v));
	EXPECT_FALSE(v.lo) TH_LOG("VmFlags after munlock: %s", v.flags);
	EXPECT_EQ(0, v.locked_kb) TH_LOG("smaps Locked after munlock");
	unmap_region(r, n);
}

TEST(mlock2_onfault_locks_each_page_as_it_faults)
{
	size_t n = REGION_PAGES, len = n * ps(), k = n / 2;
	const char *why = mlock2_missing();
	long long lck0, lck1;
	struct vma_view v;
	long faults;
	char *r;

	if (why)
		SKIP(return, "%s", why);
	if (!memlock_allows(len))
		SKIP(return, SKIP_MEMLOCK);
	r = map_region(n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)r);
	lck0 = vmlck_kb();
	ASSERT_LE(0, lck0);

	ASSERT_EQ(0, err_of(sys_mlock2(r, len, MLOCK_ONFAULT)));
	EXPECT_EQ(0, vas_resident_pages(r, len)) TH_LOG("resident after mlock2(ONFAULT)");
	/* The whole range counts in locked_vm, populated or not. */
	lck1 = vmlck_kb();
	EXPECT_EQ((long long)kb_of_pages(n), lck1 - lck0) TH_LOG("VmLck growth, kB");
	ASSERT_EQ(0, vma_view(r, &v));
	ASSERT_TRUE(v.found);
	EXPECT_EQ((uintptr_t)r, v.start);
	EXPECT_EQ((uintptr_t)(r + len), v.end);
	EXPECT_TRUE(v.lo) TH_LOG("VmFlags: %s", v.flags);
	if (smaps_shows_lf())
		EXPECT_TRUE(v.lf) TH_LOG("VmFlags: %s", v.flags);
	EXPECT_EQ(0, v.locked_kb) TH_LOG("smaps Locked before any touch");

	/* Each first touch is one fault, and the page stays locked. */
	faults = touch_pages(r, k);
	EXPECT_LE((long)k, faults) TH_LOG("minor faults touching %zu pages", k);
	EXPECT_GE((long)(k + FAULT_SLACK), faults) TH_LOG("minor faults touching %zu pages", k);
	EXPECT_EQ((long)k, vas_resident_pages(r, len)) TH_LOG("resident after touching");
	ASSERT_EQ(0, vma_view(r, &v));
	EXPECT_EQ((long long)kb_of_pages(k), v.locked_kb) TH_LOG("smaps Locked after touching");
	EXPECT_GE(FAULT_SLACK, touch_pages(r, k)) TH_LOG("minor faults touching again");

	ASSERT_EQ(0, err_of(munlock(r, len)));
	EXPECT_EQ(lck0, vmlck_kb()) TH_LOG("VmLck after munlock, kB");
	ASSERT_EQ(0, vma_view(r, &v));
	EXPECT_FALSE(v.lo || v.lf) TH_LOG("VmFlags after munlock: %s", v.flags);
	unmap_region(r, n);
}

/* ---- mlockall, in children ---- */

/* Sum of Size of the VMAs with "lo", and whether vdso/vvar have none. */
static int locked_vmas(long long *sum_kb, int *special_locked)
{
	struct vas_smaps *e = NULL;
	int n = vas_read_smaps(0, &e), i;

	if (n < 0)
		return n;
	*sum_kb = 0;
	*special_locked = 0;
	for (i = 0; i < n; i++) {
		if (!vas_vmflags_has(e[i].vmflags, "lo"))
			continue;
		*sum_kb += (long long)e[i].size_kb;
		/* VM_SPECIAL mappings are never locked (mlock_fixup()). */
		if (!strcmp(e[i].map.path, "[vdso]") ||
		    !strcmp(e[i].map.path, "[vvar]") ||
		    !strcmp(e[i].map.path, "[vsyscall]"))
			(*special_locked)++;
	}
	free(e);
	return 0;
}

/* Records the state of region r (n pages) into the log. */
static void log_region(struct child_log *l, const char *tag, char *r,
		       size_t n, bool lo, long resident, long long locked_kb)
{
	struct vma_view v;
	char what[80];

	snprintf(what, sizeof(what), "%s: resident pages", tag);
	log_eq(l, what, resident, vas_resident_pages(r, n * ps()));
	if (vma_view(r, &v) || !v.found) {
		snprintf(what, sizeof(what), "%s: smaps entry found", tag);
		log_eq(l, what, 1, 0);
		return;
	}
	snprintf(what, sizeof(what), "%s: VmFlags has lo", tag);
	log_eq(l, what, lo, v.lo);
	snprintf(what, sizeof(what), "%s: smaps Locked kB", tag);
	log_eq(l, what, locked_kb, v.locked_kb);
}

/*
 * Child: MCL_CURRENT locks and populates what exists, leaves later
 * mappings alone; VmLck matches the VMAs marked lo; munlockall undoes.
 */
static int mlockall_current_child(void *arg)
{
	struct child_log *l = arg;
	size_t n = REGION_PAGES;
	long long lck, lck2, sum;
	int special;
	char *a, *b;

	if (!memlock_allows(0)) {
		l->skip = SKIP_MEMLOCK;
		return 0;
	}
	a = map_region(n);
	if (!a)
		return 2;
	/* Warm up the allocator so that reading smaps later maps nothing new. */
	if (locked_vmas(&sum, &special))
		return 3;
	if (mlockall(MCL_CURRENT)) {
		if (errno == ENOMEM && !vas_has_cap(CAP_IPC_LOCK))
			l->skip = SKIP_MEMLOCK_PROC;
		log_eq(l, "mlockall(MCL_CURRENT) errno", 0, errno);
		return 0;
	}
	log_region(l, "existing region", a, n, true, n, kb_of_pages(n));
	log_check(l, "existing region: faults touching", CMP_LE, FAULT_SLACK,
		  touch_pages(a, n));
	lck = vmlck_kb();
	if (locked_vmas(&sum, &special))
		return 4;
	lck2 = vmlck_kb();
	log_eq(l, "VmLck stable around the smaps read, kB", lck, lck2);
	log_eq(l, "VmLck = sum of Size of lo VMAs, kB", lck, sum);
	log_eq(l, "vdso/vvar/vsyscall VMAs with lo", 0, special);

	b = map_region(n);
	if (!b)
		return 5;
	log_region(l, "later region", b, n, false, 0, 0);

	log_eq(l, "munlockall() errno", 0, err_of(munlockall()));
	log_eq(l, "VmLck after munlockall, kB", 0, vmlck_kb());
	if (locked_vmas(&sum, &special))
		return 6;
	log_eq(l, "lo VMAs after munlockall, kB", 0, sum);
	log_region(l, "existing region after munlockall", a, n, false, n, 0);
	return 0;
}

TEST(mlockall_current_locks_and_populates_existing_mappings)
{
	run_logged(_metadata, vas_run_child, mlockall_current_child);
}

/* Child: MCL_FUTURE leaves what exists, locks and populates later mmaps. */
static int mlockall_future_child(void *arg)
{
	struct child_log *l = arg;
	size_t n = REGION_PAGES;
	long long lck0, lck1;
	char *a, *b, *c;

	if (!memlock_allows(FUTURE_HEADROOM + 3 * n * ps())) {
		l->skip = SKIP_MEMLOCK;
		return 0;
	}
	a = map_region(n);
	if (!a)
		return 2;
	log_eq(l, "mlockall(MCL_FUTURE) errno", 0, err_of(mlockall(MCL_FUTURE)));
	log_region(l, "existing region", a, n, false, 0, 0);

	/* A status read before, so the allocator has what the next needs. */
	vmlck_kb();
	lck0 = vmlck_kb();
	b = mmap(NULL, n * ps(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Populated by mmap itself: counted before any touch. */
	log_eq(l, "later mapping: resident at mmap return", n,
	       b == MAP_FAILED ? -1 : vas_resident_pages(b, n * ps()));
	if (b == MAP_FAILED)
		return 3;
	lck1 = vmlck_kb();
	log_eq(l, "VmLck growth by the later mapping, kB", kb_of_pages(n),
	       lck1 - lck0);
	log_region(l, "later mapping", b, n, true, n, kb_of_pages(n));
	log_check(l, "later mapping: faults touching", CMP_LE, FAULT_SLACK,
		  touch_pages(b, n));

	/* munlockall clears def_flags too: what comes next is not locked. */
	log_eq(l, "munlockall() errno", 0, err_of(munlockall()));
	log_eq(l, "VmLck after munlockall, kB", 0, vmlck_kb());
	c = map_region(n);
	if (!c)
		return 4;
	log_region(l, "mapping after munlockall", c, n, false, 0, 0);
	return 0;
}

TEST(mlockall_future_locks_and_populates_later_mappings)
{
	run_logged(_metadata, vas_run_child, mlockall_future_child);
}

/* Child: MCL_ONFAULT locks current and future mappings without populating. */
static int mlockall_onfault_child(void *arg)
{
	struct child_log *l = arg;
	size_t n = REGION_PAGES, k = n / 2;
	char *a, *b;

	if (!memlock_allows(FUTURE_HEADROOM + 2 * n * ps())) {
		l->skip = SKIP_MEMLOCK;
		return 0;
	}
	a = map_region(n);
	if (!a)
		return 2;
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) {
		if (errno == EINVAL)
			l->skip = SKIP_MCL_ONFAULT;
		else if (errno == ENOMEM && !vas_has_cap(CAP_IPC_LOCK))
			l->skip = SKIP_MEMLOCK_PROC;
		log_eq(l, "mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT) errno", 0, errno);
		return 0;
	}
	log_region(l, "existing region", a, n, true, 0, 0);
	log_faults(l, "existing region: faults touching half", k, touch_pages(a, k));
	log_region(l, "existing region, half touched", a, n, true, k,
		   kb_of_pages(k));

	b = mmap(NULL, n * ps(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return 3;
	madvise(b, n * ps(), MADV_NOHUGEPAGE);
	log_region(l, "later mapping", b, n, true, 0, 0);
	log_faults(l, "later mapping: faults touching half", k, touch_pages(b, k));
	log_region(l, "later mapping, half touched", b, n, true, k,
		   kb_of_pages(k));
	log_eq(l, "munlockall() errno", 0, err_of(munlockall()));
	log_eq(l, "VmLck after munlockall, kB", 0, vmlck_kb());
	return 0;
}

TEST(mlockall_onfault_locks_without_populating)
{
	run_logged(_metadata, vas_run_child, mlockall_onfault_child);
}

/* ---- RLIMIT_MEMLOCK and CAP_IPC_LOCK ---- */

#define LIMIT_PAGES	4

/* Runs as nobody without capabilities: the limit applies in full. */
static int rlimit_child(void *arg)
{
	size_t n = LIMIT_PAGES, lim = n * ps();
	struct child_log *l = arg;
	bool has_mlock2 = !mlock2_missing();
	char *r, *b;

	log_eq(l, "CAP_IPC_LOCK after dropping privileges", 0,
	       vas_has_cap(CAP_IPC_LOCK));
	log_eq(l, "euid is not root after dropping privileges", 1, geteuid() != 0);
	r = map_region(n + 1);
	if (!r)
		return 2;
	/* Lowering is always allowed, raising back above the hard limit not. */
	log_eq(l, "setrlimit(MEMLOCK, limit pages)", 0, vas_set_memlock(lim, lim));

	log_eq(l, "mlock of exactly the limit: errno", 0, err_of(mlock(r, lim)));
	log_eq(l, "VmLck at the limit, kB", kb_of_pages(n), vmlck_kb());
	/* Locked memory counts: one page more is over the limit. */
	log_eq(l, "mlock of one more page: errno", ENOMEM,
	       err_of(mlock(r + lim, ps())));
	log_eq(l, "munlock: errno", 0, err_of(munlock(r, lim)));
	log_eq(l, "mlock of limit + 1 page: errno", ENOMEM,
	       err_of(mlock(r, lim + ps())));
	log_eq(l, "VmLck after refused mlock, kB", 0, vmlck_kb());
	if (has_mlock2)
		log_eq(l, "mlock2(ONFAULT) of limit + 1 page: errno", ENOMEM,
		       err_of(sys_mlock2(r, lim + ps(), MLOCK_ONFAULT)));
	/* MCL_CURRENT is checked against the whole address space, total_vm. */
	log_eq(l, "mlockall(MCL_CURRENT) over the limit: errno", ENOMEM,
	       err_of(mlockall(MCL_CURRENT)));
	/* MCL_FUTURE itself is not checked; each later mapping is (EAGAIN). */
	log_eq(l, "mlockall(MCL_FUTURE): errno", 0, err_of(mlockall(MCL_FUTURE)));
	b = mmap(NULL, lim + ps(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	log_eq(l, "mmap over the limit under MCL_FUTURE: errno", EAGAIN,
	       b == MAP_FAILED ? errno : 0);
	if (b != MAP_FAILED)
		munmap(b, lim + ps());
	log_eq(l, "munlockall: errno", 0, err_of(munlockall()));

	/* A zero limit means no locking at all (can_do_mlock()): EPERM. */
	log_eq(l, "setrlimit(MEMLOCK, 0)", 0, vas_set_memlock(0, 0));
	log_eq(l, "mlock with limit 0: errno", EPERM, err_of(mlock(r, ps())));
	if (has_mlock2)
		log_eq(l, "mlock2 with limit 0: errno", EPERM,
		       err_of(sys_mlock2(r, ps(), 0)));
	log_eq(l, "mlockall(MCL_CURRENT) with limit 0: errno", EPERM,
	       err_of(mlockall(MCL_CURRENT)));
	log_eq(l, "mlockall(MCL_FUTURE) with limit 0: errno", EPERM,
	       err_of(mlockall(MCL_FUTURE)));
	/* Unlocking needs no permission. */
	log_eq(l, "munlock with limit 0: errno", 0, err_of(munlock(r, ps())));
	log_eq(l, "VmLck at the end, kB", 0, vmlck_kb());
	return 0;
}

TEST(rlimit_memlock_bounds_unprivileged_locking)
{
	struct child_log *l = log_new();
	int status;

	ASSERT_NE((uintptr_t)0, (uintptr_t)l);
	status = vas_run_unprivileged(rlimit_child, l);
	log_report(_metadata, l, status);
}

/* Runs as root with CAP_IPC_LOCK: the limit does not apply; then without it. */
static int ipc_lock_child(void *arg)
{
	size_t n = REGION_PAGES, len = n * ps();
	struct child_log *l = arg;
	long long lck0;
	char *r = map_region(n);

	if (!r)
		return 2;
	lck0 = vmlck_kb();
	log_eq(l, "setrlimit(MEMLOCK, one page)", 0, vas_set_memlock(ps(), ps()));
	log_eq(l, "mlock over the limit with CAP_IPC_LOCK: errno", 0,
	       err_of(mlock(r, len)));
	log_eq(l, "resident after mlock over the limit", n,
	       vas_resident_pages(r, len));
	log_eq(l, "VmLck growth over the limit, kB", kb_of_pages(n),
	       vmlck_kb() - lck0);
	log_eq(l, "munlock: errno", 0, err_of(munlock(r, len)));

	log_eq(l, "setrlimit(MEMLOCK, 0)", 0, vas_set_memlock(0, 0));
	log_eq(l, "mlock with limit 0 and CAP_IPC_LOCK: errno", 0,
	       err_of(mlock(r, len)));
	log_eq(l, "munlock: errno", 0, err_of(munlock(r, len)));
	log_eq(l, "mlockall(MCL_CURRENT) with limit 0 and CAP_IPC_LOCK: errno",
	       0, err_of(mlockall(MCL_CURRENT)));
	log_eq(l, "munlockall: errno", 0, err_of(munlockall()));

	/* The same calls without the capability: it was what let them pass. */
	log_eq(l, "dropping CAP_IPC_LOCK", 0, drop_effective_cap(CAP_IPC_LOCK));
	log_eq(l, "mlock with limit 0 without CAP_IPC_LOCK: errno", EPERM,
	       err_of(mlock(r, len)));
	log_eq(l, "mlockall with limit 0 without CAP_IPC_LOCK: errno", EPERM,
	       err_of(mlockall(MCL_CURRENT)));
	return 0;
}

TEST(cap_ipc_lock_bypasses_rlimit_memlock)
{
	struct child_log *l;
	int status;

	if (!vas_has_cap(CAP_IPC_LOCK))
		SKIP(return, SKIP_IPC_LOCK);
	l = log_new();
	ASSERT_NE((uintptr_t)0, (uintptr_t)l);
	status = vas_run_child(ipc_lock_child, l);
	log_report(_metadata, l, status);
}

/* ---- errors ---- */

TEST(unmapped_range_or_hole_is_enomem)
{
	size_t len = 3 * ps();
	bool has_mlock2 = !mlock2_missing();
	char *r;

	if (!memlock_allows(len))
		SKIP(return, SKIP_MEMLOCK);
	r = map_region(3);
	ASSERT_NE((uintptr_t)0, (uintptr_t)r);
	/* A hole in the middle: [r, r + ps) and [r + 2ps, r + 3ps) stay. */
	ASSERT_EQ(0, munmap(r + ps(), ps()));

	EXPECT_EQ(ENOMEM, err_of(mlock(r, len))) TH_LOG("mlock over a hole");
	EXPECT_EQ(ENOMEM, err_of(munlock(r, len))) TH_LOG("munlock over a hole");
	EXPECT_EQ(ENOMEM, err_of(mlock(r + ps(), ps()))) TH_LOG("mlock of the unmapped page");
	EXPECT_EQ(ENOMEM, err_of(mlock(r + ps(), 2 * ps())))
		TH_LOG("mlock starting in the hole");
	EXPECT_EQ(ENOMEM, err_of(munlock(r + ps(), ps()))) TH_LOG("munlock of the unmapped page");
	if (has_mlock2)
		EXPECT_EQ(ENOMEM, err_of(sys_mlock2(r + ps(), ps(), MLOCK_ONFAULT)))
			TH_LOG("mlock2 of the unmapped page");
	munlock(r, len);
	unmap_region(r, 3);
}

TEST(overflowing_length_is_einval)
{
	size_t wrap = (size_t)0 - ps();	/* r + wrap < r: wraps around */
	struct rlimit rl;
	int want;
	char *r;

	/*
	 * A 32-bit task on a 64-bit kernel cannot make start + len wrap:
	 * the kernel adds them in 64 bits, the range just runs past the end
	 * of the task's space (ENOMEM), and mlock() locks every VMA from
	 * start up to the first gap before it says so.
	 */
	if (vas_is_compat_task())
		SKIP(return, SKIP_COMPAT_WRAP);
	r = map_region(1);
	ASSERT_NE((uintptr_t)0, (uintptr_t)r);
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &rl));
	/* munlock has no limit to check: the wrap itself is refused. */
	EXPECT_EQ(EINVAL, err_of(munlock(r, wrap))) TH_LOG("munlock, start + len wraps");
	/*
	 * mlock checks RLIMIT_MEMLOCK before the range (do_mlock(), the same
	 * from 2.6.9 to 6.12): without CAP_IPC_LOCK and below an infinite
	 * limit the huge length is ENOMEM first, as mlock(2) lists it.
	 */
	want = vas_has_cap(CAP_IPC_LOCK) || rl.rlim_cur == RLIM_INFINITY ?
	       EINVAL : ENOMEM;
	if (rl.rlim_cur == 0 && !vas_has_cap(CAP_IPC_LOCK))
		want = EPERM;
	EXPECT_EQ(want, err_of(mlock(r, wrap))) TH_LOG("mlock, start + len wraps");
	if (!mlock2_missing())
		EXPECT_EQ(want, err_of(sys_mlock2(r, wrap, MLOCK_ONFAULT)))
			TH_LOG("mlock2, start + len wraps");
	EXPECT_EQ(0, vmlck_kb()) TH_LOG("VmLck after the refused calls");
	unmap_region(r, 1);
}

TEST(unknown_flags_are_einval)
{
	char *r = map_region(1);

	ASSERT_NE((uintptr_t)0, (uintptr_t)r);
	if (!mlock2_missing())
		EXPECT_EQ(EINVAL, err_of(sys_mlock2(r, ps(), ~(unsigned int)MLOCK_ONFAULT)))
			TH_LOG("mlock2 with unknown flags");
	EXPECT_EQ(EINVAL, err_of(mlockall(0))) TH_LOG("mlockall(0)");
	/* MCL_ONFAULT only modifies MCL_CURRENT / MCL_FUTURE. */
	EXPECT_EQ(EINVAL, err_of(mlockall(MCL_ONFAULT))) TH_LOG("mlockall(MCL_ONFAULT)");
	EXPECT_EQ(EINVAL, err_of(mlockall(MCL_CURRENT | 0x100)))
		TH_LOG("mlockall with an unknown flag");
	EXPECT_EQ(0, vmlck_kb()) TH_LOG("VmLck after the refused calls");
	unmap_region(r, 1);
}

/* ---- unevictable, and MADV_PAGEOUT ---- */

/* meminfo Mlocked in pages, read after folding per-CPU counters if allowed. */
static long long mlocked_pages(bool refresh)
{
	unsigned long long kb;
	char buf[8];

	/* Reading it (root only) folds every CPU's vmstat deltas. */
	if (refresh)
		vas_read_file("/proc/sys/vm/stat_refresh", buf, sizeof(buf));
	if (vas_proc_value("/proc/meminfo", "Mlocked", &kb))
		return -1;
	return (long long)(kb * VAS_KIB / ps());
}

/*
 * How far meminfo may be from the truth without stat_refresh: each CPU
 * holds up to its "vm stats threshold" per zone unfolded
 * (mm/vmstat.c), so the sum of the thresholds in /proc/zoneinfo bounds
 * the error of one read.
 */
static long long vmstat_drift_pages(void)
{
	char *buf = malloc(VAS_MIB), *p;
	long long sum = 0;
	unsigned long t;
	ssize_t got;

	if (!buf)
		return -1;
	got = vas_read_file("/proc/zoneinfo", buf, VAS_MIB);
	for (p = buf; got > 0 && (p = strstr(p, "vm stats threshold:")); p++)
		if (sscanf(p, "vm stats threshold: %lu", &t) == 1)
			sum += t;
	free(buf);
	return got > 0 ? sum : -1;
}

static bool within(long long got, long long want, long long tol)
{
	return got >= want - tol && got <= want + tol;
}

TEST(locked_pages_count_as_mlocked_in_meminfo)
{
	long long m0, m1 = 0, m2 = 0, m3 = 0, tol = 0, drift = 0;
	bool refresh, ok = false;
	char buf[8];
	size_t n = 64, len;
	int attempt;
	char *r;

	if (mlocked_pages(false) < 0)
		SKIP(return, SKIP_NO_MLOCKED);
	/*
	 * Without stat_refresh each read may be off by the drift bound, so
	 * the difference of two by twice that; the region is made large
	 * enough to stand well clear of it.
	 */
	refresh = vas_read_file("/proc/sys/vm/stat_refresh", buf, sizeof(buf)) >= 0;
	if (!refresh) {
		drift = vmstat_drift_pages();
		ASSERT_LE(0, drift) TH_LOG("reading /proc/zoneinfo");
		drift *= 2;
		if ((size_t)(4 * drift) > n)
			n = (size_t)(4 * drift);
	}
	len = n * ps();
	if (len > MLOCKED_MAX)
		SKIP(return, SKIP_MLOCKED_COARSE);
	if (!memlock_allows(len))
		SKIP(return, SKIP_MEMLOCK);
	r = map_region(n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)r);

	/* Others may mlock meanwhile: the idle change of two reads is noise. */
	for (attempt = 0; attempt < MLOCKED_TRIES && !ok; attempt++) {
		m0 = mlocked_pages(refresh);
		m1 = mlocked_pages(refresh);
		ASSERT_EQ(0, err_of(mlock(r, len)));
		m2 = mlocked_pages(refresh);
		ASSERT_EQ(0, err_of(munlock(r, len)));
		m3 = mlocked_pages(refresh);
		tol = drift + llabs(m1 - m0);
		ok = within(m2 - m1, (long long)n, tol) &&
		     within(m2 - m3, (long long)n, tol);
	}
	ksft_print_msg("vas-data: mlock_meminfo pages=%zu lock=%lld unlock=%lld tol=%lld\n",
		       n, m2 - m1, m2 - m3, tol);
	if (attempt > 1)
		TH_LOG("Mlocked changed by others: %d attempts", attempt);
	EXPECT_TRUE(within(m2 - m1, (long long)n, tol))
		TH_LOG("Mlocked grew by %lld pages locking %zu (tolerance %lld)",
		       m2 - m1, n, tol);
	EXPECT_TRUE(within(m2 - m3, (long long)n, tol))
		TH_LOG("Mlocked fell by %lld pages unlocking %zu (tolerance %lld)",
		       m2 - m3, n, tol);
	unmap_region(r, n);
}

TEST(madv_pageout_leaves_locked_pages_resident)
{
	size_t n = REGION_PAGES, len = n * ps();
	struct vma_view v;
	char *r, *u;

	if (!memlock_allows(len))
		SKIP(return, SKIP_MEMLOCK);
	u = map_region(1);
	ASSERT_NE((uintptr_t)0, (uintptr_t)u);
	/* Before 5.4 the advice is unknown: EINVAL on an ordinary mapping. */
	if (madvise(u, ps(), MADV_PAGEOUT)) {
		ASSERT_EQ(EINVAL, errno);
		SKIP(return, SKIP_PAGEOUT);
	}
	r = map_region(n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)r);
	ASSERT_EQ(0, err_of(mlock(r, len)));
	ASSERT_EQ((long)n, vas_resident_pages(r, len));

	/* madvise(2): "the range includes locked ... pages": EINVAL. */
	EXPECT_EQ(EINVAL, err_of(madvise(r, len, MADV_PAGEOUT)))
		TH_LOG("MADV_PAGEOUT on a locked range");
	EXPECT_EQ((long)n, vas_resident_pages(r, len)) TH_LOG("resident after MADV_PAGEOUT");
	ASSERT_EQ(0, vma_view(r, &v));
	EXPECT_EQ((long long)kb_of_pages(n), v.rss_kb) TH_LOG("smaps Rss after MADV_PAGEOUT");
	EXPECT_EQ((long long)kb_of_pages(n), v.locked_kb) TH_LOG("smaps Locked after MADV_PAGEOUT");
	EXPECT_GE(FAULT_SLACK, touch_pages(r, n)) TH_LOG("faults touching after MADV_PAGEOUT");
	unmap_region(r, n);
	unmap_region(u, 1);
}

/* ---- fork ---- */

struct fork_arg {
	struct child_log *log;
	char *r;
	size_t n;
};

static int fork_child(void *arg)
{
	struct fork_arg *f = arg;
	struct child_log *l = f->log;
	struct vma_view v;
	struct vas_probe_vma kv = { 0 };
	struct vas_probe_mm m = { 0 };

	log_eq(l, "VmLck, kB", 0, vmlck_kb());
	if (vma_view(f->r, &v) || !v.found)
		return 2;
	log_eq(l, "inherited region has lo", 0, v.lo);
	log_eq(l, "inherited region smaps Locked", 0, v.locked_kb);
	/* The pages are still there, shared copy-on-write, just not locked. */
	log_eq(l, "inherited region resident pages", f->n,
	       vas_resident_pages(f->r, f->n * ps()));
	if (l->fd >= 0) {
		log_eq(l, "VAS_PROBE_IOC_VMA", 0,
		       vas_kmod_vma(l->fd, (uintptr_t)f->r, &kv));
		log_eq(l, "VM_LOCKED|VM_LOCKONFAULT", 0, kv.vflags &
		       (VAS_PROBE_VMA_LOCKED | VAS_PROBE_VMA_LOCKONFAULT));
		log_eq(l, "VAS_PROBE_IOC_MM", 0, vas_kmod_mm(l->fd, &m));
		log_eq(l, "locked_vm", 0, (long long)m.locked_vm);
	}
	return 0;
}

static void fork_test(struct __test_metadata *_metadata, int fd)
{
	size_t n = REGION_PAGES, len = n * ps();
	struct child_log *l = log_new();
	struct fork_arg f = { .log = l, .n = n };
	long long lck;
	int status;

	ASSERT_NE((uintptr_t)0, (uintptr_t)l);
	l->fd = fd;
	f.r = map_region(n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)f.r);
	ASSERT_EQ(0, err_of(mlock(f.r, len)));
	lck = vmlck_kb();
	ASSERT_LE((long long)kb_of_pages(n), lck);
	status = vas_run_child(fork_child, &f);
	log_report(_metadata, l, status);
	/* The parent keeps its own lock. */
	EXPECT_EQ(lck, vmlck_kb()) TH_LOG("parent VmLck after the child, kB");
	munlock(f.r, len);
	unmap_region(f.r, n);
}

TEST(fork_child_inherits_no_mlock)
{
	if (!memlock_allows(REGION_PAGES * ps()))
		SKIP(return, SKIP_MEMLOCK);
	fork_test(_metadata, -1);
}

static int future_grandchild(void *arg)
{
	struct child_log *l = arg;
	size_t n = REGION_PAGES;
	char *r;

	log_eq(l, "grandchild VmLck, kB", 0, vmlck_kb());
	r = map_region(n);
	if (!r)
		return 2;
	log_region(l, "grandchild's new mapping", r, n, false, 0, 0);
	return 0;
}

static int future_parent(void *arg)
{
	struct child_log *l = arg;
	size_t n = REGION_PAGES;
	char *r;

	if (!memlock_allows(FUTURE_HEADROOM + 2 * n * ps())) {
		l->skip = SKIP_MEMLOCK;
		return 0;
	}
	log_eq(l, "mlockall(MCL_FUTURE) errno", 0, err_of(mlockall(MCL_FUTURE)));
	r = map_region(n);
	if (!r)
		return 2;
	/* Proves MCL_FUTURE is in force here, before the fork. */
	log_region(l, "child's own new mapping", r, n, true, n, kb_of_pages(n));
	log_eq(l, "grandchild exit status", 0, vas_run_child(future_grandchild, l));
	return 0;
}

TEST(fork_child_inherits_no_mlockall_future)
{
	run_logged(_metadata, vas_run_child, future_parent);
}

/* ---- the kernel's side, with the helper module ---- */

static uint64_t lock_bits(int fd, const void *addr)
{
	struct vas_probe_vma v;

	if (vas_kmod_vma(fd, (uintptr_t)addr, &v))
		return ~0ULL;
	return v.vflags & (VAS_PROBE_VMA_LOCKED | VAS_PROBE_VMA_LOCKONFAULT);
}

static long long locked_vm(int fd)
{
	struct vas_probe_mm m;

	return vas_kmod_mm(fd, &m) ? -1 : (long long)m.locked_vm;
}

/* Pages of [addr, addr + n pages) with a present PTE, or -1. */
static long present_ptes(int fd, const void *addr, size_t n)
{
	struct vas_probe_pte *e = calloc(n, sizeof(*e));
	long count = 0;
	size_t i;

	if (!e || vas_kmod_walk(fd, (uintptr_t)addr, n, e)) {
		free(e);
		return -1;
	}
	for (i = 0; i < n; i++)
		count += !!(e[i].flags & VAS_PROBE_PTE_PRESENT);
	free(e);
	return count;
}

TEST(kmod_mlock_sets_vm_locked_and_locked_vm)
{
	size_t n = REGION_PAGES, len = n * ps();
	const char *why = NULL;
	int fd = vas_kmod_open(&why);
	long long lv0;
	char *r;

	if (fd < 0)
		SKIP(return, "%s", why);
	if (!memlock_allows(len))
		SKIP(return, SKIP_MEMLOCK);
	r = map_region(n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)r);
	lv0 = locked_vm(fd);
	ASSERT_LE(0, lv0);
	EXPECT_EQ((uint64_t)0, lock_bits(fd, r));
	EXPECT_EQ(0, present_ptes(fd, r, n)) TH_LOG("present PTEs before mlock");

	ASSERT_EQ(0, err_of(mlock(r, len)));
	EXPECT_EQ(VAS_PROBE_VMA_LOCKED, lock_bits(fd, r)) TH_LOG("VM_LOCKED, no VM_LOCKONFAULT");
	EXPECT_EQ((long long)n, locked_vm(fd) - lv0) TH_LOG("locked_vm growth, pages");
	EXPECT_EQ(locked_vm(fd) * (long long)(ps() / VAS_KIB), vmlck_kb())
		TH_LOG("locked_vm against VmLck");
	EXPECT_EQ((long)n, present_ptes(fd, r, n)) TH_LOG("present PTEs after mlock");

	ASSERT_EQ(0, err_of(munlock(r, len)));
	EXPECT_EQ((uint64_t)0, lock_bits(fd, r)) TH_LOG("VM_LOCKED after munlock");
	EXPECT_EQ(lv0, locked_vm(fd)) TH_LOG("locked_vm after munlock");
	unmap_region(r, n);
}

TEST(kmod_mlock2_onfault_sets_vm_lockonfault)
{
	size_t n = REGION_PAGES, len = n * ps(), k = n / 2;
	const char *why = NULL;
	int fd = vas_kmod_open(&why);
	long long lv0;
	long faults;
	char *r;

	if (fd < 0)
		SKIP(return, "%s", why);
	why = mlock2_missing();
	if (why)
		SKIP(return, "%s", why);
	if (!memlock_allows(len))
		SKIP(return, SKIP_MEMLOCK);
	r = map_region(n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)r);
	lv0 = locked_vm(fd);
	ASSERT_LE(0, lv0);

	ASSERT_EQ(0, err_of(sys_mlock2(r, len, MLOCK_ONFAULT)));
	EXPECT_EQ(VAS_PROBE_VMA_LOCKED | VAS_PROBE_VMA_LOCKONFAULT, lock_bits(fd, r));
	EXPECT_EQ((long long)n, locked_vm(fd) - lv0) TH_LOG("locked_vm growth, pages");
	EXPECT_EQ(0, present_ptes(fd, r, n)) TH_LOG("present PTEs after mlock2(ONFAULT)");
	faults = touch_pages(r, k);
	EXPECT_LE((long)k, faults) TH_LOG("minor faults touching %zu pages", k);
	EXPECT_GE((long)(k + FAULT_SLACK), faults) TH_LOG("minor faults touching %zu pages", k);
	EXPECT_EQ((long)k, present_ptes(fd, r, n)) TH_LOG("present PTEs after touching");

	ASSERT_EQ(0, err_of(munlock(r, len)));
	EXPECT_EQ((uint64_t)0, lock_bits(fd, r)) TH_LOG("lock bits after munlock");
	EXPECT_EQ(lv0, locked_vm(fd)) TH_LOG("locked_vm after munlock");
	unmap_region(r, n);
}

static int kmod_mlockall_child(void *arg)
{
	struct child_log *l = arg;
	size_t n = REGION_PAGES;
	int fd = l->fd;
	long long lck;
	char *a, *b;

	if (!memlock_allows(FUTURE_HEADROOM + 3 * n * ps())) {
		l->skip = SKIP_MEMLOCK;
		return 0;
	}
	a = map_region(n);
	if (!a)
		return 2;
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		if (errno == ENOMEM && !vas_has_cap(CAP_IPC_LOCK))
			l->skip = SKIP_MEMLOCK_PROC;
		log_eq(l, "mlockall(MCL_CURRENT|MCL_FUTURE) errno", 0, errno);
		return 0;
	}
	log_eq(l, "existing region: lock bits", VAS_PROBE_VMA_LOCKED, lock_bits(fd, a));
	log_eq(l, "existing region: present PTEs", n, present_ptes(fd, a, n));
	/* The first status read may grow the (now locked) heap: read twice. */
	vmlck_kb();
	lck = vmlck_kb();
	log_eq(l, "locked_vm against VmLck, kB", lck,
	       locked_vm(fd) * (long long)(ps() / VAS_KIB));
	b = mmap(NULL, n * ps(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return 3;
	log_eq(l, "later mapping: lock bits", VAS_PROBE_VMA_LOCKED, lock_bits(fd, b));
	log_eq(l, "later mapping: present PTEs", n, present_ptes(fd, b, n));

	if (!mlock2_missing()) {
		log_eq(l, "mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT) errno", 0,
		       err_of(mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)));
		log_eq(l, "existing region after MCL_ONFAULT: lock bits",
		       VAS_PROBE_VMA_LOCKED | VAS_PROBE_VMA_LOCKONFAULT,
		       lock_bits(fd, a));
		b = mmap(NULL, n * ps(), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b == MAP_FAILED)
			return 4;
		log_eq(l, "MCL_ONFAULT later mapping: lock bits",
		       VAS_PROBE_VMA_LOCKED | VAS_PROBE_VMA_LOCKONFAULT,
		       lock_bits(fd, b));
		log_eq(l, "MCL_ONFAULT later mapping: present PTEs", 0,
		       present_ptes(fd, b, n));
	}

	log_eq(l, "munlockall errno", 0, err_of(munlockall()));
	log_eq(l, "locked_vm after munlockall", 0, locked_vm(fd));
	log_eq(l, "existing region after munlockall: lock bits", 0, lock_bits(fd, a));
	b = map_region(n);
	if (!b)
		return 5;
	log_eq(l, "mapping after munlockall: lock bits", 0, lock_bits(fd, b));
	return 0;
}

TEST(kmod_mlockall_sets_vm_locked_and_locked_vm)
{
	const char *why = NULL;
	int fd = vas_kmod_open(&why);
	struct child_log *l;
	int status;

	if (fd < 0)
		SKIP(return, "%s", why);
	l = log_new();
	ASSERT_NE((uintptr_t)0, (uintptr_t)l);
	l->fd = fd;
	status = vas_run_child(kmod_mlockall_child, l);
	if (l->skip)
		SKIP(return, "%s", l->skip);
	log_report(_metadata, l, status);
}

TEST(kmod_fork_child_has_no_vm_locked)
{
	const char *why = NULL;
	int fd = vas_kmod_open(&why);

	if (fd < 0)
		SKIP(return, "%s", why);
	if (!memlock_allows(REGION_PAGES * ps()))
		SKIP(return, SKIP_MEMLOCK);
	fork_test(_metadata, fd);
}

#include "vas_main.h"
