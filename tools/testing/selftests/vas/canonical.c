// SPDX-License-Identifier: GPL-2.0
/*
 * canonical: the non-canonical hole of 64-bit address spaces.
 *
 * Between the top of user space and the bottom of the kernel half lies a
 * range no page table translates. x86_64: an address is canonical when
 * bits 63..N-1 are copies of each other, N being the canonical width (48
 * with 4-level paging, 57 with 5-level; one bit more than the user half),
 * so the hole is [2^(N-1), 2^64 - 2^(N-1) - 1]
 * (Documentation/arch/x86/x86_64/mm.rst). arm64: bit 55 selects TTBR0 or
 * TTBR1 and each half spans VA_BITS, so the hole is [2^VA_BITS,
 * 2^64 - 2^VA_BITS - 1]; the top byte of user data addresses is ignored
 * (Documentation/arch/arm64/memory.rst and tagged-pointers.rst).
 *
 * Accesses to the hole fault, and the memory syscalls refuse it.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define SKIP_NO_RULE	"no canonical-address rule for this architecture"
#define SKIP_MEMLOCK	"RLIMIT_MEMLOCK is 0 without CAP_IPC_LOCK"
#define SKIP_LAM	"x86 LAM enabled in this process"

#if defined(__LP64__) && defined(__x86_64__)
#define HOLE_RULE	1
/* Branch targets are byte-granular. */
#define INSN_ALIGN	1UL
#elif defined(__LP64__) && defined(__aarch64__)
#define HOLE_RULE	1
/*
 * A64 instructions are 4 bytes: a branch to an unaligned target raises a
 * PC alignment fault (SIGBUS) before any translation, so jumps use the
 * nearest aligned address.
 */
#define INSN_ALIGN	4UL
#else
#define HOLE_RULE	0
#define INSN_ALIGN	1UL
#endif

struct hole {
	uintptr_t first;	/* lowest non-canonical address */
	uintptr_t last;		/* highest non-canonical address */
	int va_bits;		/* width of the user half in force */
	size_t page;
};

/*
 * Fill h for the running system; NULL, or the fixed reason why the group
 * cannot run here (the caller SKIPs with it).
 */
static const char *hole_get(struct __test_metadata *_metadata,
			    struct hole *h)
{
	memset(h, 0, sizeof(*h));
	if (sizeof(long) < 8)
		return VAS_SKIP_64BIT;
	if (!HOLE_RULE)
		return SKIP_NO_RULE;

	h->page = vas_page_size();
	ASSERT_NE(0UL, h->page);
	h->va_bits = vas_user_va_bits();
	ASSERT_GT(h->va_bits, 31);
	ASSERT_LT(h->va_bits, 63);
	/*
	 * Both rules put the hole right above the user half and make it
	 * symmetric: its last address is the complement of its first.
	 */
	h->first = (uintptr_t)1 << h->va_bits;
	h->last = ~h->first;
	return NULL;
}

static uintptr_t hole_last_page(const struct hole *h)
{
	return h->last & ~(uintptr_t)(h->page - 1);
}

/* vas_lib candidate */
/* What a faulting access is expected to report. */
struct fault_rule {
	int signo;
	int code;
	uintptr_t addr;		/* si_addr, compared under addr_mask */
	uintptr_t addr_mask;
};

/* An unmapped canonical address: a page fault, reported with its address. */
static struct fault_rule maperr_rule(uintptr_t addr)
{
	struct fault_rule r = { SIGSEGV, SEGV_MAPERR, addr, UINTPTR_MAX };

	return r;
}

/* A non-canonical address, per the architecture. */
static struct fault_rule noncanonical_rule(uintptr_t addr)
{
	struct fault_rule r = { SIGSEGV, 0, 0, UINTPTR_MAX };

#if HOLE_RULE && defined(__x86_64__)
	/*
	 * The CPU rejects the address before any page walk with #GP, which
	 * carries no address: the kernel sends a bare SIGSEGV (force_sig(),
	 * so SI_KERNEL and si_addr 0; arch/x86/kernel/traps.c).
	 */
	(void)addr;
	r.code = SI_KERNEL;
#elif HOLE_RULE && defined(__aarch64__)
	/*
	 * Out of the range of TTBR0/TTBR1: a level 0 (or -1 with LPA2)
	 * translation fault, SEGV_MAPERR at the address
	 * (arch/arm64/mm/fault.c). si_addr is untagged: its top byte is
	 * cleared when bit 55 is 0 (tagged-pointers.rst). With bit 55 set the
	 * top byte of FAR_EL1 is UNKNOWN when TBI1 is on (tag-based KASAN
	 * kernels), so only bits 55..0 are compared there.
	 */
	const uintptr_t low56 = ((uintptr_t)1 << 56) - 1;

	r.code = SEGV_MAPERR;
	r.addr = addr & low56;
	if (addr & ((uintptr_t)1 << 55))
		r.addr_mask = low56;
#else
	(void)addr;
#endif
	return r;
}

/* vas_lib candidate */
/* Perform one access at addr and check the fault against want. */
static void expect_fault(struct __test_metadata *_metadata, uintptr_t addr,
			 enum vas_access how, struct fault_rule want)
{
	struct vas_fault f = vas_try_access(addr, how);

	if (f.signo != want.signo || f.code != want.code ||
	    (f.addr & want.addr_mask) != want.addr) {
		TH_LOG("%s at %#lx: got signal %d %s si_addr %#lx",
		       vas_access_name(how), (unsigned long)addr, f.signo,
		       vas_si_code_name(f.signo, f.code), (unsigned long)f.addr);
		TH_LOG("expected signal %d %s si_addr %#lx (under mask %#lx)",
		       want.signo, vas_si_code_name(want.signo, want.code),
		       (unsigned long)want.addr,
		       (unsigned long)want.addr_mask);
	}
	EXPECT_EQ(want.signo, f.signo);
	EXPECT_EQ(want.code, f.code);
	EXPECT_EQ(want.addr, f.addr & want.addr_mask);
}

static void expect_no_fault(struct __test_metadata *_metadata,
			    uintptr_t addr, enum vas_access how)
{
	struct vas_fault f = vas_try_access(addr, how);

	if (f.signo)
		TH_LOG("%s at %#lx: unexpected signal %d %s si_addr %#lx",
		       vas_access_name(how), (unsigned long)addr, f.signo,
		       vas_si_code_name(f.signo, f.code),
		       (unsigned long)f.addr);
	EXPECT_EQ(0, f.signo);
}

/* vas_lib candidate */
/* The start of a page that is unmapped and stays so: a hole in a mapping. */
static uintptr_t unmapped_page(struct __test_metadata *_metadata,
			       const struct hole *h, void **map)
{
	char *p = mmap(NULL, 3 * h->page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p);
	ASSERT_EQ(0, munmap(p + h->page, h->page));
	*map = p;
	return (uintptr_t)p + h->page;
}

static void release_unmapped_page(const struct hole *h, void *map)
{
	munmap(map, h->page);
	munmap((char *)map + 2 * h->page, h->page);
}

TEST(hole_starts_above_user_top)
{
	const char *skip;
	uintptr_t top;
	struct hole h;

	skip = hole_get(_metadata, &h);
	if (skip)
		SKIP(return, "%s", skip);

	top = vas_probe_user_top();
	TH_LOG("user VA bits %d, probed user top %#lx, hole [%#lx, %#lx]",
	       h.va_bits, (unsigned long)top, (unsigned long)h.first,
	       (unsigned long)h.last);
	ASSERT_NE(0UL, top);
	/* A mappable page inside the hole would mean a wrong VA width. */
	EXPECT_LE(top, h.first);
#if defined(__x86_64__)
	/*
	 * TASK_SIZE_MAX is the hole start minus one page: the last user page
	 * is never mapped (arch/x86/include/asm/page_64_types.h), so the
	 * probe also tells a width too large.
	 */
	EXPECT_EQ(h.first - h.page, top);
#elif defined(__aarch64__)
	/*
	 * TASK_SIZE_64 is 2^vabits_actual (arch/arm64/include/asm/processor.h):
	 * user space reaches right up to the hole.
	 */
	EXPECT_EQ(h.first, top);
#endif
}

FIXTURE(hole_access) {
	struct hole h;
	const char *skip;
};

FIXTURE_VARIANT(hole_access) {
	enum vas_access how;
};

FIXTURE_VARIANT_ADD(hole_access, read) {
	.how = VAS_READ,
};

FIXTURE_VARIANT_ADD(hole_access, write) {
	.how = VAS_WRITE,
};

FIXTURE_VARIANT_ADD(hole_access, exec) {
	.how = VAS_EXEC,
};

/*
 * SKIP in a setup does not stop the test body on every harness version,
 * so the reason is kept for the body to SKIP with.
 */
FIXTURE_SETUP(hole_access)
{
	self->skip = hole_get(_metadata, &self->h);
}

FIXTURE_TEARDOWN(hole_access)
{
}

/* addr, moved down to an address a jump can target. */
static uintptr_t access_addr(uintptr_t addr, enum vas_access how)
{
	return how == VAS_EXEC ? addr & ~(INSN_ALIGN - 1) : addr;
}

TEST_F(hole_access, first_address_faults)
{
	uintptr_t addr;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	addr = self->h.first;
	expect_fault(_metadata, addr, variant->how, noncanonical_rule(addr));
}

TEST_F(hole_access, last_address_faults)
{
	uintptr_t addr;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	addr = access_addr(self->h.last, variant->how);
	expect_fault(_metadata, addr, variant->how, noncanonical_rule(addr));
}

/*
 * The highest canonical user address lies in a mapping m (arm64: TASK_SIZE
 * is the hole start, and an unrandomized stack ends there). The boundary
 * is then seen from below: m ends exactly at the hole, and the address
 * translates, so an access either works or is a permission fault
 * (SEGV_ACCERR at the address), never a translation fault. Accesses that
 * m allows are done only when harmless: reads, and a write of the zero
 * the byte already holds (the top of the stack holds zeros: fs/exec.c
 * leaves a NULL pointer there).
 */
#if !defined(__x86_64__)
static void expect_top_mapping(struct __test_metadata *_metadata,
			       const struct hole *h, const struct vas_map *m,
			       uintptr_t addr, enum vas_access how)
{
	struct fault_rule accerr = { SIGSEGV, SEGV_ACCERR, addr, UINTPTR_MAX };
	bool allowed = m->perms[how == VAS_READ ? 0 : how == VAS_WRITE ? 1 : 2]
		       != '-';

	EXPECT_EQ((unsigned long)h->first, (unsigned long)m->end);
	if (!allowed) {
		expect_fault(_metadata, addr, how, accerr);
		return;
	}
	switch (how) {
	case VAS_READ:
		expect_no_fault(_metadata, addr, how);
		break;
	case VAS_WRITE:
		if (m->perms[0] == 'r' && !vas_peek((const void *)addr))
			expect_no_fault(_metadata, addr, how);
		else
			TH_LOG("%#lx holds data: write not tried", (unsigned long)addr);
		break;
	case VAS_EXEC:
		TH_LOG("%#lx is executable: jump not tried", (unsigned long)addr);
		break;
	}
}
#endif

/*
 * The contrast to the hole: unmapped canonical addresses page-fault and
 * report themselves. Only user-half ones: with x86 LASS, user accesses to
 * the kernel half raise #GP too.
 */
TEST_F(hole_access, unmapped_canonical_address_gives_maperr)
{
	const struct vas_map *m;
	struct vas_map *maps;
	uintptr_t addr;
	void *map;
	int n;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	addr = unmapped_page(_metadata, &self->h, &map);
	expect_fault(_metadata, addr, variant->how, maperr_rule(addr));
	release_unmapped_page(&self->h, map);

	/* The highest canonical user address, right below the hole. */
	addr = self->h.first - INSN_ALIGN;
	n = vas_read_maps(0, &maps);
	ASSERT_GT(n, 0);
	m = vas_map_of(maps, n, addr);
	if (m) {
		/*
		 * arm64 may map the top page (the stack without
		 * randomization); x86_64 never does (TASK_SIZE_MAX).
		 */
		TH_LOG("%#lx is mapped: %#lx-%#lx %s %s", (unsigned long)addr,
		       (unsigned long)m->start, (unsigned long)m->end, m->perms,
		       m->path);
#if defined(__x86_64__)
		/* Nothing ends above TASK_SIZE_MAX, the hole minus a page. */
		EXPECT_GE((unsigned long)(self->h.first - self->h.page),
			  (unsigned long)m->end);
#else
		expect_top_mapping(_metadata, &self->h, m, addr, variant->how);
#endif
	} else {
		expect_fault(_metadata, addr, variant->how, maperr_rule(addr));
	}
	free(maps);
}

/*
 * A valid pointer with one bit set between the VA width and the top of
 * the translated address (x86_64: 63; arm64: 55, the top byte being the
 * tag) is non-canonical.
 */
TEST_F(hole_access, bit_above_va_width_faults)
{
	uintptr_t valid, addr;
	int bit, top_bit;
	char *p;

	if (self->skip)
		SKIP(return, "%s", self->skip);
#if defined(__aarch64__)
	top_bit = 55;
#else
	top_bit = 63;
#endif
	p = mmap(NULL, self->h.page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p);
	valid = (uintptr_t)p;
	/* Without the bit the access works: the bit alone makes it fault. */
	if (variant->how != VAS_EXEC)
		expect_no_fault(_metadata, valid, variant->how);

	for (bit = self->h.va_bits; bit <= top_bit; bit++) {
		addr = valid | (uintptr_t)1 << bit;
		expect_fault(_metadata, addr, variant->how,
			     noncanonical_rule(addr));
#if HOLE_RULE && defined(__aarch64__)
		/* A tag does not rescue such an address. */
		if (variant->how != VAS_EXEC && bit < 55) {
			addr |= (uintptr_t)0x5a << 56;
			expect_fault(_metadata, addr, variant->how,
				     noncanonical_rule(addr));
		}
#endif
	}
	munmap(p, self->h.page);
}

#if HOLE_RULE && defined(__x86_64__)
#ifndef ARCH_GET_UNTAG_MASK
#define ARCH_GET_UNTAG_MASK	0x4001
#endif

/* LAM is off unless the process asked for it (ARCH_ENABLE_TAGGED_ADDR). */
static bool x86_lam_enabled(void)
{
	unsigned long mask = ~0UL;

	if (syscall(SYS_arch_prctl, ARCH_GET_UNTAG_MASK, &mask))
		return false;	/* no LAM support: nothing is untagged */
	return mask != ~0UL;
}

/*
 * Canonical on x86_64: bits 63..va_bits all equal (the user half has
 * va_bits bits, the canonical width is one more).
 */
static bool x86_canonical(const struct hole *h, uintptr_t addr)
{
	uintptr_t high = addr >> h->va_bits;

	return !high || high == UINTPTR_MAX >> h->va_bits;
}

/*
 * No top byte ignore: a tag makes the pointer non-canonical (#GP), except
 * where it lands in the kernel half: with 5-level paging tag 0xff gives
 * 0xff00_0000_0000_0000 | page, whose bits 63..56 all equal bit 56. That
 * is a page fault on an unmapped kernel address, reported like any
 * SEGV_MAPERR with the address (arch/x86/mm/fault.c,
 * __bad_area_nosemaphore(); user accesses to the kernel half are made
 * to look like protection faults only in the error code). With LASS
 * (newer kernels and CPUs, "lass" in cpuinfo) a user access to the kernel
 * half is a #GP like the hole.
 */
static void check_top_byte_tag(struct __test_metadata *_metadata,
			       const struct hole *h, unsigned char *page,
			       unsigned int tag)
{
	uintptr_t addr = (uintptr_t)page | (uintptr_t)tag << 56;
	bool canonical = x86_canonical(h, addr);
	struct fault_rule want = canonical && !vas_cpu_has_flag("lass") ?
				 maperr_rule(addr) : noncanonical_rule(addr);

	TH_LOG("tag %#x: %#lx is %s", tag, (unsigned long)addr,
	       canonical ? "canonical (kernel half)" : "non-canonical");
	expect_fault(_metadata, addr, VAS_READ, want);
	expect_fault(_metadata, addr, VAS_WRITE, want);
}
#elif HOLE_RULE && defined(__aarch64__)
/* TBI0: the tagged pointer reaches the very byte the plain one does. */
static void check_top_byte_tag(struct __test_metadata *_metadata,
			       const struct hole *h, unsigned char *page,
			       unsigned int tag)
{
	uintptr_t addr = (uintptr_t)page | (uintptr_t)tag << 56;
	/*
	 * Two names for one byte, which the compiler cannot know to alias:
	 * vas_peek() and vas_poke() make every access happen, in order.
	 */
	unsigned char *tagged = (unsigned char *)addr;
	unsigned char *plain = page;
	struct vas_fault rd, wr;

	(void)h;
	rd = vas_try_access(addr, VAS_READ);
	wr = vas_try_access(addr, VAS_WRITE);
	if (rd.signo || wr.signo)
		TH_LOG("tag %#x at %#lx: read signal %d, write signal %d, si_addr %#lx/%#lx",
		       tag, (unsigned long)addr, rd.signo, wr.signo,
		       (unsigned long)rd.addr, (unsigned long)wr.addr);
	EXPECT_EQ(0, rd.signo);
	EXPECT_EQ(0, wr.signo);
	if (rd.signo || wr.signo)
		return;

	vas_poke(tagged + 1, (unsigned char)tag);
	EXPECT_EQ(tag, vas_peek(plain + 1));
	vas_poke(plain + 2, (unsigned char)~tag);
	EXPECT_EQ((unsigned char)~tag, vas_peek(tagged + 2));
}
#else
static void check_top_byte_tag(struct __test_metadata *_metadata,
			       const struct hole *h, unsigned char *page,
			       unsigned int tag)
{
	/* Not reached: hole_get() has no rule here and the test SKIPs. */
	(void)_metadata;
	(void)h;
	(void)page;
	(void)tag;
}
#endif

/*
 * Top byte tags on a valid pointer: arm64 ignores the top byte of user
 * data addresses (TBI0), so the tagged pointer reaches the same memory;
 * x86_64 without LAM has no such rule and the pointer is non-canonical.
 */
TEST(top_byte_tag_follows_arch_rule)
{
	static const unsigned int tags[] = { 0x01, 0x5a, 0x80, 0xff };
	const char *skip;
	struct hole h;
	unsigned int i;
	void *p;

	skip = hole_get(_metadata, &h);
	if (skip)
		SKIP(return, "%s", skip);
#if HOLE_RULE && defined(__x86_64__)
	if (x86_lam_enabled())
		SKIP(return, SKIP_LAM);
#endif
	p = mmap(NULL, h.page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p);

	for (i = 0; i < ARRAY_SIZE(tags); i++)
		check_top_byte_tag(_metadata, &h, p, tags[i]);
	munmap(p, h.page);
}

/*
 * A hint is only a hint: x86_64 and the generic allocator ignore one
 * that cannot be used and search the normal window (beyond 47 bits only
 * when the hint asks for it on 5-level). Whatever comes back must be a
 * canonical user address.
 */
TEST(mmap_hint_in_hole_returns_canonical_or_fails)
{
	uintptr_t hints[3], got;
	unsigned int i, mapped = 0;
	const char *skip;
	struct hole h;
	void *p;

	skip = hole_get(_metadata, &h);
	if (skip)
		SKIP(return, "%s", skip);
	hints[0] = h.first;
	hints[1] = (h.first + (h.last - h.first) / 2) & ~(uintptr_t)(h.page - 1);
	hints[2] = hole_last_page(&h);

	for (i = 0; i < 3; i++) {
		p = mmap((void *)hints[i], h.page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			/* Only "no room" is a legitimate refusal of a hint. */
			TH_LOG("hint %#lx: mmap failed: %s",
			       (unsigned long)hints[i], strerror(errno));
			EXPECT_EQ(ENOMEM, errno);
			continue;
		}
		mapped++;
		got = (uintptr_t)p;
		if (got + h.page > h.first || got + h.page < got)
			TH_LOG("hint %#lx: mmap returned %#lx, hole starts at %#lx",
			       (unsigned long)hints[i], (unsigned long)got,
			       (unsigned long)h.first);
		EXPECT_LE(got + h.page, h.first);
		EXPECT_GT(got + h.page, got);
		if (got + h.page <= h.first && got + h.page > got) {
			/* It is a real mapping. */
			expect_no_fault(_metadata, got, VAS_WRITE);
		}
		munmap(p, h.page);
	}
	/* Linux takes a hint as a hint: an unusable one is not an error. */
	EXPECT_LT(0U, mapped) TH_LOG("%u of %u hints mapped", mapped, i);
}

/*
 * A fixed address must be used as given or not at all: get_unmapped_area()
 * refuses addr > TASK_SIZE - len with ENOMEM (mm/mmap.c, 6.1 and 6.12);
 * mmap(2): "ENOMEM ... addr exceeds the virtual address space of the CPU".
 */
TEST(mmap_fixed_in_hole_fails_enomem)
{
	static const int fixed[] = { MAP_FIXED, MAP_FIXED_NOREPLACE };
	uintptr_t addrs[2];
	const char *skip;
	unsigned int i, j;
	struct hole h;
	void *p;

	skip = hole_get(_metadata, &h);
	if (skip)
		SKIP(return, "%s", skip);
	addrs[0] = h.first;
	addrs[1] = hole_last_page(&h);

	for (j = 0; j < 2; j++) {
		/* Before 4.17 MAP_FIXED_NOREPLACE was an unknown flag. */
		if (fixed[j] == MAP_FIXED_NOREPLACE &&
		    !vas_kernel_at_least(4, 17))
			continue;
		for (i = 0; i < 2; i++) {
			errno = 0;
			p = mmap((void *)addrs[i], h.page,
				 PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | fixed[j], -1, 0);
			if (p != MAP_FAILED) {
				TH_LOG("%s at %#lx mapped %p",
				       j ? "MAP_FIXED_NOREPLACE" : "MAP_FIXED",
				       (unsigned long)addrs[i], p);
				munmap(p, h.page);
			}
			EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)p);
			EXPECT_EQ(ENOMEM, errno);
		}
	}

	/* Straddling the start of the hole fails the same way. */
	if (vas_kernel_at_least(4, 17)) {
		errno = 0;
		p = mmap((void *)(h.first - h.page), 2 * h.page,
			 PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		if (p != MAP_FAILED) {
			TH_LOG("straddling map at %#lx mapped %p",
			       (unsigned long)(h.first - h.page), p);
			munmap(p, 2 * h.page);
		}
		EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)p);
		EXPECT_EQ(ENOMEM, errno);
	}
}

struct range {
	uintptr_t start;
	size_t len;
	const char *what;
};

/* The ranges on the hole the syscall tests use; returns their count. */
static int hole_ranges(const struct hole *h, struct range *r)
{
	r[0] = (struct range){ h->first, h->page, "first page" };
	r[1] = (struct range){ hole_last_page(h), h->page, "last page" };
	r[2] = (struct range){ h->first, h->last - h->first + 1, "whole hole" };
	return 3;
}

static void expect_errno(struct __test_metadata *_metadata, const char *call,
			 const struct range *r, int ret, int err, int want)
{
	if (ret != -1 || err != want)
		TH_LOG("%s(%#lx, %#lx) [%s]: ret %d errno %d, expected -1 errno %d",
		       call, (unsigned long)r->start, (unsigned long)r->len,
		       r->what, ret, err, want);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(want, err);
}

/*
 * munmap checks the range against TASK_SIZE before looking at VMAs:
 * start > TASK_SIZE or len > TASK_SIZE - start is EINVAL (do_munmap() in
 * mm/mmap.c on 6.1, do_vmi_munmap() in mm/vma.c on 6.12).
 */
TEST(munmap_of_hole_fails_einval)
{
	struct range r[4];
	const char *skip;
	struct hole h;
	int i, n, ret;

	skip = hole_get(_metadata, &h);
	if (skip)
		SKIP(return, "%s", skip);
	n = hole_ranges(&h, r);
	r[n++] = (struct range){ h.first - h.page, 2 * h.page,
				 "straddling the hole start" };

	for (i = 0; i < n; i++) {
		errno = 0;
		ret = munmap((void *)r[i].start, r[i].len);
		expect_errno(_metadata, "munmap", &r[i], ret, errno, EINVAL);
	}
}

/*
 * mprotect has no TASK_SIZE check; it finds no VMA in the range, which is
 * ENOMEM (do_mprotect_pkey() in mm/mprotect.c; mprotect(2): "invalid for
 * the address space of the process, or ... not mapped").
 */
TEST(mprotect_of_hole_fails_enomem)
{
	struct range r[3];
	const char *skip;
	struct hole h;
	int i, n, ret;

	skip = hole_get(_metadata, &h);
	if (skip)
		SKIP(return, "%s", skip);
	n = hole_ranges(&h, r);

	for (i = 0; i < n; i++) {
		errno = 0;
		ret = mprotect((void *)r[i].start, r[i].len, PROT_READ);
		expect_errno(_metadata, "mprotect", &r[i], ret, errno, ENOMEM);
	}
}

/*
 * madvise only checks alignment and wrap-around, then walks the VMAs; an
 * unmapped range is ENOMEM (madvise_walk_vmas() in mm/madvise.c, the same
 * on 6.1 and 6.12; madvise(2): "not currently mapped, or outside the
 * address space"). EINVAL would mean the advice or alignment was refused,
 * which these calls avoid.
 */
TEST(madvise_of_hole_fails_enomem)
{
	static const int advice[] = { MADV_NORMAL, MADV_WILLNEED,
				      MADV_DONTNEED };
	struct range r[3];
	const char *skip;
	struct hole h;
	int i, j, n, ret;

	skip = hole_get(_metadata, &h);
	if (skip)
		SKIP(return, "%s", skip);
	n = hole_ranges(&h, r);

	for (j = 0; j < 3; j++) {
		for (i = 0; i < n; i++) {
			errno = 0;
			ret = madvise((void *)r[i].start, r[i].len, advice[j]);
			if (ret != -1 || errno != ENOMEM)
				TH_LOG("advice %d", advice[j]);
			expect_errno(_metadata, "madvise", &r[i], ret, errno,
				     ENOMEM);
		}
	}
}

/*
 * mlock and munlock find no VMA at the start of the range: ENOMEM
 * (apply_vma_lock_flags() in mm/mlock.c; mlock(2)). A whole-hole mlock
 * without CAP_IPC_LOCK is over RLIMIT_MEMLOCK first, also ENOMEM. A zero
 * RLIMIT_MEMLOCK without the capability would be EPERM before any of that.
 */
TEST(mlock_of_hole_fails_enomem)
{
	struct rlimit rl;
	struct range r[3];
	const char *skip;
	struct hole h;
	int i, n, ret;

	skip = hole_get(_metadata, &h);
	if (skip)
		SKIP(return, "%s", skip);
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &rl));
	if (rl.rlim_cur == 0 && !vas_has_cap(CAP_IPC_LOCK)) {
		if (rl.rlim_max == 0)
			SKIP(return, SKIP_MEMLOCK);
		rl.rlim_cur = rl.rlim_max < h.page ? rl.rlim_max : h.page;
		ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	}
	n = hole_ranges(&h, r);

	for (i = 0; i < n; i++) {
		errno = 0;
		ret = mlock((void *)r[i].start, r[i].len);
		expect_errno(_metadata, "mlock", &r[i], ret, errno, ENOMEM);
		errno = 0;
		ret = munlock((void *)r[i].start, r[i].len);
		expect_errno(_metadata, "munlock", &r[i], ret, errno, ENOMEM);
	}
}

/*
 * read() and write() check the user buffer with access_ok() against
 * TASK_SIZE_MAX before copying: EFAULT, and no fault in user space. For
 * read() a byte waits in the pipe, so only the buffer can make it fail.
 */
static void hole_buffer_gives_efault(struct __test_metadata *_metadata,
				     bool reading)
{
	uintptr_t bufs[2];
	const char *skip;
	struct hole h;
	ssize_t ret;
	int fds[2], i;

	skip = hole_get(_metadata, &h);
	if (skip)
		SKIP(return, "%s", skip);
	bufs[0] = h.first;
	bufs[1] = h.last;
	ASSERT_EQ(0, pipe(fds));

	for (i = 0; i < 2; i++) {
		if (reading)
			ASSERT_EQ(1, write(fds[1], "x", 1));
		errno = 0;
		if (reading)
			ret = read(fds[0], (void *)bufs[i], 1);
		else
			ret = write(fds[1], (const void *)bufs[i], 1);
		if (ret != -1 || errno != EFAULT)
			TH_LOG("%s %#lx: ret %zd errno %d",
			       reading ? "read into" : "write from",
			       (unsigned long)bufs[i], ret, errno);
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EFAULT, errno);
	}
	close(fds[0]);
	close(fds[1]);
}

TEST(read_into_hole_buffer_gives_efault)
{
	hole_buffer_gives_efault(_metadata, true);
}

TEST(write_from_hole_buffer_gives_efault)
{
	hole_buffer_gives_efault(_metadata, false);
}

#include "vas_main.h"
