// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_layout: the kernel side of the user/kernel split, as the vas_probe
 * helper module (kmod/) reports it, checked against what user space probes
 * and against the architecture's documented layout:
 *
 *   x86_64  Documentation/arch/x86/x86_64/mm.rst (6.1:
 *           Documentation/x86/x86_64/mm.rst), arch/x86/mm/kaslr.c
 *   i386    arch/x86/Kconfig (VMSPLIT_*), arch/x86/include/asm/
 *           pgtable_32_areas.h, Documentation/mm/highmem.rst
 *   arm64   Documentation/arch/arm64/memory.rst (6.1:
 *           Documentation/arm64/memory.rst), arch/arm64/include/asm/memory.h
 *   armhf   Documentation/arch/arm/memory.rst (6.1:
 *           Documentation/arm/memory.rst)
 *
 * Every test needs the module: it is loaded when missing (root), and the
 * tests SKIP with a fixed reason when it cannot be had. The last tests feed
 * the module bad requests, as root and unprivileged, and check that they
 * get the documented error codes and leave nothing in the kernel log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"
#include "vas_kmod.h"

#define KIB		1024ULL
#define MIB		(1024 * KIB)
#define GIB		(1024 * MIB)
#define TIB		(1024 * GIB)
#define PIB		(1024 * TIB)

#define SKIP_NO_RULE	"no documented layout rule for this architecture"
#define SKIP_32BIT_KERN	"no canonical halves on a 32-bit kernel"
#define SKIP_NO_VMEMMAP	"no SPARSEMEM_VMEMMAP"
#define SKIP_NO_HIGHMEM	"no HighMem (CONFIG_HIGHMEM off)"
#define SKIP_HIGHMEM_PG	"no HighMem page could be allocated"
#define SKIP_COMPAT	"32-bit task on a 64-bit kernel"

/*
 * The documented layout of one architecture and paging mode. Zero means
 * "not fixed by the documentation" (or not reported).
 */
struct arch_rule {
	const char *name;
	uint32_t arch;			/* VAS_PROBE_ARCH_* */
	unsigned int levels;		/* 0: any */
	const char *doc;
	unsigned int va_bits;		/* width of each half */
	unsigned int max_physmem_bits;
	bool vmalloc_end_inclusive;	/* VMALLOC_END is the last byte */
	uint64_t page_offset_default;	/* without KASLR */
	uint64_t vmalloc_default;
	uint64_t vmemmap_default;
	uint64_t directmap_size;	/* documented region sizes */
	uint64_t vmalloc_size;
	uint64_t vmemmap_size;
	uint64_t kimage_start;
	uint64_t modules_end;
};

static const struct arch_rule rules[] = {
	{
		/* mm.rst: "Complete virtual memory map with 4-level page tables" */
		.name = "x86_64 4-level", .arch = VAS_PROBE_ARCH_X86_64,
		.levels = 4, .doc = "Documentation/arch/x86/x86_64/mm.rst",
		.va_bits = 47, .max_physmem_bits = 46,
		.vmalloc_end_inclusive = true,
		.page_offset_default = 0xffff888000000000ULL,
		.vmalloc_default = 0xffffc90000000000ULL,
		.vmemmap_default = 0xffffea0000000000ULL,
		.directmap_size = 64 * TIB, .vmalloc_size = 32 * TIB,
		.vmemmap_size = 1 * TIB,
		.kimage_start = 0xffffffff80000000ULL,
		.modules_end = 0xffffffffff000000ULL,
	},
	{
		/* mm.rst: "Complete virtual memory map with 5-level page tables" */
		.name = "x86_64 5-level", .arch = VAS_PROBE_ARCH_X86_64,
		.levels = 5, .doc = "Documentation/arch/x86/x86_64/mm.rst",
		.va_bits = 56, .max_physmem_bits = 52,
		.vmalloc_end_inclusive = true,
		.page_offset_default = 0xff11000000000000ULL,
		.vmalloc_default = 0xffa0000000000000ULL,
		.vmemmap_default = 0xffd4000000000000ULL,
		.directmap_size = 32 * PIB, .vmalloc_size = 12800 * TIB,
		.vmemmap_size = PIB / 2,
		.kimage_start = 0xffffffff80000000ULL,
		.modules_end = 0xffffffffff000000ULL,
	},
	{
		.name = "i386", .arch = VAS_PROBE_ARCH_X86_32,
		.doc = "arch/x86/Kconfig VMSPLIT_*, asm/pgtable_32_areas.h",
		.va_bits = 32,
	},
	{
		.name = "arm64", .arch = VAS_PROBE_ARCH_ARM64,
		.doc = "Documentation/arch/arm64/memory.rst",
	},
	{
		.name = "arm", .arch = VAS_PROBE_ARCH_ARM,
		.doc = "Documentation/arch/arm/memory.rst", .va_bits = 32,
	},
};

static const struct arch_rule *rule_for(const struct vas_probe_layout *l)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].arch == l->arch &&
		    (!rules[i].levels || rules[i].levels == l->pgtable_levels))
			return &rules[i];
	return NULL;
}

/* What every test starts from: the module and its layout report. */
struct kl {
	int fd;
	struct vas_probe_layout l;
	const struct arch_rule *rule;	/* NULL: no rule for this arch */
	uint64_t page;
};

/* Fill k; NULL, or the fixed reason to SKIP with. */
static const char *kl_get(struct __test_metadata *_metadata, struct kl *k)
{
	const char *reason = NULL;

	memset(k, 0, sizeof(*k));
	k->fd = vas_kmod_open(&reason);
	if (k->fd < 0)
		return reason;
	ASSERT_EQ(0, vas_kmod_layout(k->fd, &k->l));
	k->rule = rule_for(&k->l);
	k->page = 1ULL << k->l.page_shift;
	ASSERT_EQ(vas_page_size(), k->page);
	return NULL;
}

static bool has(const struct kl *k, uint64_t bit)
{
	return (k->l.valid & bit) != 0;
}

/* ---- kernel regions ---- */

struct region {
	const char *name;
	uint64_t start;
	uint64_t last;		/* inclusive: a region may end at 2^64 */
};

#define REGIONS_MAX	16

/* The space the vmemmap needs for every pfn MAX_PHYSMEM_BITS allows. */
static uint64_t vmemmap_need(const struct kl *k)
{
	return (1ULL << (k->l.max_physmem_bits - k->l.page_shift)) *
	       k->l.struct_page_size;
}

/*
 * Once KASLR has moved it (arch/x86/mm/kaslr.c), the x86_64 vmemmap is
 * only as large as the direct map it describes: that map's size in TiB
 * (the RAM's, rounded up, plus CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING
 * for hotplug; at most 2^MAX_PHYSMEM_BITS), in struct pages, rounded up to
 * a TiB. The documented size would reach past 2^64 from a high base.
 * Without the kernel config, the most it can be: vmemmap_need().
 */
static uint64_t x86_64_randomized_vmemmap_size(const struct kl *k)
{
	uint64_t tb, pad, max_tb = 1ULL << (k->l.max_physmem_bits - 40);
	char val[32];

	if (vas_kconfig("CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING", val,
			sizeof(val)))
		return (vmemmap_need(k) + TIB - 1) / TIB * TIB;
	pad = strtoull(val, NULL, 0);
	tb = (k->l.high_memory - k->l.page_offset + TIB - 1) / TIB + pad;
	if (tb > max_tb)
		tb = max_tb;
	return ((tb << (40 - k->l.page_shift)) * k->l.struct_page_size +
		TIB - 1) / TIB * TIB;
}

static uint64_t vmemmap_last(const struct kl *k)
{
	if (has(k, VAS_PROBE_L_VMEMMAP_END))
		return k->l.vmemmap_end - 1;
	if (k->rule && k->rule->vmemmap_size &&
	    k->l.vmemmap_start != k->rule->vmemmap_default)
		return k->l.vmemmap_start +
		       x86_64_randomized_vmemmap_size(k) - 1;
	if (k->rule && k->rule->vmemmap_size)
		return k->l.vmemmap_start + k->rule->vmemmap_size - 1;
	return k->l.vmemmap_start + vmemmap_need(k) - 1;
}

static uint64_t vmalloc_last(const struct kl *k)
{
	return k->l.vmalloc_end -
	       (k->rule && k->rule->vmalloc_end_inclusive ? 0 : 1);
}

static void add_region(struct region *r, int *n, const char *name,
		       uint64_t start, uint64_t last)
{
	if (*n < REGIONS_MAX)
		r[(*n)++] = (struct region){ name, start, last };
}

/* Every kernel region the module reports, as [start, last]. */
static int kernel_regions(const struct kl *k, struct region *r)
{
	const struct vas_probe_layout *l = &k->l;
	int n = 0;

	add_region(r, &n, "direct map", l->page_offset, l->high_memory - 1);
	if (has(k, VAS_PROBE_L_VMALLOC))
		add_region(r, &n, "vmalloc", l->vmalloc_start, vmalloc_last(k));
	/* i386 puts modules in the vmalloc area itself. */
	if (has(k, VAS_PROBE_L_MODULES) &&
	    !(l->modules_vaddr == l->vmalloc_start &&
	      l->modules_end == l->vmalloc_end))
		add_region(r, &n, "modules", l->modules_vaddr,
			   l->modules_end - 1);
	if (has(k, VAS_PROBE_L_VMEMMAP))
		add_region(r, &n, "vmemmap", l->vmemmap_start, vmemmap_last(k));
	/* FIXADDR_TOP is the start of slot 0, the highest fixmap page. */
	if (has(k, VAS_PROBE_L_FIXMAP))
		add_region(r, &n, "fixmap", l->fixaddr_start,
			   l->fixaddr_top + k->page - 1);
	if (has(k, VAS_PROBE_L_KASAN))
		add_region(r, &n, "kasan shadow", l->kasan_shadow_start,
			   l->kasan_shadow_end - 1);
	if (has(k, VAS_PROBE_L_PKMAP))
		add_region(r, &n, "pkmap", l->pkmap_base,
			   l->pkmap_base + l->last_pkmap * k->page - 1);
	if (has(k, VAS_PROBE_L_KIMAGE))
		add_region(r, &n, "kernel image", l->kimage_start,
			   l->kimage_end - 1);
	return n;
}

static void log_regions(struct __test_metadata *_metadata,
			const struct region *r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		TH_LOG("%-13s [%#018llx, %#018llx]", r[i].name,
		       (unsigned long long)r[i].start,
		       (unsigned long long)r[i].last);
}

/*
 * The kernel half for the report's address space picture: the layout in
 * force, each region (last: its last byte) and the address of a core
 * kernel function (kfree), as vas-data lines.
 */
#define LAYOUT_FMT \
	"vas-data: kernel_layout arch=%s long_bits=%u page_shift=%u levels=%u va_bits=%u task_size=%#llx page_offset=%#llx high_memory=%#llx\n"

static void print_kernel_regions(const struct kl *k, const struct region *r,
				 int n)
{
	char name[32];
	size_t j;
	int i;

	ksft_print_msg(LAYOUT_FMT, vas_kmod_arch_name(k->l.arch), k->l.long_bits,
		       k->l.page_shift, k->l.pgtable_levels, k->l.va_bits,
		       (unsigned long long)k->l.task_size,
		       (unsigned long long)k->l.page_offset,
		       (unsigned long long)k->l.high_memory);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s", r[i].name);
		for (j = 0; name[j]; j++)
			if (name[j] == ' ')
				name[j] = '_';
		ksft_print_msg("vas-data: region side=kernel name=%s start=%#llx last=%#llx\n",
			       name, (unsigned long long)r[i].start,
			       (unsigned long long)r[i].last);
	}
	if (k->l.kaslr.kernel_text)
		ksft_print_msg("vas-data: address side=kernel name=kfree addr=%#llx\n",
			       (unsigned long long)k->l.kaslr.kernel_text);
}

/* ---- /proc/iomem: the physical RAM ---- */

struct ram {
	int n;
	uint64_t start[256], last[256];
};

/* Top-level "System RAM" ranges; false when unreadable or hidden. */
static bool read_ram(struct ram *ram)
{
	static char buf[256 * 1024];
	unsigned long long a, b;
	char *line, *save;

	ram->n = 0;
	if (vas_read_file("/proc/iomem", buf, sizeof(buf)) <= 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == ' ' || !strstr(line, ": System RAM"))
			continue;
		if (sscanf(line, "%llx-%llx", &a, &b) != 2 ||
		    ram->n >= (int)ARRAY_SIZE(ram->start))
			continue;
		ram->start[ram->n] = a;
		ram->last[ram->n] = b;
		ram->n++;
	}
	/* Without CAP_SYS_ADMIN every address reads as 0. */
	return ram->n > 0 && ram->last[ram->n - 1] != 0;
}

static bool ram_contains(const struct ram *ram, uint64_t pa)
{
	int i;

	for (i = 0; i < ram->n; i++)
		if (pa >= ram->start[i] && pa <= ram->last[i])
			return true;
	return false;
}

static uint64_t ram_lowest(const struct ram *ram)
{
	uint64_t lo = UINT64_MAX;
	int i;

	for (i = 0; i < ram->n; i++)
		if (ram->start[i] < lo)
			lo = ram->start[i];
	return lo;
}

static uint64_t ram_end(const struct ram *ram)
{
	uint64_t end = 0;
	int i;

	for (i = 0; i < ram->n; i++)
		if (ram->last[i] + 1 > end)
			end = ram->last[i] + 1;
	return end;
}

/* ---- the module itself ---- */

TEST(module_info_matches_system)
{
	const char *why;
	const char *m = vas_kernel_machine();
	struct vas_probe_info info;
	struct stat st;
	uint32_t want;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, vas_kmod_info(k.fd, &info));
	TH_LOG("module: ABI %u, arch %s, %u-bit, page %u%s", info.abi,
	       vas_kmod_arch_name(info.arch), info.long_bits, info.page_size,
	       vas_kmod_loaded_here() ? ", loaded by this run" : "");
	EXPECT_EQ((uint32_t)VAS_PROBE_ABI, info.abi);
	EXPECT_EQ(vas_page_size(), info.page_size);
	EXPECT_EQ(info.arch, k.l.arch);
	EXPECT_EQ(info.long_bits, k.l.long_bits);

	if (!strcmp(m, "x86_64"))
		want = VAS_PROBE_ARCH_X86_64;
	else if (m[0] == 'i' && !strcmp(m + 2, "86"))
		want = VAS_PROBE_ARCH_X86_32;
	else if (!strcmp(m, "aarch64"))
		want = VAS_PROBE_ARCH_ARM64;
	else if (!strncmp(m, "arm", 3))
		want = VAS_PROBE_ARCH_ARM;
	else
		want = VAS_PROBE_ARCH_OTHER;
	/* A 32-bit task on a 64-bit kernel sees the kernel's machine. */
	if (strcmp(m, "armv8l"))
		EXPECT_EQ(want, info.arch) TH_LOG("uname -m: %s", m);

	/* Root only: a 0600 character device owned by root. */
	if (stat(VAS_PROBE_DEVICE, &st) == 0) {
		EXPECT_TRUE(S_ISCHR(st.st_mode));
		EXPECT_EQ(0600U, st.st_mode & 07777);
		EXPECT_EQ(0U, st.st_uid);
	}
}

/* ---- the split ---- */

TEST(task_size_matches_probe)
{
	const char *why;
	struct vas_probe_mm mm;
	uint64_t top;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	top = vas_probe_user_top();
	if (!top) {
		/* Every page is mappable: a 32-bit task with 4 GiB. */
		ASSERT_TRUE(vas_fixed_noreplace_works())
			TH_LOG("MAP_FIXED_NOREPLACE not honoured");
		top = (uint64_t)UINTPTR_MAX + 1;
	}
	TH_LOG("module TASK_SIZE %#llx (TASK_SIZE_MAX %#llx), probed top %#llx",
	       (unsigned long long)k.l.task_size,
	       (unsigned long long)k.l.task_size_max,
	       (unsigned long long)top);
	EXPECT_EQ(k.l.task_size, top);
	if (has(&k, VAS_PROBE_L_TASK_SIZE_MAX))
		EXPECT_LE(k.l.task_size, k.l.task_size_max);
	ASSERT_EQ(0, vas_kmod_mm(k.fd, &mm));
	EXPECT_EQ(k.l.task_size, mm.task_size);
}

TEST(regions_above_task_size)
{
	const char *why;
	struct region r[REGIONS_MAX];
	struct kl k;
	int n, i;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	n = kernel_regions(&k, r);
	log_regions(_metadata, r, n);
	print_kernel_regions(&k, r, n);
	ASSERT_GT(n, 1);
	for (i = 0; i < n; i++) {
		EXPECT_LE(k.l.task_size, r[i].start)
			TH_LOG("%s starts below TASK_SIZE", r[i].name);
		EXPECT_LT(r[i].start, r[i].last)
			TH_LOG("%s is empty or wraps", r[i].name);
	}
}

TEST(regions_do_not_overlap)
{
	const char *why;
	struct region r[REGIONS_MAX], t;
	struct kl k;
	int n, i, j;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	n = kernel_regions(&k, r);
	for (i = 1; i < n; i++)		/* insertion sort by start */
		for (j = i; j > 0 && r[j].start < r[j - 1].start; j--) {
			t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	log_regions(_metadata, r, n);
	for (i = 1; i < n; i++)
		EXPECT_LT(r[i - 1].last, r[i].start)
			TH_LOG("%s overlaps %s", r[i - 1].name, r[i].name);
}

TEST(regions_in_canonical_upper_half)
{
	const char *why;
	struct region r[REGIONS_MAX];
	uint64_t half;
	struct kl k;
	int n, i;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	if (k.l.long_bits != 64)
		SKIP(return, SKIP_32BIT_KERN);
	ASSERT_GT(k.l.va_bits, 31U);
	ASSERT_LT(k.l.va_bits, 64U);
	/* Top bits all ones: at or above 2^64 - 2^va_bits. */
	half = ~((1ULL << k.l.va_bits) - 1);
	TH_LOG("upper half from %#llx (%u-bit halves)",
	       (unsigned long long)half, k.l.va_bits);
	n = kernel_regions(&k, r);
	for (i = 0; i < n; i++)
		EXPECT_LE(half, r[i].start)
			TH_LOG("%s at %#llx is not in the upper half",
			       r[i].name, (unsigned long long)r[i].start);
}

/* ---- the direct map and where allocations land ---- */

TEST(direct_map_is_linear)
{
	const char *why;
	struct vas_probe_addrs a;
	const struct vas_probe_addr *p[2];
	struct ram ram;
	struct kl k;
	int i;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, vas_kmod_addrs(k.fd, &a));
	ASSERT_TRUE(has(&k, VAS_PROBE_L_PHYS_OFFSET));
	p[0] = &a.kmalloc;
	p[1] = &a.lowmem_page;
	for (i = 0; i < 2; i++) {
		TH_LOG("%s: kva %#llx pa %#llx linear %#llx flags %#x",
		       i ? "lowmem page" : "kmalloc",
		       (unsigned long long)p[i]->kva,
		       (unsigned long long)p[i]->pa,
		       (unsigned long long)p[i]->linear, p[i]->flags);
		ASSERT_TRUE(!!(p[i]->flags & VAS_PROBE_A_PA));
		ASSERT_TRUE(!!(p[i]->flags & VAS_PROBE_A_LINEAR));
		EXPECT_TRUE(!!(p[i]->flags & VAS_PROBE_A_VIRT_ADDR_VALID));
		EXPECT_FALSE(!!(p[i]->flags & VAS_PROBE_A_VMALLOC_ADDR));
		EXPECT_FALSE(!!(p[i]->flags & VAS_PROBE_A_HIGHMEM));
		/* KVA - PAGE_OFFSET = PA - the RAM start mapped there. */
		EXPECT_EQ(p[i]->pa - k.l.phys_offset,
			  p[i]->kva - k.l.page_offset);
		EXPECT_EQ(p[i]->kva, p[i]->linear);
		EXPECT_LE(k.l.page_offset, p[i]->kva);
		EXPECT_GT(k.l.high_memory, p[i]->kva);
	}
	/* x86 maps physical address 0 at PAGE_OFFSET (mm.rst). */
	if (k.l.arch == VAS_PROBE_ARCH_X86_64 ||
	    k.l.arch == VAS_PROBE_ARCH_X86_32)
		EXPECT_EQ(0ULL, k.l.phys_offset);
	if (read_ram(&ram)) {
		TH_LOG("System RAM from %#llx to %#llx, phys_offset %#llx",
		       (unsigned long long)ram_lowest(&ram),
		       (unsigned long long)ram_end(&ram),
		       (unsigned long long)k.l.phys_offset);
		/*
		 * Signed: arm64's PHYS_OFFSET is the s64 memstart_addr,
		 * which randomizing the linear map (arm64_memblock_init()
		 * in arch/arm64/mm/init.c) lowers, below 0 when the
		 * offset exceeds the RAM's start.
		 */
		EXPECT_LE((long long)k.l.phys_offset,
			  (long long)ram_lowest(&ram));
		EXPECT_TRUE(ram_contains(&ram, a.kmalloc.pa));
		EXPECT_TRUE(ram_contains(&ram, a.lowmem_page.pa));
	}
}

TEST(vmalloc_in_vmalloc_area)
{
	const char *why;
	const struct vas_probe_addr *v;
	struct vas_probe_addrs a;
	struct ram ram;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_TRUE(has(&k, VAS_PROBE_L_VMALLOC));
	ASSERT_EQ(0, vas_kmod_addrs(k.fd, &a));
	v = &a.vmalloc;
	TH_LOG("vmalloc: kva %#llx pa %#llx linear %#llx flags %#x; area [%#llx, %#llx]",
	       (unsigned long long)v->kva, (unsigned long long)v->pa,
	       (unsigned long long)v->linear, v->flags,
	       (unsigned long long)k.l.vmalloc_start,
	       (unsigned long long)vmalloc_last(&k));
	EXPECT_LE(k.l.vmalloc_start, v->kva);
	EXPECT_GE(vmalloc_last(&k), v->kva);
	EXPECT_TRUE(!!(v->flags & VAS_PROBE_A_VMALLOC_ADDR));
	EXPECT_FALSE(!!(v->flags & VAS_PROBE_A_VIRT_ADDR_VALID));
	ASSERT_TRUE(!!(v->flags & VAS_PROBE_A_PA));
	/* Not linearly mapped: its address is not PAGE_OFFSET + its PA. */
	EXPECT_NE(v->pa - k.l.phys_offset, v->kva - k.l.page_offset);
	if (v->flags & VAS_PROBE_A_LINEAR) {
		EXPECT_NE(v->kva, v->linear);
		EXPECT_LE(k.l.page_offset, v->linear);
		EXPECT_GT(k.l.high_memory, v->linear);
	}
	if (read_ram(&ram))
		EXPECT_TRUE(ram_contains(&ram, v->pa));
}

TEST(module_text_in_module_area)
{
	const char *why;
	const struct vas_probe_addr *t;
	struct vas_probe_addrs a;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_TRUE(has(&k, VAS_PROBE_L_MODULES));
	ASSERT_EQ(0, vas_kmod_addrs(k.fd, &a));
	t = &a.module_text;
	TH_LOG("module text %#llx (pa %#llx); modules [%#llx, %#llx)",
	       (unsigned long long)t->kva, (unsigned long long)t->pa,
	       (unsigned long long)k.l.modules_vaddr,
	       (unsigned long long)k.l.modules_end);
	if (k.l.arch == VAS_PROBE_ARCH_ARM64) {
		/*
		 * arm64 (6.1: arch/arm64/kernel/kaslr.c, module.c) takes
		 * modules from [module_alloc_base, + 2 GiB) in the vmalloc
		 * area, the base in [_end - 2 GiB, _stext) with KASLR
		 * (_etext - MODULES_VSIZE without): module code always
		 * lies within 2 GiB of the kernel's text, not in
		 * [MODULES_VADDR, MODULES_END), which only bounds it
		 * without KASLR. Since 6.5 the 2 GiB window that holds
		 * the kernel image is MODULES_VADDR..MODULES_END.
		 */
		uint64_t text = k.l.kaslr.kernel_text;
		uint64_t dist = t->kva > text ? t->kva - text : text - t->kva;

		TH_LOG("kernel text %#llx, %#llx away",
		       (unsigned long long)text, (unsigned long long)dist);
		EXPECT_LT(dist, 1ULL << 31);
		if (t->kva < k.l.modules_vaddr || t->kva >= k.l.modules_end) {
			EXPECT_LE(k.l.vmalloc_start, t->kva);
			EXPECT_GE(vmalloc_last(&k), t->kva);
		}
	} else {
		EXPECT_LE(k.l.modules_vaddr, t->kva);
		EXPECT_GT(k.l.modules_end, t->kva);
	}
	EXPECT_FALSE(!!(t->flags & VAS_PROBE_A_VIRT_ADDR_VALID));
	EXPECT_TRUE(!!(t->flags & VAS_PROBE_A_PA));
}

TEST(vmalloc_total_matches_meminfo)
{
	const char *why;
	unsigned long long total;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_TRUE(has(&k, VAS_PROBE_L_VMALLOC));
	ASSERT_EQ(0, vas_proc_value("/proc/meminfo", "VmallocTotal", &total));
	/* fs/proc/meminfo.c: (VMALLOC_END - VMALLOC_START) >> 10. */
	EXPECT_EQ((k.l.vmalloc_end - k.l.vmalloc_start) >> 10, total);
}

/* ---- lowmem, HighMem and zones ---- */

/* Sum of the present pages of the module's zones named name. */
static uint64_t zone_present(const struct vas_probe_zone *z, int n,
			     const char *name, bool *seen)
{
	uint64_t sum = 0;
	int i;

	*seen = false;
	for (i = 0; i < n; i++)
		if (!strcmp(z[i].name, name)) {
			*seen = true;
			sum += z[i].present;
		}
	return sum;
}

#define ZONES_MAX	256

TEST(high_memory_covers_lowmem)
{
	const char *why;
	static struct vas_probe_zone z[ZONES_MAX];
	uint64_t lowmem, highmem, ram_bytes;
	struct ram ram;
	bool seen;
	struct kl k;
	int n;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	n = vas_kmod_zones(k.fd, z, ZONES_MAX);
	ASSERT_GT(n, 0);
	ASSERT_LE(n, ZONES_MAX);
	lowmem = k.l.high_memory - k.l.page_offset;
	highmem = zone_present(z, n, "HighMem", &seen);
	ram_bytes = k.l.totalram_pages << k.l.page_shift;
	TH_LOG("high_memory %#llx: lowmem %llu MiB, RAM %llu MiB, HighMem %llu MiB",
	       (unsigned long long)k.l.high_memory,
	       (unsigned long long)(lowmem / MIB),
	       (unsigned long long)(ram_bytes / MIB),
	       (unsigned long long)((highmem << k.l.page_shift) / MIB));
	ASSERT_LT(k.l.page_offset, k.l.high_memory);

	if (k.l.long_bits == 64) {
		/* All RAM is lowmem: the linear map reaches max_pfn. */
		EXPECT_FALSE(seen) TH_LOG("a HighMem zone on a 64-bit kernel");
		EXPECT_LE(k.l.max_pfn << k.l.page_shift,
			  lowmem + k.l.phys_offset);
		if (read_ram(&ram))
			EXPECT_LE(ram_end(&ram), lowmem + k.l.phys_offset);
		return;
	}
	/* 32-bit: lowmem ends below the vmalloc area (8 MiB gap on x86). */
	if (has(&k, VAS_PROBE_L_VMALLOC))
		EXPECT_LE(k.l.high_memory, k.l.vmalloc_start);
	if (k.l.arch == VAS_PROBE_ARCH_X86_32)
		EXPECT_EQ(k.l.high_memory + 8 * MIB, k.l.vmalloc_start);
	/* More RAM than the lowmem window: the rest is HighMem. */
	if (ram_bytes > lowmem) {
		EXPECT_TRUE(seen);
		EXPECT_TRUE(has(&k, VAS_PROBE_L_PKMAP));
		EXPECT_LT(0ULL, highmem);
	}
	if (highmem)
		EXPECT_TRUE(has(&k, VAS_PROBE_L_PKMAP));
}

TEST(lowmem_page_address_is_va_of_pa)
{
	const char *why;
	struct vas_probe_addrs a;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, vas_kmod_addrs(k.fd, &a));
	ASSERT_FALSE(!!(a.lowmem_page.flags & VAS_PROBE_A_HIGHMEM));
	ASSERT_TRUE(!!(a.lowmem_page.flags & VAS_PROBE_A_LINEAR));
	EXPECT_NE(0ULL, a.lowmem_page.kva);
	EXPECT_EQ(a.lowmem_page.linear, a.lowmem_page.kva);
	/* kmap() of a lowmem page is its permanent address. */
	EXPECT_EQ(a.lowmem_page.kva, a.lowmem_page.kmap);
}

TEST(highmem_page_kmapped_in_pkmap)
{
	const char *why;
	const struct vas_probe_addr *h;
	struct vas_probe_addrs a;
	uint64_t end;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	if (!has(&k, VAS_PROBE_L_PKMAP))
		SKIP(return, SKIP_NO_HIGHMEM);
	ASSERT_EQ(0, vas_kmod_addrs(k.fd, &a));
	h = &a.highmem_page;
	if (!(h->flags & VAS_PROBE_A_HIGHMEM))
		SKIP(return, SKIP_HIGHMEM_PG);
	end = k.l.pkmap_base + k.l.last_pkmap * k.page;
	TH_LOG("HighMem page pa %#llx: page_address %#llx, kmap %#llx, PKMAP [%#llx, %#llx)",
	       (unsigned long long)h->pa, (unsigned long long)h->kva,
	       (unsigned long long)h->kmap,
	       (unsigned long long)k.l.pkmap_base, (unsigned long long)end);
	/*
	 * No permanent kernel address (highmem.rst): page_address() is
	 * NULL, or, while a PKMAP slot still holds the page, that slot.
	 * kunmap() releases slots lazily (mm/highmem.c: a count of 1 is
	 * "mapped, unused", cleared only by flush_all_zero_pkmaps() when
	 * the window wraps), so a page kmapped before, freed and
	 * allocated again keeps its kmap address.
	 */
	if (h->kva)
		EXPECT_EQ(h->kmap, h->kva);
	EXPECT_FALSE(!!(h->flags & VAS_PROBE_A_LINEAR));
	EXPECT_LE(k.l.pkmap_base, h->kmap);
	EXPECT_GT(end, h->kmap);
	EXPECT_LE(k.l.high_memory - k.l.page_offset + k.l.phys_offset, h->pa);
}

/* ---- paging ---- */

/* Width of the probed user half: bits needed for its last address. */
static unsigned int probed_va_bits(void)
{
	uint64_t top = vas_probe_user_top();

	return top ? 64 - __builtin_clzll(top - 1) : 0;
}

TEST(pgtable_levels_match_va_bits)
{
	const char *why;
	unsigned int probed = 0, want;
	char val[16];
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	if (sizeof(long) == 8)
		probed = probed_va_bits();
	TH_LOG("%s: %u levels, %u-bit halves, PGDIR_SHIFT %u, probed user VA %u bits",
	       vas_kmod_arch_name(k.l.arch), k.l.pgtable_levels, k.l.va_bits,
	       k.l.pgdir_shift, probed);

	switch (k.l.arch) {
	case VAS_PROBE_ARCH_X86_64:
		/* mm.rst: 4 levels <-> 47 bits, 5 levels <-> 56 bits. */
		EXPECT_EQ(k.l.pgtable_levels == 5 ? 56U : 47U, k.l.va_bits);
		EXPECT_TRUE(k.l.pgtable_levels == 4 || k.l.pgtable_levels == 5);
		EXPECT_EQ(k.l.pgtable_levels == 5 ? 48U : 39U, k.l.pgdir_shift);
		break;
	case VAS_PROBE_ARCH_ARM64:
		/* ARM64_HW_PGTABLE_LEVELS(va) = (va - 4) / (PAGE_SHIFT - 3) */
		EXPECT_EQ((k.l.va_bits - 4) / (k.l.page_shift - 3),
			  k.l.pgtable_levels);
		break;
	case VAS_PROBE_ARCH_X86_32:
		/* PAE: 3 levels (and 36 physical bits), else 2. */
		if (vas_kconfig("CONFIG_X86_PAE", val, sizeof(val)) == 0)
			want = 3;
		else if (has(&k, VAS_PROBE_L_MAX_PHYSMEM))
			want = k.l.max_physmem_bits == 36 ? 3 : 2;
		else
			want = 0;
		if (want)
			EXPECT_EQ(want, k.l.pgtable_levels);
		EXPECT_EQ(32U, k.l.va_bits);
		break;
	case VAS_PROBE_ARCH_ARM:
		/* LPAE: 3 levels, else 2. */
		if (vas_kconfig("CONFIG_ARM_LPAE", val, sizeof(val)) == 0)
			EXPECT_EQ(3U, k.l.pgtable_levels);
		EXPECT_TRUE(k.l.pgtable_levels == 2 || k.l.pgtable_levels == 3);
		break;
	default:
		SKIP(return, SKIP_NO_RULE);
	}
	/* The user half a 64-bit task probes is as wide as the kernel says. */
	if (k.l.long_bits == 64 && sizeof(long) == 8)
		EXPECT_EQ(k.l.va_bits, probed);
}

/* ---- per-architecture documented anchors ---- */

static void anchors_x86_64(struct __test_metadata *_metadata,
			   const struct kl *k)
{
	const struct vas_probe_kaslr *ks = &k->l.kaslr;
	const struct arch_rule *r = k->rule;
	const struct vas_probe_layout *l = &k->l;
	uint64_t kimage_size = l->kimage_end - l->kimage_start;

	/* The module's defaults are the documented ones. */
	ASSERT_TRUE(!!(ks->flags & VAS_PROBE_K_BASES));
	EXPECT_EQ(r->page_offset_default, ks->page_offset_default);
	EXPECT_EQ(r->vmalloc_default, ks->vmalloc_default);
	EXPECT_EQ(r->vmemmap_default, ks->vmemmap_default);
	EXPECT_EQ(l->page_offset, ks->page_offset_base);
	EXPECT_EQ(l->vmalloc_start, ks->vmalloc_base);
	EXPECT_EQ(l->vmemmap_start, ks->vmemmap_base);
	if (!(ks->flags & VAS_PROBE_K_BASES_RANDOMIZED)) {
		EXPECT_EQ(r->page_offset_default, l->page_offset);
		EXPECT_EQ(r->vmalloc_default, l->vmalloc_start);
		EXPECT_EQ(r->vmemmap_default, l->vmemmap_start);
	} else {
		/*
		 * arch/x86/mm/kaslr.c: the three regions keep their order,
		 * start at the direct map's default base and are PUD-aligned.
		 */
		EXPECT_LE(r->page_offset_default, l->page_offset);
		EXPECT_LT(l->page_offset, l->vmalloc_start);
		EXPECT_LT(l->vmalloc_start, l->vmemmap_start);
		EXPECT_EQ(0ULL, l->page_offset & (GIB - 1));
		EXPECT_EQ(0ULL, l->vmalloc_start & (GIB - 1));
		EXPECT_EQ(0ULL, l->vmemmap_start & (GIB - 1));
	}
	/* Region sizes: vmalloc 32 TB / 12.5 PB, its end the last byte. */
	EXPECT_EQ(r->vmalloc_size, l->vmalloc_end - l->vmalloc_start + 1);
	EXPECT_GE(r->directmap_size, l->high_memory - l->page_offset);
	EXPECT_GE(r->vmemmap_size, vmemmap_need(k));
	/* Kernel text mapping at -2 GB, 512 MB (1 GB with KASLR). */
	ASSERT_TRUE(has(k, VAS_PROBE_L_KIMAGE));
	EXPECT_EQ(r->kimage_start, l->kimage_start);
	EXPECT_TRUE(kimage_size == 512 * MIB || kimage_size == GIB)
		TH_LOG("KERNEL_IMAGE_SIZE %#llx", (unsigned long long)kimage_size);
	/* Modules right after it, up to -16 MB (-32 MB: KMAP_LOCAL debug). */
	EXPECT_EQ(l->kimage_end, l->modules_vaddr);
	EXPECT_TRUE(l->modules_end == r->modules_end ||
		    l->modules_end == r->modules_end - 16 * MIB);
	/* The fixmap follows and holds the vsyscall page. */
	ASSERT_TRUE(has(k, VAS_PROBE_L_FIXMAP));
	EXPECT_LE(l->modules_end, l->fixaddr_start);
	EXPECT_LE(l->fixaddr_start, 0xffffffffff600000ULL);
	EXPECT_GT(l->fixaddr_top + k->page, 0xffffffffff600000ULL);
	EXPECT_EQ(r->max_physmem_bits, l->max_physmem_bits);
}

static void anchors_x86_32(struct __test_metadata *_metadata,
			   const struct kl *k)
{
	const struct vas_probe_layout *l = &k->l;

	/* arch/x86/Kconfig: VMSPLIT_3G, 3G_OPT, 2G, 2G_OPT, 1G. */
	EXPECT_TRUE(l->page_offset == 0xC0000000ULL ||
		    l->page_offset == 0xB0000000ULL ||
		    l->page_offset == 0x80000000ULL ||
		    l->page_offset == 0x78000000ULL ||
		    l->page_offset == 0x40000000ULL)
		TH_LOG("PAGE_OFFSET %#llx", (unsigned long long)l->page_offset);
	if (sizeof(long) == 4)
		EXPECT_EQ(l->page_offset, l->task_size);
	/* pgtable_32_areas.h: modules share the vmalloc area ... */
	EXPECT_EQ(l->vmalloc_start, l->modules_vaddr);
	EXPECT_EQ(l->vmalloc_end, l->modules_end);
	/* ... which ends two pages below the PKMAP window. */
	if (has(k, VAS_PROBE_L_PKMAP)) {
		EXPECT_EQ(l->pkmap_base - 2 * k->page, l->vmalloc_end);
		EXPECT_EQ(l->pgtable_levels == 3 ? 512ULL : 1024ULL, l->last_pkmap);
	}
	EXPECT_GT(1ULL << 32, l->fixaddr_top);
}

static void anchors_arm64(struct __test_metadata *_metadata,
			  const struct kl *k)
{
	const struct vas_probe_layout *l = &k->l;
	uint64_t modules = l->modules_end - l->modules_vaddr;

	/* memory.rst: the linear map starts at -2^VA_BITS ... */
	EXPECT_EQ(~((1ULL << l->va_bits) - 1), l->page_offset);
	/* ... and covers half the kernel VA (without KASAN, VA_BITS < 52). */
	if (has(k, VAS_PROBE_L_LINEAR_END) && !has(k, VAS_PROBE_L_KASAN) &&
	    l->va_bits < 52)
		EXPECT_EQ(1ULL << (l->va_bits - 1),
			  l->linear_end - l->page_offset);
	/* Modules: 128 MiB until 6.5, 2 GiB since; vmalloc follows. */
	EXPECT_EQ(vas_kernel_at_least(6, 5) ? 2 * GIB : 128 * MIB, modules);
	EXPECT_EQ(l->modules_end, l->vmalloc_start);
	EXPECT_TRUE(has(k, VAS_PROBE_L_VMEMMAP_END));
}

static void anchors_arm(struct __test_metadata *_metadata,
			const struct kl *k)
{
	const struct vas_probe_layout *l = &k->l;

	/* memory.rst: modules from TASK_SIZE, 16 MiB below PAGE_OFFSET. */
	if (sizeof(long) == 4)
		EXPECT_EQ(l->modules_vaddr, l->task_size);
	EXPECT_EQ(l->page_offset - 16 * MIB, l->modules_vaddr);
	/* With HighMem the top 2 MiB of it hold the PKMAP window. */
	if (has(k, VAS_PROBE_L_PKMAP)) {
		EXPECT_EQ(l->page_offset - 2 * MIB, l->modules_end);
		EXPECT_EQ(l->modules_end, l->pkmap_base);
	} else {
		EXPECT_EQ(l->page_offset, l->modules_end);
	}
	EXPECT_EQ(0xff800000ULL, l->vmalloc_end);
}

TEST(documented_anchors)
{
	const char *why;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	if (!k.rule)
		SKIP(return, SKIP_NO_RULE);
	TH_LOG("rule: %s (%s)", k.rule->name, k.rule->doc);
	switch (k.l.arch) {
	case VAS_PROBE_ARCH_X86_64:
		anchors_x86_64(_metadata, &k);
		break;
	case VAS_PROBE_ARCH_X86_32:
		anchors_x86_32(_metadata, &k);
		break;
	case VAS_PROBE_ARCH_ARM64:
		anchors_arm64(_metadata, &k);
		break;
	case VAS_PROBE_ARCH_ARM:
		anchors_arm(_metadata, &k);
		break;
	}
}

/* ---- sparsemem ---- */

TEST(vmemmap_covers_max_pfn)
{
	const char *why;
	uint64_t size, phys_limit;
	struct ram ram;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	if (!has(&k, VAS_PROBE_L_VMEMMAP))
		SKIP(return, SKIP_NO_VMEMMAP);
	ASSERT_TRUE(has(&k, VAS_PROBE_L_MAX_PHYSMEM));
	ASSERT_TRUE(has(&k, VAS_PROBE_L_SPARSEMEM));
	size = vmemmap_last(&k) - k.l.vmemmap_start + 1;
	TH_LOG("struct page %u bytes, max_pfn %#llx, vmemmap %#llx + %llu GiB",
	       k.l.struct_page_size, (unsigned long long)k.l.max_pfn,
	       (unsigned long long)k.l.vmemmap_start,
	       (unsigned long long)(size / GIB));
	TH_LOG("MAX_PHYSMEM_BITS %u, SECTION_SIZE_BITS %u",
	       k.l.max_physmem_bits, k.l.section_size_bits);
	/* A struct page is a few words, word-aligned. */
	EXPECT_LE(32U, k.l.struct_page_size);
	EXPECT_GE(256U, k.l.struct_page_size);
	EXPECT_EQ(0U, k.l.struct_page_size % (k.l.long_bits / 8));
	/* The vmemmap holds a struct page for every pfn below max_pfn. */
	EXPECT_LE(k.l.max_pfn, size / k.l.struct_page_size);
	/* MAX_PHYSMEM_BITS covers the highest RAM address. */
	ASSERT_LT(k.l.max_physmem_bits, 64U);
	phys_limit = 1ULL << k.l.max_physmem_bits;
	EXPECT_GE(phys_limit, k.l.max_pfn << k.l.page_shift);
	if (read_ram(&ram))
		EXPECT_GE(phys_limit, ram_end(&ram));
	if (k.rule && k.rule->max_physmem_bits)
		EXPECT_EQ(k.rule->max_physmem_bits, k.l.max_physmem_bits);
	/* A section is at least a page and at most the physical space. */
	EXPECT_LE(k.l.page_shift, k.l.section_size_bits);
	EXPECT_GE(k.l.max_physmem_bits, k.l.section_size_bits);
}

/* ---- the other requests, on this process ---- */

TEST(walk_own_pages)
{
	const char *why;
	struct vas_probe_pte e[5];
	size_t ps = vas_page_size();
	uint64_t pfn3;
	char *p;
	struct kl k;
	int i;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	p = mmap(NULL, 5 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)(p));
	madvise(p, 5 * ps, MADV_NOHUGEPAGE);
	ASSERT_EQ(0, munmap(p + 4 * ps, ps));
	p[0] = 1;				/* page 0: written */
	(void)__atomic_load_n(p + ps, __ATOMIC_RELAXED); /* page 1: read */
	p[3 * ps] = 1;				/* page 3: written, then */
	ASSERT_EQ(0, vas_kmod_walk(k.fd, (uintptr_t)p, 5, e));
	pfn3 = e[3].pfn;
	ASSERT_EQ(0, mprotect(p + 3 * ps, ps, PROT_NONE));	/* PROT_NONE */
	ASSERT_EQ(0, vas_kmod_walk(k.fd, (uintptr_t)p, 5, e));
	for (i = 0; i < 5; i++)
		TH_LOG("page %d: flags %#x valid %#x pfn %#llx level %u node %d zone %u",
		       i, e[i].flags, e[i].valid, (unsigned long long)e[i].pfn,
		       e[i].level, e[i].node, e[i].zone);

	/* Written: a present, writable, dirty, user page of its own. */
	EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_VMA));
	EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_MAPPED));
	if (e[0].valid & VAS_PROBE_PTE_PRESENT)
		EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_PRESENT));
	EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_WRITE));
	EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_DIRTY));
	if (e[0].valid & VAS_PROBE_PTE_USER)
		EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_USER));
	if (e[0].valid & VAS_PROBE_PTE_NOEXEC)
		EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_NOEXEC));
	EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_PAGE));
	EXPECT_FALSE(!!(e[0].flags & VAS_PROBE_PTE_ZERO));
	EXPECT_EQ(1, e[0].level);
	EXPECT_EQ(k.l.page_shift, e[0].leaf_shift);
	EXPECT_LE(0, e[0].node);
	EXPECT_GT(k.l.nr_zones, e[0].zone);
	EXPECT_LT(0ULL, e[0].pfn);
	/* Read only: the shared zero page, not writable. */
	EXPECT_TRUE(!!(e[1].flags & VAS_PROBE_PTE_MAPPED));
	EXPECT_TRUE(!!(e[1].flags & VAS_PROBE_PTE_ZERO));
	EXPECT_FALSE(!!(e[1].flags & VAS_PROBE_PTE_WRITE));
	/* Never touched: nothing there, but inside the VMA. */
	EXPECT_EQ(VAS_PROBE_PTE_VMA, e[2].flags);
	/* PROT_NONE: still mapped to the same page, not hardware-valid. */
	EXPECT_TRUE(!!(e[3].flags & VAS_PROBE_PTE_MAPPED));
	if (e[3].valid & VAS_PROBE_PTE_PRESENT)
		EXPECT_FALSE(!!(e[3].flags & VAS_PROBE_PTE_PRESENT));
	EXPECT_EQ(pfn3, e[3].pfn);
	/* Unmapped: no VMA, nothing. */
	EXPECT_EQ(0U, e[4].flags);
	munmap(p, 4 * ps);
}

#define SKIP_NO_THP	"transparent hugepages disabled"
#define SKIP_THP_ALLOC	"no transparent hugepage could be allocated"
#define THP_DIR		"/sys/kernel/mm/transparent_hugepage/"

/* A THP: one PMD leaf, every page of it with its own pfn in a row. */
TEST(walk_huge_page)
{
	const char *why;
	unsigned long long pmd_size;
	size_t ps = vas_page_size(), huge, n, i;
	struct vas_probe_pte *e;
	char mode[128];
	char *p, *a;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	if (vas_read_file(THP_DIR "enabled", mode, sizeof(mode)) <= 0 ||
	    strstr(mode, "[never]"))
		SKIP(return, SKIP_NO_THP);
	ASSERT_LT(0, vas_read_file(THP_DIR "hpage_pmd_size", mode,
				   sizeof(mode)));
	pmd_size = strtoull(mode, NULL, 10);
	ASSERT_LT(ps, pmd_size);
	huge = pmd_size;
	n = huge / ps;
	e = calloc(n, sizeof(*e));
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)(e));
	p = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)(p));
	a = (char *)vas_align_up((uintptr_t)p, huge);
	madvise(a, huge, MADV_HUGEPAGE);
	memset(a, 1, huge);
	ASSERT_EQ(0, vas_kmod_walk(k.fd, (uintptr_t)a, n, e));
	TH_LOG("%zu KiB at %p: flags %#x level %u leaf_shift %u pfn %#llx",
	       huge >> 10, a, e[0].flags, e[0].level, e[0].leaf_shift,
	       (unsigned long long)e[0].pfn);
	if (!(e[0].flags & VAS_PROBE_PTE_HUGE)) {
		munmap(p, 2 * huge);
		free(e);
		SKIP(return, SKIP_THP_ALLOC);
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(2U, e[i].level);
		ASSERT_EQ(pmd_size, 1ULL << e[i].leaf_shift);
		ASSERT_EQ(e[0].pfn + i, e[i].pfn);
		ASSERT_EQ(e[0].flags, e[i].flags);
	}
	EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_WRITE));
	EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_DIRTY));
	if (e[0].valid & VAS_PROBE_PTE_PRESENT)
		EXPECT_TRUE(!!(e[0].flags & VAS_PROBE_PTE_PRESENT));
	EXPECT_EQ(0ULL, e[0].pfn & (n - 1));
	munmap(p, 2 * huge);
	free(e);
}

TEST(vma_and_mm_of_self)
{
	const char *why;
	size_t ps = vas_page_size();
	struct vas_probe_mm m1, m2;
	const struct vas_map *vm;
	struct vas_probe_vma v;
	struct vas_map *maps;
	int n, tries, vmas = 0;
	char *p;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	p = mmap(NULL, 3 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)(p));

	/* The VMA is the maps line holding p, whatever merged into it. */
	ASSERT_EQ(0, vas_kmod_vma(k.fd, (uintptr_t)p + ps, &v));
	n = vas_read_maps(0, &maps);
	ASSERT_GT(n, 0);
	vm = vas_map_of(maps, n, (uintptr_t)p);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)(vm));
	EXPECT_EQ(vm->start, v.start);
	EXPECT_EQ(vm->end, v.end);
	free(maps);
	EXPECT_EQ(VAS_PROBE_VMA_READ | VAS_PROBE_VMA_WRITE,
		  v.vflags & (VAS_PROBE_VMA_READ | VAS_PROBE_VMA_WRITE |
			      VAS_PROBE_VMA_EXEC | VAS_PROBE_VMA_SHARED));
	EXPECT_TRUE(!!(v.vflags & VAS_PROBE_VMA_ANON));
	EXPECT_FALSE(!!(v.vflags & VAS_PROBE_VMA_FILE));

	/* madvise flags show up on the (now split-off) VMA. */
	ASSERT_EQ(0, madvise(p + ps, ps, MADV_DONTFORK));
	ASSERT_EQ(0, vas_kmod_vma(k.fd, (uintptr_t)p + ps, &v));
	EXPECT_EQ((uintptr_t)p + ps, v.start);
	EXPECT_EQ((uintptr_t)p + 2 * ps, v.end);
	EXPECT_TRUE(!!(v.vflags & VAS_PROBE_VMA_DONTCOPY));
	if (madvise(p + ps, ps, MADV_WIPEONFORK) == 0) {
		ASSERT_EQ(0, vas_kmod_vma(k.fd, (uintptr_t)p + ps, &v));
		EXPECT_TRUE(!!(v.vflags & VAS_PROBE_VMA_WIPEONFORK));
	}
	ASSERT_EQ(-ENOENT, vas_kmod_vma(k.fd, 0, &v));

	/*
	 * map_count: the VMAs maps lists; the gate VMA (get_gate_vma())
	 * that maps appends is not one: x86_64's [vsyscall], 32-bit
	 * ARM's [vectors] (arch/arm/kernel/process.c).
	 */
	for (tries = 0; tries < 8; tries++) {
		ASSERT_EQ(0, vas_kmod_mm(k.fd, &m1));
		n = vas_read_maps(0, &maps);
		ASSERT_GT(n, 0);
		vmas = n - !!vas_find_map(maps, n, "[vsyscall]") -
		       !!vas_find_map(maps, n, "[vectors]");
		free(maps);
		ASSERT_EQ(0, vas_kmod_mm(k.fd, &m2));
		if (m1.map_count == m2.map_count)
			break;
	}
	TH_LOG("map_count %llu, maps lines %d, total_vm %llu, anon_rss %llu",
	       (unsigned long long)m2.map_count, vmas,
	       (unsigned long long)m2.total_vm,
	       (unsigned long long)m2.anon_rss);
	EXPECT_EQ((uint64_t)vmas, m2.map_count);
	EXPECT_LT(0ULL, m2.total_vm);
	EXPECT_LE(m2.anon_rss + m2.file_rss + m2.shmem_rss, m2.hiwater_rss);
	EXPECT_LE(m2.total_vm, m2.hiwater_vm);
	EXPECT_LT(m2.start_code, m2.end_code);
	EXPECT_LE(m2.start_brk, m2.brk);
	munmap(p, 3 * ps);
}

TEST(nodes_and_zones_match_zoneinfo)
{
	const char *why;
	static struct vas_probe_zone z[ZONES_MAX];
	static struct vas_probe_node nodes[64];
	struct vas_zone *zi;
	int nn, nz, ni, i, j, matched = 0;
	uint64_t zsum;
	struct kl k;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	nn = vas_kmod_nodes(k.fd, nodes, ARRAY_SIZE(nodes));
	ASSERT_GT(nn, 0);
	ASSERT_LE(nn, (int)ARRAY_SIZE(nodes));
	ASSERT_EQ(nn, vas_kmod_nodes(k.fd, NULL, 0));
	nz = vas_kmod_zones(k.fd, z, ZONES_MAX);
	ASSERT_EQ(nn * (int)k.l.nr_zones, nz);
	ni = vas_read_zoneinfo(&zi);
	ASSERT_GT(ni, 0);

	for (i = 0; i < nz; i++) {
		for (j = 0; j < ni; j++)
			if (zi[j].node == z[i].nid &&
			    !strcmp(zi[j].name, z[i].name))
				break;
		if (j == ni) {
			/* zoneinfo skips zones of nodes it does not show. */
			EXPECT_EQ(0ULL, z[i].present)
				TH_LOG("node %d zone %s missing from zoneinfo",
				       z[i].nid, z[i].name);
			continue;
		}
		matched++;
		EXPECT_EQ(zi[j].spanned, z[i].spanned);
		EXPECT_EQ(zi[j].present, z[i].present);
		EXPECT_EQ(zi[j].managed, z[i].managed);
		if (z[i].spanned)
			EXPECT_EQ(zi[j].start_pfn, z[i].start_pfn);
	}
	free(zi);
	EXPECT_LT(0, matched);

	/* A node spans its zones; its present pages are theirs. */
	for (i = 0; i < nn; i++) {
		zsum = 0;
		for (j = 0; j < nz; j++)
			if (z[j].nid == nodes[i].nid)
				zsum += z[j].present;
		TH_LOG("node %d: start_pfn %#llx spanned %llu present %llu",
		       nodes[i].nid, (unsigned long long)nodes[i].start_pfn,
		       (unsigned long long)nodes[i].spanned,
		       (unsigned long long)nodes[i].present);
		EXPECT_EQ(zsum, nodes[i].present);
		EXPECT_LE(nodes[i].present, nodes[i].spanned);
		EXPECT_GE(k.l.max_pfn, nodes[i].start_pfn + nodes[i].spanned);
	}
}

TEST(kstack_offset_inside_stack)
{
	const char *why;
	struct vas_probe_kstack s;
	uint64_t lo = UINT64_MAX, hi = 0;
	struct kl k;
	int i;

	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	for (i = 0; i < 32; i++) {
		ASSERT_EQ(0, vas_kmod_kstack(k.fd, &s));
		ASSERT_LT(s.offset, s.thread_size);
		EXPECT_EQ(s.sp - s.stack_base, s.offset);
		if (s.offset < lo)
			lo = s.offset;
		if (s.offset > hi)
			hi = s.offset;
	}
	TH_LOG("stack %#llx + %u%s: handler frame at offsets %llu..%llu",
	       (unsigned long long)s.stack_base, s.thread_size,
	       s.kflags & VAS_PROBE_KS_VMAP_STACK ? " (vmap)" : "",
	       (unsigned long long)lo, (unsigned long long)hi);
	/* THREAD_SIZE is a power of two of at least two pages. */
	EXPECT_EQ(0U, s.thread_size & (s.thread_size - 1));
	EXPECT_LE(2 * k.page, s.thread_size);
	if (s.kflags & VAS_PROBE_KS_VMAP_STACK)
		EXPECT_TRUE(s.stack_base >= k.l.vmalloc_start &&
			    s.stack_base <= vmalloc_last(&k));
}

/* ---- bad requests ---- */

/* Kernel log lines that mean the kernel did not take it well. */
static const char *const kmsg_bad[] = {
	"Oops", "WARNING:", "BUG:", "general protection", "Call Trace",
};

/* /dev/kmsg positioned at its end, or -errno. */
/* The number of bad records logged since vas_kmsg_open(); each is shown. */
static int kmsg_count_bad(struct __test_metadata *_metadata, int fd)
{
	static char rec[8192];
	int bad = 0, records = 0;
	const char *msg;
	ssize_t n;
	size_t i;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;	/* EPIPE: overwritten, go on */
		if (n <= 0)
			break;		/* EAGAIN: nothing more */
		rec[n] = '\0';
		records++;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		for (i = 0; i < ARRAY_SIZE(kmsg_bad); i++)
			if (strstr(msg, kmsg_bad[i])) {
				TH_LOG("kernel log: %.200s", msg);
				bad++;
				break;
			}
	}
	TH_LOG("%d kernel log records since the start, %d bad", records, bad);
	return bad;
}

static void expect_err(struct __test_metadata *_metadata, int fd,
		       unsigned long cmd, void *arg, int err, const char *what)
{
	int ret = ioctl(fd, cmd, arg);
	int seen = ret ? errno : 0;

	if (ret != -1 || seen != err)
		TH_LOG("%s: expected -1 (%s), got %d (%s)", what,
		       strerror(err), ret, seen ? strerror(seen) : "no error");
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(err, seen);
}

/* An address the caller cannot use: the kernel half, or above TASK_SIZE. */
static void *kernel_pointer(const struct kl *k)
{
	if (sizeof(void *) == 8 || k->l.long_bits == 32)
		return (void *)(uintptr_t)k->l.page_offset;
	return (void *)(uintptr_t)~(uintptr_t)0xfff;	/* compat: top page */
}

static void walk_req(struct vas_probe_walk *w, uint64_t addr, uint64_t n,
		     void *out)
{
	memset(w, 0, sizeof(*w));
	w->size = sizeof(*w);
	w->addr = addr;
	w->nr_pages = n;
	w->entries = (uintptr_t)out;
	w->entry_size = sizeof(struct vas_probe_pte);
}

static void bad_walks(struct __test_metadata *_metadata, const struct kl *k,
		      char *map, char *ro)
{
	static struct vas_probe_pte out[4];
	uint64_t top = k->l.task_size, kva = k->l.page_offset;
	struct vas_probe_walk w;
	int fd = k->fd;

#define WALK_ERR(a, n, o, err, what) do {				\
		walk_req(&w, (a), (n), (o));				\
		expect_err(_metadata, fd, VAS_PROBE_IOC_WALK, &w, err, what); \
	} while (0)

	WALK_ERR((uintptr_t)map + 1, 1, out, EINVAL, "walk unaligned address");
	WALK_ERR((uintptr_t)map, 0, out, EINVAL, "walk zero pages");
	WALK_ERR((uintptr_t)map, VAS_PROBE_WALK_MAX + 1ULL, out, E2BIG,
		 "walk past the length cap");
	WALK_ERR((uintptr_t)map, ~0ULL >> 1, out, E2BIG, "walk 2^63 pages");
	WALK_ERR(top, 1, out, EFAULT, "walk at TASK_SIZE");
	WALK_ERR(top - k->page, 2, out, EFAULT, "walk across TASK_SIZE");
	WALK_ERR(kva, 1, out, EFAULT, "walk of a kernel address");
	WALK_ERR(~0ULL & ~(k->page - 1), 2, out, EFAULT,
		 "walk wrapping around 2^64");
	WALK_ERR((uintptr_t)map, 1, NULL, EFAULT, "walk into NULL");
	WALK_ERR((uintptr_t)map, 1, kernel_pointer(k), EFAULT,
		 "walk into a kernel buffer");
	WALK_ERR((uintptr_t)map, 1, ro, EFAULT, "walk into a read-only buffer");
	walk_req(&w, (uintptr_t)map, 1, out);
	w.entry_size = sizeof(out[0]) - 1;
	expect_err(_metadata, fd, VAS_PROBE_IOC_WALK, &w, EINVAL,
		   "walk with a wrong entry size");
	walk_req(&w, (uintptr_t)map, 1, out);
	w.reserved = 1;
	expect_err(_metadata, fd, VAS_PROBE_IOC_WALK, &w, EINVAL,
		   "walk with reserved set");
	walk_req(&w, (uintptr_t)map, 1, out);
	w.flags = 1;
	expect_err(_metadata, fd, VAS_PROBE_IOC_WALK, &w, EINVAL,
		   "walk with unknown flags");
	walk_req(&w, (uintptr_t)map, 1, out);
	w.size = 0;
	expect_err(_metadata, fd, VAS_PROBE_IOC_WALK, &w, EINVAL,
		   "walk with size 0");
#undef WALK_ERR

	/*
	 * Unmapped user pages are reported, not refused: the hole after
	 * map, then the untouched read-only page after it.
	 */
	memset(out, 0xff, sizeof(out));
	walk_req(&w, (uintptr_t)map + k->page, 2, out);
	EXPECT_EQ(0, ioctl(fd, VAS_PROBE_IOC_WALK, &w));
	EXPECT_EQ(0U, out[0].flags);
	EXPECT_EQ((uint32_t)VAS_PROBE_PTE_VMA, out[1].flags);
	/* Exactly up to TASK_SIZE is allowed. */
	walk_req(&w, top - k->page, 1, out);
	EXPECT_EQ(0, ioctl(fd, VAS_PROBE_IOC_WALK, &w));
}

static void bad_vmas(struct __test_metadata *_metadata, const struct kl *k,
		     char *hole)
{
	struct vas_probe_vma v;

#define VMA_ERR(a, err, what) do {					\
		memset(&v, 0, sizeof(v));				\
		v.size = sizeof(v);					\
		v.addr = (a);						\
		expect_err(_metadata, k->fd, VAS_PROBE_IOC_VMA, &v, err, what); \
	} while (0)

	VMA_ERR((uintptr_t)hole, ENOENT, "VMA of an unmapped address");
	VMA_ERR(0, ENOENT, "VMA at 0");
	VMA_ERR(k->l.task_size, EFAULT, "VMA at TASK_SIZE");
	VMA_ERR(k->l.page_offset, EFAULT, "VMA of a kernel address");
	VMA_ERR(~0ULL, EFAULT, "VMA at 2^64 - 1");
#undef VMA_ERR
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v) + 8;
	expect_err(_metadata, k->fd, VAS_PROBE_IOC_VMA, &v, EINVAL,
		   "VMA with a wrong size field");
}

static void bad_lists(struct __test_metadata *_metadata, const struct kl *k)
{
	static struct vas_probe_zone z[2];
	const unsigned long cmds[] = { VAS_PROBE_IOC_NODES,
				       VAS_PROBE_IOC_ZONES };
	const size_t sizes[] = { sizeof(struct vas_probe_node),
				 sizeof(struct vas_probe_zone) };
	struct vas_probe_list l;
	size_t i;

	for (i = 0; i < 2; i++) {
#define LIST(cap, ptr) do {						\
		memset(&l, 0, sizeof(l));				\
		l.size = sizeof(l);					\
		l.entries = (uintptr_t)(ptr);				\
		l.entry_size = sizes[i];				\
		l.capacity = (cap);					\
	} while (0)
		LIST(VAS_PROBE_LIST_MAX + 1, z);
		expect_err(_metadata, k->fd, cmds[i], &l, E2BIG,
			   "list over the cap");
		LIST(~0U, z);
		expect_err(_metadata, k->fd, cmds[i], &l, E2BIG,
			   "list of 2^32 - 1 entries");
		LIST(1, NULL);
		expect_err(_metadata, k->fd, cmds[i], &l, EFAULT,
			   "list into NULL");
		LIST(1, kernel_pointer(k));
		expect_err(_metadata, k->fd, cmds[i], &l, EFAULT,
			   "list into a kernel buffer");
		LIST(1, z);
		l.entry_size = 0;
		expect_err(_metadata, k->fd, cmds[i], &l, EINVAL,
			   "list with entry size 0");
		LIST(1, z);
		l.reserved = 7;
		expect_err(_metadata, k->fd, cmds[i], &l, EINVAL,
			   "list with reserved set");
		/* Capacity 0 only counts. */
		LIST(0, NULL);
		EXPECT_EQ(0, ioctl(k->fd, cmds[i], &l));
		EXPECT_LT(0U, l.count);
#undef LIST
	}
}

/* Every output-only request with a wrong size field or flags. */
static void bad_headers(struct __test_metadata *_metadata, const struct kl *k)
{
	static uint64_t buf[64];
	static const struct {
		unsigned long cmd;
		uint32_t size;
		const char *name;
	} req[] = {
		{ VAS_PROBE_IOC_INFO, sizeof(struct vas_probe_info), "INFO" },
		{ VAS_PROBE_IOC_LAYOUT, sizeof(struct vas_probe_layout), "LAYOUT" },
		{ VAS_PROBE_IOC_ADDRS, sizeof(struct vas_probe_addrs), "ADDRS" },
		{ VAS_PROBE_IOC_MM, sizeof(struct vas_probe_mm), "MM" },
		{ VAS_PROBE_IOC_KSTACK, sizeof(struct vas_probe_kstack), "KSTACK" },
	};
	uint32_t *hdr = (uint32_t *)buf;
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(req); i++) {
		ASSERT_LE(req[i].size, sizeof(buf));
		memset(buf, 0, sizeof(buf));
		hdr[0] = req[i].size - 8;
		snprintf(what, sizeof(what), "%s with a short size", req[i].name);
		expect_err(_metadata, k->fd, req[i].cmd, buf, EINVAL, what);
		hdr[0] = 0xffffffff;
		snprintf(what, sizeof(what), "%s with size 2^32 - 1", req[i].name);
		expect_err(_metadata, k->fd, req[i].cmd, buf, EINVAL, what);
		hdr[0] = req[i].size;
		hdr[1] = 0x80000000;
		snprintf(what, sizeof(what), "%s with unknown flags", req[i].name);
		expect_err(_metadata, k->fd, req[i].cmd, buf, EINVAL, what);
		snprintf(what, sizeof(what), "%s from NULL", req[i].name);
		expect_err(_metadata, k->fd, req[i].cmd, NULL, EFAULT, what);
		snprintf(what, sizeof(what), "%s from a kernel address",
			 req[i].name);
		expect_err(_metadata, k->fd, req[i].cmd, kernel_pointer(k),
			   EFAULT, what);
		/* Output fields that held garbage are simply overwritten. */
		memset(buf, 0xa5, sizeof(buf));
		hdr[0] = req[i].size;
		hdr[1] = 0;
		EXPECT_EQ(0, ioctl(k->fd, req[i].cmd, buf));
	}
}

TEST(bad_requests_root)
{
	const char *why;
	struct vas_probe_layout l;
	char *map, *ro;
	int kmsg;
	struct kl k;

	kmsg = vas_kmsg_open();
	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	if (kmsg < 0)
		TH_LOG("/dev/kmsg: %s: the kernel log is not checked",
		       strerror(-kmsg));
	/* One mapped page, an unmapped one after it, a read-only one. */
	map = mmap(NULL, 3 * k.page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)(map));
	ASSERT_EQ(0, munmap(map + k.page, k.page));
	ro = map + 2 * k.page;
	ASSERT_EQ(0, mprotect(ro, k.page, PROT_READ));

	/* Unknown commands, and known ones with another encoded size. */
	expect_err(_metadata, k.fd, _IO(VAS_PROBE_IOC_MAGIC, 0x7f), NULL,
		   ENOTTY, "unknown command number");
	expect_err(_metadata, k.fd, _IOWR('x', 1, int), &l, ENOTTY,
		   "another driver's command");
	expect_err(_metadata, k.fd,
		   _IOC(_IOC_READ | _IOC_WRITE, VAS_PROBE_IOC_MAGIC, 1,
			sizeof(l) - 8), &l, ENOTTY,
		   "LAYOUT encoded with a wrong size");
	expect_err(_metadata, k.fd,
		   _IOC(_IOC_READ, VAS_PROBE_IOC_MAGIC, 1, sizeof(l)), &l,
		   ENOTTY, "LAYOUT encoded read-only");
	expect_err(_metadata, k.fd, FIONREAD, &l, ENOTTY, "FIONREAD");

	bad_headers(_metadata, &k);
	bad_walks(_metadata, &k, map, ro);
	bad_vmas(_metadata, &k, map + k.page);
	bad_lists(_metadata, &k);
	munmap(map, k.page);
	munmap(ro, k.page);

	/* Still answering after all that. */
	EXPECT_EQ(0, vas_kmod_layout(k.fd, &l));
	if (kmsg >= 0) {
		EXPECT_EQ(0, kmsg_count_bad(_metadata, kmsg));
		close(kmsg);
	}
}

struct unpriv {
	int fd;
	uint64_t addr;
};

/* In a child without privileges: every door is shut. */
static int unpriv_checks(void *arg)
{
	const struct unpriv *u = arg;
	static const unsigned long cmds[] = {
		VAS_PROBE_IOC_INFO, VAS_PROBE_IOC_LAYOUT, VAS_PROBE_IOC_ADDRS,
		VAS_PROBE_IOC_WALK, VAS_PROBE_IOC_VMA, VAS_PROBE_IOC_MM,
		VAS_PROBE_IOC_NODES, VAS_PROBE_IOC_ZONES, VAS_PROBE_IOC_KSTACK,
		_IO(VAS_PROBE_IOC_MAGIC, 0x7f),
	};
	static struct vas_probe_pte out;
	struct vas_probe_walk w;
	size_t i;
	int fd;

	fd = open(VAS_PROBE_DEVICE, O_RDWR);
	if (fd >= 0 || (errno != EACCES && errno != EPERM && errno != ENOENT)) {
		fprintf(stderr, "# unprivileged open: %d (%s)\n", fd,
			fd >= 0 ? "opened" : strerror(errno));
		return 1;
	}
	/* A descriptor root opened: CAP_SYS_ADMIN is checked per ioctl. */
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		walk_req(&w, u->addr, 1, &out);
		if (ioctl(u->fd, cmds[i], &w) != -1 || errno != EPERM) {
			fprintf(stderr, "# unprivileged ioctl %#lx: %s\n",
				cmds[i], strerror(errno));
			return 2 + i;
		}
	}
	return 0;
}

TEST(bad_requests_unprivileged)
{
	const char *why;
	struct unpriv u;
	char *map;
	int kmsg, ret;
	struct kl k;

	kmsg = vas_kmsg_open();
	why = kl_get(_metadata, &k);
	if (why)
		SKIP(return, "%s", why);
	map = mmap(NULL, k.page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)(map));
	u.fd = k.fd;
	u.addr = (uintptr_t)map;
	ret = vas_run_unprivileged(unpriv_checks, &u);
	EXPECT_EQ(0, ret) TH_LOG("unprivileged check %d failed", ret);
	munmap(map, k.page);
	if (kmsg >= 0) {
		EXPECT_EQ(0, kmsg_count_bad(_metadata, kmsg));
		close(kmsg);
	}
}

#include "vas_main.h"
