// SPDX-License-Identifier: GPL-2.0
/*
 * paging: demand paging, counted.
 *
 * A private anonymous mapping costs nothing until it is touched; a read
 * fault maps the shared zero page (mm/memory.c do_anonymous_page()), a
 * write fault allocates one page per fault when THP is off for the
 * mapping. File mappings fault in whole fault-around windows of cached
 * pages (do_fault_around()), and take major faults when the page cache
 * has to be read from disk (filemap_fault()). Commit accounting follows
 * vm.overcommit_memory (Documentation/mm/overcommit-accounting.rst).
 *
 * Everything is checked with what user space sees (getrusage and
 * /proc/self/stat fault counters, mincore, /proc/self/pagemap, smaps,
 * status, meminfo); the *_ptes tests cross-check the same facts in the
 * page tables through the vas_probe helper module and SKIP without it.
 *
 * Counts are exact where the kernel makes them exact: THP is off for the
 * counted mapping (vas_map_anon_nothp), and the measured loop allocates
 * nothing and runs once on a scratch mapping first, so that its own code,
 * stack and the libc calls around it are already mapped.
 *
 * VAS_PAGING_PAGES sets the number of pages N (default PAGES_DEFAULT).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"
#include "vas_kmod.h"

#define PAGES_ENV		"VAS_PAGING_PAGES"
/* Small enough for TCG guests, large enough that slack stays small. */
#define PAGES_DEFAULT		1024UL

/*
 * NUMA balancing (kernel.numa_balancing) periodically makes a task's
 * anonymous and writable pages PROT_NONE and counts the next access as
 * a minor "hinting" fault (task_numa_work(), do_numa_page()). It skips
 * the zero page and read-only file text, so inside a measured loop only
 * the loop's stack and data pages can take one: a few faults at most.
 */
#define NUMA_HINT_SLACK		4UL

/*
 * mm RSS counters as /proc/PID/status and get_mm_counter() read them:
 * before 6.2 (SPLIT_RSS_COUNTING) each task caches up to
 * TASK_RSS_EVENTS_THRESH (64) fault events before folding them into the
 * mm (mm/memory.c check_sync_rss_stat()), so a read may lag by the pages
 * of 64 + 1 faults.
 */
#define TASK_RSS_EVENTS_THRESH	64UL

/* Documented defaults (mm/memory.c, malloc/malloc.c). */
#define FAULT_AROUND_DEFAULT	65536UL
#define MMAP_THRESHOLD_DEFAULT	(128 * 1024)

#define THP_DIR			"/sys/kernel/mm/transparent_hugepage"
#define FAULT_AROUND_KNOB	"/sys/kernel/debug/fault_around_bytes"

#define SKIP_THP_NONE		"THP unsupported"
#define SKIP_THP_OFF		"THP disabled"
#define SKIP_THP_TASK		"THP disabled for this process"
#define SKIP_THP_ADVISE		"MADV_HUGEPAGE unsupported"
#define SKIP_THP_NOMEM		"no huge page available"
#define SKIP_NO_DISK		"no disk-backed filesystem writable"
#define SKIP_NO_TMP		"no writable temporary directory"
#define SKIP_SYSCTL_RO		"overcommit sysctls not writable"
#define SKIP_VA_SMALL		"twice the RAM exceeds the address space"
#define SKIP_VA_LIMIT		"commit headroom exceeds the address space"
#define SKIP_RLIMIT_AS		"RLIMIT_AS too low"
#define SKIP_NOT_GLIBC		"not glibc"
#define SKIP_CLEAR_REFS		"no /proc/self/clear_refs"
#define SKIP_MEMINFO		"meminfo unreadable"

/* ---- helpers ---- */

static size_t page_size(void)
{
	return vas_page_size();
}

/* N: VAS_PAGING_PAGES, or the default. */
static size_t test_pages(void)
{
	const char *s = getenv(PAGES_ENV);
	unsigned long n;
	char *end;

	if (!s || !*s)
		return PAGES_DEFAULT;
	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || *end || !n || n > SIZE_MAX / page_size())
		return PAGES_DEFAULT;
	return n;
}

static unsigned long fault_slack(void)
{
	unsigned long on;

	if (vas_sysctl_read_ul("kernel.numa_balancing", &on) || !on)
		return 0;
	return NUMA_HINT_SLACK;
}

/* vas_lib candidate */
/* CPUs in a sysfs list such as /sys/devices/system/cpu/possible ("0-3,6"). */
static unsigned long cpu_list_count(const char *path)
{
	char buf[256], *p = buf, *end;
	unsigned long count = 0, a, b;

	if (vas_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	while (*p >= '0' && *p <= '9') {
		a = strtoul(p, &end, 10);
		b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (b >= a)
			count += b - a + 1;
		p = *end == ',' ? end + 1 : end;
	}
	return count;
}

/*
 * How far apart, in pages, two readings of an mm RSS counter may be from
 * the page tables' truth, per reading. Before 6.2: the per-task cache
 * above. Since 6.2 the counters are percpu_counters (commit f1a7941243c1)
 * and get_mm_counter() reads only the shared part; each possible CPU holds
 * less than percpu_counter_batch = max(32, 2 * online CPUs) pages
 * (lib/percpu_counter.c compute_batch_value()). /proc/PID/status sums the
 * per-CPU parts since get_mm_counter_sum() (mainline 6.16, backported to
 * stable kernels, Debian's 6.12 included): exact there, but the version
 * cannot tell a backport, so status gets the same bound.
 */
static unsigned long rss_read_error(void)
{
	unsigned long online, possible, batch;

	if (!vas_kernel_at_least(6, 2))
		return TASK_RSS_EVENTS_THRESH + 1;
	online = cpu_list_count("/sys/devices/system/cpu/online");
	possible = cpu_list_count("/sys/devices/system/cpu/possible");
	if (!online)
		online = 1;
	if (possible < online)
		possible = online;
	batch = 2 * online > 32 ? 2 * online : 32;
	return batch * possible;
}

/* Slack of a difference of two readings. */
static unsigned long rss_delta_slack(void)
{
	return 2 * rss_read_error();
}

/* RssAnon of /proc/self/status in pages; -1 when unreadable. */
static long long status_anon_pages(void)
{
	unsigned long long kb;

	if (vas_proc_value("/proc/self/status", "RssAnon", &kb))
		return -1;
	return (long long)(kb * VAS_KIB / page_size());
}

static unsigned long long meminfo_kb(const char *key)
{
	unsigned long long kb;

	if (vas_proc_value("/proc/meminfo", key, &kb))
		return ULLONG_MAX;
	return kb;
}

/* A /proc/vmstat counter; 0 when the kernel lacks it. */
static unsigned long long vmstat_or_zero(const char *name)
{
	unsigned long long v;

	return vas_vmstat_value(name, &v) ? 0 : v;
}

/* vas_lib candidate */
/*
 * One field (in kB) of the smaps entry containing addr, and the entry's
 * bounds: for fields vas_read_smaps() does not keep ("Referenced").
 */
static int smaps_field(const void *addr, const char *field,
		       unsigned long long *kb, uintptr_t *start, uintptr_t *end)
{
	char line[512], key[64];
	unsigned long long val;
	struct vas_map m;
	bool in = false;
	int ret = -ENOENT;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!vas_parse_maps_line(line, &m)) {
			if (in)
				break;
			in = m.start <= (uintptr_t)addr && (uintptr_t)addr < m.end;
			if (in) {
				*start = m.start;
				*end = m.end;
			}
			continue;
		}
		if (in && !vas_parse_kv_line(line, key, sizeof(key), &val) &&
		    !strcmp(key, field)) {
			*kb = val;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* The smaps entry containing addr, copied out; 0 or -errno. */
static int smaps_of(const void *addr, struct vas_smaps *out)
{
	struct vas_smaps *e;
	int n = vas_read_smaps(0, &e), i, ret = -ENOENT;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (e[i].map.start <= (uintptr_t)addr &&
		    (uintptr_t)addr < e[i].map.end) {
			*out = e[i];
			ret = 0;
			break;
		}
	}
	free(e);
	return ret;
}

/*
 * The measured loop: one access per page, nothing else. vas_peek() and
 * vas_poke() keep every access; no allocation, no call.
 */
static void touch(char *p, size_t n, size_t ps, bool write)
{
	size_t i;
	unsigned char sink = 0;

	for (i = 0; i < n; i++) {
		if (write)
			vas_poke(p + i * ps, (unsigned char)(i | 1));
		else
			sink += vas_peek(p + i * ps);
	}
	(void)sink;
}

/*
 * Run the measured code once on a scratch mapping, so that the loop, the
 * counter reads and their stack are mapped before anything is counted.
 */
static void warm_up(void)
{
	size_t ps = page_size();
	struct vas_faults f;
	char *s = vas_map_anon_nothp(2 * ps, PROT_READ | PROT_WRITE);

	vas_faults(&f);
	vas_stat_faults(0, &f);
	if (s) {
		touch(s, 2, ps, false);
		touch(s, 2, ps, true);
		munmap(s, 2 * ps);
	}
	vas_faults(&f);
}

/* Minor and major faults of one touch of n pages at p. */
static void counted_touch(char *p, size_t n, bool write,
			  unsigned long *minflt, unsigned long *majflt)
{
	struct vas_faults a, b;

	vas_faults(&a);
	touch(p, n, page_size(), write);
	vas_faults(&b);
	*minflt = b.minor - a.minor;
	*majflt = b.major - a.major;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* How many values appear more than once (sorts v). */
static size_t duplicates(uint64_t *v, size_t n)
{
	size_t i, dup = 0;

	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 1; i < n; i++)
		dup += v[i] == v[i - 1];
	return dup;
}

/* pagemap PFNs of n pages (zero unless CAP_SYS_ADMIN); NULL on error. */
static uint64_t *pagemap_pfns(const void *p, size_t n)
{
	uint64_t *e = calloc(n, sizeof(*e));
	size_t i;

	if (!e)
		return NULL;
	if (vas_pagemap(p, n, e)) {
		free(e);
		return NULL;
	}
	for (i = 0; i < n; i++)
		e[i] &= VAS_PM_PFN_MASK;
	return e;
}

static bool pfns_visible(void)
{
	return vas_has_cap(CAP_SYS_ADMIN);
}

/* Walk n pages from p through the module, in requests it accepts. */
static struct vas_probe_pte *walk(int fd, const void *p, size_t n)
{
	struct vas_probe_pte *e = calloc(n, sizeof(*e));
	size_t done, chunk;

	if (!e)
		return NULL;
	for (done = 0; done < n; done += chunk) {
		chunk = n - done;
		if (chunk > VAS_PROBE_WALK_MAX)
			chunk = VAS_PROBE_WALK_MAX;
		if (vas_kmod_walk(fd, (uintptr_t)p + done * page_size(),
				  chunk, e + done)) {
			free(e);
			return NULL;
		}
	}
	return e;
}

/* Does a PTE flag hold, when the module reports it on this arch? */
static bool pte_has(const struct vas_probe_pte *e, uint32_t bit)
{
	return (e->flags & bit) != 0;
}

static bool pte_reports(const struct vas_probe_pte *e, uint32_t bit)
{
	return (e->valid & bit) != 0;
}

/* ---- anonymous memory: untouched, read, written, populated ---- */

enum touch_kind {
	TOUCH_NONE,		/* mapped, never touched */
	TOUCH_READ,		/* read once per page */
	TOUCH_WRITE,		/* written once per page */
	TOUCH_READ_WRITE,	/* read (not counted), then written */
	TOUCH_POPULATE,		/* MAP_POPULATE, then written */
};

FIXTURE(anon) {
	size_t ps, n, len;
	char *p;
	int kfd;
	const char *kreason;
	unsigned long slack, rss_slack;
	long long anon_before, anon_mapped, anon_after;	/* status, pages */
	long resident_mapped, present_mapped;
	unsigned long minflt, majflt;
	bool have_mm;
	struct vas_probe_mm mm_before, mm_after;
};

FIXTURE_VARIANT(anon) {
	enum touch_kind touch;
	unsigned int faults;	/* per page, over the measured touch */
	unsigned int rss;	/* pages the touch makes RSS (0 or 1 per page) */
	unsigned int resident;	/* per page, after the touch */
	bool resident_at_map;	/* resident right after mmap */
};

FIXTURE_VARIANT_ADD(anon, untouched) {
	.touch = TOUCH_NONE, .faults = 0, .rss = 0, .resident = 0,
};

/* The zero page: mapped (resident, present), but not this mm's RSS. */
FIXTURE_VARIANT_ADD(anon, read_touch) {
	.touch = TOUCH_READ, .faults = 1, .rss = 0, .resident = 1,
};

FIXTURE_VARIANT_ADD(anon, write_touch) {
	.touch = TOUCH_WRITE, .faults = 1, .rss = 1, .resident = 1,
};

/* Each write to a zero-page PTE is one copy-on-write fault. */
FIXTURE_VARIANT_ADD(anon, write_after_read) {
	.touch = TOUCH_READ_WRITE, .faults = 1, .rss = 1, .resident = 1,
};

FIXTURE_VARIANT_ADD(anon, populate) {
	.touch = TOUCH_POPULATE, .faults = 0, .rss = 1, .resident = 1,
	.resident_at_map = true,
};

FIXTURE_SETUP(anon)
{
	self->ps = page_size();
	ASSERT_NE((size_t)0, self->ps) TH_LOG("sysconf and AT_PAGESZ disagree");
	self->n = test_pages();
	self->len = self->n * self->ps;
	self->slack = fault_slack();
	self->rss_slack = rss_delta_slack();
	/* Load the module (if it can be) before anything is counted. */
	self->kfd = vas_kmod_open(&self->kreason);
	warm_up();

	self->anon_before = status_anon_pages();
	self->have_mm = self->kfd >= 0 &&
			!vas_kmod_mm(self->kfd, &self->mm_before);
	if (variant->touch == TOUCH_POPULATE) {
		/* THP may back it: it changes nothing checked here. */
		self->p = mmap(NULL, self->len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (self->p == MAP_FAILED)
			self->p = NULL;
	} else {
		self->p = vas_map_anon_nothp(self->len, PROT_READ | PROT_WRITE);
	}
	ASSERT_NE((uintptr_t)0, (uintptr_t)self->p) TH_LOG("mmap of %zu pages: %s",
							   self->n, strerror(errno));
	self->anon_mapped = status_anon_pages();
	self->resident_mapped = vas_resident_pages(self->p, self->len);
	self->present_mapped = vas_pagemap_count(self->p, self->n,
						 VAS_PM_PRESENT);

	if (variant->touch == TOUCH_READ_WRITE)
		touch(self->p, self->n, self->ps, false);
	self->minflt = 0;
	self->majflt = 0;
	if (variant->touch != TOUCH_NONE)
		counted_touch(self->p, self->n, variant->touch != TOUCH_READ,
			      &self->minflt, &self->majflt);
	self->anon_after = status_anon_pages();
	if (self->have_mm)
		self->have_mm = !vas_kmod_mm(self->kfd, &self->mm_after);
}

FIXTURE_TEARDOWN(anon)
{
	if (self->p)
		munmap(self->p, self->len);
}

TEST_F(anon, faults_rss_and_residency)
{
	size_t n = self->n, ps = self->ps, i;
	unsigned long want_faults = variant->faults * n;
	long long want_rss = (long long)variant->rss * (long long)n;
	long want_res = (long)(variant->resident * n);
	long want_res_map = variant->resident_at_map ? (long)n : 0;
	unsigned long long rss_kb = (unsigned long long)want_rss * ps / VAS_KIB;
	struct vas_smaps sm;
	uint64_t *pfn;

	ksft_print_msg("vas-data: anon_faults touch=%s pages=%zu minflt=%lu majflt=%lu slack=%lu\n",
		       variant->touch == TOUCH_NONE ? "none" :
		       variant->touch == TOUCH_READ ? "read" :
		       variant->touch == TOUCH_WRITE ? "write" :
		       variant->touch == TOUCH_READ_WRITE ? "write_after_read" :
		       "populate", n, self->minflt, self->majflt, self->slack);

	/* Right after mmap: nothing resident unless populated. */
	EXPECT_EQ(want_res_map, self->resident_mapped);
	EXPECT_EQ(want_res_map, self->present_mapped);
	ASSERT_LE(0, self->anon_before) TH_LOG("no RssAnon in /proc/self/status");
	EXPECT_LE(llabs(self->anon_mapped - self->anon_before -
			(variant->resident_at_map ? (long long)n : 0)),
		  (long long)self->rss_slack)
		TH_LOG("RssAnon across mmap: %lld pages, want %lld +- %lu",
		       self->anon_mapped - self->anon_before,
		       variant->resident_at_map ? (long long)n : 0,
		       self->rss_slack);

	/* One minor fault per page touched, none after MAP_POPULATE. */
	EXPECT_LE(want_faults, self->minflt);
	EXPECT_GE(want_faults + self->slack, self->minflt);
	EXPECT_EQ(0UL, self->majflt);

	/* smaps walks the page tables: exact. The zero page is not RSS. */
	ASSERT_EQ(0, smaps_of(self->p, &sm));
	EXPECT_EQ((uintptr_t)self->p, sm.map.start);
	EXPECT_EQ((uintptr_t)self->p + self->len, sm.map.end);
	EXPECT_EQ(rss_kb, sm.rss_kb);
	EXPECT_EQ(rss_kb, sm.anon_kb);
	EXPECT_LE(llabs(self->anon_after - self->anon_before - want_rss),
		  (long long)self->rss_slack)
		TH_LOG("RssAnon delta %lld pages, want %lld +- %lu",
		       self->anon_after - self->anon_before, want_rss,
		       self->rss_slack);

	EXPECT_EQ(want_res, vas_resident_pages(self->p, self->len));
	EXPECT_EQ(want_res, vas_pagemap_count(self->p, n, VAS_PM_PRESENT));
	/* Exclusive: mapped once, by us; the zero page is nobody's. */
	EXPECT_EQ(want_rss, vas_pagemap_count(self->p, n, VAS_PM_EXCLUSIVE));

	if (!pfns_visible() || !want_res) {
		if (want_res)
			ksft_print_msg("pagemap PFNs hidden without CAP_SYS_ADMIN\n");
		return;
	}
	pfn = pagemap_pfns(self->p, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)pfn);
	for (i = 0; i < n && pfn[i]; i++)
		;
	EXPECT_EQ(n, i) TH_LOG("page %zu has no pfn in pagemap", i);
	if (variant->rss) {
		/* Each written page is a page of its own. */
		EXPECT_EQ((size_t)0, duplicates(pfn, n));
	} else {
		/* Every read-touched page is the one zero page. */
		for (i = 1; i < n && pfn[i] == pfn[0]; i++)
			;
		EXPECT_EQ(n, i) TH_LOG("pfn %#llx at page %zu, zero page %#llx",
				       (unsigned long long)pfn[i < n ? i : 0], i,
				       (unsigned long long)pfn[0]);
	}
	free(pfn);
}

TEST_F(anon, ptes)
{
	size_t n = self->n, i, bad = 0, first_bad = 0;
	struct vas_probe_pte *e;
	uint64_t *pfn, *upfn;
	long long d;

	if (self->kfd < 0)
		SKIP(return, "%s", self->kreason);
	e = walk(self->kfd, self->p, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)e);
	for (i = 0; i < n; i++) {
		bool ok = pte_has(&e[i], VAS_PROBE_PTE_VMA);

		if (!variant->resident) {
			ok = ok && !pte_has(&e[i], VAS_PROBE_PTE_MAPPED);
		} else {
			ok = ok && pte_has(&e[i], VAS_PROBE_PTE_MAPPED);
			if (pte_reports(&e[i], VAS_PROBE_PTE_PRESENT))
				ok = ok && pte_has(&e[i], VAS_PROBE_PTE_PRESENT);
			if (pte_reports(&e[i], VAS_PROBE_PTE_USER))
				ok = ok && pte_has(&e[i], VAS_PROBE_PTE_USER);
		}
		if (variant->resident && !variant->rss)
			/* The zero page, read-only: a write must fault. */
			ok = ok && pte_has(&e[i], VAS_PROBE_PTE_ZERO) &&
			     !pte_has(&e[i], VAS_PROBE_PTE_WRITE) &&
			     e[i].pfn == e[0].pfn;
		if (variant->rss)
			ok = ok && !pte_has(&e[i], VAS_PROBE_PTE_ZERO) &&
			     pte_has(&e[i], VAS_PROBE_PTE_WRITE) &&
			     pte_has(&e[i], VAS_PROBE_PTE_DIRTY) &&
			     pte_has(&e[i], VAS_PROBE_PTE_ACCESSED);
		if (!ok && !bad++)
			first_bad = i;
	}
	if (bad)
		TH_LOG("page %zu: flags %#x valid %#x level %u pfn %#llx (first of %zu)",
		       first_bad, e[first_bad].flags, e[first_bad].valid,
		       e[first_bad].level,
		       (unsigned long long)e[first_bad].pfn, bad);
	EXPECT_EQ((size_t)0, bad);

	if (variant->resident) {
		pfn = calloc(n, sizeof(*pfn));
		upfn = pfns_visible() ? pagemap_pfns(self->p, n) : NULL;
		ASSERT_NE((uintptr_t)0, (uintptr_t)pfn);
		for (i = 0, bad = 0; i < n; i++) {
			pfn[i] = e[i].pfn;
			/* pagemap and the page tables name the same frames. */
			if (upfn && upfn[i] != pfn[i] && !bad++)
				first_bad = i;
		}
		if (upfn)
			EXPECT_EQ((size_t)0, bad)
				TH_LOG("page %zu: pagemap pfn %#llx, PTE %#llx",
				       first_bad,
				       (unsigned long long)upfn[first_bad],
				       (unsigned long long)pfn[first_bad]);
		if (variant->rss)
			EXPECT_EQ((size_t)0, duplicates(pfn, n));
		free(upfn);
		free(pfn);
	}
	free(e);

	/* The mm's own counter: approximate, see rss_read_error(). */
	ASSERT_TRUE(self->have_mm);
	d = (long long)(self->mm_after.anon_rss - self->mm_before.anon_rss);
	EXPECT_LE(llabs(d - (long long)(variant->rss * n)),
		  (long long)self->rss_slack)
		TH_LOG("mm anon_rss delta %lld, want %zu +- %lu", d,
		       variant->rss * n, self->rss_slack);
}

/* ---- fault counters: getrusage and /proc/self/stat ---- */

TEST(stat_faults_equal_getrusage)
{
	size_t ps = page_size(), n = test_pages(), tries;
	struct vas_faults r0, s0, r1, r2, s2, r3;
	char *p;

	warm_up();
	/* Two getrusage reads around the stat read that agree: no fault between. */
	for (tries = 0; tries < 8; tries++) {
		ASSERT_EQ(0, vas_faults(&r0));
		ASSERT_EQ(0, vas_stat_faults(0, &s0));
		ASSERT_EQ(0, vas_faults(&r1));
		if (r0.minor == r1.minor && r0.major == r1.major)
			break;
	}
	ASSERT_EQ(r0.minor, r1.minor) TH_LOG("faults while reading the counters");
	EXPECT_EQ(r0.minor, s0.minor);
	EXPECT_EQ(r0.major, s0.major);

	/* Both move together by N write faults. */
	p = vas_map_anon_nothp(n * ps, PROT_READ | PROT_WRITE);
	ASSERT_NE((uintptr_t)0, (uintptr_t)p);
	touch(p, n, ps, true);
	for (tries = 0; tries < 8; tries++) {
		ASSERT_EQ(0, vas_faults(&r2));
		ASSERT_EQ(0, vas_stat_faults(0, &s2));
		ASSERT_EQ(0, vas_faults(&r3));
		if (r2.minor == r3.minor && r2.major == r3.major)
			break;
	}
	munmap(p, n * ps);
	ASSERT_EQ(r2.minor, r3.minor);
	EXPECT_EQ(r2.minor, s2.minor);
	EXPECT_EQ(r2.major, s2.major);
	/* Only the N write faults happened between the two readings. */
	EXPECT_LE(r0.minor + n, s2.minor);
	EXPECT_GE(r0.minor + n + fault_slack(), s2.minor);
}

/* ---- transparent huge pages ---- */

/* The PMD huge page size, or a skip reason. */
static const char *thp_usable(size_t *hpage)
{
	char buf[128], path[160];
	unsigned long long v;

	if (vas_read_file(THP_DIR "/enabled", buf, sizeof(buf)) <= 0)
		return SKIP_THP_NONE;
	if (strstr(buf, "[never]"))
		return SKIP_THP_OFF;
	if (vas_read_file(THP_DIR "/hpage_pmd_size", buf, sizeof(buf)) <= 0)
		return SKIP_THP_NONE;
	*hpage = strtoul(buf, NULL, 10);
	if (*hpage <= page_size() || (*hpage & (*hpage - 1)))
		return SKIP_THP_NONE;
	/* Since 6.8 each size has its own switch; "inherit" follows the top. */
	snprintf(path, sizeof(path), THP_DIR "/hugepages-%zukB/enabled",
		 (size_t)(*hpage / VAS_KIB));
	if (vas_read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, "[never]"))
		return SKIP_THP_OFF;
	/* PR_SET_THP_DISABLE, inherited from a parent (status since 5.0). */
	if (!vas_proc_value("/proc/self/status", "THP_enabled", &v) && !v)
		return SKIP_THP_TASK;
	return NULL;
}

struct thp_run {
	size_t hp, map_len;
	char *map, *huge;
	unsigned long first_minflt, all_minflt, majflt;
};

/*
 * Map twice the huge page size, advise MADV_HUGEPAGE on the aligned huge
 * page inside, write one byte, then every other small page. Returns a
 * skip reason, or NULL with the run filled in.
 */
static const char *thp_touch(struct thp_run *r)
{
	size_t ps = page_size(), n;
	unsigned long long alloc0, fall0, alloc1, fall1;
	unsigned long rest_min, rest_maj;
	const char *why = thp_usable(&r->hp);

	if (why)
		return why;
	n = r->hp / ps;
	r->map_len = 2 * r->hp;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return NULL;
	}
	r->huge = (char *)vas_align_up((uintptr_t)r->map, r->hp);
	if (madvise(r->huge, r->hp, MADV_HUGEPAGE))
		return SKIP_THP_ADVISE;
	warm_up();
	alloc0 = vmstat_or_zero("thp_fault_alloc");
	fall0 = vmstat_or_zero("thp_fault_fallback");
	counted_touch(r->huge, 1, true, &r->first_minflt, &r->majflt);
	counted_touch(r->huge + ps, n - 1, true, &rest_min, &rest_maj);
	alloc1 = vmstat_or_zero("thp_fault_alloc");
	fall1 = vmstat_or_zero("thp_fault_fallback");
	r->all_minflt = r->first_minflt + rest_min;
	r->majflt += rest_maj;
	/* No free huge page (fragmentation): the kernel may fall back. */
	if (fall1 > fall0 && alloc1 == alloc0)
		return SKIP_THP_NOMEM;
	return NULL;
}

TEST(thp_one_fault_maps_huge_page)
{
	struct thp_run r = { 0 };
	const char *why = thp_touch(&r);
	size_t ps = page_size(), n, i;
	struct vas_smaps sm;
	uint64_t *pfn;

	if (why) {
		if (r.map)
			munmap(r.map, r.map_len);
		SKIP(return, "%s", why);
	}
	ASSERT_NE((uintptr_t)0, (uintptr_t)r.map);
	n = r.hp / ps;
	ksft_print_msg("vas-data: thp hpage_kb=%zu first_minflt=%lu all_minflt=%lu\n",
		       (size_t)(r.hp / VAS_KIB), r.first_minflt, r.all_minflt);
	EXPECT_LE(1UL, r.first_minflt);
	EXPECT_GE(1UL + fault_slack(), r.all_minflt)
		TH_LOG("one fault should map all %zu pages", n);
	EXPECT_EQ(0UL, r.majflt);

	ASSERT_EQ(0, smaps_of(r.huge, &sm));
	EXPECT_EQ((uintptr_t)r.huge, sm.map.start);
	EXPECT_EQ((unsigned long long)r.hp / VAS_KIB, sm.anon_huge_kb);
	EXPECT_EQ((unsigned long long)r.hp / VAS_KIB, sm.rss_kb);
	EXPECT_TRUE(vas_vmflags_has(sm.vmflags, "hg"));
	EXPECT_EQ((long)n, vas_resident_pages(r.huge, r.hp));
	EXPECT_EQ((long)n, vas_pagemap_count(r.huge, n, VAS_PM_PRESENT));
	if (pfns_visible()) {
		/* One physically contiguous, naturally aligned huge page. */
		pfn = pagemap_pfns(r.huge, n);
		ASSERT_NE((uintptr_t)0, (uintptr_t)pfn);
		EXPECT_EQ(0ULL, pfn[0] % n);
		for (i = 1; i < n && pfn[i] == pfn[0] + i; i++)
			;
		EXPECT_EQ(n, i);
		free(pfn);
	}
	munmap(r.map, r.map_len);
}

TEST(thp_huge_page_is_one_pmd_ptes)
{
	struct thp_run r = { 0 };
	const char *reason, *why;
	struct vas_probe_pte *e;
	struct vas_probe_vma v;
	size_t n, i, bad = 0;
	int fd = vas_kmod_open(&reason);

	if (fd < 0)
		SKIP(return, "%s", reason);
	why = thp_touch(&r);
	if (why) {
		if (r.map)
			munmap(r.map, r.map_len);
		SKIP(return, "%s", why);
	}
	ASSERT_NE((uintptr_t)0, (uintptr_t)r.map);
	n = r.hp / page_size();
	ASSERT_EQ(0, vas_kmod_vma(fd, (uintptr_t)r.huge, &v));
	EXPECT_NE(0ULL, (unsigned long long)(v.vflags & VAS_PROBE_VMA_HUGEPAGE));
	e = walk(fd, r.huge, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)e);
	for (i = 0; i < n; i++)
		if (!pte_has(&e[i], VAS_PROBE_PTE_HUGE) || e[i].level != 2 ||
		    (1UL << e[i].leaf_shift) != r.hp ||
		    e[i].pfn != e[0].pfn + i || !pte_has(&e[i], VAS_PROBE_PTE_WRITE))
			bad++;
	if (bad)
		TH_LOG("page 0: flags %#x level %u leaf_shift %u pfn %#llx",
		       e[0].flags, e[0].level, e[0].leaf_shift,
		       (unsigned long long)e[0].pfn);
	EXPECT_EQ((size_t)0, bad);
	EXPECT_EQ(0ULL, e[0].pfn % n);
	free(e);
	munmap(r.map, r.map_len);
}

/* ---- file mappings ---- */

/* Filesystems on a block device: their page cache can be dropped and re-read. */
static bool disk_backed(long f_type)
{
	static const unsigned long types[] = {
		EXT4_SUPER_MAGIC,	/* ext2, ext3, ext4 */
		XFS_SUPER_MAGIC, BTRFS_SUPER_MAGIC, F2FS_SUPER_MAGIC,
		0x3153464aUL,		/* JFS */
		REISERFS_SUPER_MAGIC, MSDOS_SUPER_MAGIC,
		0x2011bab0UL,		/* exFAT */
		NILFS_SUPER_MAGIC,
		0xca451a4eUL,		/* bcachefs */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		if ((unsigned long)f_type == types[i])
			return true;
	return false;
}

/*
 * An unlinked temporary file of n pages, each written by its own
 * pwrite of one page, so the page cache holds small folios and fault-
 * around alone decides how many pages one fault maps. need_disk: only on
 * a disk-backed filesystem. -ENOENT when no directory fits.
 */
static int tmp_file(size_t n, bool need_disk)
{
	static const char *const fixed[] = { "/var/tmp", "/tmp", "." };
	const char *dirs[ARRAY_SIZE(fixed) + 1] = { getenv("TMPDIR") };
	size_t ps = page_size(), i, j;
	char path[PATH_MAX], *buf;
	struct statfs sf;
	int fd = -1;

	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		dirs[i + 1] = fixed[i];

	for (i = 0; i < ARRAY_SIZE(dirs) && fd < 0; i++) {
		if (!dirs[i] || !*dirs[i] || statfs(dirs[i], &sf))
			continue;
		if (need_disk && !disk_backed(sf.f_type))
			continue;
		snprintf(path, sizeof(path), "%s/vas-paging-XXXXXX", dirs[i]);
		fd = mkstemp(path);
		if (fd >= 0)
			unlink(path);
	}
	if (fd < 0)
		return -ENOENT;
	buf = malloc(ps);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (j = 0; j < n; j++) {
		memset(buf, (int)(j & 0x7f) + 1, ps);
		if (pwrite(fd, buf, ps, (off_t)(j * ps)) != (ssize_t)ps) {
			free(buf);
			close(fd);
			return -EIO;
		}
	}
	free(buf);
	/* Clean pages: no writeback locks a page while it is faulted in. */
	if (fsync(fd)) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/*
 * Pages one fault may map at most: fault_around_bytes (debugfs, root)
 * or its documented default of 64 KiB, in pages, at least one.
 */
static size_t fault_around_pages(bool *from_knob)
{
	unsigned long bytes = FAULT_AROUND_DEFAULT;
	char buf[32];

	*from_knob = vas_read_file(FAULT_AROUND_KNOB, buf, sizeof(buf)) > 0;
	if (*from_knob)
		bytes = strtoul(buf, NULL, 10);
	return bytes / page_size() ? bytes / page_size() : 1;
}

TEST(file_hot_faults_bounded_by_fault_around)
{
	size_t ps = page_size(), n = test_pages(), fa, lower;
	unsigned long minflt, majflt;
	bool knob;
	char *p;
	int fd = tmp_file(n, false);

	if (fd == -ENOENT)
		SKIP(return, SKIP_NO_TMP);
	ASSERT_LE(0, fd) TH_LOG("temporary file: %s", strerror(-fd));
	p = mmap(NULL, n * ps, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p);
	fa = fault_around_pages(&knob);
	lower = (n + fa - 1) / fa;

	/* Hot: every page is in the page cache, none mapped yet. */
	EXPECT_EQ((long)n, vas_resident_pages(p, n * ps));
	EXPECT_EQ(0L, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	warm_up();
	counted_touch(p, n, false, &minflt, &majflt);
	ksft_print_msg("vas-data: file_hot pages=%zu fault_around=%zu knob=%d\n",
		       n, fa, knob);
	ksft_print_msg("vas-data: file_hot_faults minflt=%lu majflt=%lu\n",
		       minflt, majflt);
	EXPECT_EQ(0UL, majflt);
	EXPECT_GE(n, minflt);
	EXPECT_LE(lower, minflt)
		TH_LOG("a fault maps at most %zu pages (fault_around_bytes %s)",
		       fa, knob ? "from debugfs" : "default");
	EXPECT_EQ((long)n, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	munmap(p, n * ps);
	close(fd);
}

TEST(file_cold_touch_takes_major_faults)
{
	size_t ps = page_size(), n = test_pages(), i;
	unsigned long minflt, majflt;
	char *p;
	int fd = tmp_file(n, true);

	if (fd == -ENOENT)
		SKIP(return, SKIP_NO_DISK);
	ASSERT_LE(0, fd) TH_LOG("temporary file: %s", strerror(-fd));
	/* Clean (fsync'ed) and unmapped pages: DONTNEED drops them all. */
	ASSERT_EQ(0, posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
	p = mmap(NULL, n * ps, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p);
	EXPECT_EQ(0L, vas_resident_pages(p, n * ps));
	warm_up();
	counted_touch(p, n, false, &minflt, &majflt);
	ksft_print_msg("vas-data: file_cold pages=%zu minflt=%lu majflt=%lu\n",
		       n, minflt, majflt);
	/* The first touch reads from disk; readahead serves the others. */
	EXPECT_LE(1UL, majflt);
	EXPECT_GE(n, minflt + majflt);
	EXPECT_EQ((long)n, vas_resident_pages(p, n * ps));
	for (i = 0; i < n && p[i * ps] == (char)((i & 0x7f) + 1); i++)
		;
	EXPECT_EQ(n, i) TH_LOG("page %zu read back wrong", i);
	munmap(p, n * ps);
	close(fd);
}

/* ---- overcommit ---- */

#define OC_MODE		"vm.overcommit_memory"
#define OC_RATIO	"vm.overcommit_ratio"
#define OC_KBYTES	"vm.overcommit_kbytes"

/* vas_lib candidate */
/* The largest unmapped gap of user space, bytes. */
static uintptr_t largest_gap(void)
{
	struct vas_map *m;
	uintptr_t top = vas_probe_user_top(), prev, best = 0;
	unsigned long min_addr = 0;
	int n = vas_read_maps(0, &m), i;

	if (n < 0)
		return 0;
	vas_sysctl_read_ul("vm.mmap_min_addr", &min_addr);
	prev = vas_align_up(min_addr, page_size());
	if (!top)
		top = UINTPTR_MAX & ~(uintptr_t)(page_size() - 1);
	for (i = 0; i <= n; i++) {
		uintptr_t start = i < n ? m[i].start : top;

		if (start > top)
			start = top;
		if (start > prev && start - prev > best)
			best = start - prev;
		if (i < n && m[i].end > prev)
			prev = m[i].end;
	}
	free(m);
	return best;
}

TEST(overcommit_always_allows_noreserve_twice_ram)
{
	unsigned long long ram_kb = meminfo_kb("MemTotal");
	long long a0, a1 = -1;
	struct vas_smaps sm = { 0 };
	int ret, err = 0, sm_ret = -1;
	struct rlimit as;
	size_t len;
	char *p;

	if (!vas_is_root())
		SKIP(return, VAS_SKIP_ROOT);
	if (ram_kb == ULLONG_MAX)
		SKIP(return, SKIP_MEMINFO);
	if (ram_kb > SIZE_MAX / 2 / VAS_KIB ||
	    largest_gap() / 2 < ram_kb * VAS_KIB)
		SKIP(return, SKIP_VA_SMALL);
	len = (size_t)(2 * ram_kb * VAS_KIB);
	len = vas_align_up(len, page_size());
	if (!getrlimit(RLIMIT_AS, &as) && as.rlim_cur != RLIM_INFINITY &&
	    as.rlim_cur / 2 < len)
		SKIP(return, SKIP_RLIMIT_AS);

	a0 = status_anon_pages();
	ret = vas_sysctl_set_guarded(OC_MODE, "1");
	if (ret == -EACCES || ret == -EPERM || ret == -EROFS)
		SKIP(return, SKIP_SYSCTL_RO);
	ASSERT_EQ(0, ret);
	/* Mapped, never touched: no page may back it. */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		err = errno;
	} else {
		a1 = status_anon_pages();
		sm_ret = smaps_of(p, &sm);
		munmap(p, len);
	}
	ASSERT_EQ(0, vas_sysctl_restore(OC_MODE));

	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p)
		TH_LOG("MAP_NORESERVE of %zu bytes (2 x MemTotal): %s", len,
		       strerror(err));
	ASSERT_EQ(0, sm_ret);
	EXPECT_EQ((unsigned long long)len / VAS_KIB, sm.size_kb);
	EXPECT_EQ(0ULL, sm.rss_kb);
	EXPECT_TRUE(vas_vmflags_has(sm.vmflags, "nr"));
	EXPECT_LE(llabs(a1 - a0), (long long)rss_delta_slack());
}

struct never_ctx {
	const char *knob;		/* the ratio or kbytes sysctl in force */
	unsigned long long margin_kb, headroom_kb;
	unsigned long long limit_kb, committed_kb, want_limit_kb;
};

/*
 * The Committed_AS error __vm_enough_memory() may see, in kB: it reads
 * the percpu counter without summing, and in mode 2 each CPU holds less
 * than a batch of totalram / present CPUs / 256 pages
 * (mm/mm_init.c mm_compute_batch()). Twice that, plus 16 MiB for what
 * other tasks commit meanwhile.
 */
static unsigned long long commit_margin_kb(unsigned long long ram_kb)
{
	unsigned long present = cpu_list_count("/sys/devices/system/cpu/present");
	unsigned long possible = cpu_list_count("/sys/devices/system/cpu/possible");

	if (!present)
		present = 1;
	if (possible < present)
		possible = present;
	return 2 * (ram_kb / present / 256) * possible + 16 * VAS_KIB;
}

/*
 * Switch to mode 2 with a commit limit a little above what is committed
 * now, through whichever of overcommit_ratio and overcommit_kbytes is in
 * force (writing one zeroes the other, so only that one is changed and
 * each restore stands alone). Returns a skip reason or NULL; on NULL the
 * caller must call never_restore().
 */
static const char *never_setup(struct __test_metadata *_metadata,
			       struct never_ctx *c)
{
	unsigned long long ram_kb = meminfo_kb("MemTotal");
	unsigned long long swap_kb = meminfo_kb("SwapTotal");
	unsigned long long huge_kb = meminfo_kb("Hugetlb");
	unsigned long long committed = meminfo_kb("Committed_AS");
	unsigned long long target, base, ps_kb = page_size() / VAS_KIB;
	unsigned long ratio, kbytes;
	char val[32];
	int ret;

	if (!vas_is_root())
		return VAS_SKIP_ROOT;
	if (ram_kb == ULLONG_MAX || swap_kb == ULLONG_MAX ||
	    committed == ULLONG_MAX)
		return SKIP_MEMINFO;
	if (huge_kb == ULLONG_MAX)
		huge_kb = 0;	/* no Hugetlb line before 4.16 */
	if (vas_sysctl_read_ul(OC_RATIO, &ratio) ||
	    vas_sysctl_read_ul(OC_KBYTES, &kbytes))
		return SKIP_SYSCTL_RO;
	c->margin_kb = commit_margin_kb(ram_kb);
	c->headroom_kb = 4 * c->margin_kb;
	/* The refused mapping must fit the address space twice over. */
	if (largest_gap() / VAS_KIB / 2 < c->headroom_kb + 2 * c->margin_kb)
		return SKIP_VA_LIMIT;
	target = committed + c->headroom_kb;
	base = target > swap_kb ? target - swap_kb : 0;
	if (kbytes) {
		c->knob = OC_KBYTES;
		snprintf(val, sizeof(val), "%llu", base);
	} else {
		c->knob = OC_RATIO;
		/* CommitLimit = (MemTotal - Hugetlb) * ratio / 100 + swap */
		snprintf(val, sizeof(val), "%llu",
			 (base * 100 + ram_kb - huge_kb - 1) / (ram_kb - huge_kb));
	}
	ret = vas_sysctl_set_guarded(c->knob, val);
	if (ret == -EACCES || ret == -EPERM || ret == -EROFS)
		return SKIP_SYSCTL_RO;
	ASSERT_EQ(0, ret) TH_LOG("%s=%s", c->knob, val);
	ret = vas_sysctl_set_guarded(OC_MODE, "2");
	if (ret) {
		vas_sysctl_restore(c->knob);
		ASSERT_EQ(0, ret) TH_LOG("%s=2", OC_MODE);
	}
	c->limit_kb = meminfo_kb("CommitLimit");
	c->committed_kb = meminfo_kb("Committed_AS");
	/* mm/util.c vm_commit_limit(), in pages as the kernel does it. */
	if (kbytes)
		c->want_limit_kb = (strtoull(val, NULL, 10) / ps_kb +
				    swap_kb / ps_kb) * ps_kb;
	else
		c->want_limit_kb = ((ram_kb / ps_kb - huge_kb / ps_kb) *
				    strtoull(val, NULL, 10) / 100 +
				    swap_kb / ps_kb) * ps_kb;
	return NULL;
}

static int never_restore(const struct never_ctx *c)
{
	int a = vas_sysctl_restore(OC_MODE), b = vas_sysctl_restore(c->knob);

	return a ? a : b;
}

TEST(overcommit_never_refuses_beyond_commit_limit)
{
	struct never_ctx c = { 0 };
	const char *why = never_setup(_metadata, &c);
	unsigned long long free_kb;
	int err_plain = 0, err_nores = 0;
	size_t len = 0;
	char *p, *q;

	if (why)
		SKIP(return, "%s", why);
	free_kb = c.limit_kb > c.committed_kb ? c.limit_kb - c.committed_kb : 0;
	len = vas_align_up((free_kb + c.margin_kb) * VAS_KIB, page_size());
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		err_plain = errno;
	else
		munmap(p, len);
	/* Mode 2 ignores MAP_NORESERVE (overcommit-accounting.rst). */
	q = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (q == MAP_FAILED)
		err_nores = errno;
	else
		munmap(q, len);
	ASSERT_EQ(0, never_restore(&c));

	ksft_print_msg("vas-data: overcommit_never knob=%s limit_kb=%llu\n",
		       c.knob, c.limit_kb);
	ksft_print_msg("vas-data: overcommit_never_request committed_kb=%llu request_kb=%zu\n",
		       c.committed_kb, (size_t)(len / VAS_KIB));
	EXPECT_EQ(c.want_limit_kb, c.limit_kb)
		TH_LOG("CommitLimit does not follow %s", c.knob);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)p);
	EXPECT_EQ(ENOMEM, err_plain);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(ENOMEM, err_nores);
}

TEST(overcommit_never_commits_private_writable)
{
	struct never_ctx c = { 0 };
	const char *why = never_setup(_metadata, &c);
	unsigned long long c0, c1, size_kb, tol_kb;
	long long delta[3] = { 0 };
	int tries, ok = 0, err = 0;
	size_t len;
	char *p;

	if (why)
		SKIP(return, "%s", why);
	size_kb = c.headroom_kb / 4 / (page_size() / VAS_KIB) *
		  (page_size() / VAS_KIB);
	len = size_kb * VAS_KIB;
	/* meminfo sums the percpu counter: only other tasks add noise. */
	tol_kb = size_kb / 8;
	for (tries = 0; tries < 3 && !ok && !err; tries++) {
		c0 = meminfo_kb("Committed_AS");
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		c1 = meminfo_kb("Committed_AS");
		if (p == MAP_FAILED) {
			err = errno;
			break;
		}
		munmap(p, len);
		delta[tries] = (long long)(c1 - c0);
		ok = llabs(delta[tries] - (long long)size_kb) <= (long long)tol_kb;
	}
	ASSERT_EQ(0, never_restore(&c));

	ASSERT_EQ(0, err) TH_LOG("mmap of %llu kB below the limit: %s",
				 size_kb, strerror(err));
	ksft_print_msg("vas-data: overcommit_commit size_kb=%llu delta_kb=%lld,%lld,%lld\n",
		       size_kb, delta[0], delta[1], delta[2]);
	EXPECT_LE(llabs(delta[tries - 1] - (long long)size_kb), (long long)tol_kb)
		TH_LOG("Committed_AS grew by %lld kB for a %llu kB mapping",
		       delta[tries - 1], size_kb);
}

/* ---- glibc malloc ---- */

TEST(glibc_malloc_threshold_heap_or_own_mapping)
{
#ifdef __GLIBC__
	struct vas_map *m;
	const struct vas_map *heap, *own;
	size_t small = MMAP_THRESHOLD_DEFAULT / 4;
	size_t big = MMAP_THRESHOLD_DEFAULT * 4;
	char ver[64] = "";
	char *s, *b;
	int n;

	if (!confstr(_CS_GNU_LIBC_VERSION, ver, sizeof(ver)) || !ver[0])
		SKIP(return, SKIP_NOT_GLIBC);
	/* An explicit threshold also stops glibc from moving it (mallopt(3)). */
	ASSERT_EQ(1, mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_DEFAULT));
	s = malloc(small);
	b = malloc(big);
	ASSERT_NE((uintptr_t)0, (uintptr_t)s);
	ASSERT_NE((uintptr_t)0, (uintptr_t)b);
	memset(s, 1, small);
	memset(b, 1, big);
	n = vas_read_maps(0, &m);
	ASSERT_LT(0, n);
	/*
	 * The heap can be several [heap] lines (a brk extension need not
	 * merge with the first part): both ends of the block must lie in one.
	 */
	heap = vas_map_of(m, n, (uintptr_t)s);
	ASSERT_NE((uintptr_t)0, (uintptr_t)heap);
	EXPECT_STREQ("[heap]", heap->path)
		TH_LOG("%s: %zu bytes at %p not in [heap]", ver, small, s);
	heap = vas_map_of(m, n, (uintptr_t)s + small - 1);
	ASSERT_NE((uintptr_t)0, (uintptr_t)heap);
	EXPECT_STREQ("[heap]", heap->path);
	own = vas_map_of(m, n, (uintptr_t)b);
	ASSERT_NE((uintptr_t)0, (uintptr_t)own);
	EXPECT_STRNE("[heap]", own->path);
	EXPECT_STREQ("", own->path);
	EXPECT_LE((uintptr_t)b + big, own->end);
	free(m);
	/* Its own mapping: freeing it unmaps it. */
	free(b);
	n = vas_read_maps(0, &m);
	ASSERT_LT(0, n);
	EXPECT_EQ((uintptr_t)0, (uintptr_t)vas_map_of(m, n, (uintptr_t)b))
		TH_LOG("%zu bytes still mapped after free", big);
	free(m);
	free(s);
#else
	SKIP(return, SKIP_NOT_GLIBC);
#endif
}

/* ---- PTE bits after mprotect and clear_refs ---- */

FIXTURE(written) {
	size_t ps, n, len;
	char *p;
	int kfd;
	const char *kreason;
};

FIXTURE_SETUP(written)
{
	self->ps = page_size();
	self->n = test_pages();
	self->len = self->n * self->ps;
	self->kfd = vas_kmod_open(&self->kreason);
	self->p = vas_map_anon_nothp(self->len, PROT_READ | PROT_WRITE);
	ASSERT_NE((uintptr_t)0, (uintptr_t)self->p);
	touch(self->p, self->n, self->ps, true);
}

FIXTURE_TEARDOWN(written)
{
	if (self->p)
		munmap(self->p, self->len);
}

/* Pages of the walk without (or with) a flag; first such index in *at. */
static size_t count_flag(const struct vas_probe_pte *e, size_t n,
			 uint32_t bit, bool want, size_t *at)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (pte_has(&e[i], bit) != want && !bad++)
			*at = i;
	return bad;
}

TEST_F(written, mprotect_keeps_pages_changes_access)
{
	size_t n = self->n;
	unsigned long minflt, majflt;
	struct vas_fault f;

	ASSERT_EQ(0, mprotect(self->p, self->len, PROT_READ));
	/* Still mapped: reading takes no fault; writing is refused. */
	warm_up();
	counted_touch(self->p, n, false, &minflt, &majflt);
	EXPECT_GE(fault_slack(), minflt);
	EXPECT_EQ((long)n, vas_pagemap_count(self->p, n, VAS_PM_PRESENT));
	f = vas_try_access((uintptr_t)self->p, VAS_WRITE);
	EXPECT_EQ(SIGSEGV, f.signo);
	EXPECT_EQ(SEGV_ACCERR, f.code);
	EXPECT_EQ((char)1, self->p[0]);

	ASSERT_EQ(0, mprotect(self->p, self->len, PROT_NONE));
	/* PROT_NONE PTEs still hold the pages (pte_present() is true). */
	EXPECT_EQ((long)n, vas_pagemap_count(self->p, n, VAS_PM_PRESENT));
	EXPECT_EQ((long)n, vas_resident_pages(self->p, self->len));
	f = vas_try_access((uintptr_t)self->p, VAS_READ);
	EXPECT_EQ(SIGSEGV, f.signo);
	EXPECT_EQ(SEGV_ACCERR, f.code);
}

TEST_F(written, mprotect_ptes)
{
	struct vas_probe_pte *e0, *e;
	size_t n = self->n, at = 0, i, moved = 0;

	if (self->kfd < 0)
		SKIP(return, "%s", self->kreason);
	e0 = walk(self->kfd, self->p, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)e0);
	EXPECT_EQ((size_t)0, count_flag(e0, n, VAS_PROBE_PTE_WRITE, true, &at));

	ASSERT_EQ(0, mprotect(self->p, self->len, PROT_READ));
	e = walk(self->kfd, self->p, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)e);
	EXPECT_EQ((size_t)0, count_flag(e, n, VAS_PROBE_PTE_WRITE, false, &at))
		TH_LOG("PROT_READ: page %zu still writable", at);
	EXPECT_EQ((size_t)0, count_flag(e, n, VAS_PROBE_PTE_MAPPED, true, &at));
	if (pte_reports(&e[0], VAS_PROBE_PTE_PRESENT))
		EXPECT_EQ((size_t)0,
			  count_flag(e, n, VAS_PROBE_PTE_PRESENT, true, &at));
	for (i = 0; i < n; i++)
		moved += e[i].pfn != e0[i].pfn;
	EXPECT_EQ((size_t)0, moved);
	free(e);

	ASSERT_EQ(0, mprotect(self->p, self->len, PROT_NONE));
	e = walk(self->kfd, self->p, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)e);
	/* Not valid for the MMU, still the kernel's (pte_present()). */
	ASSERT_TRUE(pte_reports(&e[0], VAS_PROBE_PTE_PRESENT))
		TH_LOG("the module reports no hardware present bit here");
	EXPECT_EQ((size_t)0, count_flag(e, n, VAS_PROBE_PTE_PRESENT, false, &at))
		TH_LOG("PROT_NONE: page %zu still present", at);
	EXPECT_EQ((size_t)0, count_flag(e, n, VAS_PROBE_PTE_MAPPED, true, &at));
	for (i = 0, moved = 0; i < n; i++)
		moved += e[i].pfn != e0[i].pfn;
	EXPECT_EQ((size_t)0, moved);
	free(e);
	free(e0);
}

static int clear_refs_all(void)
{
	return vas_sysctl_write("/proc/self/clear_refs", "1");
}

/*
 * Before accessing pages again after clear_refs: clear_refs clears the
 * accessed bits without a TLB flush (ptep_test_and_clear_young(); x86's
 * ptep_clear_flush_young() explains why none is needed), and the CPU sets
 * the bit again only when it walks the page tables for a page, after a
 * TLB miss. An mprotect round trip changes the PTEs (keeping their
 * accessed bits) and flushes the range's TLB entries, so the accesses
 * that follow miss.
 */
static void flush_tlb_range(struct __test_metadata *_metadata, char *p,
			    size_t n)
{
	size_t len = n * page_size();

	ASSERT_EQ(0, mprotect(p, len, PROT_READ));
	ASSERT_EQ(0, mprotect(p, len, PROT_READ | PROT_WRITE));
}

TEST_F(written, clear_refs_resets_referenced)
{
	unsigned long long kb = ULLONG_MAX, all = self->len / VAS_KIB;
	uintptr_t start, end;
	int ret;

	ASSERT_EQ(0, smaps_field(self->p, "Referenced", &kb, &start, &end));
	EXPECT_EQ(all, kb);
	ret = clear_refs_all();
	if (ret == -ENOENT)
		SKIP(return, SKIP_CLEAR_REFS);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, smaps_field(self->p, "Referenced", &kb, &start, &end));
	EXPECT_EQ(0ULL, kb);
	flush_tlb_range(_metadata, self->p, self->n);
	touch(self->p, self->n, self->ps, false);
	ASSERT_EQ(0, smaps_field(self->p, "Referenced", &kb, &start, &end));
	EXPECT_EQ(all, kb);
}

TEST_F(written, clear_refs_ptes)
{
	struct vas_probe_pte *e;
	size_t n = self->n, at = 0;
	int ret;

	if (self->kfd < 0)
		SKIP(return, "%s", self->kreason);
	e = walk(self->kfd, self->p, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)e);
	EXPECT_EQ((size_t)0, count_flag(e, n, VAS_PROBE_PTE_ACCESSED, true, &at));
	free(e);
	ret = clear_refs_all();
	if (ret == -ENOENT)
		SKIP(return, SKIP_CLEAR_REFS);
	ASSERT_EQ(0, ret);
	e = walk(self->kfd, self->p, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)e);
	EXPECT_EQ((size_t)0, count_flag(e, n, VAS_PROBE_PTE_ACCESSED, false, &at))
		TH_LOG("after clear_refs: page %zu still accessed", at);
	EXPECT_EQ((size_t)0, count_flag(e, n, VAS_PROBE_PTE_MAPPED, true, &at));
	free(e);
	/* The flush alone sets nothing: the accesses do. */
	flush_tlb_range(_metadata, self->p, n);
	e = walk(self->kfd, self->p, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)e);
	EXPECT_EQ((size_t)0, count_flag(e, n, VAS_PROBE_PTE_ACCESSED, false, &at))
		TH_LOG("after mprotect: page %zu accessed", at);
	free(e);
	touch(self->p, n, self->ps, false);
	e = walk(self->kfd, self->p, n);
	ASSERT_NE((uintptr_t)0, (uintptr_t)e);
	EXPECT_EQ((size_t)0, count_flag(e, n, VAS_PROBE_PTE_ACCESSED, true, &at))
		TH_LOG("after a read: page %zu not accessed", at);
	free(e);
}

#include "vas_main.h"
