// SPDX-License-Identifier: GPL-2.0
/*
 * kaslr: kernel address space layout randomization, as the kernel records
 * it, as the vas_probe helper module (kmod/) sees it and as /proc/kallsyms
 * and /proc/iomem show it, against the command line and the kernel config.
 *
 * The facts relied on, from the kernel sources (6.1 and 6.12 alike unless
 * said otherwise) and the documentation:
 *
 *  - x86: the decompressor (choose_random_location() in
 *    arch/x86/boot/compressed/) or, on 6.12 EFI boots, the EFI stub
 *    (drivers/firmware/efi/libstub/x86-stub.c) randomizes the kernel's
 *    virtual and physical placement unless "nokaslr" is on the command
 *    line, and records that it did so as KASLR_FLAG in boot_params'
 *    loadflags (arch/x86/include/uapi/asm/bootparam.h), which the kernel
 *    exports in /sys/kernel/boot_params/data and kaslr_enabled() reads.
 *    A kernel entered without the decompressor (a vmlinux booted
 *    directly, PVH, Xen) is never randomized. A bare "kaslr" has had no
 *    meaning since 4.8 (it used to override hibernation's veto).
 *  - x86_64 text: KASLR moves _text from __START_KERNEL_map +
 *    ALIGN(CONFIG_PHYSICAL_START, CONFIG_PHYSICAL_ALIGN) by a multiple of
 *    CONFIG_PHYSICAL_ALIGN inside KERNEL_IMAGE_SIZE (1 GiB with
 *    CONFIG_RANDOMIZE_BASE, else 512 MiB: asm/page_64_types.h). The
 *    offset may be 0: 1 chance in roughly (1 GiB - 16 MiB - image) / 2 MiB,
 *    about 1 in 470 for Debian's kernels, so a zero text offset alone
 *    never proves KASLR off.
 *  - x86_64 regions: Documentation/arch/x86/x86_64/mm.rst (6.1:
 *    Documentation/x86/x86_64/mm.rst) gives page_offset_base, vmalloc_base
 *    and vmemmap_base their defaults (4-level: ffff888000000000,
 *    ffffc90000000000, ffffea0000000000; 5-level: ff11000000000000,
 *    ffa0000000000000, ffd4000000000000) and says that they are randomized
 *    with CONFIG_RANDOMIZE_MEMORY, below "vaddr_end for KASLR"
 *    (fffffe0000000000). kernel_randomize_memory() (arch/x86/mm/): only
 *    when kaslr_enabled() and not KASAN, each base moves up by a PUD-aligned amount drawn from
 *    thousands of slots, so all three staying at their defaults has a
 *    probability below 1e-10.
 *  - i386: the physical and virtual offsets are one; _text links at
 *    CONFIG_PAGE_OFFSET + ALIGN(CONFIG_PHYSICAL_START, CONFIG_PHYSICAL_ALIGN)
 *    within KERNEL_IMAGE_SIZE (512 MiB: asm/page_32_types.h).
 *  - arm64: Documentation/arch/arm64/memory.rst (6.1:
 *    Documentation/arm64/memory.rst); vmlinux.lds.S asserts _text ==
 *    KIMAGE_VADDR == MODULES_END. kaslr_early_init() (arch/arm64/kernel/pi/)
 *    returns 0 for "nokaslr" (kaslr.disabled=1) or without a seed (no
 *    /chosen/kaslr-seed, no RNDR), which kaslr_init() logs as "KASLR
 *    disabled due to lack of seed"; otherwise an offset of at least
 *    BIT(VA_BITS_MIN - 3) (6.1) or a quarter of VMALLOC_END - KIMAGE_VADDR
 *    (6.12): never a small one.
 *  - randomize_kstack_offset (include/linux/randomize_kstack.h, init/main.c):
 *    with CONFIG_RANDOMIZE_KSTACK_OFFSET, each syscall entry moves the
 *    stack down by KSTACK_OFFSET_MAX(offset) bytes (at most 0x3FF, 10 bits;
 *    6.12 keeps 6 bits of them on 64-bit), offset being re-mixed at every
 *    return to user space from rdtsc (x86) or get_random_u16() (arm64).
 *    The static key starts as CONFIG_RANDOMIZE_KSTACK_OFFSET_DEFAULT and
 *    the boot parameter randomize_kstack_offset=<bool> (kstrtobool: y/n,
 *    1/0, t/f, on/off; the last valid one wins) overrides it.
 *
 * The module's kaslr report prints one "vas-data: kaslr ..." line, the
 * kernel text address and every base it gives, that the VM runner
 * compares between two boots; it holds only values that are fixed for a
 * boot without KASLR.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"
#include "vas_kmod.h"

#define MIB			(1024ULL * 1024ULL)
#define GIB			(1024ULL * MIB)

#define SKIP_NOT_X86		"no x86 boot_params on this architecture"
#define SKIP_NO_BOOT_PARAMS	"/sys/kernel/boot_params unreadable"
#define SKIP_DIRECT_BOOT	"booted without the decompressor"
#define SKIP_NO_KCONFIG		"kernel config unreadable"
#define SKIP_KSYMS_HIDDEN	"kallsyms addresses hidden"
#define SKIP_NO_KSYMS		"no _text in /proc/kallsyms"
#define SKIP_NO_TEXT_KASLR	"no kernel text randomization on this architecture"
#define SKIP_NO_MODULE_VIEW	"no module-visible KASLR state on this architecture"
#define SKIP_NOT_X86_64		"no phys_base outside x86_64"
#define SKIP_IOMEM		"no Kernel code in /proc/iomem"
#define SKIP_NO_SEED		"KASLR disabled for lack of a seed"

/* arch/x86/include/uapi/asm/bootparam.h: struct boot_params offsets. */
#define BP_HDR_HEADER		0x202	/* "HdrS" */
#define BP_HDR_LOADER		0x210	/* type_of_loader */
#define BP_HDR_LOADFLAGS	0x211
#define BP_HDRS_MAGIC		0x53726448U
#define BP_LOADER_XEN		0x9	/* high nibble: Xen, PVH included */
#define BP_KASLR_FLAG		0x2U	/* bit 1 */

/* mm.rst: "vaddr_end for KASLR", on 4-level and 5-level alike. */
#define X86_64_KASLR_VADDR_END	0xfffffe0000000000ULL
/* mm.rst: the kernel text mapping starts at __START_KERNEL_map. */
#define X86_64_START_KERNEL_MAP	0xffffffff80000000ULL
/* kernel_randomize_memory(): region bases move in PUD_SIZE steps. */
#define X86_64_PUD_SIZE		GIB
/* Largest stack shift KSTACK_OFFSET_MAX() allows, after alignment. */
#define KSTACK_SPREAD_MAX	0x400U
#define KSTACK_SAMPLES		64

/* The kernel's architecture: the module's word when it is there. */
static uint32_t kernel_arch(int fd)
{
	const char *m = vas_kernel_machine();
	struct vas_probe_info info;

	if (fd >= 0 && vas_kmod_info(fd, &info) == 0)
		return info.arch;
	if (!strcmp(m, "x86_64"))
		return VAS_PROBE_ARCH_X86_64;
	if (m[0] == 'i' && !strcmp(m + 2, "86"))
		return VAS_PROBE_ARCH_X86_32;
	if (!strcmp(m, "aarch64") || !strcmp(m, "armv8l"))
		return VAS_PROBE_ARCH_ARM64;
	if (!strncmp(m, "arm", 3))
		return VAS_PROBE_ARCH_ARM;
	return VAS_PROBE_ARCH_OTHER;
}

static bool arch_is_x86(uint32_t arch)
{
	return arch == VAS_PROBE_ARCH_X86_64 || arch == VAS_PROBE_ARCH_X86_32;
}

/* A numeric or y/n kernel config value; -errno when unreadable/unset. */
static int kconfig_num(const char *option, uint64_t *val)
{
	char buf[64], *end;
	int ret = vas_kconfig(option, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

/* 1 when option=y, 0 when unset, -errno when no config is readable. */
static int kconfig_bool(const char *option)
{
	char buf[16];
	int ret = vas_kconfig(option, buf, sizeof(buf));

	if (ret == -ENODATA)
		return 0;
	if (ret)
		return ret;
	return !strcmp(buf, "y");
}

/*
 * lib/kstrtox.c kstrtobool(): 1 true, 0 false, -EINVAL otherwise.
 * vas_lib candidate
 */
static int parse_kstrtobool(const char *s)
{
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		return 1;
	case 'n': case 'N': case 'f': case 'F': case '0':
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N')
			return 1;
		if (s[1] == 'f' || s[1] == 'F')
			return 0;
		break;
	}
	return -EINVAL;
}

/*
 * The value an early_param(name) boolean ends with: every occurrence is
 * handled in order and an invalid one is ignored, so the last valid one
 * wins. 1 or 0, or -ENODATA when none is given.
 * vas_lib candidate
 */
static int cmdline_last_bool(const char *name)
{
	char buf[4096], *tok, *save;
	size_t n = strlen(name);
	int ret = -ENODATA, v;

	if (vas_read_file("/proc/cmdline", buf, sizeof(buf)) < 0)
		return -ENODATA;
	for (tok = strtok_r(buf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (!strcmp(tok, "--"))
			break;	/* the rest is init's */
		if (strncmp(tok, name, n) || tok[n] != '=')
			continue;
		v = parse_kstrtobool(tok + n + 1);
		if (v >= 0)
			ret = v;
	}
	return ret;
}

/* KASLR switched off on the command line, as the architecture reads it. */
static bool cmdline_kaslr_off(uint32_t arch)
{
	char val[16];

	if (vas_cmdline_has("nokaslr"))
		return true;
	/* arch/arm64/kernel/idreg-override.c: nokaslr is kaslr.disabled=1. */
	return arch == VAS_PROBE_ARCH_ARM64 &&
	       !vas_cmdline_param("kaslr.disabled", val, sizeof(val)) &&
	       val[0] == '1';
}

struct boot_flag {
	bool decompressed;	/* entered through a bzImage's setup header */
	bool kaslr;		/* KASLR_FLAG */
};

/* x86 boot_params as the kernel exports them; 0 or -errno. */
static int read_boot_flag(struct boot_flag *b)
{
	unsigned char bp[BP_HDR_LOADFLAGS + 1];
	uint32_t magic;
	FILE *f = fopen("/sys/kernel/boot_params/data", "re");
	size_t got;

	if (!f)
		return -errno;
	got = fread(bp, 1, sizeof(bp), f);
	fclose(f);
	if (got != sizeof(bp))
		return -EIO;
	magic = bp[BP_HDR_HEADER] | bp[BP_HDR_HEADER + 1] << 8 |
		bp[BP_HDR_HEADER + 2] << 16 |
		(uint32_t)bp[BP_HDR_HEADER + 3] << 24;
	b->decompressed = magic == BP_HDRS_MAGIC &&
			  bp[BP_HDR_LOADER] >> 4 != BP_LOADER_XEN;
	b->kaslr = bp[BP_HDR_LOADFLAGS] & BP_KASLR_FLAG;
	return 0;
}

struct ksyms {
	uint64_t text, etext, end, kfree;
};

static int ksym_line(const char *line, const char *name, uint64_t *addr)
{
	char sym[128], type;
	unsigned long long a;

	if (sscanf(line, "%llx %c %127s", &a, &type, sym) != 3)
		return 0;
	if (strcmp(sym, name) || strchr(line, '['))
		return 0;
	*addr = a;
	return 1;
}

/*
 * Reading /proc/kallsyms through to _end takes seconds on an emulated
 * CPU, and two tests need the same symbols. Each test runs in a child of
 * the harness, so the first reader leaves what it read in a page shared
 * before any test started.
 */
struct ksyms_memo {
	bool done;
	int ret;
	struct ksyms k;
};

static struct ksyms_memo *ksyms_memo;

static void __attribute__((constructor)) ksyms_memo_map(void)
{
	void *p = mmap(NULL, sizeof(*ksyms_memo), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ksyms_memo = p == MAP_FAILED ? NULL : p;
}

static int read_ksyms_file(struct ksyms *k)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512];
	bool seen = false;

	memset(k, 0, sizeof(*k));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		seen |= ksym_line(line, "_text", &k->text);
		ksym_line(line, "_etext", &k->etext);
		ksym_line(line, "_end", &k->end);
		if (!k->kfree)
			ksym_line(line, "kfree", &k->kfree);
		if (seen && k->etext && k->end && k->kfree)
			break;
	}
	fclose(f);
	if (!seen)
		return -ENOENT;
	/* kallsyms_show_value(): zeros when kptr_restrict hides them. */
	return k->text ? 0 : -EACCES;
}

/* Core kernel symbols from /proc/kallsyms; 0 or -errno. */
static int read_ksyms(struct ksyms *k)
{
	int ret;

	if (ksyms_memo && ksyms_memo->done) {
		*k = ksyms_memo->k;
		return ksyms_memo->ret;
	}
	ret = read_ksyms_file(k);
	if (ksyms_memo) {
		ksyms_memo->k = *k;
		ksyms_memo->ret = ret;
		ksyms_memo->done = true;
	}
	return ret;
}

/* Physical start of "Kernel code" in /proc/iomem (root); 0 or -errno. */
static int read_kernel_code(uint64_t *start)
{
	FILE *f = fopen("/proc/iomem", "re");
	char line[256];
	unsigned long long s, e;
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %llx-%llx", &s, &e) == 2 &&
		    strstr(line, " : Kernel code\n")) {
			*start = s;
			ret = s || e ? 0 : -EACCES;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* arm64: the kernel log says KASLR was skipped for want of a seed. */
static bool arm64_logged_no_seed(void)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	bool found = false;
	char *buf;

	if (len <= 0)
		return false;
	buf = calloc(1, (size_t)len + 1);
	if (!buf)
		return false;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len > 0)
		found = strstr(buf, "KASLR disabled due to lack of seed");
	free(buf);
	return found;
}

/*
 * arm64: the smallest offset KASLR gives the kernel image: BIT(VA_BITS_MIN
 * - 3) on 6.1, a quarter of VMALLOC_END - KIMAGE_VADDR on 6.12; the lower
 * of the two bounds both.
 */
static uint64_t arm64_min_offset(const struct vas_probe_layout *l)
{
	unsigned int va_min = l->va_bits > 48 ? 48 : l->va_bits;
	uint64_t a = 1ULL << (va_min - 3);
	uint64_t b = (l->vmalloc_end - l->modules_end) / 4;

	return a < b ? a : b;
}

/*
 * Whether KASLR is in force for this boot, and how that is known:
 * x86 reads the kernel's own KASLR_FLAG; elsewhere it is what the config
 * and command line ask for. *why is a skip reason when unknown.
 */
struct kaslr_state {
	uint32_t arch;
	int config;		/* CONFIG_RANDOMIZE_BASE: 1, 0, or -errno */
	bool cmdline_off;
	bool expected;		/* config && !cmdline_off */
	bool have_flag;		/* x86 boot_params read */
	struct boot_flag flag;
};

static void get_state(struct kaslr_state *s, int fd)
{
	memset(s, 0, sizeof(*s));
	s->arch = kernel_arch(fd);
	s->config = kconfig_bool("CONFIG_RANDOMIZE_BASE");
	s->cmdline_off = cmdline_kaslr_off(s->arch);
	s->expected = s->config > 0 && !s->cmdline_off;
	if (arch_is_x86(s->arch))
		s->have_flag = read_boot_flag(&s->flag) == 0;
}

/* KASLR of the kernel image in force: the flag on x86, else expected. */
static bool state_on(const struct kaslr_state *s)
{
	return s->have_flag ? s->flag.kaslr : s->expected;
}

/* Open the module and read its layout; NULL or the skip reason. */
static const char *get_layout(struct __test_metadata *_metadata, int *fd,
			      struct vas_probe_layout *l)
{
	const char *reason = NULL;

	*fd = vas_kmod_open(&reason);
	if (*fd < 0)
		return reason;
	memset(l, 0, sizeof(*l));
	if (vas_kmod_layout(*fd, l))
		return VAS_SKIP_KMOD_ABI;
	return NULL;
}

/*
 * The kernel's KASLR_FLAG says KASLR ran exactly when the config has it
 * and the command line does not switch it off. Kernels entered without
 * the decompressor (direct vmlinux, PVH, Xen) cannot randomize: SKIP.
 */
TEST(boot_flag_matches_cmdline)
{
	struct kaslr_state s;

	get_state(&s, -1);
	if (!arch_is_x86(s.arch))
		SKIP(return, SKIP_NOT_X86);
	if (!s.have_flag)
		SKIP(return, SKIP_NO_BOOT_PARAMS);
	if (s.config < 0)
		SKIP(return, SKIP_NO_KCONFIG);
	TH_LOG("CONFIG_RANDOMIZE_BASE=%s, nokaslr %s, KASLR_FLAG %s",
	       s.config ? "y" : "n", s.cmdline_off ? "given" : "absent",
	       s.flag.kaslr ? "set" : "clear");
	/* Whatever the boot path, "nokaslr" or no config means no KASLR. */
	if (!s.expected) {
		EXPECT_EQ(0, s.flag.kaslr);
		return;
	}
	if (!s.flag.decompressed)
		SKIP(return, SKIP_DIRECT_BOOT);
	EXPECT_EQ(1, s.flag.kaslr);
}

/*
 * The module's view agrees: x86_64's region bases equal their mm.rst
 * defaults exactly when memory KASLR is off and not all of them do when
 * it is on; arm64's kernel image sits at KIMAGE_VADDR without KASLR and
 * far above it with. Prints the "vas-data: kaslr" line.
 */
TEST(module_view_matches_state)
{
	struct vas_probe_layout l;
	const struct vas_probe_kaslr *k = &l.kaslr;
	struct kaslr_state s;
	const char *why;
	char data[256];
	bool on, moved;
	int fd, n;

	why = get_layout(_metadata, &fd, &l);
	if (why)
		SKIP(return, "%s", why);
	get_state(&s, fd);

	/* Only values fixed for a boot without KASLR: compared across boots. */
	n = snprintf(data, sizeof(data), "text=0x%llx",
		     (unsigned long long)k->kernel_text);
	if (k->flags & VAS_PROBE_K_BASES)
		snprintf(data + n, sizeof(data) - n,
			 " phys_base=0x%llx page_offset_base=0x%llx vmalloc_base=0x%llx vmemmap_base=0x%llx",
			 (unsigned long long)k->phys_base,
			 (unsigned long long)k->page_offset_base,
			 (unsigned long long)k->vmalloc_base,
			 (unsigned long long)k->vmemmap_base);
	ksft_print_msg("vas-data: kaslr %s\n", data);

	/* The module's config bits are the kernel config's. */
	if (s.config >= 0) {
		EXPECT_EQ(s.config,
			  !!(k->flags & VAS_PROBE_K_CONFIG_BASE));
		EXPECT_EQ(kconfig_bool("CONFIG_RANDOMIZE_MEMORY"),
			  !!(k->flags & VAS_PROBE_K_CONFIG_MEMORY));
	} else {
		s.config = !!(k->flags & VAS_PROBE_K_CONFIG_BASE);
		s.expected = s.config && !s.cmdline_off;
	}
	on = state_on(&s);
	TH_LOG("KASLR %s (%s), kernel text %#llx", on ? "on" : "off",
	       s.have_flag ? "boot_params" : "config and command line",
	       (unsigned long long)k->kernel_text);

	if (l.arch == VAS_PROBE_ARCH_X86_64) {
		bool l5 = l.pgtable_levels == 5;
		bool mem_on;

		ASSERT_TRUE(!!(k->flags & VAS_PROBE_K_BASES));
		/* The documented defaults (mm.rst) for the paging mode. */
		EXPECT_EQ(l5 ? 0xff11000000000000ULL : 0xffff888000000000ULL,
			  k->page_offset_default);
		EXPECT_EQ(l5 ? 0xffa0000000000000ULL : 0xffffc90000000000ULL,
			  k->vmalloc_default);
		EXPECT_EQ(l5 ? 0xffd4000000000000ULL : 0xffffea0000000000ULL,
			  k->vmemmap_default);
		/* The bases are the layout's region starts... */
		EXPECT_EQ(l.page_offset, k->page_offset_base);
		EXPECT_EQ(l.vmalloc_start, k->vmalloc_base);
		if (l.valid & VAS_PROBE_L_VMEMMAP)
			EXPECT_EQ(l.vmemmap_start, k->vmemmap_base);
		/* ...PUD-aligned, in order, below vaddr_end. */
		EXPECT_EQ(0ULL, k->page_offset_base % X86_64_PUD_SIZE);
		EXPECT_EQ(0ULL, k->vmalloc_base % X86_64_PUD_SIZE);
		EXPECT_EQ(0ULL, k->vmemmap_base % X86_64_PUD_SIZE);
		EXPECT_LE(k->page_offset_default, k->page_offset_base);
		EXPECT_LT(k->page_offset_base, k->vmalloc_base);
		EXPECT_LT(k->vmalloc_base, k->vmemmap_base);
		EXPECT_GT(X86_64_KASLR_VADDR_END, k->vmemmap_base);

		moved = k->page_offset_base != k->page_offset_default ||
			k->vmalloc_base != k->vmalloc_default ||
			k->vmemmap_base != k->vmemmap_default;
		EXPECT_EQ(moved, !!(k->flags & VAS_PROBE_K_BASES_RANDOMIZED));
		/* kaslr_memory_enabled(): KASLR, RANDOMIZE_MEMORY, no KASAN. */
		mem_on = on && (k->flags & VAS_PROBE_K_CONFIG_MEMORY) &&
			 !(l.valid & VAS_PROBE_L_KASAN);
		TH_LOG("page_offset_base %#llx (default %#llx)",
		       (unsigned long long)k->page_offset_base,
		       (unsigned long long)k->page_offset_default);
		TH_LOG("vmalloc_base     %#llx (default %#llx)",
		       (unsigned long long)k->vmalloc_base,
		       (unsigned long long)k->vmalloc_default);
		TH_LOG("vmemmap_base     %#llx (default %#llx)",
		       (unsigned long long)k->vmemmap_base,
		       (unsigned long long)k->vmemmap_default);
		EXPECT_EQ(mem_on, moved);
		if (!mem_on) {
			EXPECT_EQ(k->page_offset_default, k->page_offset_base);
			EXPECT_EQ(k->vmalloc_default, k->vmalloc_base);
			EXPECT_EQ(k->vmemmap_default, k->vmemmap_base);
		}
		/*
		 * And against the command line directly, unless the kernel
		 * was entered without the decompressor that applies it.
		 */
		if (!s.have_flag || s.flag.decompressed || !s.expected)
			EXPECT_EQ(s.expected &&
				  (k->flags & VAS_PROBE_K_CONFIG_MEMORY) &&
				  !(l.valid & VAS_PROBE_L_KASAN), moved);
		return;
	}
	if (l.arch == VAS_PROBE_ARCH_ARM64) {
		uint64_t min = arm64_min_offset(&l);

		ASSERT_GE(k->kernel_text, l.modules_end);
		moved = k->kernel_text - l.modules_end >= min;
		TH_LOG("kernel text %#llx, KIMAGE_VADDR %#llx, KASLR offsets from %#llx",
		       (unsigned long long)k->kernel_text,
		       (unsigned long long)l.modules_end,
		       (unsigned long long)min);
		if (s.expected && !moved && arm64_logged_no_seed())
			SKIP(return, SKIP_NO_SEED);
		EXPECT_EQ(s.expected, moved);
		return;
	}
	SKIP(return, SKIP_NO_MODULE_VIEW);
}

/*
 * /proc/kallsyms: _text sits at its link address exactly when KASLR is
 * off, and at an aligned offset inside the kernel image window when on;
 * the module's kernel text address is kallsyms' kfree, inside the text.
 */
TEST(text_offset_matches_state)
{
	uint64_t link = 0, align = 0, top = 0, start, pa, phys_align;
	struct vas_probe_layout l;
	struct kaslr_state s;
	struct ksyms ks;
	const char *why;
	int fd, ret;
	bool on;

	/* The module is optional here: x86 has documented link addresses. */
	why = get_layout(_metadata, &fd, &l);
	if (why)
		fd = -1;
	get_state(&s, fd);
	ret = read_ksyms(&ks);
	if (ret == -EACCES)
		SKIP(return, SKIP_KSYMS_HIDDEN);
	if (ret)
		SKIP(return, SKIP_NO_KSYMS);
	on = state_on(&s);

	switch (s.arch) {
	case VAS_PROBE_ARCH_X86_64:
	case VAS_PROBE_ARCH_X86_32:
		if (kconfig_num("CONFIG_PHYSICAL_START", &start) ||
		    kconfig_num("CONFIG_PHYSICAL_ALIGN", &phys_align) ||
		    s.config < 0)
			SKIP(return, SKIP_NO_KCONFIG);
		align = phys_align;
		if (s.arch == VAS_PROBE_ARCH_X86_32) {
			if (kconfig_num("CONFIG_PAGE_OFFSET", &pa))
				SKIP(return, SKIP_NO_KCONFIG);
			top = pa + 512 * MIB;
		} else {
			bool kim = fd >= 0 && (l.valid & VAS_PROBE_L_KIMAGE);

			pa = kim ? l.kimage_start : X86_64_START_KERNEL_MAP;
			top = kim ? l.kimage_end :
			      pa + (s.config ? GIB : 512 * MIB);
		}
		link = pa + ((start + align - 1) & ~(align - 1));
		break;
	case VAS_PROBE_ARCH_ARM64:
		if (fd < 0)
			SKIP(return, "%s", why);
		link = l.modules_end;
		align = vas_page_size();
		if (s.expected && ks.text == link && arm64_logged_no_seed())
			SKIP(return, SKIP_NO_SEED);
		break;
	default:
		SKIP(return, SKIP_NO_TEXT_KASLR);
	}

	TH_LOG("_text %#llx, link address %#llx, offset %#llx, KASLR %s",
	       (unsigned long long)ks.text, (unsigned long long)link,
	       (unsigned long long)(ks.text - link), on ? "on" : "off");
	if (!on) {
		EXPECT_EQ(link, ks.text);
	} else {
		/* The offset may be 0 on x86 (see the top of this file). */
		EXPECT_LE(link, ks.text);
		EXPECT_EQ(0ULL, (ks.text - link) % align);
		if (s.arch == VAS_PROBE_ARCH_ARM64)
			EXPECT_LE(arm64_min_offset(&l), ks.text - link);
	}
	if (top && ks.end)
		EXPECT_GE(top, ks.end);

	if (fd >= 0) {
		/* The module's core text address: kfree itself. */
		if (ks.kfree)
			EXPECT_EQ(ks.kfree, l.kaslr.kernel_text);
		EXPECT_LE(ks.text, l.kaslr.kernel_text);
		if (ks.etext)
			EXPECT_GT(ks.etext, l.kaslr.kernel_text);
	}
}

/*
 * x86_64's phys_base ties the text's virtual and physical addresses:
 * __pa_symbol(_text) = _text - __START_KERNEL_map + phys_base, which is
 * where /proc/iomem puts "Kernel code" (arch/x86/kernel/setup.c).
 */
TEST(phys_base_matches_iomem)
{
	struct vas_probe_layout l;
	uint64_t code = 0, want, align;
	const char *why;
	struct ksyms ks;
	int fd, ret;

	if (kernel_arch(-1) != VAS_PROBE_ARCH_X86_64)
		SKIP(return, SKIP_NOT_X86_64);
	why = get_layout(_metadata, &fd, &l);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_TRUE(!!(l.kaslr.flags & VAS_PROBE_K_PHYS_BASE));
	ret = read_ksyms(&ks);
	if (ret == -EACCES)
		SKIP(return, SKIP_KSYMS_HIDDEN);
	if (ret)
		SKIP(return, SKIP_NO_KSYMS);
	if (read_kernel_code(&code))
		SKIP(return, SKIP_IOMEM);
	if (!(l.valid & VAS_PROBE_L_KIMAGE))
		l.kimage_start = X86_64_START_KERNEL_MAP;
	want = ks.text - l.kimage_start + l.kaslr.phys_base;
	TH_LOG("phys_base %#llx, Kernel code at %#llx",
	       (unsigned long long)l.kaslr.phys_base,
	       (unsigned long long)code);
	EXPECT_EQ(want, code);
	/* Physical and virtual placements are both PHYSICAL_ALIGN steps. */
	if (!kconfig_num("CONFIG_PHYSICAL_ALIGN", &align))
		EXPECT_EQ(0ULL, l.kaslr.phys_base % align);
}

/*
 * randomize_kstack_offset: the module reports where its ioctl handler's
 * frame sits on the task stack. Over KSTACK_SAMPLES calls from one thread
 * it takes one value when the feature is off, and several, within the
 * 10-bit KSTACK_OFFSET_MAX() window, when it is on.
 *
 * False alarm: on, each offset is KSTACK_OFFSET_MAX() of a value re-mixed
 * from rdtsc or get_random_u16() at every return to user space; after the
 * alignment the compiler applies, at least 6 bits remain (64 values) on
 * every architecture. Were they uniform, all 64 samples agreeing has a
 * probability of 64^-63 = 2^-378; even two equally likely values would
 * give 2^-63. Off, the frame depth is fixed by the code path: no chance.
 */
TEST(kstack_offset_follows_config)
{
	uint64_t offs[KSTACK_SAMPLES], lo, hi;
	struct vas_probe_kstack ks, first;
	struct vas_probe_layout l;
	int fd, param, i, j, distinct = 0;
	const char *why;
	bool on;

	why = get_layout(_metadata, &fd, &l);
	if (why)
		SKIP(return, "%s", why);
	param = cmdline_last_bool("randomize_kstack_offset");
	on = (l.kaslr.flags & VAS_PROBE_K_CONFIG_KSTACK) &&
	     (param >= 0 ? param : !!(l.kaslr.flags &
				       VAS_PROBE_K_KSTACK_DEFAULT_ON));
	if (kconfig_bool("CONFIG_RANDOMIZE_KSTACK_OFFSET") >= 0) {
		EXPECT_EQ(kconfig_bool("CONFIG_RANDOMIZE_KSTACK_OFFSET"),
			  !!(l.kaslr.flags & VAS_PROBE_K_CONFIG_KSTACK));
		EXPECT_EQ(kconfig_bool("CONFIG_RANDOMIZE_KSTACK_OFFSET_DEFAULT"),
			  !!(l.kaslr.flags & VAS_PROBE_K_KSTACK_DEFAULT_ON));
	}

	ASSERT_EQ(0, vas_kmod_kstack(fd, &first));
	lo = first.offset;
	hi = first.offset;
	for (i = 0; i < KSTACK_SAMPLES; i++) {
		ASSERT_EQ(0, vas_kmod_kstack(fd, &ks));
		/* One task, one stack; the frame is on it. */
		ASSERT_EQ(first.stack_base, ks.stack_base);
		ASSERT_LT(0ULL, ks.offset);
		ASSERT_GT((uint64_t)ks.thread_size, ks.offset);
		offs[i] = ks.offset;
		for (j = 0; j < i && offs[j] != offs[i]; j++)
			;
		distinct += j == i;
		lo = offs[i] < lo ? offs[i] : lo;
		hi = offs[i] > hi ? offs[i] : hi;
	}
	ksft_print_msg("vas-data: kstack samples=%d distinct=%d spread=%llu enabled=%d\n",
		       KSTACK_SAMPLES, distinct, (unsigned long long)(hi - lo),
		       on);
	TH_LOG("CONFIG %s, default %s, randomize_kstack_offset=%s: %s",
	       l.kaslr.flags & VAS_PROBE_K_CONFIG_KSTACK ? "y" : "n",
	       l.kaslr.flags & VAS_PROBE_K_KSTACK_DEFAULT_ON ? "on" : "off",
	       param < 0 ? "(none)" : param ? "on" : "off",
	       on ? "on" : "off");
	TH_LOG("%d distinct offsets in %d requests, spread %llu bytes",
	       distinct, KSTACK_SAMPLES, (unsigned long long)(hi - lo));
	if (on) {
		EXPECT_LE(2, distinct);
		EXPECT_GE(KSTACK_SPREAD_MAX, hi - lo);
	} else {
		EXPECT_EQ(1, distinct);
	}
}

#include "vas_main.h"
