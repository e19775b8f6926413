// SPDX-License-Identifier: GPL-2.0
/*
 * madvise: what each advice does to a range, proven from user space
 * (smaps, mincore, pagemap, fault counters, a forked child's view, the
 * test's own memory cgroup) and, with the helper module, from the
 * kernel's side (page table entries, VMA flags, mm rss counters).
 *
 * The facts checked, from the kernel's mm/ sources and madvise(2):
 *  - DONTNEED zaps the range: a private anonymous page reads back as
 *    zeros and faults again; a shared file page stays in the page cache.
 *  - FREE clears the dirty bit and marks the pages lazy-free (smaps
 *    LazyFree); reclaim discards them instead of swapping, unless they
 *    were written again. It refuses shared and file mappings (EINVAL).
 *  - WILLNEED on a file starts readahead into the page cache and maps
 *    nothing (mm/readahead.c force_page_cache_ra()).
 *  - POPULATE_READ/WRITE (5.14) fault the range in as a read/write
 *    access would, and refuse ranges the access is not allowed on
 *    (PROT_NONE, or POPULATE_WRITE on read-only) with EINVAL.
 *  - COLD (5.4) deactivates and clears the young bit; PAGEOUT (5.4)
 *    reclaims the pages now, so clean file pages leave RSS. Both refuse
 *    locked ranges with EINVAL, so locked pages stay.
 *  - DONTFORK (VM_DONTCOPY, VmFlags "dc"): the child has no such range;
 *    WIPEONFORK (4.14, VM_WIPEONFORK, "wf"): the child sees zeros.
 *  - HUGEPAGE/NOHUGEPAGE set VM_HUGEPAGE/VM_NOHUGEPAGE ("hg"/"nh").
 *  - errors: an unaligned start or an unknown advice EINVAL; a range
 *    with unmapped pages ENOMEM (the mapped parts still get the advice).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"
#include "vas_kmod.h"
#include "vas_cgroup.h"

/* Advice values newer than some libc headers (asm-generic/mman-common.h). */
#ifndef MADV_FREE
#define MADV_FREE		8
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK		18
#define MADV_KEEPONFORK		19
#endif
#ifndef MADV_COLD
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#endif
#ifndef O_TMPFILE
#define O_TMPFILE		(020000000 | O_DIRECTORY)
#endif

#define SKIP_NO_DISK		"no disk-backed filesystem for a test file"
#define SKIP_NO_DROP		"file page cache could not be dropped"
#define SKIP_NO_THP		"transparent hugepages unsupported"
#define SKIP_MEMLOCK		"RLIMIT_MEMLOCK too small"
#define SKIP_SWAP_UNBARRED	"swap not barred in the memory cgroup"
#define SKIP_POP_READ		"MADV_POPULATE_READ unsupported (EINVAL)"
#define SKIP_POP_WRITE		"MADV_POPULATE_WRITE unsupported (EINVAL)"
#define SKIP_COLD		"MADV_COLD unsupported (EINVAL)"
#define SKIP_PAGEOUT		"MADV_PAGEOUT unsupported (EINVAL)"
#define SKIP_WIPEONFORK		"MADV_WIPEONFORK unsupported (EINVAL)"
#define SKIP_FREE		"MADV_FREE unsupported (EINVAL)"

/* Readahead completes asynchronously: how long to wait for it. */
#define READAHEAD_WAIT_MS	2000
/*
 * The memcg charges in per-CPU batches of MEMCG_CHARGE_BATCH (64) pages
 * (mm/memcontrol.c): usage may run ahead of the pages by one batch.
 */
#define MEMCG_CHARGE_BATCH	64

/* The page size, set by every test before it maps anything. */
static size_t ps;

/* Page i's fill byte: never zero, so a zeroed page shows. */
static unsigned char pat(size_t i, unsigned char gen)
{
	return (unsigned char)((i * 7 + gen * 31) % 255 + 1);
}

static void fill(char *p, size_t n, unsigned char gen)
{
	size_t i;

	for (i = 0; i < n; i++)
		memset(p + i * ps, pat(i, gen), ps);
}

/* True when page i holds byte c throughout. */
static bool page_is(const char *page, unsigned char c)
{
	size_t j;

	for (j = 0; j < ps; j++)
		if ((unsigned char)page[j] != c)
			return false;
	return true;
}

/* Pages of [p, p + n pages) holding their generation gen fill. */
static size_t pages_with(const char *p, size_t n, unsigned char gen)
{
	size_t i, good = 0;

	for (i = 0; i < n; i++)
		good += page_is(p + i * ps, pat(i, gen));
	return good;
}

static size_t zero_pages(const char *p, size_t n)
{
	size_t i, zero = 0;

	for (i = 0; i < n; i++)
		zero += page_is(p + i * ps, 0);
	return zero;
}

/*
 * n pages between two PROT_NONE guard pages, so the range is a VMA of
 * its own whatever the test maps next to it: its smaps entry counts
 * this range only. fd < 0: anonymous. NULL on failure.
 */
static char *map_isolated(size_t n, int prot, int flags, int fd)
{
	char *base = mmap(NULL, (n + 2) * ps, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (base == MAP_FAILED)
		return NULL;
	p = mmap(base + ps, n * ps, prot, flags | MAP_FIXED |
		 (fd < 0 ? MAP_ANONYMOUS : 0), fd, 0);
	if (p == MAP_FAILED) {
		munmap(base, (n + 2) * ps);
		return NULL;
	}
	return p;
}

static void unmap_isolated(char *p, size_t n)
{
	munmap(p - ps, (n + 2) * ps);
}

/* Anonymous private, THP advised off: one fault is one page. */
static char *map_anon(size_t n)
{
	char *p = map_isolated(n, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);

	if (p)
		madvise(p, n * ps, MADV_NOHUGEPAGE);
	return p;
}

/* The smaps entry of the VMA holding addr. */
static int smaps_at(const void *addr, struct vas_smaps *out)
{
	struct vas_smaps *e;
	int n = vas_read_smaps(0, &e), i;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (e[i].map.start <= (uintptr_t)addr &&
		    (uintptr_t)addr < e[i].map.end) {
			*out = e[i];
			free(e);
			return 0;
		}
	}
	free(e);
	return -ENOENT;
}

static unsigned long long rss_kb(const void *addr)
{
	struct vas_smaps s;

	return smaps_at(addr, &s) ? ~0ULL : s.rss_kb;
}

static unsigned long long kb(size_t pages)
{
	return (unsigned long long)pages * ps / VAS_KIB;
}

/* vas_lib candidate */
/*
 * Run on the CPU we are on from now on: the kernel keeps per-CPU batches
 * (LRU additions, rss counter deltas, memcg charges) that an advice or a
 * read only flushes on the CPU it runs on.
 */
static void pin_to_this_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Flush this CPU's LRU batches, so lazy-free marks and deactivations
 * made by an advice take effect: MADV_FREE starts with lru_add_drain()
 * (madvise_free_single_vma() in mm/).
 */
static void drain_lru(void)
{
	char *p = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	madvise(p, ps, MADV_FREE);
	munmap(p, ps);
}

/*
 * How far a difference of two reads of the module's rss counters (the
 * kernel's get_mm_counter()) may be off, in pages, for a task pinned to
 * one CPU. Before 6.2 a task caches up to TASK_RSS_EVENTS_THRESH (64)
 * fault updates before folding them into the mm; since 6.2 the counters
 * are per-CPU, read without summing, and a CPU holds up to
 * percpu_counter_batch (max(32, 2 * online CPUs)) unfolded. Two reads:
 * twice the larger.
 */
static size_t rss_slack(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	size_t batch = 64;

	if (cpus > 0 && (size_t)cpus * 2 > batch)
		batch = (size_t)cpus * 2;
	return 2 * batch;
}

/* Pages for tests that count rss: enough for the slack to be small. */
static size_t counted_pages(void)
{
	return 4 * rss_slack();
}

/* How many of n walked entries have all of the flags in mask set. */
static size_t ptes_with(const struct vas_probe_pte *e, size_t n,
			uint32_t mask)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += (e[i].flags & mask) == mask;
	return c;
}

static long long anon_rss(struct __test_metadata *_metadata, int kfd)
{
	struct vas_probe_mm m;

	ASSERT_EQ(0, vas_kmod_mm(kfd, &m));
	return (long long)m.anon_rss;
}

static long long file_rss(struct __test_metadata *_metadata, int kfd)
{
	struct vas_probe_mm m;

	ASSERT_EQ(0, vas_kmod_mm(kfd, &m));
	return (long long)(m.file_rss + m.shmem_rss);
}

static uint64_t vma_flags(struct __test_metadata *_metadata, int kfd,
			  const void *addr)
{
	struct vas_probe_vma v;

	ASSERT_EQ(0, vas_kmod_vma(kfd, (uintptr_t)addr, &v));
	return v.vflags;
}

/* ---- test files ---- */

static bool on_disk(const char *dir)
{
	struct statfs sf;
	uint32_t type;

	if (statfs(dir, &sf))
		return false;
	/* A 32-bit magic, in a signed word on 32-bit ABIs. */
	type = (uint32_t)sf.f_type;
	/* Page cache of tmpfs and ramfs can neither be dropped nor read. */
	return type != TMPFS_MAGIC && type != RAMFS_MAGIC;
}

/* An unnamed file of n pages, page i filled with pat(i, 0), on disk. */
static int disk_file(size_t n)
{
	const char *const dirs[] = { getenv("TMPDIR"), "/var/tmp", "/tmp", "." };
	char path[PATH_MAX], *buf;
	size_t i, d;
	int fd = -1;

	for (d = 0; d < ARRAY_SIZE(dirs) && fd < 0; d++) {
		if (!dirs[d] || !*dirs[d] || !on_disk(dirs[d]))
			continue;
		fd = open(dirs[d], O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd >= 0)
			break;
		snprintf(path, sizeof(path), "%s/vas-madvise-XXXXXX", dirs[d]);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	if (fd < 0)
		return -1;
	buf = malloc(ps);
	for (i = 0; buf && i < n; i++) {
		memset(buf, pat(i, 0), ps);
		if (write(fd, buf, ps) != (ssize_t)ps)
			break;
	}
	free(buf);
	/* Written back, so the pages are clean and can be dropped. */
	if (i < n || fsync(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Like disk_file, else a memfd (shmem) when no disk is writable. */
static int any_file(size_t n)
{
	int fd = disk_file(n);
	char *p;

	if (fd >= 0)
		return fd;
	fd = (int)syscall(SYS_memfd_create, "vas-madvise", 1U /* CLOEXEC */);
	if (fd < 0 || ftruncate(fd, (off_t)(n * ps)))
		return -1;
	p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	fill(p, n, 0);
	munmap(p, n * ps);
	return fd;
}

/*
 * Drop the file's clean pages from the page cache (generic_fadvise()
 * invalidates what is unmapped, after draining the LRU batches); true
 * when mincore then shows none of p's n pages.
 */
static bool drop_cache(int fd, const char *p, size_t n)
{
	int tries;

	for (tries = 0; tries < 3; tries++) {
		fdatasync(fd);
		posix_fadvise(fd, 0, (off_t)(n * ps), POSIX_FADV_DONTNEED);
		if (vas_resident_pages(p, n * ps) == 0)
			return true;
	}
	return false;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* ---- DONTNEED ---- */

static void dontneed_anon(struct __test_metadata *_metadata, int kfd)
{
	size_t n = counted_pages(), i;
	struct vas_probe_pte *e = NULL;
	struct vas_faults f0, f1;
	long long rss0 = 0, rss1 = 0;
	char *p;

	ps = vas_page_size();
	pin_to_this_cpu();
	if (kfd >= 0) {
		e = calloc(n, sizeof(*e));
		ASSERT_NE((uintptr_t)NULL, (uintptr_t)e);
	}
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	fill(p, n, 1);
	ASSERT_EQ(kb(n), rss_kb(p));
	ASSERT_EQ((long)n, vas_resident_pages(p, n * ps));
	ASSERT_EQ((long)n, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	if (kfd >= 0) {
		ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
		EXPECT_EQ(n, ptes_with(e, n, VAS_PROBE_PTE_MAPPED |
				       VAS_PROBE_PTE_PAGE));
		rss0 = anon_rss(_metadata, kfd);
	}

	ASSERT_EQ(0, madvise(p, n * ps, MADV_DONTNEED));
	if (kfd >= 0) {
		rss1 = anon_rss(_metadata, kfd);
		ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
	}
	/* The pages are gone: no rss, nothing resident, no PTE. */
	EXPECT_EQ(0ULL, rss_kb(p));
	EXPECT_EQ(0L, vas_resident_pages(p, n * ps));
	EXPECT_EQ(0L, vas_pagemap_count(p, n, VAS_PM_PRESENT));

	/* Each page reads zeros, through a fault of its own. */
	ASSERT_EQ(0, vas_faults(&f0));
	for (i = 0; i < n; i++)
		(void)__atomic_load_n(p + i * ps, __ATOMIC_RELAXED);
	ASSERT_EQ(0, vas_faults(&f1));
	EXPECT_LE(n, f1.minor - f0.minor);
	EXPECT_EQ(n, zero_pages(p, n));
	ksft_print_msg("vas-data: madvise_dontneed pages=%zu refaults=%lu anon_rss_drop=%lld\n",
		       n, f1.minor - f0.minor, rss0 - rss1);

	if (kfd >= 0) {
		/* Only the VMA is left of each page, no entry. */
		EXPECT_EQ(n, ptes_with(e, n, VAS_PROBE_PTE_VMA));
		EXPECT_EQ(0U, ptes_with(e, n, VAS_PROBE_PTE_MAPPED));
		EXPECT_LE((long long)(n - rss_slack()), rss0 - rss1);
		EXPECT_GE((long long)(n + rss_slack()), rss0 - rss1);
		/* Read again: the shared zero page, not a page of ours. */
		ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
		EXPECT_EQ(n, ptes_with(e, n, VAS_PROBE_PTE_MAPPED |
				       VAS_PROBE_PTE_ZERO));
	}
	unmap_isolated(p, n);
	free(e);
}

TEST(dontneed_anon_drops_rss_reads_zeros_refaults)
{
	dontneed_anon(_metadata, -1);
}

TEST(kmod_dontneed_anon_clears_ptes_and_anon_rss)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	dontneed_anon(_metadata, kfd);
}

static void dontneed_shared_file(struct __test_metadata *_metadata, int kfd)
{
	size_t n = counted_pages(), i;
	struct vas_probe_pte *e = NULL;
	long long rss0 = 0, rss1 = 0;
	char *p, *buf;
	int fd;

	ps = vas_page_size();
	pin_to_this_cpu();
	e = calloc(n, sizeof(*e));
	buf = malloc(ps);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)e);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)buf);
	fd = any_file(n);
	ASSERT_LE(0, fd);
	p = map_isolated(n, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	/* New contents through the mapping: dirty shared pages. */
	fill(p, n, 2);
	ASSERT_EQ(kb(n), rss_kb(p));
	if (kfd >= 0)
		rss0 = file_rss(_metadata, kfd);

	ASSERT_EQ(0, madvise(p, n * ps, MADV_DONTNEED));
	if (kfd >= 0) {
		rss1 = file_rss(_metadata, kfd);
		ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
	}
	/* Unmapped from us... */
	EXPECT_EQ(0ULL, rss_kb(p));
	EXPECT_EQ(0L, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	/* ...but the file keeps what was written, in the page cache. */
	EXPECT_EQ((long)n, vas_resident_pages(p, n * ps));
	for (i = 0; i < n; i++)
		if (pread(fd, buf, ps, (off_t)(i * ps)) != (ssize_t)ps ||
		    !page_is(buf, pat(i, 2)))
			break;
	EXPECT_EQ(n, i);
	EXPECT_EQ(n, pages_with(p, n, 2));

	if (kfd >= 0) {
		EXPECT_EQ(0U, ptes_with(e, n, VAS_PROBE_PTE_MAPPED));
		EXPECT_LE((long long)(n - rss_slack()), rss0 - rss1);
		EXPECT_GE((long long)(n + rss_slack()), rss0 - rss1);
	}
	unmap_isolated(p, n);
	close(fd);
	free(buf);
	free(e);
}

TEST(dontneed_shared_file_keeps_contents)
{
	dontneed_shared_file(_metadata, -1);
}

TEST(kmod_dontneed_shared_file_clears_ptes_and_file_rss)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	dontneed_shared_file(_metadata, kfd);
}

/* ---- FREE ---- */

static void free_lazyfree(struct __test_metadata *_metadata, int kfd)
{
	size_t n = counted_pages();
	struct vas_probe_pte *e = NULL;
	struct vas_smaps s;
	char *p, *shared;
	int fd;

	ps = vas_page_size();
	pin_to_this_cpu();
	if (kfd >= 0) {
		e = calloc(n, sizeof(*e));
		ASSERT_NE((uintptr_t)NULL, (uintptr_t)e);
	}
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	fill(p, n, 1);
	ASSERT_EQ(0, smaps_at(p, &s));
	ASSERT_EQ(0ULL, s.lazyfree_kb);

	if (madvise(p, n * ps, MADV_FREE) && errno == EINVAL)
		SKIP(goto out, SKIP_FREE);
	drain_lru();
	ASSERT_EQ(0, smaps_at(p, &s));
	/* Every page is lazy-free now, and still there until reclaim. */
	EXPECT_EQ(kb(n), s.lazyfree_kb);
	EXPECT_EQ(kb(n), s.rss_kb);
	EXPECT_EQ((long)n, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	ksft_print_msg("vas-data: madvise_free pages=%zu lazyfree_kb=%llu rss_kb=%llu\n",
		       n, s.lazyfree_kb, s.rss_kb);
	/*
	 * Written again, a page is dirty and counts no more as lazy-free
	 * (fs/proc/task_mmu.c smaps_account()): reclaim will keep it.
	 */
	p[0] = 1;
	ASSERT_EQ(0, smaps_at(p, &s));
	EXPECT_EQ(kb(n - 1), s.lazyfree_kb);

	if (kfd >= 0) {
		/* Still mapped, the dirty bit cleared... */
		ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
		EXPECT_EQ(n, ptes_with(e, n, VAS_PROBE_PTE_MAPPED));
		if (e[0].valid & VAS_PROBE_PTE_DIRTY)
			EXPECT_EQ(1U, ptes_with(e, n, VAS_PROBE_PTE_DIRTY));
		/* ...but for the page written again. */
		if (e[0].valid & VAS_PROBE_PTE_DIRTY)
			EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_DIRTY));
	}

	/* Shared and file mappings are refused (madvise(2) EINVAL). */
	shared = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)shared);
	EXPECT_EQ(-1, madvise(shared, ps, MADV_FREE));
	EXPECT_EQ(EINVAL, errno);
	munmap(shared, ps);
	fd = any_file(1);
	ASSERT_LE(0, fd);
	shared = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)shared);
	EXPECT_EQ(-1, madvise(shared, ps, MADV_FREE));
	EXPECT_EQ(EINVAL, errno);
	munmap(shared, ps);
	close(fd);
out:
	unmap_isolated(p, n);
	free(e);
}

TEST(free_marks_lazyfree_keeps_rss)
{
	free_lazyfree(_metadata, -1);
}

TEST(kmod_free_cleans_ptes_write_dirties)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	free_lazyfree(_metadata, kfd);
}

/* What the child of free_under_memcg_pressure saw, in shared memory. */
struct free_report {
	int err_line;		/* a setup step of the child failed */
	size_t pages;
	unsigned long long lazyfree_kb;
	/* Even pages were freed and left alone, odd ones written again. */
	size_t even_zero, even_kept, odd_kept;
	size_t present_even, present_odd, swapped;
};

#define CHILD_CHECK(r, cond) do {		\
	if (!(cond)) {				\
		(r)->err_line = __LINE__;	\
		_exit(1);			\
	}					\
} while (0)

static void free_child(struct free_report *r, int in, int out, size_t n)
{
	uint64_t *pm = calloc(n, sizeof(*pm));
	struct vas_smaps s;
	size_t i;
	char *p, c;

	CHILD_CHECK(r, pm);
	CHILD_CHECK(r, read(in, &c, 1) == 1);	/* now in the group */
	pin_to_this_cpu();
	p = map_anon(n);
	CHILD_CHECK(r, p);
	fill(p, n, 1);
	CHILD_CHECK(r, !madvise(p, n * ps, MADV_FREE));
	drain_lru();
	for (i = 1; i < n; i += 2)
		memset(p + i * ps, pat(i, 2), ps);
	CHILD_CHECK(r, !smaps_at(p, &s));
	r->lazyfree_kb = s.lazyfree_kb;
	CHILD_CHECK(r, write(out, "r", 1) == 1);
	/* The parent lowers the limit, reclaim runs; then we look. */
	CHILD_CHECK(r, read(in, &c, 1) == 1);
	CHILD_CHECK(r, !vas_pagemap(p, n, pm));
	for (i = 0; i < n; i++) {
		if (pm[i] & VAS_PM_SWAPPED)
			r->swapped++;
		if (pm[i] & VAS_PM_PRESENT) {
			if (i % 2)
				r->present_odd++;
			else
				r->present_even++;
		}
		if (i % 2) {
			r->odd_kept += page_is(p + i * ps, pat(i, 2));
		} else {
			r->even_kept += page_is(p + i * ps, pat(i, 1));
			r->even_zero += page_is(p + i * ps, 0);
		}
	}
	_exit(0);
}

/*
 * In the test's memory cgroup, without swap: lowering the limit by half
 * the freed range makes reclaim discard lazy-free pages (they read back
 * as zeros, with no swap entry) and keep those written after the FREE.
 */
TEST(free_under_memcg_pressure_discards_without_swap)
{
	unsigned long long usage, after, limit, file = 0, lazy0, lazy1;
	unsigned long long swap_total = 0;
	size_t n = 1024, min_zero;
	struct free_report *r;
	int to_child[2], to_parent[2], status, ret;
	const char *why;
	struct vas_cgroup cg;
	pid_t pid;
	char c;

	ps = vas_page_size();
	if (vas_cgroup_create(&cg, "madvise", &why)) {
		if (vas_cgroup_detail()[0])
			TH_LOG("%s", vas_cgroup_detail());
		SKIP(return, "%s", why);
	}
	vas_proc_value("/proc/meminfo", "SwapTotal", &swap_total);
	if (swap_total && cg.version == 1 && !cg.memsw) {
		vas_cgroup_remove(&cg);
		SKIP(return, SKIP_SWAP_UNBARRED);
	}
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)r);
	memset(r, 0, sizeof(*r));
	r->pages = n;
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		free_child(r, to_child[0], to_parent[1], n);
	}
	close(to_child[0]);
	close(to_parent[1]);
	ASSERT_EQ(0, vas_cgroup_add_pid(&cg, pid));
	ASSERT_EQ(1, write(to_child[1], "g", 1));
	if (read(to_parent[0], &c, 1) != 1) {
		status = vas_wait_child(pid);
		vas_cgroup_remove(&cg);
		TH_LOG("child failed at line %d, status %d", r->err_line,
		       status);
		ASSERT_EQ(0, status);
	}
	ASSERT_EQ(0, vas_cgroup_usage(&cg, &usage));
	if (vas_cgroup_stat(&cg, cg.version == 2 ? "file" : "cache", &file))
		file = 0;
	if (vas_vmstat_value("pglazyfreed", &lazy0))
		lazy0 = 0;
	/* Room for everything but half the freed range. */
	limit = usage - n / 2 * ps;
	ret = vas_cgroup_set_limit(&cg, limit);
	EXPECT_EQ(0, ret);
	ASSERT_EQ(0, vas_cgroup_usage(&cg, &after));
	ASSERT_EQ(1, write(to_child[1], "c", 1));
	status = vas_wait_child(pid);
	/* After the child: at the limit, what it did next reclaimed too. */
	if (vas_vmstat_value("pglazyfreed", &lazy1))
		lazy1 = lazy0;
	vas_cgroup_remove(&cg);
	TH_LOG("cgroup v%d: usage %llu -> limit %llu, now %llu; file %llu; pglazyfreed +%llu",
	       cg.version, usage, limit, after, file, lazy1 - lazy0);
	TH_LOG("child: line %d, lazyfree %llu kB, swapped %zu", r->err_line,
	       r->lazyfree_kb, r->swapped);
	TH_LOG("even pages: zero %zu kept %zu present %zu; odd: kept %zu present %zu",
	       r->even_zero, r->even_kept, r->present_even, r->odd_kept,
	       r->present_odd);
	ksft_print_msg("vas-data: madvise_free_pressure cgroup=v%d pages=%zu discarded=%zu kept=%zu swapped=%zu\n",
		       cg.version, n, r->even_zero, r->odd_kept, r->swapped);
	/* Killed (SIGKILL: the group's OOM) when nothing could be freed. */
	ASSERT_EQ(0, status);
	/* A page written again is dirty: no longer counted lazy-free. */
	EXPECT_EQ(kb(n - n / 2), r->lazyfree_kb);
	EXPECT_GE(limit, after);
	/* Written after the FREE: kept, every one, in place. */
	EXPECT_EQ(n / 2, r->odd_kept);
	EXPECT_EQ(n / 2, r->present_odd);
	/* Freed: discarded (zero) or left alone, never anything else. */
	EXPECT_EQ(n / 2, r->even_zero + r->even_kept);
	EXPECT_EQ(r->even_kept, r->present_even);
	/*
	 * Half the range had to go. Besides the lazy-free pages reclaim may
	 * take the group's few file pages, and usage may include one charge
	 * batch not yet used.
	 */
	min_zero = n / 2 - MEMCG_CHARGE_BATCH - file / ps;
	EXPECT_LE(min_zero, r->even_zero);
	/* Without swap: no page has a swap entry. */
	EXPECT_EQ(0U, r->swapped);
	if (lazy1 != lazy0)
		EXPECT_LE(r->even_zero, lazy1 - lazy0);
}

/* ---- WILLNEED ---- */

static void willneed_file(struct __test_metadata *_metadata, int kfd)
{
	size_t n = 16, i;
	struct vas_probe_pte e[16];
	struct timespec t0;
	long resident = 0, waited = 0;
	char *p;
	int fd;

	ps = vas_page_size();
	fd = disk_file(n);
	if (fd < 0)
		SKIP(return, SKIP_NO_DISK);
	p = map_isolated(n, PROT_READ, MAP_SHARED, fd);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	if (!drop_cache(fd, p, n))
		SKIP(goto out, SKIP_NO_DROP);

	/*
	 * One page per call: force_page_cache_ra() reads at most
	 * max(io_pages, ra_pages) pages of a request, whatever its length.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, madvise(p + i * ps, ps, MADV_WILLNEED));
	/* The reads complete asynchronously; mincore counts uptodate pages. */
	while ((resident = vas_resident_pages(p, n * ps)) < (long)n &&
	       (waited = ms_since(&t0)) < READAHEAD_WAIT_MS)
		usleep(1000);
	EXPECT_EQ((long)n, resident);
	/* In the page cache, not in our page tables. */
	EXPECT_EQ(0L, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	EXPECT_EQ(0ULL, rss_kb(p));
	ksft_print_msg("vas-data: madvise_willneed pages=%zu resident=%ld ms=%ld\n",
		       n, resident, ms_since(&t0));
	if (kfd >= 0) {
		ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
		EXPECT_EQ(n, ptes_with(e, n, VAS_PROBE_PTE_VMA));
		EXPECT_EQ(0U, ptes_with(e, n, VAS_PROBE_PTE_MAPPED));
	}
	/* And it is the file's data. */
	EXPECT_EQ(n, pages_with(p, n, 0));
out:
	unmap_isolated(p, n);
	close(fd);
}

TEST(willneed_file_fills_page_cache)
{
	willneed_file(_metadata, -1);
}

TEST(kmod_willneed_file_maps_nothing)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	willneed_file(_metadata, kfd);
}

/* ---- POPULATE_READ / POPULATE_WRITE ---- */

/* NULL when the advice works on a private anonymous page. */
static const char *populate_skip(int advice)
{
	char *p = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool unsupported;

	if (p == MAP_FAILED)
		return NULL;
	/* Before 5.14 an unknown advice: EINVAL. */
	unsupported = madvise(p, ps, advice) && errno == EINVAL;
	munmap(p, ps);
	if (!unsupported)
		return NULL;
	return advice == MADV_POPULATE_READ ? SKIP_POP_READ : SKIP_POP_WRITE;
}

static void populate(struct __test_metadata *_metadata, int kfd, int advice)
{
	bool write = advice == MADV_POPULATE_WRITE;
	size_t n = counted_pages(), i;
	struct vas_probe_pte *e = NULL;
	struct vas_faults f0, f1;
	long long rss0 = 0, rss1 = 0;
	const char *why;
	char *p;

	ps = vas_page_size();
	why = populate_skip(advice);
	if (why)
		SKIP(return, "%s", why);
	pin_to_this_cpu();
	if (kfd >= 0) {
		e = calloc(n, sizeof(*e));
		ASSERT_NE((uintptr_t)NULL, (uintptr_t)e);
		rss0 = anon_rss(_metadata, kfd);
	}
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	ASSERT_EQ(0L, vas_pagemap_count(p, n, VAS_PM_PRESENT));

	ASSERT_EQ(0, madvise(p, n * ps, advice));
	/* Every page mapped, without this process touching one. */
	EXPECT_EQ((long)n, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	EXPECT_EQ((long)n, vas_resident_pages(p, n * ps));
	/* Read: the shared zero page, which no rss counts; write: our own. */
	EXPECT_EQ(write ? kb(n) : 0ULL, rss_kb(p));
	if (kfd >= 0) {
		rss1 = anon_rss(_metadata, kfd);
		ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
	}

	/* The access populated for now takes no fault. */
	ASSERT_EQ(0, vas_faults(&f0));
	for (i = 0; i < n; i++) {
		if (write)
			p[i * ps] = 1;
		else
			(void)__atomic_load_n(p + i * ps, __ATOMIC_RELAXED);
	}
	ASSERT_EQ(0, vas_faults(&f1));
	EXPECT_EQ(0UL, f1.minor - f0.minor);
	EXPECT_EQ(0UL, f1.major - f0.major);
	ksft_print_msg("vas-data: madvise_populate advice=%s pages=%zu faults_after=%lu\n",
		       write ? "write" : "read", n, f1.minor - f0.minor);

	if (kfd >= 0) {
		if (write) {
			EXPECT_EQ(n, ptes_with(e, n, VAS_PROBE_PTE_MAPPED |
					       VAS_PROBE_PTE_WRITE |
					       VAS_PROBE_PTE_PAGE));
			EXPECT_EQ(0U, ptes_with(e, n, VAS_PROBE_PTE_ZERO));
			if (e[0].valid & VAS_PROBE_PTE_DIRTY)
				EXPECT_EQ(n, ptes_with(e, n,
						       VAS_PROBE_PTE_DIRTY));
			EXPECT_LE((long long)(n - rss_slack()), rss1 - rss0);
			EXPECT_GE((long long)(n + rss_slack()), rss1 - rss0);
		} else {
			EXPECT_EQ(n, ptes_with(e, n, VAS_PROBE_PTE_MAPPED |
					       VAS_PROBE_PTE_ZERO));
			EXPECT_EQ(0U, ptes_with(e, n, VAS_PROBE_PTE_WRITE));
			EXPECT_GE((long long)rss_slack(), rss1 - rss0);
		}
	}
	unmap_isolated(p, n);
	free(e);
}

TEST(populate_read_maps_without_faults)
{
	populate(_metadata, -1, MADV_POPULATE_READ);
}

TEST(populate_write_maps_without_faults)
{
	populate(_metadata, -1, MADV_POPULATE_WRITE);
}

TEST(kmod_populate_read_maps_zero_page)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	populate(_metadata, kfd, MADV_POPULATE_READ);
}

TEST(kmod_populate_write_maps_dirty_pages_and_anon_rss)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	populate(_metadata, kfd, MADV_POPULATE_WRITE);
}

/*
 * madvise(2): EINVAL for a range "with insufficient permissions"
 * (faultin_page_range() checks the access like a fault would); ENOMEM
 * for an unmapped one.
 */
TEST(populate_refuses_prot_none_and_read_only)
{
	const char *why;
	size_t n = 4;
	char *p;

	ps = vas_page_size();
	why = populate_skip(MADV_POPULATE_READ);
	if (!why)
		why = populate_skip(MADV_POPULATE_WRITE);
	if (why)
		SKIP(return, "%s", why);
	p = map_isolated(n, PROT_NONE, MAP_PRIVATE, -1);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	EXPECT_EQ(-1, madvise(p, n * ps, MADV_POPULATE_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, madvise(p, n * ps, MADV_POPULATE_WRITE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0L, vas_pagemap_count(p, n, VAS_PM_PRESENT));

	ASSERT_EQ(0, mprotect(p, n * ps, PROT_READ));
	EXPECT_EQ(-1, madvise(p, n * ps, MADV_POPULATE_WRITE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0L, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	/* Reading is allowed there. */
	EXPECT_EQ(0, madvise(p, n * ps, MADV_POPULATE_READ));
	EXPECT_EQ((long)n, vas_pagemap_count(p, n, VAS_PM_PRESENT));

	/* The guard pages around are PROT_NONE; past them, nothing. */
	unmap_isolated(p, n);
	EXPECT_EQ(-1, madvise(p, n * ps, MADV_POPULATE_READ));
	EXPECT_EQ(ENOMEM, errno);
}

/* ---- COLD / PAGEOUT ---- */

TEST(cold_keeps_pages_resident)
{
	size_t n = 64;
	char *p;

	ps = vas_page_size();
	pin_to_this_cpu();
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	fill(p, n, 1);
	if (madvise(p, n * ps, MADV_COLD) && errno == EINVAL)
		SKIP(goto out, SKIP_COLD);
	drain_lru();
	/* A hint for reclaim's order: nothing is freed now. */
	EXPECT_EQ(kb(n), rss_kb(p));
	EXPECT_EQ((long)n, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	EXPECT_EQ(n, pages_with(p, n, 1));
out:
	unmap_isolated(p, n);
}

/* MADV_COLD clears the young (accessed) bit of each PTE it looks at. */
TEST(kmod_cold_clears_accessed)
{
	struct vas_probe_pte e[64];
	size_t n = 64;
	const char *why;
	char *p;
	int kfd;

	ps = vas_page_size();
	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	pin_to_this_cpu();
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	fill(p, n, 1);
	ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
	if (!(e[0].valid & VAS_PROBE_PTE_ACCESSED))
		SKIP(goto out, "no accessed bit reported");
	EXPECT_EQ(n, ptes_with(e, n, VAS_PROBE_PTE_ACCESSED));
	if (madvise(p, n * ps, MADV_COLD) && errno == EINVAL)
		SKIP(goto out, SKIP_COLD);
	ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
	EXPECT_EQ(n, ptes_with(e, n, VAS_PROBE_PTE_MAPPED));
	EXPECT_EQ(0U, ptes_with(e, n, VAS_PROBE_PTE_ACCESSED));
out:
	unmap_isolated(p, n);
}

static void pageout_file(struct __test_metadata *_metadata, int kfd)
{
	size_t n = counted_pages(), i;
	struct vas_probe_pte *e = NULL;
	struct vas_faults f0, f1;
	long long rss0 = 0, rss1 = 0;
	char *p;
	int fd;

	ps = vas_page_size();
	pin_to_this_cpu();
	fd = disk_file(n);
	if (fd < 0)
		SKIP(return, SKIP_NO_DISK);
	e = calloc(n, sizeof(*e));
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)e);
	p = map_isolated(n, PROT_READ, MAP_SHARED, fd);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	/* Read in afresh: clean pages, in this CPU's LRU batches. */
	if (!drop_cache(fd, p, n))
		SKIP(goto out, SKIP_NO_DROP);
	for (i = 0; i < n; i++)
		(void)__atomic_load_n(p + i * ps, __ATOMIC_RELAXED);
	ASSERT_EQ(kb(n), rss_kb(p));
	if (kfd >= 0)
		rss0 = file_rss(_metadata, kfd);

	if (madvise(p, n * ps, MADV_PAGEOUT) && errno == EINVAL)
		SKIP(goto out, SKIP_PAGEOUT);
	if (kfd >= 0) {
		rss1 = file_rss(_metadata, kfd);
		ASSERT_EQ(0, vas_kmod_walk(kfd, (uintptr_t)p, n, e));
	}
	/* Reclaimed now: out of our RSS and out of the page cache. */
	EXPECT_EQ(0ULL, rss_kb(p));
	EXPECT_EQ(0L, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	EXPECT_EQ(0L, vas_resident_pages(p, n * ps));
	ksft_print_msg("vas-data: madvise_pageout pages=%zu rss_kb=%llu resident=%ld\n",
		       n, rss_kb(p), vas_resident_pages(p, n * ps));
	/* Read back from the file: a major fault at least. */
	ASSERT_EQ(0, vas_faults(&f0));
	EXPECT_EQ(n, pages_with(p, n, 0));
	ASSERT_EQ(0, vas_faults(&f1));
	EXPECT_LE(1UL, f1.major - f0.major);
	if (kfd >= 0) {
		EXPECT_EQ(0U, ptes_with(e, n, VAS_PROBE_PTE_MAPPED));
		EXPECT_LE((long long)(n - rss_slack()), rss0 - rss1);
		EXPECT_GE((long long)(n + rss_slack()), rss0 - rss1);
	}
out:
	unmap_isolated(p, n);
	close(fd);
	free(e);
}

TEST(pageout_clean_file_pages_leave_rss)
{
	pageout_file(_metadata, -1);
}

TEST(kmod_pageout_clears_ptes_and_file_rss)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	pageout_file(_metadata, kfd);
}

/*
 * Locked pages stay: COLD and PAGEOUT refuse a VM_LOCKED range with
 * EINVAL (can_madv_lru_vma()). File pages, which PAGEOUT would
 * otherwise drop, when a disk-backed file is there; else anonymous.
 */
TEST(cold_pageout_leave_locked_pages)
{
	struct vas_smaps s;
	size_t n = 4;
	bool file;
	char *p;
	int fd, i;

	ps = vas_page_size();
	fd = disk_file(n);
	file = fd >= 0;
	p = file ? map_isolated(n, PROT_READ, MAP_SHARED, fd) : map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	if (!file)
		fill(p, n, 0);
	if (mlock(p, n * ps))
		SKIP(goto out, SKIP_MEMLOCK);
	for (i = 0; i < (int)n; i++)
		(void)__atomic_load_n(p + i * ps, __ATOMIC_RELAXED);
	ASSERT_EQ(0, smaps_at(p, &s));
	ASSERT_EQ(kb(n), s.locked_kb);

	EXPECT_EQ(-1, madvise(p, n * ps, MADV_PAGEOUT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, madvise(p, n * ps, MADV_COLD));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, smaps_at(p, &s));
	EXPECT_EQ(kb(n), s.rss_kb);
	EXPECT_EQ(kb(n), s.locked_kb);
	EXPECT_EQ((long)n, vas_resident_pages(p, n * ps));
	EXPECT_EQ(n, pages_with(p, n, 0));
	TH_LOG("%s pages", file ? "file" : "anonymous");
out:
	unmap_isolated(p, n);
	if (file)
		close(fd);
}

/* ---- DONTFORK / DOFORK, WIPEONFORK / KEEPONFORK ---- */

enum child_saw { SAW_NOTHING = 1, SAW_DATA, SAW_ZEROS, SAW_OTHER };

/* What a forked child finds at p: no mapping, the data, zeros. */
static int child_view(const char *p, size_t n)
{
	struct vas_fault f;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		f = vas_try_access((uintptr_t)p, VAS_READ);
		if (f.signo == SIGSEGV && f.code == SEGV_MAPERR)
			_exit(SAW_NOTHING);
		if (f.signo)
			_exit(SAW_OTHER);
		if (pages_with(p, n, 1) == n)
			_exit(SAW_DATA);
		if (zero_pages(p, n) == n)
			_exit(SAW_ZEROS);
		_exit(SAW_OTHER);
	}
	return vas_wait_child(pid);
}

static void dontfork(struct __test_metadata *_metadata, int kfd)
{
	struct vas_smaps s;
	size_t n = 4;
	char *p;

	ps = vas_page_size();
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	fill(p, n, 1);

	ASSERT_EQ(0, madvise(p, n * ps, MADV_DONTFORK));
	ASSERT_EQ(0, smaps_at(p, &s));
	EXPECT_TRUE(vas_vmflags_has(s.vmflags, "dc"));
	if (kfd >= 0)
		EXPECT_TRUE(!!(vma_flags(_metadata, kfd, p) &
			       VAS_PROBE_VMA_DONTCOPY));
	EXPECT_EQ(SAW_NOTHING, child_view(p, n));
	EXPECT_EQ(n, pages_with(p, n, 1));

	ASSERT_EQ(0, madvise(p, n * ps, MADV_DOFORK));
	ASSERT_EQ(0, smaps_at(p, &s));
	EXPECT_FALSE(vas_vmflags_has(s.vmflags, "dc"));
	if (kfd >= 0)
		EXPECT_FALSE(!!(vma_flags(_metadata, kfd, p) &
				VAS_PROBE_VMA_DONTCOPY));
	EXPECT_EQ(SAW_DATA, child_view(p, n));
	unmap_isolated(p, n);
}

TEST(dontfork_child_lacks_range_dofork_restores)
{
	dontfork(_metadata, -1);
}

TEST(kmod_dontfork_sets_vm_dontcopy)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	dontfork(_metadata, kfd);
}

static void wipeonfork(struct __test_metadata *_metadata, int kfd)
{
	struct vas_smaps s;
	size_t n = 4;
	char *p, *shared;

	ps = vas_page_size();
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	fill(p, n, 1);

	if (madvise(p, n * ps, MADV_WIPEONFORK) && errno == EINVAL)
		SKIP(goto out, SKIP_WIPEONFORK);
	ASSERT_EQ(0, smaps_at(p, &s));
	EXPECT_TRUE(vas_vmflags_has(s.vmflags, "wf"));
	if (kfd >= 0)
		EXPECT_TRUE(!!(vma_flags(_metadata, kfd, p) &
			       VAS_PROBE_VMA_WIPEONFORK));
	/* The child has the range, zero-filled; the parent keeps its data. */
	EXPECT_EQ(SAW_ZEROS, child_view(p, n));
	EXPECT_EQ(n, pages_with(p, n, 1));

	ASSERT_EQ(0, madvise(p, n * ps, MADV_KEEPONFORK));
	ASSERT_EQ(0, smaps_at(p, &s));
	EXPECT_FALSE(vas_vmflags_has(s.vmflags, "wf"));
	if (kfd >= 0)
		EXPECT_FALSE(!!(vma_flags(_metadata, kfd, p) &
				VAS_PROBE_VMA_WIPEONFORK));
	EXPECT_EQ(SAW_DATA, child_view(p, n));

	/* Private anonymous memory only (madvise(2) EINVAL). */
	shared = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)shared);
	EXPECT_EQ(-1, madvise(shared, ps, MADV_WIPEONFORK));
	EXPECT_EQ(EINVAL, errno);
	munmap(shared, ps);
out:
	unmap_isolated(p, n);
}

TEST(wipeonfork_child_sees_zeros_keeponfork_restores)
{
	wipeonfork(_metadata, -1);
}

TEST(kmod_wipeonfork_sets_vm_wipeonfork)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	wipeonfork(_metadata, kfd);
}

/* ---- HUGEPAGE / NOHUGEPAGE ---- */

static void hugepage(struct __test_metadata *_metadata, int kfd)
{
	struct vas_smaps s;
	size_t n = 3;
	uint64_t v;
	char *p;

	ps = vas_page_size();
	/* Without CONFIG_TRANSPARENT_HUGEPAGE both advices are EINVAL. */
	if (access("/sys/kernel/mm/transparent_hugepage", F_OK))
		SKIP(return, SKIP_NO_THP);
	p = map_isolated(n, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);

	if (madvise(p, n * ps, MADV_HUGEPAGE) && errno == EINVAL)
		SKIP(goto out, SKIP_NO_THP);
	ASSERT_EQ(0, smaps_at(p, &s));
	EXPECT_TRUE(vas_vmflags_has(s.vmflags, "hg"));
	EXPECT_FALSE(vas_vmflags_has(s.vmflags, "nh"));
	if (kfd >= 0) {
		v = vma_flags(_metadata, kfd, p);
		EXPECT_TRUE(!!(v & VAS_PROBE_VMA_HUGEPAGE));
		EXPECT_FALSE(!!(v & VAS_PROBE_VMA_NOHUGEPAGE));
	}

	ASSERT_EQ(0, madvise(p, n * ps, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, smaps_at(p, &s));
	EXPECT_FALSE(vas_vmflags_has(s.vmflags, "hg"));
	EXPECT_TRUE(vas_vmflags_has(s.vmflags, "nh"));
	if (kfd >= 0) {
		v = vma_flags(_metadata, kfd, p);
		EXPECT_FALSE(!!(v & VAS_PROBE_VMA_HUGEPAGE));
		EXPECT_TRUE(!!(v & VAS_PROBE_VMA_NOHUGEPAGE));
	}

	/* On the middle page only: the VMA splits, the others keep "nh". */
	ASSERT_EQ(0, madvise(p + ps, ps, MADV_HUGEPAGE));
	ASSERT_EQ(0, smaps_at(p + ps, &s));
	EXPECT_EQ((uintptr_t)p + ps, s.map.start);
	EXPECT_EQ((uintptr_t)p + 2 * ps, s.map.end);
	EXPECT_TRUE(vas_vmflags_has(s.vmflags, "hg"));
	ASSERT_EQ(0, smaps_at(p, &s));
	EXPECT_TRUE(vas_vmflags_has(s.vmflags, "nh"));
	ASSERT_EQ(0, smaps_at(p + 2 * ps, &s));
	EXPECT_TRUE(vas_vmflags_has(s.vmflags, "nh"));
	if (kfd >= 0) {
		EXPECT_TRUE(!!(vma_flags(_metadata, kfd, p + ps) &
			       VAS_PROBE_VMA_HUGEPAGE));
		EXPECT_TRUE(!!(vma_flags(_metadata, kfd, p) &
			       VAS_PROBE_VMA_NOHUGEPAGE));
	}
out:
	unmap_isolated(p, n);
}

TEST(hugepage_nohugepage_set_vmflags)
{
	hugepage(_metadata, -1);
}

TEST(kmod_hugepage_nohugepage_set_vma_flags)
{
	const char *why;
	int kfd;

	kfd = vas_kmod_open(&why);
	if (kfd < 0)
		SKIP(return, "%s", why);
	hugepage(_metadata, kfd);
}

/* ---- errors ---- */

TEST(unaligned_start_einval)
{
	size_t n = 2;
	char *p;

	ps = vas_page_size();
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	fill(p, n, 1);
	EXPECT_EQ(-1, madvise(p + 1, ps, MADV_NORMAL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, madvise(p + ps / 2, ps, MADV_DONTNEED));
	EXPECT_EQ(EINVAL, errno);
	/* Refused as a whole: nothing was dropped. */
	EXPECT_EQ(n, pages_with(p, n, 1));
	/* A length need not be aligned: it is rounded up. */
	EXPECT_EQ(0, madvise(p, 1, MADV_NORMAL));
	unmap_isolated(p, n);
}

TEST(unknown_advice_einval)
{
	const int bad[] = { -1, INT_MAX };
	size_t n = 1, i;
	char *p;

	ps = vas_page_size();
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, madvise(p, ps, bad[i]));
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(0, madvise(p, ps, MADV_NORMAL));
	unmap_isolated(p, n);
}

/*
 * A range with a hole: ENOMEM, and the advice still applied to the
 * mapped parts (madvise_walk_vmas() goes on past holes).
 */
TEST(unmapped_range_enomem)
{
	size_t n = 3;
	char *p;

	ps = vas_page_size();
	p = map_anon(n);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	fill(p, n, 1);
	ASSERT_EQ(0, munmap(p + ps, ps));
	EXPECT_EQ(-1, madvise(p + ps, ps, MADV_NORMAL));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(-1, madvise(p, n * ps, MADV_DONTNEED));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(1U, zero_pages(p, 1));
	EXPECT_EQ(1U, zero_pages(p + 2 * ps, 1));
	unmap_isolated(p, n);
}

#include "vas_main.h"
