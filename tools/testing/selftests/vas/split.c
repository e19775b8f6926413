// SPDX-License-Identifier: GPL-2.0
/*
 * split: the user/kernel split of the virtual address space, seen from
 * user space.
 *
 * What user space can prove about the split without kernel help: where
 * its own address space ends (the highest page MAP_FIXED_NOREPLACE can
 * take), that nothing it can see or map lies beyond that end, that the
 * kernel half faults and is refused by system calls, and how the mmap
 * area is laid out below the stack at exec time.
 *
 * The expectations come from the architecture rule table below, not from
 * the machine the test runs on. Layout facts are fixed at exec, so those
 * tests re-execute this program in probe mode ("split --probe layout")
 * with a chosen personality and stack rlimit and read what it reports.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "../kselftest_harness.h"
#define VAS_PROBES
#include "vas_lib.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define SKIP_NO_RULE		"no TASK_SIZE rule for this architecture"
#define SKIP_NO_NOREPLACE	"MAP_FIXED_NOREPLACE unsupported"
#define SKIP_NO_HIGH_VA		"no user VA above the default window"
#define SKIP_NOT_COMPAT_X86	"needs a 32-bit task on an x86_64 kernel"
#define SKIP_RLIMIT		"RLIMIT_STACK hard limit too low"
#define SKIP_RND_BITS		"mmap_rnd_bits unreadable"
#define SKIP_LEGACY_RO		"vm.legacy_va_layout not writable"
#define SKIP_TASK_SIZE_4G	"TASK_SIZE is 4 GiB, beyond a 32-bit pointer"
#define SKIP_NO_ASLR		"user ASLR disabled"
#define SKIP_LEGACY_SET		"vm.legacy_va_layout is set and needs root to clear"
#define SKIP_LEGACY_UNREADABLE	"vm.legacy_va_layout unreadable"

#define LEGACY_SYSCTL		"vm.legacy_va_layout"
#define PROBE_MAPS		4

/* mm/util.c and arch/x86/mm/mmap.c: the least gap below the stack. */
#define MMAP_MIN_GAP		(128 * VAS_MIB)
/* mm/mmap.c: stack_guard_gap defaults to 256 pages. */
#define GUARD_GAP_PAGES		256UL

/* The personality bits the layout depends on; exec may set others. */
#define PERSONA_LAYOUT_BITS	(ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT | \
				 ADDR_LIMIT_3GB)

#define hx(v)			((unsigned long)(v))

/*
 * The architecture rule table. Sources (6.1 and 6.12 agree on all of it):
 *
 * TASK_SIZE, the end of user space:
 *  x86_64        2^47 - PAGE_SIZE, or 2^56 - PAGE_SIZE with 5-level paging
 *                (asm/page_64_types.h task_size_max()); 5-level is in force
 *                exactly when cpuinfo shows la57 (cpu/common.c clears it
 *                otherwise).
 *  x86 compat    IA32_PAGE_OFFSET: 0xFFFFE000, 0xC0000000 under personality
 *                ADDR_LIMIT_3GB (asm/page_64_types.h).
 *  i386          PAGE_OFFSET, the VMSPLIT (asm/page_32_types.h; values in
 *                arch/x86/Kconfig PAGE_OFFSET).
 *  arm64         2^vabits_actual (asm/processor.h TASK_SIZE_64); with
 *                VA_BITS=52 on a CPU without 52-bit VA it is 2^48.
 *  arm64 compat  2^32 - PAGE_SIZE (TASK_SIZE_32; 2^32 with 64K pages and
 *                KUSER_HELPERS).
 *  arm           PAGE_OFFSET - 16 MiB: the modules sit between user space
 *                and the kernel (arch/arm/include/asm/memory.h; values in
 *                arch/arm/Kconfig PAGE_OFFSET); KASAN_SHADOW_START with KASAN.
 *
 * STACK_TOP, where an unrandomized stack ends: x86_64 DEFAULT_MAP_WINDOW
 * (2^47 - PAGE_SIZE, also with 5-level paging); x86 compat IA32_PAGE_OFFSET;
 * i386 and arm TASK_SIZE; arm64 DEFAULT_MAP_WINDOW_64 (2^min(VA_BITS, 48));
 * arm64 compat AARCH32_VECTORS_BASE 0xffff0000.
 *
 * The hint-less mmap window ends at DEFAULT_MAP_WINDOW: the STACK_TOP of
 * 64-bit tasks, TASK_SIZE of 32-bit ones.
 *
 * TASK_UNMAPPED_BASE, the start of a legacy (bottom-up) layout: x86
 * PAGE_ALIGN(task_size / 3) with task_size the STACK_TOP above
 * (asm/processor.h __TASK_UNMAPPED_BASE); arm64 PAGE_ALIGN(window / 4);
 * arm ALIGN(TASK_SIZE / 3, 16 MiB).
 *
 * Stack randomization range, STACK_RND_MASK pages: x86_64 0x3fffff, x86
 * 32-bit tasks 0x7ff (asm/elf.h); arm64 0x3ffff >> (PAGE_SHIFT - 12),
 * compat 0x7ff >> (PAGE_SHIFT - 12) (asm/elf.h); arm the mm/util.c default
 * 0x7ff >> (PAGE_SHIFT - 12). On top of that, setup_arg_pages() (fs/exec.c)
 * ends the stack at PAGE_ALIGN(arch_align_stack(randomized top)); a
 * randomizing arch_align_stack() subtracts below 8192 bytes on x86
 * (arch/x86/kernel/process.c) and below PAGE_SIZE on arm64, compat tasks
 * included (arch/arm64/kernel/process.c), then aligns down to 16 bytes;
 * arm uses the asm-generic identity. The stack can thus end up to
 * (max + 15) / PAGE_SIZE pages further down: align_slack.
 *
 * mmap_base of a top-down layout (mm/util.c, arch/x86/mm/mmap.c):
 * PAGE_ALIGN(STACK_TOP - gap - rnd), gap = RLIMIT_STACK + stack_guard_gap
 * (+ the stack randomization range when randomizing), clamped to
 * [128 MiB, STACK_TOP / 6 * 5]; rnd is below 2^mmap_rnd_bits pages
 * (vm.mmap_rnd_compat_bits for 32-bit tasks on 64-bit kernels).
 * A legacy layout starts at TASK_UNMAPPED_BASE + rnd. It is chosen by
 * vm.legacy_va_layout=1 or personality ADDR_COMPAT_LAYOUT, and by an
 * unlimited RLIMIT_STACK everywhere but x86, whose mmap_is_legacy() does
 * not look at the rlimit (the gap is then clamped to 5/6 of STACK_TOP).
 */
struct split_rule {
	const char *arch;
	uintptr_t task_size;
	uintptr_t alt_task_size;	/* another legal TASK_SIZE, or 0 */
	uintptr_t stack_top;
	uintptr_t window_end;
	uintptr_t unmapped_base;
	uintptr_t stack_rnd;
	uintptr_t align_slack;		/* arch_align_stack(), see above */
	uintptr_t guard_gap;
	uintptr_t kernel_start;		/* first kernel-half address, or 0 */
	const char *gate;		/* maps entry allowed above TASK_SIZE */
	const char *rnd_sysctl;
	const char *rnd_kconfig_max;
	bool unlimited_stack_is_legacy;
	int va_bits;
};

/* What a probe process reports about its freshly exec'ed layout. */
struct split_probe {
	uintptr_t stack_start, stack_end;
	uintptr_t mmap_lo, mmap_hi;	/* span of the mmap area */
	uintptr_t map[PROBE_MAPS];	/* successive one-page mmaps */
	uintptr_t user_top;
	unsigned long persona;
};


static unsigned long current_persona(void)
{
	return (unsigned long)personality(0xffffffff);
}

/* How far below its page-aligned top arch_align_stack() can end the stack. */
static uintptr_t align_slack(size_t ps, uintptr_t max_sub)
{
	return (max_sub - 1 + 15) / ps * ps;
}

static uintptr_t guard_gap(size_t ps)
{
	char val[32];
	unsigned long pages = GUARD_GAP_PAGES;

	if (vas_cmdline_param("stack_guard_gap", val, sizeof(val)) == 0)
		pages = strtoul(val, NULL, 10);
	return pages * ps;
}

/* ---- the probe mode: runs in a freshly exec'ed copy of this program ---- */

/*
 * The executable sits outside the mmap area unless it is a static PIE:
 * ET_EXEC has fixed addresses and an interpreter-loaded ET_DYN goes to
 * ELF_ET_DYN_BASE, but an ET_DYN without interpreter is placed by mmap.
 */
static bool exe_outside_mmap_area(void)
{
	unsigned char hdr[EI_NIDENT + 2];
	uint16_t type;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd < 0 ? -1 : read(fd, hdr, sizeof(hdr));

	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof(hdr))
		return true;
	memcpy(&type, hdr + EI_NIDENT, sizeof(type));
	return type != ET_DYN || getauxval(AT_BASE) != 0;
}

static bool is_exe_path(const char *path, const char *exe)
{
	size_t n = strlen(exe);

	return n && !strncmp(path, exe, n) &&
	       (!path[n] || !strcmp(path + n, " (deleted)"));
}

int vas_probe_main(int argc, char **argv)
{
	uintptr_t exe_lo = UINTPTR_MAX, exe_hi = 0, lo = UINTPTR_MAX, hi = 0;
	size_t ps = vas_page_size();
	const struct vas_map *stack;
	struct vas_map *maps;
	char exe[PATH_MAX] = "";
	bool skip_exe;
	ssize_t len;
	int n, i;

	if (argc < 1 || strcmp(argv[0], "layout") || !ps)
		return 2;
	/* Equal sizes: each lands next to the previous one, in layout order. */
	for (i = 0; i < PROBE_MAPS; i++) {
		void *p = mmap(NULL, ps, (i & 1) ? PROT_READ : PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 3;
		printf("map%d=%#lx\n", i, hx(p));
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = '\0';
	skip_exe = exe_outside_mmap_area();

	n = vas_read_maps(0, &maps);
	if (n <= 0)
		return 4;
	stack = vas_find_map(maps, n, "[stack]");
	if (!stack)
		return 5;
	for (i = 0; i < n; i++) {
		if (is_exe_path(maps[i].path, exe)) {
			if (maps[i].start < exe_lo)
				exe_lo = maps[i].start;
			if (maps[i].end > exe_hi)
				exe_hi = maps[i].end;
		}
	}
	/* The executable's bss follows it as an anonymous mapping. */
	for (i = 0; i < n; i++)
		if (maps[i].start == exe_hi && !maps[i].path[0])
			exe_hi = maps[i].end;
	for (i = 0; i < n; i++) {
		const struct vas_map *m = &maps[i];

		/* Above the stack: vDSO near the stack, gate pages. */
		if (m->end > stack->start || !strcmp(m->path, "[heap]"))
			continue;
		if (skip_exe && m->start >= exe_lo && m->end <= exe_hi)
			continue;
		if (m->start < lo)
			lo = m->start;
		if (m->end > hi)
			hi = m->end;
	}
	printf("stack_start=%#lx\nstack_end=%#lx\n",
	       hx(stack->start), hx(stack->end));
	printf("mmap_lo=%#lx\nmmap_hi=%#lx\n", hx(lo), hx(hi));
	free(maps);
	/* Last: the stack may own the top page, and that is fine. */
	printf("user_top=%#lx\n", hx(vas_probe_user_top()));
	printf("persona=%#lx\n", current_persona());
	return 0;
}

static int probe_parse(char *out, struct split_probe *p)
{
	char *line, *save, *eq;
	unsigned int seen = 0;

	memset(p, 0, sizeof(*p));
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long v;
		uintptr_t *dst = NULL;

		eq = strchr(line, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		v = strtoull(eq + 1, NULL, 0);
		if (!strcmp(line, "stack_start"))
			dst = &p->stack_start;
		else if (!strcmp(line, "stack_end"))
			dst = &p->stack_end;
		else if (!strcmp(line, "mmap_lo"))
			dst = &p->mmap_lo;
		else if (!strcmp(line, "mmap_hi"))
			dst = &p->mmap_hi;
		else if (!strcmp(line, "user_top"))
			dst = &p->user_top;
		else if (!strncmp(line, "map", 3) && line[3] >= '0' &&
			 line[3] < '0' + PROBE_MAPS && !line[4])
			dst = &p->map[line[3] - '0'];
		else if (!strcmp(line, "persona"))
			p->persona = (unsigned long)v;
		if (dst)
			*dst = (uintptr_t)v;
		seen++;
	}
	return seen == 6 + PROBE_MAPS ? 0 : -EINVAL;
}

/*
 * Run "split --probe layout" with the given personality; the stack rlimit
 * is the caller's. 0, a positive probe exit status, or a negative errno.
 */
static int probe_run(unsigned long persona, struct split_probe *p)
{
	const char *const args[] = { "layout", NULL };
	char out[2048];
	int ret;

	ret = vas_exec_probe(out, sizeof(out), (long)persona, args);
	if (ret)
		return ret;
	return probe_parse(out, p);
}

/* ---- the rule table ---- */

#if defined(__i386__) || defined(__arm__)
/* PAGE_OFFSET of each VMSPLIT choice (arch/x86/Kconfig, arch/arm/Kconfig). */
static const uintptr_t vmsplit_page_offset[] = {
	0xC0000000, 0xB0000000, 0x80000000, 0x78000000, 0x40000000,
};

/*
 * A 32-bit kernel's TASK_SIZE from its PAGE_OFFSET: the config when
 * readable, else the VMSPLIT whose rule puts the unrandomized stack where
 * it is. below is what the architecture keeps between the two.
 */
static int split32_task_size(uintptr_t below, uintptr_t *ts,
			     const char **err)
{
	struct split_probe p;
	char val[32];
	unsigned int i;

	if (vas_kconfig("CONFIG_PAGE_OFFSET", val, sizeof(val)) == 0) {
		*ts = (uintptr_t)strtoul(val, NULL, 16) - below;
		return 0;
	}
	if (probe_run(current_persona() | ADDR_NO_RANDOMIZE, &p)) {
		*err = "layout probe failed";
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(vmsplit_page_offset); i++) {
		if (vmsplit_page_offset[i] - below == p.stack_end) {
			*ts = p.stack_end;
			return 0;
		}
	}
	*err = "unrandomized stack top matches no VMSPLIT";
	return -1;
}
#endif

/*
 * Fill r for a task of this program's ABI running under persona. Returns
 * 0, 1 with a skip reason in *err, or -1 with a failure reason in *err.
 */
static int rule_get(struct split_rule *r, unsigned long persona,
		    const char **err)
{
	size_t ps = vas_page_size();
	unsigned int shift = vas_page_shift();

	memset(r, 0, sizeof(*r));
	if (!ps) {
		*err = "sysconf and AT_PAGESZ disagree";
		return -1;
	}
	r->guard_gap = guard_gap(ps);
	r->rnd_sysctl = "vm.mmap_rnd_bits";
	r->rnd_kconfig_max = "CONFIG_ARCH_MMAP_RND_BITS_MAX";
	r->va_bits = vas_user_va_bits();
	(void)persona;
	(void)shift;
#if defined(__x86_64__) && !defined(__ILP32__)
	r->arch = "x86_64";
	r->va_bits = vas_cpu_has_flag("la57") ? 56 : 47;
	r->task_size = ((uintptr_t)1 << r->va_bits) - ps;
	r->stack_top = ((uintptr_t)1 << 47) - ps;
	r->window_end = r->stack_top;
	r->unmapped_base = vas_align_up(r->stack_top / 3, ps);
	r->stack_rnd = (uintptr_t)0x3fffff << shift;
	r->align_slack = align_slack(ps, 8192);
	r->kernel_start = ~(uintptr_t)0 << r->va_bits;
	r->gate = "[vsyscall]";
	return 0;
#elif defined(__i386__)
	r->stack_rnd = (uintptr_t)0x7ff << shift;
	r->align_slack = align_slack(ps, 8192);
	if (vas_is_compat_task()) {
		r->arch = "x86 compat";
		r->task_size = (persona & ADDR_LIMIT_3GB) ? 0xC0000000 :
							    0xFFFFE000;
		r->rnd_sysctl = "vm.mmap_rnd_compat_bits";
		r->rnd_kconfig_max = "CONFIG_ARCH_MMAP_RND_COMPAT_BITS_MAX";
	} else {
		r->arch = "i386";
		if (split32_task_size(0, &r->task_size, err))
			return -1;
		r->kernel_start = r->task_size;
	}
	r->stack_top = r->task_size;
	r->window_end = r->task_size;
	r->unmapped_base = vas_align_up(r->stack_top / 3, ps);
	return 0;
#elif defined(__aarch64__)
	r->arch = "arm64";
	if (r->va_bits < 0) {
		*err = "user VA width unknown";
		return -1;
	}
	r->task_size = (uintptr_t)1 << r->va_bits;
	if (r->va_bits > 48)
		r->alt_task_size = (uintptr_t)1 << 48;
	r->stack_top = (uintptr_t)1 << (r->va_bits > 48 ? 48 : r->va_bits);
	r->window_end = r->stack_top;
	r->unmapped_base = vas_align_up(r->window_end / 4, ps);
	r->stack_rnd = ((uintptr_t)0x3ffff >> (shift - 12)) << shift;
	r->align_slack = align_slack(ps, ps);
	r->kernel_start = ~(uintptr_t)0 << r->va_bits;
	r->unlimited_stack_is_legacy = true;
	return 0;
#elif defined(__arm__)
	r->stack_rnd = ((uintptr_t)0x7ff >> (shift - 12)) << shift;
	r->unlimited_stack_is_legacy = true;
	if (vas_is_compat_task()) {
		char val[8];

		r->arch = "arm64 compat";
		r->align_slack = align_slack(ps, ps);
		if (ps >= 64 * VAS_KIB &&
		    vas_kconfig("CONFIG_KUSER_HELPERS", val, sizeof(val)) == 0) {
			*err = SKIP_TASK_SIZE_4G;
			return 1;
		}
		r->task_size = 0 - (uintptr_t)ps;
		r->stack_top = 0xffff0000;
		r->window_end = r->task_size;
		r->unmapped_base = vas_align_up(r->task_size / 4, ps);
		r->rnd_sysctl = "vm.mmap_rnd_compat_bits";
		r->rnd_kconfig_max = "CONFIG_ARCH_MMAP_RND_COMPAT_BITS_MAX";
		return 0;
	}
	r->arch = "arm";
	if (split32_task_size(16 * VAS_MIB, &r->task_size, err))
		return -1;
	{
		char val[8];
		struct split_probe p;

		/* KASAN moves TASK_SIZE to its shadow: trust the stack. */
		if (vas_kconfig("CONFIG_KASAN", val, sizeof(val)) == 0) {
			if (probe_run(current_persona() | ADDR_NO_RANDOMIZE,
				      &p)) {
				*err = "layout probe failed";
				return -1;
			}
			r->task_size = p.stack_end;
		}
	}
	r->stack_top = r->task_size;
	r->window_end = r->task_size;
	r->unmapped_base = vas_align_up(r->task_size / 3, 16 * VAS_MIB);
	r->kernel_start = r->task_size;
	r->gate = "[vectors]";
	return 0;
#else
	*err = SKIP_NO_RULE;
	return 1;
#endif
}

#define RULE_OR_SKIP(r, persona) do {					\
	const char *_err = NULL;					\
	int _ret = rule_get(r, persona, &_err);				\
									\
	if (_ret > 0)							\
		SKIP(return, "%s", _err);				\
	ASSERT_EQ(0, _ret) TH_LOG("no rule: %s", _err);			\
	TH_LOG("%s: TASK_SIZE %#lx STACK_TOP %#lx window end %#lx",	\
	       (r)->arch, hx((r)->task_size), hx((r)->stack_top),	\
	       hx((r)->window_end));					\
} while (0)

/* ---- top of user space ---- */

/*
 * 0 when the page at addr can be mapped with MAP_FIXED_NOREPLACE or is
 * mapped already (EEXIST), else the errno of the refusal; -1 when the
 * kernel placed the page elsewhere.
 */
static int page_map_errno(uintptr_t addr, size_t ps)
{
	void *p = mmap((void *)addr, ps, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return errno == EEXIST ? 0 : errno;
	munmap(p, ps);
	return (uintptr_t)p == addr ? 0 : -1;
}

static int bit_length(uintptr_t v)
{
	int n = 0;

	for (; v; v >>= 1)
		n++;
	return n;
}

/*
 * The split for the report's address space picture: the top of user
 * space and where the kernel half begins. 64-bit x86_64 and arm64 put the
 * non-canonical hole right above the user half, symmetric, and the kernel
 * half above it (mm.rst, arm64 memory.rst; see canonical.c); a 32-bit
 * address space has no hole: the kernel owns everything from TASK_SIZE up
 * (arm: its modules first).
 */
#define GEOMETRY_FMT \
	"vas-data: va_geometry long_bits=%d page_size=%zu va_bits=%d user_top=%#lx%s kernel_start=%#lx\n"

static void print_geometry(uintptr_t top)
{
	int bits = vas_user_va_bits();
	uintptr_t kernel = top;
	char hole[64] = "";

#if defined(__LP64__) && (defined(__x86_64__) || defined(__aarch64__))
	if (bits > 31 && bits < 63) {
		uintptr_t first = (uintptr_t)1 << bits;

		snprintf(hole, sizeof(hole), " hole_start=%#lx hole_last=%#lx",
			 hx(first), hx(~first));
		kernel = ~first + 1;
	}
#endif
	ksft_print_msg(GEOMETRY_FMT, (int)(8 * sizeof(long)), vas_page_size(),
		       bits, hx(top), hole, hx(kernel));
}

TEST(user_top_matches_task_size_rule)
{
	size_t ps = vas_page_size();
	struct split_rule r;
	uintptr_t top, expected;
	int err;

	RULE_OR_SKIP(&r, current_persona());
	top = vas_probe_user_top();
	if (!top) {
		/* 0: no MAP_FIXED_NOREPLACE, a 4 GiB TASK_SIZE, or nonsense. */
		uintptr_t last = ~(uintptr_t)0 & ~(uintptr_t)(ps - 1);
		uintptr_t low = (uintptr_t)&top & ~(uintptr_t)(ps - 1);

		if (!vas_fixed_noreplace_works())
			SKIP(return, SKIP_NO_NOREPLACE);
		err = page_map_errno(last, ps);
#if defined(__arm__)
		/* arm64 compat, 64K pages, config unreadable: KUSER_HELPERS? */
		if (!err && vas_is_compat_task() && ps >= 64 * VAS_KIB)
			SKIP(return, SKIP_TASK_SIZE_4G);
#endif
		TH_LOG("no top found: last page %#lx gives %d (%s), stack page %#lx gives %d",
		       hx(last), err, err > 0 ? strerror(err) : "mappable",
		       hx(low), page_map_errno(low, ps));
		ASSERT_NE(0UL, hx(top));
	}
	TH_LOG("probed top of user space %#lx", hx(top));
	expected = r.task_size;
	if (r.alt_task_size && top == r.alt_task_size) {
		TH_LOG("VA_BITS=%d without CPU support: 48-bit", r.va_bits);
		expected = r.alt_task_size;
	}
	EXPECT_EQ(hx(expected), hx(top));
	print_geometry(top);
	/* The rule value itself, independent of the search. */
	err = page_map_errno(expected - ps, ps);
	EXPECT_EQ(0, err) TH_LOG("last user page %#lx not mappable: %d (%s)",
				 hx(expected - ps), err,
				 err > 0 ? strerror(err) : "placed elsewhere");
	err = page_map_errno(expected, ps);
	EXPECT_EQ(ENOMEM, err) TH_LOG("page at TASK_SIZE %#lx: %d (%s)",
				      hx(expected), err,
				      err > 0 ? strerror(err) :
				      err ? "placed elsewhere" : "mappable");
	if (sizeof(long) == 8 && expected == r.task_size) {
		/* The library's width against the probed top (x86_64: minus a page). */
		int bits = vas_user_va_bits();

		TH_LOG("vas_user_va_bits() %d, bit length of top - 1: %d", bits,
		       bit_length(top - 1));
		EXPECT_EQ(bit_length(top - 1), bits);
	}
}

/* Fixed at exec: the stack of an unrandomized process ends at STACK_TOP. */
TEST(unrandomized_stack_ends_at_stack_top)
{
	unsigned long persona = current_persona() | ADDR_NO_RANDOMIZE;
	struct split_rule r;
	struct split_probe p;

	persona &= ~(unsigned long)ADDR_COMPAT_LAYOUT;
	RULE_OR_SKIP(&r, persona);
	if (!vas_fixed_noreplace_works())
		SKIP(return, SKIP_NO_NOREPLACE);
	ASSERT_EQ(0, probe_run(persona, &p));
	TH_LOG("probe: stack %#lx-%#lx, user top %#lx", hx(p.stack_start),
	       hx(p.stack_end), hx(p.user_top));
	EXPECT_EQ(r.stack_top, p.stack_end);
	EXPECT_LE(p.stack_end, p.user_top);
	if (r.alt_task_size && p.user_top == r.alt_task_size)
		return;
	EXPECT_EQ(r.task_size, p.user_top);
}

/*
 * IA32_PAGE_OFFSET follows ADDR_LIMIT_3GB; the stack is placed at exec,
 * so a fresh exec shows both the limit and the stack under it.
 */
TEST(compat_task_top_follows_addr_limit_3gb)
{
	unsigned long base = (current_persona() | ADDR_NO_RANDOMIZE) &
			     ~(unsigned long)(ADDR_LIMIT_3GB | ADDR_COMPAT_LAYOUT);
	unsigned long personas[2] = { base, base | ADDR_LIMIT_3GB };
	struct split_rule r;
	struct split_probe p;
	unsigned int i;

#if !defined(__i386__)
	SKIP(return, SKIP_NOT_COMPAT_X86);
#endif
	if (!vas_is_compat_task())
		SKIP(return, SKIP_NOT_COMPAT_X86);
	if (!vas_fixed_noreplace_works())
		SKIP(return, SKIP_NO_NOREPLACE);
	for (i = 0; i < 2; i++) {
		RULE_OR_SKIP(&r, personas[i]);
		ASSERT_EQ(0, probe_run(personas[i], &p));
		TH_LOG("personality %#lx: user top %#lx, stack end %#lx",
		       personas[i], hx(p.user_top), hx(p.stack_end));
		EXPECT_EQ(personas[i] & PERSONA_LAYOUT_BITS,
			  p.persona & PERSONA_LAYOUT_BITS);
		EXPECT_EQ(r.task_size, p.user_top);
		EXPECT_EQ(r.stack_top, p.stack_end);
	}
}

/* ---- the default mmap window and hints ---- */

TEST(mmap_without_hint_stays_in_default_window)
{
	const size_t sizes[] = { 1, 512, 16384 };	/* pages */
	size_t ps = vas_page_size();
	struct split_rule r;
	struct vas_map *maps;
	unsigned int i, kind;
	int n;

	RULE_OR_SKIP(&r, current_persona());
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (kind = 0; kind < 3; kind++) {
			size_t len = sizes[i] * ps;
			int flags = (kind == 1 ? MAP_SHARED : MAP_PRIVATE) |
				    MAP_ANONYMOUS | MAP_NORESERVE;
			int fd = -1;
			void *p;

			if (kind == 2) {
				fd = open("/proc/self/exe", O_RDONLY);
				ASSERT_LE(0, fd);
				flags = MAP_PRIVATE | MAP_NORESERVE;
			}
			p = mmap(NULL, len, PROT_READ, flags, fd, 0);
			if (fd >= 0)
				close(fd);
			ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p);
			TH_LOG("%s %zu pages at %#lx",
			       kind == 2 ? "file" : kind ? "shared" : "anon",
			       sizes[i], hx(p));
			EXPECT_LE((uintptr_t)p + len, r.window_end);
			munmap(p, len);
		}
	}
	n = vas_read_maps(0, &maps);
	ASSERT_LT(0, n);
	for (i = 0; i < (unsigned int)n; i++) {
		if (r.gate && !strcmp(maps[i].path, r.gate))
			continue;
		if (maps[i].end > r.window_end)
			TH_LOG("%#lx-%#lx %s above the window",
			       hx(maps[i].start), hx(maps[i].end),
			       maps[i].path);
		EXPECT_LE(maps[i].end, r.window_end);
	}
	free(maps);
}

TEST(mmap_hint_above_default_window_reaches_it)
{
	size_t ps = vas_page_size();
	struct split_rule r;
	uintptr_t hint;
	void *p, *q;

	RULE_OR_SKIP(&r, current_persona());
	if (r.task_size <= r.window_end ||
	    (r.alt_task_size && vas_probe_user_top() == r.alt_task_size))
		SKIP(return, SKIP_NO_HIGH_VA);
	hint = (uintptr_t)1 << (r.va_bits - 1);
	p = mmap((void *)hint, ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p);
	TH_LOG("hint %#lx gave %#lx", hx(hint), hx(p));
	EXPECT_LE(r.window_end, (uintptr_t)p);
	EXPECT_LE((uintptr_t)p + ps, r.task_size);
	/* Usable memory, not just an address. */
	EXPECT_EQ(0, vas_try_access((uintptr_t)p, VAS_WRITE).signo);
	/* One high mapping does not move later hint-less ones. */
	q = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)q);
	EXPECT_LE((uintptr_t)q + ps, r.window_end);
	munmap(q, ps);
	munmap(p, ps);
}

/* A hint the task cannot use is only a hint: mmap still succeeds below. */
TEST(mmap_hint_beyond_task_size_is_ignored)
{
	size_t ps = vas_page_size();
	uintptr_t hints[3];
	struct split_rule r;
	unsigned int i, nh = 0;

	RULE_OR_SKIP(&r, current_persona());
	hints[nh++] = r.task_size;
	hints[nh++] = ~(uintptr_t)0 & ~(uintptr_t)(ps - 1);
	if (r.kernel_start && r.kernel_start != r.task_size)
		hints[nh++] = r.kernel_start;
	for (i = 0; i < nh; i++) {
		void *p = mmap((void *)hints[i], ps, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p)
			TH_LOG("hint %#lx", hx(hints[i]));
		TH_LOG("hint %#lx gave %#lx", hx(hints[i]), hx(p));
		EXPECT_LE((uintptr_t)p + ps, r.task_size);
		EXPECT_NE(hints[i], (uintptr_t)p);
		munmap(p, ps);
	}
}

/*
 * Inside the window a hint is taken when the range is free (mmap.2: the
 * kernel places the mapping at the hint if it can) and moved, never
 * clobbered, when it is taken. The free range is one the kernel just
 * handed out and we released, so it is valid wherever the window lies;
 * the hint is its lowest page, where a top-down search without the hint
 * would not put a one-page mapping.
 */
TEST(mmap_hint_taken_when_free_moved_when_taken)
{
	size_t ps = vas_page_size();
	char *a, *b;

	a = mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)a);
	ASSERT_EQ(0, munmap(a + ps, 3 * ps));
	b = mmap(a + ps, ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)b);
	EXPECT_EQ((uintptr_t)a + ps, (uintptr_t)b)
		TH_LOG("free hint %#lx gave %#lx", hx(a + ps), hx(b));
	munmap(b, ps);

	/* The first page is taken: the hint must not replace it. */
	a[0] = 'v';
	b = mmap(a, ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)b);
	EXPECT_NE((uintptr_t)a, (uintptr_t)b);
	EXPECT_EQ('v', a[0]);
	munmap(b, ps);
	munmap(a, ps);
}

/* ---- what is visible and reachable ---- */

TEST(maps_entries_lie_below_task_size)
{
	struct split_rule r;
	struct vas_map *maps;
	int n, i, gates = 0;

	RULE_OR_SKIP(&r, current_persona());
	n = vas_read_maps(0, &maps);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		const struct vas_map *m = &maps[i];

		if (r.gate && !strcmp(m->path, r.gate)) {
			/* A gate page is the kernel's, in the kernel half. */
			TH_LOG("gate %s at %#lx-%#lx", m->path, hx(m->start),
			       hx(m->end));
			EXPECT_LE(r.task_size, m->start);
			EXPECT_LE(r.kernel_start, m->start);
			gates++;
			continue;
		}
		if (m->end > r.task_size)
			TH_LOG("%#lx-%#lx %s beyond TASK_SIZE", hx(m->start),
			       hx(m->end), m->path);
		EXPECT_LE(m->end, r.task_size);
		EXPECT_LT(m->start, m->end);
	}
	EXPECT_GE(1, gates);
	free(maps);
}

/*
 * The address of kernel text when kallsyms shows it (root with
 * kptr_restrict off): mapped kernel memory, not just an unmapped hole.
 * vas_lib candidate
 */
static uintptr_t kallsyms_text(void)
{
	unsigned long long addr = 0;
	char line[256], name[128], type;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &addr, &type, name) != 3)
			continue;
		if (!strcmp(name, "_text") || !strcmp(name, "_stext"))
			break;
		addr = 0;
	}
	fclose(f);
	return addr <= UINTPTR_MAX ? (uintptr_t)addr : 0;
}

/* Kernel-half (or beyond-TASK_SIZE) addresses this ABI can express. */
static unsigned int kernel_addrs(const struct split_rule *r, size_t ps,
				 uintptr_t *addrs)
{
	uintptr_t cand[4];
	unsigned int i, j, n = 0, nc = 0;

	cand[nc++] = ~(uintptr_t)0 & ~(uintptr_t)(ps - 1);
	cand[nc++] = r->kernel_start;
	if (sizeof(long) == 4)
		cand[nc++] = r->task_size;
	cand[nc++] = kallsyms_text() & ~(uintptr_t)(ps - 1);
	for (i = 0; i < nc; i++) {
		if (!cand[i] || cand[i] < r->task_size)
			continue;
		for (j = 0; j < n && addrs[j] != cand[i]; j++)
			;
		if (j == n)
			addrs[n++] = cand[i];
	}
	return n;
}

TEST(kernel_half_access_raises_sigsegv)
{
	size_t ps = vas_page_size();
	struct split_rule r;
	uintptr_t addrs[4];
	unsigned int i, n;
	int how;

	RULE_OR_SKIP(&r, current_persona());
	n = kernel_addrs(&r, ps, addrs);
	ASSERT_LE(1U, n);
	for (i = 0; i < n; i++) {
		for (how = VAS_READ; how <= VAS_WRITE; how++) {
			struct vas_fault f = vas_try_access(addrs[i], how);

			TH_LOG("%s at %#lx: signal %d %s si_addr %#lx",
			       vas_access_name(how), hx(addrs[i]), f.signo,
			       vas_si_code_name(f.signo, f.code), hx(f.addr));
			EXPECT_EQ(SIGSEGV, f.signo);
		}
	}
}

TEST(syscalls_with_kernel_pointers_fail_with_efault)
{
	static const char data[8] = "vas-spl";
	size_t ps = vas_page_size();
	struct split_rule r;
	uintptr_t addrs[4];
	unsigned int i, n;
	char buf[sizeof(data)];
	int fds[2];
	long ret;

	RULE_OR_SKIP(&r, current_persona());
	n = kernel_addrs(&r, ps, addrs);
	ASSERT_LE(1U, n);
	ASSERT_EQ(0, pipe(fds));
	for (i = 0; i < n; i++) {
		void *k = (void *)addrs[i];

		TH_LOG("kernel pointer %#lx", hx(k));
		errno = 0;
		ret = write(fds[1], k, sizeof(data));
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EFAULT, errno);

		/* A read into the kernel must leave the data for later. */
		ASSERT_EQ((ssize_t)sizeof(data),
			  write(fds[1], data, sizeof(data)));
		errno = 0;
		ret = read(fds[0], k, sizeof(data));
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EFAULT, errno);
		ASSERT_EQ((ssize_t)sizeof(data), read(fds[0], buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, data, sizeof(data)));

		/* Raw syscalls: the vDSO would fault in user space instead. */
		errno = 0;
		ret = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, k);
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EFAULT, errno);
		errno = 0;
		ret = syscall(SYS_uname, k);
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EFAULT, errno);
	}
	close(fds[0]);
	close(fds[1]);
}

/*
 * mmap(2): ENOMEM "We don't like addr, because it exceeds the virtual
 * address space of the CPU" - mm/mmap.c checks addr > TASK_SIZE - len
 * after the architecture accepted a MAP_FIXED address as is.
 */
TEST(map_fixed_at_or_above_task_size_fails)
{
	size_t ps = vas_page_size();
	struct split_rule r;
	uintptr_t top_page = ~(uintptr_t)0 & ~(uintptr_t)(ps - 1);
	struct {
		uintptr_t addr;
		size_t len;
	} tries[4];
	unsigned int i, nt = 0;
	int fl;
	char *below;

	RULE_OR_SKIP(&r, current_persona());
	tries[nt].addr = r.task_size;
	tries[nt++].len = ps;
	tries[nt].addr = r.task_size - ps;	/* straddles the end */
	tries[nt++].len = 2 * ps;
	tries[nt].addr = top_page;
	tries[nt++].len = ps;
	if (r.kernel_start && r.kernel_start != r.task_size) {
		tries[nt].addr = r.kernel_start;
		tries[nt++].len = ps;
	}
	/* The last user page, when free, must survive the failed calls. */
	below = mmap((void *)(r.task_size - ps), ps, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (below != MAP_FAILED && (uintptr_t)below != r.task_size - ps) {
		munmap(below, ps);
		below = MAP_FAILED;
	}
	if (below != MAP_FAILED)
		*below = 'v';
	else
		TH_LOG("last user page taken (%s): no survivor check",
		       strerror(errno));
	for (i = 0; i < nt; i++) {
		for (fl = 0; fl < 2; fl++) {
			int flag = fl ? MAP_FIXED_NOREPLACE : MAP_FIXED;
			void *p;

			errno = 0;
			p = mmap((void *)tries[i].addr, tries[i].len,
				 PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | flag,
				 -1, 0);
			TH_LOG("%s at %#lx len %#zx: %s",
			       fl ? "MAP_FIXED_NOREPLACE" : "MAP_FIXED",
			       hx(tries[i].addr), tries[i].len,
			       p == MAP_FAILED ? strerror(errno) : "mapped");
			EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)p);
			EXPECT_EQ(ENOMEM, errno);
			if (p != MAP_FAILED)
				munmap(p, tries[i].len);
		}
	}
	if (below != MAP_FAILED) {
		EXPECT_EQ('v', *below);
		munmap(below, ps);
	}
}

/* ---- the mmap layout at exec ---- */

enum stack_limit { STK_DEFAULT, STK_1M, STK_1G, STK_HUGE, STK_UNLIMITED };

/* One exec-time setting of the layout test. */
struct layout_case {
	enum stack_limit stack;
	bool randomize;
	bool compat_layout;	/* personality ADDR_COMPAT_LAYOUT */
	bool legacy_sysctl;	/* vm.legacy_va_layout = 1, needs root */
};

struct layout_expect {
	bool legacy;
	bool randomized;
	bool gap_capped;	/* the gap hit 5/6 of STACK_TOP */
	uint64_t rlim;		/* UINT64_MAX: unlimited */
	uintptr_t base_lo, base_hi;
	uintptr_t rnd_max;
};

/* The rules of mm/util.c and arch/x86/mm/mmap.c, see the table above. */
static void layout_predict(const struct split_rule *r, size_t ps,
			   unsigned int rnd_bits, struct layout_expect *e)
{
	uint64_t max_gap = (uint64_t)(r->stack_top / 6 * 5), gap;

	e->rnd_max = e->randomized ?
		     (((uintptr_t)1 << rnd_bits) - 1) * (uintptr_t)ps : 0;
	if (e->legacy) {
		e->base_lo = r->unmapped_base;
		e->base_hi = r->unmapped_base + e->rnd_max;
		return;
	}
	gap = e->rlim;
	if (gap != UINT64_MAX)
		gap += r->guard_gap + (e->randomized ? r->stack_rnd : 0);
	e->gap_capped = false;
	if (gap < MMAP_MIN_GAP && MMAP_MIN_GAP < max_gap) {
		gap = MMAP_MIN_GAP;
	} else if (gap > max_gap) {
		gap = max_gap;
		e->gap_capped = true;
	}
	e->base_hi = vas_align_up(r->stack_top - (uintptr_t)gap, ps);
	/* A bound from CONFIG_..._BITS_MAX may exceed the room below. */
	e->base_lo = e->base_hi > e->rnd_max ? e->base_hi - e->rnd_max : 0;
}

static int rnd_bits_get(const struct split_rule *r, unsigned int *bits)
{
	unsigned long v;
	char val[16];

	if (vas_sysctl_read_ul(r->rnd_sysctl, &v) == 0) {
		*bits = (unsigned int)v;
		return 0;
	}
	/* The sysctl is root-only; its maximum bounds it. */
	if (vas_kconfig(r->rnd_kconfig_max, val, sizeof(val)) == 0) {
		*bits = (unsigned int)strtoul(val, NULL, 10);
		return 0;
	}
	return -ENOENT;
}

/*
 * Plain TESTs rather than fixture variants: the 6.12 harness's TEST_F
 * wrapper keeps a local across setjmp() that gcc, depending on inlining,
 * warns might be clobbered.
 */
static void layout_check(struct __test_metadata *_metadata,
			 const struct layout_case *c)
{
	unsigned long persona = current_persona();
	unsigned long legacy_sysctl = 0, aslr = 2;
	size_t ps = vas_page_size();
	struct layout_expect e = { 0 };
	unsigned int rnd_bits = 0, i;
	struct split_rule r;
	struct rlimit saved, rl;
	struct split_probe p;
	/* A top-down case needs vm.legacy_va_layout 0 while the probe execs. */
	bool want_topdown = !c->legacy_sysctl && !c->compat_layout;
	bool guarded = false;
	int ret;

	persona &= ~(unsigned long)(ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT);
	if (!c->randomize)
		persona |= ADDR_NO_RANDOMIZE;
	if (c->compat_layout)
		persona |= ADDR_COMPAT_LAYOUT;
	RULE_OR_SKIP(&r, persona);
	/* The probe inherits the stack rlimit; this process is the test's. */
	ASSERT_EQ(0, getrlimit(RLIMIT_STACK, &saved));

	switch (c->stack) {
	case STK_DEFAULT:
		/* 8 MiB, the usual default, or a lower hard limit. */
		e.rlim = 8 * VAS_MIB;
		if (saved.rlim_max != RLIM_INFINITY &&
		    saved.rlim_max < e.rlim)
			e.rlim = saved.rlim_max;
		break;
	case STK_1M:
		e.rlim = VAS_MIB;
		break;
	case STK_1G:
		e.rlim = 1024 * VAS_MIB;
		break;
	case STK_HUGE:
		e.rlim = r.stack_top;
		break;
	case STK_UNLIMITED:
		e.rlim = UINT64_MAX;
		break;
	}
	rl = saved;
	if (e.rlim == UINT64_MAX) {
		if (rl.rlim_max != RLIM_INFINITY)
			SKIP(return, SKIP_RLIMIT);
		rl.rlim_cur = RLIM_INFINITY;
	} else {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < e.rlim)
			SKIP(return, SKIP_RLIMIT);
		rl.rlim_cur = (rlim_t)e.rlim;
	}
	if (c->legacy_sysctl && !vas_is_root())
		SKIP(return, VAS_SKIP_ROOT);

	/*
	 * A randomized case under randomize_va_space=0 (norandmaps sets it
	 * too) would check the unrandomized layout: nothing to test.
	 */
	ret = vas_sysctl_read_ul("kernel.randomize_va_space", &aslr);
	if (c->randomize &&
	    (ret ? vas_cmdline_has("norandmaps") : aslr == 0))
		SKIP(return, SKIP_NO_ASLR);
	e.randomized = c->randomize;
	if (e.randomized && rnd_bits_get(&r, &rnd_bits))
		SKIP(return, SKIP_RND_BITS);

	if (vas_sysctl_read_ul(LEGACY_SYSCTL, &legacy_sysctl))
		SKIP(return, SKIP_LEGACY_UNREADABLE);
	if (want_topdown && legacy_sysctl && !vas_is_root())
		SKIP(return, SKIP_LEGACY_SET);
	if (c->legacy_sysctl || (want_topdown && legacy_sysctl)) {
		/* Restored below, or by the guard if this test dies. */
		ret = vas_sysctl_set_guarded(LEGACY_SYSCTL,
					     c->legacy_sysctl ? "1" : "0");
		if (ret == -EACCES || ret == -EPERM || ret == -EROFS)
			SKIP(return, SKIP_LEGACY_RO);
		ASSERT_EQ(0, ret);
		guarded = true;
	}
	ret = vas_sysctl_read_ul(LEGACY_SYSCTL, &legacy_sysctl);
	if (!ret)
		ret = setrlimit(RLIMIT_STACK, &rl) ? -errno :
		      probe_run(persona, &p);
	if (guarded)
		ASSERT_EQ(0, vas_sysctl_restore(LEGACY_SYSCTL));
	ASSERT_EQ(0, setrlimit(RLIMIT_STACK, &saved));
	ASSERT_EQ(0, ret);
	/* The setting in force while the probe ran is the one the case names. */
	if (c->legacy_sysctl)
		ASSERT_EQ(1UL, legacy_sysctl);
	if (want_topdown)
		ASSERT_EQ(0UL, legacy_sysctl);

	e.legacy = c->compat_layout || legacy_sysctl ||
		   (e.rlim == UINT64_MAX && r.unlimited_stack_is_legacy);
	layout_predict(&r, ps, rnd_bits, &e);
	TH_LOG("%s layout, %s, rlimit %#llx, guard gap %#lx, rnd bits %u",
	       e.legacy ? "legacy" : "top-down",
	       e.randomized ? "randomized" : "not randomized",
	       (unsigned long long)e.rlim, hx(r.guard_gap), rnd_bits);
	TH_LOG("probe: personality %#lx, stack %#lx-%#lx, mmap area %#lx-%#lx",
	       p.persona, hx(p.stack_start), hx(p.stack_end), hx(p.mmap_lo),
	       hx(p.mmap_hi));
	TH_LOG("probe: maps %#lx %#lx %#lx %#lx", hx(p.map[0]), hx(p.map[1]),
	       hx(p.map[2]), hx(p.map[3]));
	TH_LOG("expected mmap base in [%#lx, %#lx]", hx(e.base_lo),
	       hx(e.base_hi));
	ASSERT_EQ(persona & PERSONA_LAYOUT_BITS,
		  p.persona & PERSONA_LAYOUT_BITS);

	/* The stack, the reference of a top-down layout. */
	if (e.randomized) {
		TH_LOG("stack end expected in [%#lx, %#lx] (rnd %#lx, align slack %#lx)",
		       hx(r.stack_top - r.stack_rnd - r.align_slack),
		       hx(r.stack_top), hx(r.stack_rnd), hx(r.align_slack));
		EXPECT_LE(r.stack_top - r.stack_rnd - r.align_slack, p.stack_end);
		EXPECT_GE(r.stack_top, p.stack_end);
	} else {
		EXPECT_EQ(r.stack_top, p.stack_end);
	}

	if (e.legacy) {
		EXPECT_LE(e.base_lo, p.mmap_lo);
		EXPECT_GE(e.base_hi, p.mmap_lo);
		for (i = 1; i < PROBE_MAPS; i++)
			EXPECT_LT(p.map[i - 1], p.map[i]);
		return;
	}
	EXPECT_LE(e.base_lo, p.mmap_hi);
	EXPECT_GE(e.base_hi, p.mmap_hi);
	for (i = 1; i < PROBE_MAPS; i++)
		EXPECT_GT(p.map[i - 1], p.map[i]);
	/* The point of the gap: the stack can grow to its rlimit. */
	if (!e.gap_capped && e.rlim != UINT64_MAX) {
		TH_LOG("stack end - mmap top %#lx, rlimit + guard %#llx",
		       hx(p.stack_end - p.mmap_hi),
		       (unsigned long long)(e.rlim + r.guard_gap));
		EXPECT_LE(e.rlim + r.guard_gap,
			  (uint64_t)(p.stack_end - p.mmap_hi));
	}
}

/* The usual default: top-down, 128 MiB minimum gap. */
TEST(mmap_layout_topdown_default_stack)
{
	const struct layout_case c = { .stack = STK_DEFAULT };

	layout_check(_metadata, &c);
}

TEST(mmap_layout_topdown_stack_1m_min_gap)
{
	const struct layout_case c = { .stack = STK_1M };

	layout_check(_metadata, &c);
}

TEST(mmap_layout_topdown_stack_1g)
{
	const struct layout_case c = { .stack = STK_1G };

	layout_check(_metadata, &c);
}

/* A finite rlimit beyond STACK_TOP: the gap stops at 5/6 of it. */
TEST(mmap_layout_topdown_stack_huge_max_gap)
{
	const struct layout_case c = { .stack = STK_HUGE };

	layout_check(_metadata, &c);
}

TEST(mmap_layout_topdown_randomized)
{
	const struct layout_case c = {
		.stack = STK_DEFAULT, .randomize = true,
	};

	layout_check(_metadata, &c);
}

TEST(mmap_layout_legacy_sysctl)
{
	const struct layout_case c = {
		.stack = STK_DEFAULT, .legacy_sysctl = true,
	};

	layout_check(_metadata, &c);
}

TEST(mmap_layout_legacy_addr_compat_layout)
{
	const struct layout_case c = {
		.stack = STK_DEFAULT, .compat_layout = true,
	};

	layout_check(_metadata, &c);
}

TEST(mmap_layout_legacy_addr_compat_layout_randomized)
{
	const struct layout_case c = {
		.stack = STK_DEFAULT, .compat_layout = true, .randomize = true,
	};

	layout_check(_metadata, &c);
}

/* Legacy on generic mm/util.c, top-down at the 5/6 gap on x86. */
TEST(mmap_layout_stack_rlimit_unlimited)
{
	const struct layout_case c = { .stack = STK_UNLIMITED };

	layout_check(_metadata, &c);
}

#include "vas_main.h"
