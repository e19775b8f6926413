// SPDX-License-Identifier: GPL-2.0
/*
 * mremap: growing, shrinking, moving and duplicating mappings.
 *
 * The rules checked here, from the kernel's mm/ code (6.1 and 6.12 alike
 * unless said otherwise) and mremap(2):
 *
 *  - The syscall refuses with EINVAL, before looking at any mapping:
 *    MREMAP_FIXED without MREMAP_MAYMOVE, MREMAP_DONTUNMAP without
 *    MREMAP_MAYMOVE or with old_size != new_size, an old address that is
 *    not page-aligned, and new_size 0. Sizes themselves are rounded up
 *    to whole pages.
 *  - mremap_to() (FIXED, DONTUNMAP): a new address that is not
 *    page-aligned, or a destination overlapping the source, is EINVAL;
 *    whatever was mapped at the destination is unmapped first, as with
 *    mmap(MAP_FIXED).
 *  - vma_to_resize(): no VMA at the old address, or an old range running
 *    past the end of its VMA (into the next VMA or a hole), is EFAULT;
 *    old_size 0 (duplicate the mapping) on a private mapping is EINVAL
 *    since 4.14 (commit dba58d3b8c50), it only makes sense for a shared
 *    one, whose pages the copy then shares.
 *  - Shrinking unmaps the tail and keeps the address. Growing stays in
 *    place when nothing is mapped after the VMA; otherwise it needs
 *    MREMAP_MAYMOVE (without it: ENOMEM), and move_vma() moves the page
 *    table entries themselves (move_page_tables(), whole PMDs when
 *    aligned): the same physical pages are mapped at the new address, so
 *    reaching them takes no page fault.
 *  - A VM_LOCKED mapping that grows has the growth charged to locked_vm
 *    and populated (mm_populate() at the end of the syscall); the moved
 *    part keeps its pages.
 *  - MREMAP_DONTUNMAP (5.7) moves the page tables but leaves the old VMA
 *    in place, empty: a private anonymous one reads back zeros, a shared
 *    one faults its pages in again from the shared object. Before 5.13
 *    it accepted private anonymous mappings only (EINVAL otherwise).
 *
 * The groups' mappings have THP advised off (vas_map_anon_nothp) so that
 * page counts are exact on every page size.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"
#include "vas_kmod.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif

#define NPAGES		16	/* pages of the mappings moved around */
#define LOCK_PAGES	4	/* pages of the locked mapping, grown to twice */

#define SKIP_DONTUNMAP		"MREMAP_DONTUNMAP unsupported (before 5.7)"
#define SKIP_DUP_PRIVATE	"private mappings duplicated before 4.14"
#define SKIP_MEMLOCK		"RLIMIT_MEMLOCK too small"
#define SKIP_NO_PAGE_SIZE	"page size unknown"

/* ---- helpers ---- */

/* How many bytes from p on are zero. */
static size_t zeros(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i])
			break;
	return i;
}


/* mremap() with its errno: 0 on success. */
static void *remap(void *old, size_t old_len, size_t new_len, int flags,
		   void *new_addr, int *err)
{
	void *r;

	errno = 0;
	r = mremap(old, old_len, new_len, flags, new_addr);
	*err = r == MAP_FAILED ? errno : 0;
	return r;
}

/* A private anonymous mapping, THP off, filled with seed; NULL on failure. */
static char *map_filled(size_t len, unsigned int seed)
{
	char *p = vas_map_anon_nothp(len, PROT_READ | PROT_WRITE);

	if (p)
		vas_fill(p, len, seed, 0);
	return p;
}

/*
 * A private anonymous mapping of len bytes, THP off, directly followed
 * by a PROT_NONE mapping of len bytes (*blocker) that keeps it from
 * growing in place; NULL on failure.
 */
static char *map_blocked(size_t len, char **blocker)
{
	char *r, *p;

	r = mmap(NULL, 2 * len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		return NULL;
	p = mmap(r, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED) {
		munmap(r, 2 * len);
		return NULL;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	*blocker = r + len;
	return p;
}

/* The shared anonymous (shmem) mapping, filled with seed; NULL on failure. */
static char *map_shared_filled(size_t len, unsigned int seed)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	vas_fill(p, len, seed, 0);
	return p;
}

/* VmLck of this process in kB, or -1. */
static long long vm_locked_kb(void)
{
	unsigned long long kb;

	if (vas_proc_value("/proc/self/status", "VmLck", &kb))
		return -1;
	return (long long)kb;
}

/*
 * Whether locking len more bytes fits this task's RLIMIT_MEMLOCK: the
 * limit applies to mm->locked_vm (VmLck) unless CAP_IPC_LOCK.
 */
static bool memlock_allows(size_t len)
{
	struct rlimit rl;
	long long kb = vm_locked_kb();

	if (vas_has_cap(CAP_IPC_LOCK))
		return true;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) || kb < 0)
		return false;
	if (rl.rlim_cur == RLIM_INFINITY)
		return true;
	return (unsigned long long)kb * VAS_KIB + len <= rl.rlim_cur;
}

/* ---- growing and shrinking ---- */

TEST(grow_in_place_when_room_keeps_address_and_data)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	const struct vas_map *m;
	struct vas_map *maps;
	char *p, *q;
	int err, n;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	/* Map twice the size and give the upper half back: room to grow. */
	p = map_filled(2 * len, 1);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	ASSERT_EQ(0, munmap(p + len, len));
	ASSERT_EQ((size_t)0, vas_mapped_pages(p + len, NPAGES));

	q = remap(p, len, 2 * len, 0, NULL, &err);
	ASSERT_EQ(0, err) TH_LOG("mremap grow in place: %s", strerror(err));
	EXPECT_EQ((uintptr_t)p, (uintptr_t)q);
	EXPECT_EQ(len, vas_matching(p, len, 1, 0));
	/* The new part is fresh anonymous memory. */
	EXPECT_EQ(len, zeros(p + len, len));
	/* One VMA covers the whole grown range. */
	n = vas_read_maps(0, &maps);
	ASSERT_LT(0, n);
	m = vas_map_of(maps, n, (uintptr_t)p);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)m);
	EXPECT_LE((uintptr_t)p + 2 * len, m->end);
	free(maps);
	munmap(p, 2 * len);
}

TEST(grow_blocked_without_maymove_fails_enomem)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *p, *q, *blk;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_blocked(len, &blk);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	vas_fill(p, len, 2, 0);

	q = remap(p, len, 2 * len, 0, NULL, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(ENOMEM, err) TH_LOG("got %s", strerror(err));
	/* Nothing moved, nothing was unmapped. */
	EXPECT_EQ(len, vas_matching(p, len, 2, 0));
	EXPECT_EQ((size_t)NPAGES, vas_mapped_pages(blk, NPAGES));
	munmap(p, 2 * len);
}

TEST(grow_blocked_with_maymove_moves_page_tables)
{
	size_t ps = vas_page_size(), len = NPAGES * ps, same = 0, i;
	uint64_t before[NPAGES], after[NPAGES];
	struct vas_faults f0, f1;
	char *p, *q, *blk;
	size_t ok;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_blocked(len, &blk);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	vas_fill(p, len, 3, 0);		/* every page written: present */
	ASSERT_EQ(0, vas_pagemap(p, NPAGES, before));

	q = remap(p, len, 2 * len, MREMAP_MAYMOVE, NULL, &err);
	ASSERT_EQ(0, err) TH_LOG("mremap MAYMOVE: %s", strerror(err));
	EXPECT_NE((uintptr_t)p, (uintptr_t)q);

	/* The moved entries are there before anything touches the pages. */
	EXPECT_EQ(NPAGES, vas_pagemap_count(q, NPAGES, VAS_PM_PRESENT));
	ASSERT_EQ(0, vas_faults(&f0));
	ok = vas_matching(q, len, 3, 0);
	ASSERT_EQ(0, vas_faults(&f1));
	EXPECT_EQ(len, ok);
	/* Page tables moved, not copied: reading the data faults nothing. */
	EXPECT_EQ(0UL, f1.minor - f0.minor);
	EXPECT_EQ(0UL, f1.major - f0.major);
	ksft_print_msg("vas-data: mremap_move pages=%d minflt=%lu majflt=%lu\n",
		       NPAGES, f1.minor - f0.minor, f1.major - f0.major);

	/* The grown part is new, the old range is gone, the blocker stays. */
	EXPECT_EQ(len, zeros(q + len, len));
	EXPECT_EQ((size_t)0, vas_mapped_pages(p, NPAGES));
	EXPECT_EQ((size_t)NPAGES, vas_mapped_pages(blk, NPAGES));

	/* With CAP_SYS_ADMIN pagemap shows pfns: the same pages. */
	if (before[0] & VAS_PM_PFN_MASK) {
		ASSERT_EQ(0, vas_pagemap(q, NPAGES, after));
		for (i = 0; i < NPAGES; i++)
			same += (before[i] & VAS_PM_PFN_MASK) ==
				(after[i] & VAS_PM_PFN_MASK);
		EXPECT_EQ((size_t)NPAGES, same);
	}
	munmap(q, 2 * len);
	munmap(blk, len);
}

TEST(move_keeps_the_same_pfns_kmod)
{
	size_t ps = vas_page_size(), len = NPAGES * ps, same = 0, i;
	struct vas_probe_pte before[NPAGES], after[NPAGES], old[NPAGES];
	const char *reason = NULL;
	struct vas_probe_vma v;
	char *p, *q, *blk;
	size_t present = 0, in_vma = 0;
	int fd, err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	fd = vas_kmod_open(&reason);
	if (fd < 0)
		SKIP(return, "%s", reason);
	p = map_blocked(len, &blk);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	vas_fill(p, len, 4, 0);
	ASSERT_EQ(0, vas_kmod_walk(fd, (uintptr_t)p, NPAGES, before));
	for (i = 0; i < NPAGES; i++)
		present += !!(before[i].flags & VAS_PROBE_PTE_MAPPED);
	ASSERT_EQ((size_t)NPAGES, present);

	q = remap(p, len, 2 * len, MREMAP_MAYMOVE, NULL, &err);
	ASSERT_EQ(0, err) TH_LOG("mremap MAYMOVE: %s", strerror(err));
	ASSERT_NE((uintptr_t)p, (uintptr_t)q);
	ASSERT_EQ(0, vas_kmod_walk(fd, (uintptr_t)q, NPAGES, after));
	ASSERT_EQ(0, vas_kmod_walk(fd, (uintptr_t)p, NPAGES, old));

	present = 0;
	for (i = 0; i < NPAGES; i++) {
		present += !!(after[i].flags & VAS_PROBE_PTE_MAPPED);
		same += (after[i].flags & VAS_PROBE_PTE_MAPPED) &&
			after[i].pfn == before[i].pfn;
		in_vma += !!(old[i].flags & VAS_PROBE_PTE_VMA);
		if (after[i].pfn != before[i].pfn)
			TH_LOG("page %zu: pfn %#llx before, %#llx after", i,
			       (unsigned long long)before[i].pfn,
			       (unsigned long long)after[i].pfn);
	}
	EXPECT_EQ((size_t)NPAGES, present);
	EXPECT_EQ((size_t)NPAGES, same);
	/* The old range is in no VMA any more. */
	EXPECT_EQ((size_t)0, in_vma);
	/* One VMA holds the moved and the grown part. */
	ASSERT_EQ(0, vas_kmod_vma(fd, (uintptr_t)q, &v));
	EXPECT_LE(v.start, (uint64_t)(uintptr_t)q);
	EXPECT_LE((uint64_t)(uintptr_t)q + 2 * len, v.end);
	munmap(q, 2 * len);
	munmap(blk, len);
}

TEST(shrink_unmaps_the_tail)
{
	size_t ps = vas_page_size(), len = NPAGES * ps, half = len / 2;
	struct vas_fault f;
	char *p, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_filled(len, 5);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);

	q = remap(p, len, half, 0, NULL, &err);
	ASSERT_EQ(0, err) TH_LOG("mremap shrink: %s", strerror(err));
	EXPECT_EQ((uintptr_t)p, (uintptr_t)q);
	EXPECT_EQ(half, vas_matching(p, half, 5, 0));
	EXPECT_EQ((size_t)NPAGES / 2, vas_mapped_pages(p, NPAGES / 2));
	EXPECT_EQ((size_t)0, vas_mapped_pages(p + half, NPAGES / 2));
	/* The first page of the old tail: nothing mapped there. */
	f = vas_try_access((uintptr_t)(p + half), VAS_READ);
	EXPECT_EQ(SIGSEGV, f.signo);
	EXPECT_EQ(SEGV_MAPERR, f.code);
	EXPECT_EQ((uintptr_t)(p + half), f.addr);
	munmap(p, half);
}

/* ---- MREMAP_FIXED ---- */

TEST(fixed_onto_existing_mapping_replaces_it)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *src, *dst, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	src = map_filled(len, 6);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)src);
	dst = map_filled(3 * len, 7);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)dst);

	/* Onto the middle third of dst: only that third is replaced. */
	q = remap(src, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst + len,
		  &err);
	ASSERT_EQ(0, err) TH_LOG("mremap FIXED: %s", strerror(err));
	EXPECT_EQ((uintptr_t)(dst + len), (uintptr_t)q);
	EXPECT_EQ(len, vas_matching(dst + len, len, 6, 0));
	EXPECT_EQ(len, vas_matching(dst, len, 7, 0));
	EXPECT_EQ(len, vas_matching(dst + 2 * len, len, 7, 2 * len));
	EXPECT_EQ((size_t)0, vas_mapped_pages(src, NPAGES));
	munmap(dst, 3 * len);
}

TEST(fixed_overlapping_source_and_destination_einval)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *p, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_filled(2 * len, 8);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);

	/* [p, p + len) onto [p + len / 2, p + 3 len / 2): they overlap. */
	q = remap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p + len / 2,
		  &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("half overlap: %s", strerror(err));
	/* Onto itself. */
	q = remap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("onto itself: %s", strerror(err));
	/* Growing into the range that follows it. */
	q = remap(p + len, len / 2, len, MREMAP_MAYMOVE | MREMAP_FIXED,
		  p + len / 2, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("grown onto source: %s", strerror(err));
	EXPECT_EQ(2 * len, vas_matching(p, 2 * len, 8, 0));
	munmap(p, 2 * len);
}

TEST(fixed_without_maymove_einval)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *src, *dst, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	src = map_filled(len, 9);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)src);
	dst = map_filled(len, 10);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)dst);

	q = remap(src, len, len, MREMAP_FIXED, dst, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("got %s", strerror(err));
	/* Refused before anything happened: both mappings untouched. */
	EXPECT_EQ(len, vas_matching(src, len, 9, 0));
	EXPECT_EQ(len, vas_matching(dst, len, 10, 0));
	munmap(src, len);
	munmap(dst, len);
}

/* ---- MREMAP_DONTUNMAP ---- */

TEST(dontunmap_private_anon_leaves_old_range_mapped_and_empty)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *p, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_filled(len, 11);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);

	q = remap(p, len, len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL, &err);
	/* An unknown flag before 5.7; supported since. */
	if (err == EINVAL && !vas_kernel_at_least(5, 7))
		SKIP(return, SKIP_DONTUNMAP);
	ASSERT_EQ(0, err) TH_LOG("mremap DONTUNMAP: %s", strerror(err));
	EXPECT_NE((uintptr_t)p, (uintptr_t)q);
	EXPECT_EQ(len, vas_matching(q, len, 11, 0));
	/* The old VMA stays, with no page behind it... */
	EXPECT_EQ((size_t)NPAGES, vas_mapped_pages(p, NPAGES));
	EXPECT_EQ(0L, vas_resident_pages(p, len));
	EXPECT_EQ(0L, vas_pagemap_count(p, NPAGES, VAS_PM_PRESENT));
	/* ... and reads back as new anonymous memory: zeros. */
	EXPECT_EQ(len, zeros(p, len));
	/* The moved pages were not copied back: q still holds the data. */
	EXPECT_EQ(len, vas_matching(q, len, 11, 0));
	munmap(p, len);
	munmap(q, len);
}

TEST(dontunmap_shared_mapping_since_5_13)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *p, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_shared_filled(len, 12);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);

	q = remap(p, len, len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL, &err);
	if (err == EINVAL && !vas_kernel_at_least(5, 7))
		SKIP(return, SKIP_DONTUNMAP);
	if (!vas_kernel_at_least(5, 13)) {
		/* 5.7 to 5.12: private anonymous mappings only. */
		EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
		EXPECT_EQ(EINVAL, err) TH_LOG("got %s", strerror(err));
		EXPECT_EQ(len, vas_matching(p, len, 12, 0));
		return;
	}
	ASSERT_EQ(0, err) TH_LOG("mremap DONTUNMAP shared: %s", strerror(err));
	EXPECT_NE((uintptr_t)p, (uintptr_t)q);
	EXPECT_EQ(len, vas_matching(q, len, 12, 0));
	/* The old VMA stays, its page table entries moved away... */
	EXPECT_EQ((size_t)NPAGES, vas_mapped_pages(p, NPAGES));
	EXPECT_EQ(0L, vas_pagemap_count(p, NPAGES, VAS_PM_PRESENT));
	/* ... and faults the shared pages in again: same data, same pages. */
	EXPECT_EQ(len, vas_matching(p, len, 12, 0));
	/* A write through one address shows through the other. */
	q[0] = (char)~q[0];
	EXPECT_EQ((unsigned char)q[0], (unsigned char)p[0]);
	munmap(p, len);
	munmap(q, len);
}

TEST(dontunmap_needs_maymove_and_equal_sizes)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *p, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_filled(len, 13);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);

	/* EINVAL on every kernel: before 5.7 the flag itself is unknown. */
	q = remap(p, len, len, MREMAP_DONTUNMAP, NULL, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("without MAYMOVE: %s", strerror(err));
	q = remap(p, len, 2 * len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL,
		  &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("growing: %s", strerror(err));
	EXPECT_EQ(len, vas_matching(p, len, 13, 0));
	munmap(p, len);
}

/* ---- old_size 0: duplicating a mapping ---- */

TEST(old_size_zero_duplicates_a_shared_mapping)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *p, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_shared_filled(len, 14);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);

	q = remap(p, 0, len, MREMAP_MAYMOVE, NULL, &err);
	ASSERT_EQ(0, err) TH_LOG("mremap old_size 0: %s", strerror(err));
	EXPECT_NE((uintptr_t)p, (uintptr_t)q);
	/* Both map the same pages: same data, and writes show in both. */
	EXPECT_EQ(len, vas_matching(q, len, 14, 0));
	EXPECT_EQ(len, vas_matching(p, len, 14, 0));
	/* Writes through either address show through the other. */
	q[0] = (char)~q[0];
	p[len - 1] = (char)~p[len - 1];
	EXPECT_EQ((unsigned char)q[0], (unsigned char)p[0]);
	EXPECT_EQ((unsigned char)p[len - 1], (unsigned char)q[len - 1]);
	munmap(p, len);
	munmap(q, len);
}

TEST(old_size_zero_on_a_private_mapping_einval)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *p, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_filled(len, 15);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);

	/* The kernel logs "attempted to duplicate a private mapping" once. */
	q = remap(p, 0, len, MREMAP_MAYMOVE, NULL, &err);
	if (!err && !vas_kernel_at_least(4, 14)) {
		munmap(q, len);
		SKIP(return, SKIP_DUP_PRIVATE);
	}
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("got %s", strerror(err));
	EXPECT_EQ(len, vas_matching(p, len, 15, 0));
	munmap(p, len);
}

/* ---- locked mappings ---- */

struct locked_move {
	char *p, *q;		/* before and after the move */
	size_t len;		/* locked size before; twice that after */
	long long kb_before;	/* VmLck before mlock */
	long long kb_after;	/* VmLck after the move */
};

/*
 * Lock a mapping of LOCK_PAGES pages that cannot grow in place, fill it
 * and grow it to twice its size with MREMAP_MAYMOVE. NULL, or the fixed
 * reason to SKIP with.
 */
static const char *locked_move(struct __test_metadata *_metadata,
			       struct locked_move *lm)
{
	size_t ps = vas_page_size();
	char *blk;
	int err;

	memset(lm, 0, sizeof(*lm));
	if (!ps)
		return SKIP_NO_PAGE_SIZE;
	lm->len = LOCK_PAGES * ps;
	if (!memlock_allows(2 * lm->len))
		return SKIP_MEMLOCK;
	lm->p = map_blocked(lm->len, &blk);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)lm->p);
	lm->kb_before = vm_locked_kb();
	ASSERT_LE(0LL, lm->kb_before);
	ASSERT_EQ(0, mlock(lm->p, lm->len)) TH_LOG("mlock: %s", strerror(errno));
	vas_fill(lm->p, lm->len, 16, 0);

	lm->q = remap(lm->p, lm->len, 2 * lm->len, MREMAP_MAYMOVE, NULL, &err);
	ASSERT_EQ(0, err) TH_LOG("mremap locked: %s", strerror(err));
	ASSERT_NE((uintptr_t)lm->p, (uintptr_t)lm->q);
	lm->kb_after = vm_locked_kb();
	return NULL;
}

TEST(locked_region_stays_locked_and_resident_after_a_move)
{
	struct vas_smaps *sm;
	struct locked_move lm;
	const char *why;
	size_t i;
	int n, found = 0;

	why = locked_move(_metadata, &lm);
	if (why)
		SKIP(return, "%s", why);

	/* Moved part and grown part: all resident, none faulted by us. */
	EXPECT_EQ((long)(2 * LOCK_PAGES), vas_resident_pages(lm.q, 2 * lm.len));
	/* Charged once: the moved pages are not counted twice. */
	EXPECT_EQ((long long)(2 * lm.len / VAS_KIB),
		  lm.kb_after - lm.kb_before);
	EXPECT_EQ((size_t)0, vas_mapped_pages(lm.p, LOCK_PAGES));
	EXPECT_EQ(lm.len, vas_matching(lm.q, lm.len, 16, 0));
	EXPECT_EQ(lm.len, zeros(lm.q + lm.len, lm.len));

	n = vas_read_smaps(0, &sm);
	ASSERT_LT(0, n);
	for (i = 0; i < (size_t)n; i++) {
		if (sm[i].map.start > (uintptr_t)lm.q ||
		    sm[i].map.end <= (uintptr_t)lm.q)
			continue;
		found = 1;
		EXPECT_LE((uintptr_t)lm.q + 2 * lm.len, sm[i].map.end);
		EXPECT_TRUE(vas_vmflags_has(sm[i].vmflags, "lo"))
			TH_LOG("VmFlags: %s", sm[i].vmflags);
		EXPECT_EQ(sm[i].size_kb, sm[i].locked_kb);
		EXPECT_EQ(sm[i].size_kb, sm[i].rss_kb);
	}
	free(sm);
	EXPECT_EQ(1, found);
	munlock(lm.q, 2 * lm.len);
	munmap(lm.q, 2 * lm.len);
}

TEST(locked_region_moved_is_vm_locked_kmod)
{
	struct vas_probe_pte e[2 * LOCK_PAGES];
	const char *reason = NULL, *why;
	struct vas_probe_vma v;
	struct vas_probe_mm mm;
	struct locked_move lm;
	size_t i, present = 0, ps = vas_page_size();
	int fd;

	fd = vas_kmod_open(&reason);
	if (fd < 0)
		SKIP(return, "%s", reason);
	why = locked_move(_metadata, &lm);
	if (why)
		SKIP(return, "%s", why);

	ASSERT_EQ(0, vas_kmod_vma(fd, (uintptr_t)lm.q, &v));
	EXPECT_TRUE(!!(v.vflags & VAS_PROBE_VMA_LOCKED))
		TH_LOG("vflags %#llx", (unsigned long long)v.vflags);
	EXPECT_LE((uint64_t)(uintptr_t)lm.q + 2 * lm.len, v.end);
	ASSERT_EQ(0, vas_kmod_walk(fd, (uintptr_t)lm.q, 2 * LOCK_PAGES, e));
	for (i = 0; i < 2 * LOCK_PAGES; i++)
		present += !!(e[i].flags & VAS_PROBE_PTE_MAPPED);
	EXPECT_EQ((size_t)(2 * LOCK_PAGES), present);
	/* The kernel's locked_vm is what VmLck reports, in pages. */
	ASSERT_EQ(0, vas_kmod_mm(fd, &mm));
	EXPECT_EQ((unsigned long long)lm.kb_after * VAS_KIB / ps,
		  (unsigned long long)mm.locked_vm);
	munlock(lm.q, 2 * lm.len);
	munmap(lm.q, 2 * lm.len);
}

/* ---- errors ---- */

TEST(across_a_vma_boundary_efault)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *p, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	/* Two VMAs: read-write, then read-only. */
	p = map_filled(2 * len, 17);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	ASSERT_EQ(0, mprotect(p + len, len, PROT_READ));

	/*
	 * Resizing a range that runs from one VMA into the next. (Since 6.17
	 * a pure move, FIXED with equal sizes, may span several VMAs; a
	 * resize never does.)
	 */
	q = remap(p, 2 * len, 3 * len, MREMAP_MAYMOVE, NULL, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EFAULT, err) TH_LOG("across VMAs: %s", strerror(err));
	q = remap(p + len - ps, 2 * ps, 4 * ps, MREMAP_MAYMOVE, NULL, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EFAULT, err) TH_LOG("straddling: %s", strerror(err));

	/* A range running into a hole. */
	ASSERT_EQ(0, munmap(p + len, len));
	q = remap(p, 2 * len, 3 * len, MREMAP_MAYMOVE, NULL, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EFAULT, err) TH_LOG("into a hole: %s", strerror(err));
	/* Nothing mapped at the old address at all. */
	q = remap(p + len, len, 2 * len, MREMAP_MAYMOVE, NULL, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EFAULT, err) TH_LOG("unmapped: %s", strerror(err));
	EXPECT_EQ(len, vas_matching(p, len, 17, 0));
	munmap(p, len);
}

TEST(unaligned_addresses_and_zero_new_size_einval)
{
	size_t ps = vas_page_size(), len = NPAGES * ps;
	char *p, *dst, *q;
	int err;

	if (!ps)
		SKIP(return, SKIP_NO_PAGE_SIZE);
	p = map_filled(len, 18);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)p);
	dst = map_filled(len, 19);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)dst);

	q = remap(p + 1, ps, 2 * ps, MREMAP_MAYMOVE, NULL, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("unaligned old address: %s",
				      strerror(err));
	q = remap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst + 1, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("unaligned new address: %s",
				      strerror(err));
	q = remap(p, len, 0, MREMAP_MAYMOVE, NULL, &err);
	EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_EQ(EINVAL, err) TH_LOG("new size 0: %s", strerror(err));
	/* Nothing changed so far. */
	EXPECT_EQ(len, vas_matching(p, len, 18, 0));
	EXPECT_EQ(len, vas_matching(dst, len, 19, 0));
	/*
	 * Sizes are rounded up to pages, not refused: shrinking to one byte
	 * into the second-last page keeps that page and unmaps the last.
	 */
	q = remap(p, len - ps + 1, len - 2 * ps + 1, 0, NULL, &err);
	EXPECT_EQ(0, err) TH_LOG("unaligned sizes: %s", strerror(err));
	EXPECT_EQ((uintptr_t)p, (uintptr_t)q);
	EXPECT_EQ((size_t)NPAGES - 1, vas_mapped_pages(p, NPAGES));
	EXPECT_EQ(len - ps, vas_matching(p, len - ps, 18, 0));
	munmap(p, len);
	munmap(dst, len);
}

#include "vas_main.h"
