// SPDX-License-Identifier: GPL-2.0
/*
 * aslr: user address space randomization and kernel.randomize_va_space.
 *
 * Where a process's regions land is decided at exec, so a tiny probe
 * (aslr_probe, next to this program) is exec'ed --samples times
 * (VAS_SAMPLES, default 256) per setting and prints its addresses. The
 * rules checked, from the kernel sources (6.1 and 6.12 read):
 *
 *  - fs/binfmt_elf.c load_elf_binary(): PF_RANDOMIZE is set when
 *    randomize_va_space is non-zero and the personality lacks
 *    ADDR_NO_RANDOMIZE. It randomizes the stack top
 *    (randomize_stack_top(): STACK_RND_MASK pages), the mmap base
 *    (arch_pick_mmap_layout(): arch_mmap_rnd(), vm.mmap_rnd_bits pages,
 *    vm.mmap_rnd_compat_bits for 32-bit tasks on 64-bit kernels) and a
 *    PIE's load bias (ELF_ET_DYN_BASE + arch_mmap_rnd(), rounded to the
 *    largest PT_LOAD p_align). Only randomize_va_space >= 2 also moves
 *    start_brk away from the end of the data (arch_randomize_brk(): 1 GiB
 *    for 64-bit tasks, 32 MiB for 32-bit ones, in pages, on x86 and in
 *    the generic mm/util.c used by arm and arm64).
 *  - With randomization off (mode 0, or ADDR_NO_RANDOMIZE) every address
 *    is the same in every exec. One exception is documented: x86_64
 *    kernels before 6.9 placed the 64-bit vDSO at a random page within
 *    the PMD after the stack whatever the mode (vdso_addr(), replaced by
 *    "x86/vdso: Move vDSO to mmap region" in 6.9).
 *  - Large mappings. Since 5.18 ("mm/readahead: Align file mappings for
 *    non-DAX") file mappings of at least a PMD on filesystems that use
 *    thp_get_unmapped_area() (ext4, xfs...) are PMD-aligned; since 6.7
 *    ("mm: align larger anonymous mappings on THP boundaries") so were
 *    anonymous ones of at least a PMD; 6.8 ("mm: huge_memory: don't
 *    force huge page alignment on 32 bit") stopped both for 32-bit and
 *    compat tasks; 6.13, backported to 6.12.y and 6.11.y ("mm, mmap: limit
 *    THP alignment of anonymous mappings to PMD-aligned sizes"), keeps it
 *    only for anonymous lengths that are PMD multiples. A PMD-aligned
 *    address loses log2(PMD_SIZE / PAGE_SIZE) bits of the mmap entropy.
 *    The verdicts: an anonymous mapping of a PMD plus a page (the spec's
 *    ">= 2 MiB anonymous mmap") and a large file mapping (a big shared
 *    library) must keep the full mmap entropy on every kernel, losing it
 *    is a FAIL; an anonymous mapping of exactly one PMD is expected
 *    PMD-aligned on 64-bit tasks of kernels >= 6.7 with THP built (the
 *    alignment the 6.13 fix kept on purpose), and must keep full entropy
 *    elsewhere.
 *
 * Statistics (N samples): "varies" needs two distinct values; a region
 * with b random bits shows one value N times with probability
 * 2^(-b*(N-1)), below 2^-56 for b >= 8 and the N >= 8 required here.
 * "Identical" needs all N equal: randomization off is deterministic.
 * Entropy: observed bits are log2(spread / alignment), the alignment
 * being the largest power of two dividing every difference. N uniform
 * samples of 2^b values have a spread below 2^(b-k) with probability
 * below N * 2^(-k*(N-1)); the tolerance k is the smallest k >= 1 that
 * makes this below 1e-9 (k = 1 from N = 34 on), so the expectation
 * observed >= expected - k fails wrongly with probability < 1e-9.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <link.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"

#define RVS_SYSCTL		"kernel.randomize_va_space"
#define PROBE_NAME		"aslr_probe"
#define DEFAULT_SAMPLES		256
#define MAX_SAMPLES		65536
#define MIN_SAMPLES		8
#define MAX_INFLIGHT		8
/*
 * The first test of a mode takes its samples: milliseconds on hardware,
 * up to a few seconds per hundred samples in an emulated (TCG) guest.
 */
#define SAMPLING_TIMEOUT	300
/* The largest acceptable false-alarm probability, as a power of two. */
#define FALSE_ALARM_LOG2	30

#define SKIP_FEW_SAMPLES	"needs --samples >= 8"
#define SKIP_NOT_WRITABLE	"randomize_va_space not writable"
#define SKIP_NO_RANDOMIZATION	"mode does not randomize"
#define SKIP_NO_SHLIB		"probe has no shared library"
#define SKIP_NOT_PIE		"probe is not PIE"
#define SKIP_NO_VDSO		"no vDSO"
#define SKIP_NO_FILE		"no writable directory for the file"
#define SKIP_STATIC_PIE_BRK	"static PIE brk is moved"

/* The probe's output, in its order. */
enum region {
	R_STACK, R_STACK_VMA, R_END_DATA, R_START_BRK, R_MALLOC_SMALL,
	R_MALLOC_LARGE, R_MMAP, R_MMAP_PMD, R_MMAP_LARGE, R_FILE, R_LIBC,
	R_MAIN, R_VDSO, R_AT_RANDOM, R_RANDOM_BYTES,
	NR_PROBED,
	R_BRK_OFFSET = NR_PROBED,	/* start_brk - end_data, derived */
	NR_REGIONS
};

/* Where an expectation comes from. */
enum rule { NONE, STACK, MMAP, MMAP_PMD, BRK };

struct region_info {
	const char *name;
	enum rule rule;
	bool varies;		/* asserted to vary under modes 1 and 2 */
	bool large;		/* checked by large_mappings_keep_entropy */
};

static const struct region_info regions[NR_REGIONS] = {
	[R_STACK]	 = { "stack",		STACK, true },
	[R_STACK_VMA]	 = { "stack_vma",	STACK, true },
	[R_END_DATA]	 = { "end_data",	NONE },
	[R_START_BRK]	 = { "start_brk",	NONE },
	[R_MALLOC_SMALL] = { "malloc_small",	NONE },
	[R_MALLOC_LARGE] = { "malloc_large",	MMAP },
	[R_MMAP]	 = { "mmap",		MMAP, true },
	[R_MMAP_PMD]	 = { "mmap_pmd",	MMAP_PMD, false, true },
	[R_MMAP_LARGE]	 = { "mmap_pmd_plus_page", MMAP, false, true },
	[R_FILE]	 = { "file_large",	MMAP, false, true },
	[R_LIBC]	 = { "libc",		MMAP, true },
	[R_MAIN]	 = { "pie",		MMAP, true },
	[R_VDSO]	 = { "vdso",		NONE, true },
	[R_AT_RANDOM]	 = { "at_random",	STACK },
	[R_RANDOM_BYTES] = { "at_random_bytes", NONE },
	[R_BRK_OFFSET]	 = { "brk_offset",	BRK },
};

/* ---- the samples, shared by the tests of one mode ---- */

enum mode { MODE_0, MODE_1, MODE_2, MODE_NORANDOMIZE, NR_MODES };

static const char *const mode_names[NR_MODES] = {
	"0", "1", "2", "2+ADDR_NO_RANDOMIZE",
};

/*
 * The harness forks each test from one parent: a shared mapping made
 * before it starts lets the first test of a mode take the samples and
 * the others reuse them, so each mode execs the probe N times only.
 */
struct mode_cache {
	int state;		/* 0 not taken, 1 taken, 2 skip */
	char skip[64];
	int start_mode;		/* randomize_va_space before the test */
	char fs[32];		/* the file's filesystem */
	uint64_t v[][NR_REGIONS];
};

static struct mode_cache *cache[NR_MODES];
static int nr_samples;

static int samples_wanted(void)
{
	const char *s = getenv("VAS_SAMPLES");
	long n = s && *s ? strtol(s, NULL, 10) : DEFAULT_SAMPLES;

	return n < 1 ? 1 : n > MAX_SAMPLES ? MAX_SAMPLES : (int)n;
}

static void __attribute__((constructor)) cache_setup(void)
{
	size_t len;
	int m;

	nr_samples = samples_wanted();
	len = sizeof(struct mode_cache) +
	      (size_t)nr_samples * sizeof(uint64_t[NR_REGIONS]);
	for (m = 0; m < NR_MODES; m++) {
		cache[m] = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (cache[m] == MAP_FAILED)
			cache[m] = NULL;
	}
}

/* ---- facts about the probe and libc, from their ELF headers ---- */

/* This program's ELF class: the probe is built like it. */
#define ELF_CLASS	(sizeof(ElfW(Addr)) == 8 ? ELFCLASS64 : ELFCLASS32)

struct elf_facts {
	bool ok, pie, interp;
	unsigned long max_align;	/* largest power-of-two PT_LOAD p_align */
};

static struct elf_facts elf_read(const char *path)
{
	ElfW(Ehdr) eh;
	ElfW(Phdr) ph;
	struct elf_facts f = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC), i;

	if (fd < 0)
		return f;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELF_CLASS ||
	    eh.e_phentsize != sizeof(ph))
		goto out;
	f.pie = eh.e_type == ET_DYN;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) !=
		    sizeof(ph))
			goto out;
		if (ph.p_type == PT_INTERP)
			f.interp = true;
		if (ph.p_type == PT_LOAD && ph.p_align &&
		    !(ph.p_align & (ph.p_align - 1)) && ph.p_align > f.max_align)
			f.max_align = ph.p_align;
	}
	f.ok = true;
out:
	close(fd);
	return f;
}

/* The probe's path: next to this program. */
static int probe_path(char *path, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	if ((size_t)(slash - self) + sizeof("/" PROBE_NAME) > len)
		return -ENAMETOOLONG;
	memcpy(path, self, slash - self);
	memcpy(path + (slash - self), "/" PROBE_NAME, sizeof("/" PROBE_NAME));
	return access(path, X_OK) ? -errno : 0;
}

/*
 * The C library the probe loads: this program's, when it is dynamic,
 * else the first libc.so.6 of this ELF class in the usual places.
 */
static struct elf_facts libc_facts(void)
{
	static const char *const globs[] = {
		"/lib/*-linux-gnu*/libc.so.6", "/usr/lib/*-linux-gnu*/libc.so.6",
		"/lib64/libc.so.6", "/lib/libc.so.6", "/usr/lib/libc.so.6",
	};
	struct elf_facts f = { 0 };
	struct vas_map *maps;
	const struct vas_map *m;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int nr = vas_read_maps(0, &maps);
	size_t i, j;
	glob_t g;

	self[n > 0 ? n : 0] = '\0';
	if (nr > 0) {
		m = vas_map_of(maps, nr, (uintptr_t)getauxval);
		if (m && m->path[0] == '/' && strcmp(m->path, self))
			f = elf_read(m->path);
		free(maps);
	}
	for (i = 0; !f.ok && i < ARRAY_SIZE(globs); i++) {
		if (glob(globs[i], 0, NULL, &g))
			continue;
		for (j = 0; !f.ok && j < g.gl_pathc; j++)
			f = elf_read(g.gl_pathv[j]);
		globfree(&g);
	}
	return f;
}

/* ---- entropy ---- */

static unsigned int ilog2_ul(uint64_t v)
{
	unsigned int b = 0;

	while (v >>= 1)
		b++;
	return b;
}

/* log2(v) in hundredths, without libm. */
static long centi_log2(uint64_t v)
{
	unsigned int b = ilog2_ul(v), i;
	double x = (double)v / (double)(1ULL << b), frac = 0, bit = 0.5;

	/* Binary digits of log2 of x in [1, 2): square, halve on >= 2. */
	for (i = 0; i < 16; i++, bit /= 2) {
		x *= x;
		if (x >= 2) {
			x /= 2;
			frac += bit;
		}
	}
	return (long)(b * 100 + frac * 100);
}

struct spread {
	int zeros;		/* samples that reported 0 (absent) */
	uint64_t min, max;
	uint64_t align;		/* 0 when all equal */
	long centibits;		/* observed bits x 100 */
	bool identical;
};

static struct spread spread_of(const struct mode_cache *c, int n, int r)
{
	struct spread s = { .min = UINT64_MAX };
	uint64_t diffs = 0;
	int i;

	for (i = 0; i < n; i++) {
		uint64_t v = c->v[i][r];

		s.zeros += !v;
		s.min = v < s.min ? v : s.min;
		s.max = v > s.max ? v : s.max;
		diffs |= v - c->v[0][r];
	}
	s.identical = !diffs;
	if (diffs) {
		s.align = diffs & -diffs;
		s.centibits = centi_log2((s.max - s.min) / s.align);
	}
	return s;
}

/* The smallest k >= 1 with N * 2^(-k(N-1)) < 2^-FALSE_ALARM_LOG2. */
static int tolerance_bits(int n)
{
	int k = 1;

	while ((long)k * (n - 1) < (long)ilog2_ul(n) + 1 + FALSE_ALARM_LOG2)
		k++;
	return k;
}

struct expect {
	int bits;		/* -1: unknown */
	char source[64];
	const char *skip;	/* the region cannot be checked here */
};

static bool task_is_64bit(void)
{
	return sizeof(long) == 8;
}

/* vm.mmap_rnd_bits (compat bits for a 32-bit task on a 64-bit kernel). */
static int mmap_entropy_bits(char *source, size_t len)
{
	bool compat = vas_is_compat_task();
	const char *sysctl = compat ? "vm.mmap_rnd_compat_bits" :
				      "vm.mmap_rnd_bits";
	const char *opt = compat ? "CONFIG_ARCH_MMAP_RND_COMPAT_BITS" :
				   "CONFIG_ARCH_MMAP_RND_BITS";
	unsigned long v;
	char buf[32];

	/* Root-only readable (0600): the kernel config's default otherwise. */
	if (!vas_sysctl_read_ul(sysctl, &v)) {
		snprintf(source, len, "%s", sysctl + 3);
		return (int)v;
	}
	if (!vas_kconfig(opt, buf, sizeof(buf))) {
		snprintf(source, len, "%s", opt);
		return atoi(buf);
	}
	snprintf(source, len, "unknown");
	return -1;
}

/*
 * Bits of STACK_RND_MASK, the stack top's random pages: x86
 * (arch/x86/include/asm/elf.h) 0x3fffff for 64-bit tasks, 0x7ff for
 * 32-bit ones; arm64 (arch/arm64/include/asm/elf.h) 0x3ffff >>
 * (PAGE_SHIFT - 12), 0x7ff >> (PAGE_SHIFT - 12) for compat tasks; the
 * generic default (mm/util.c, arm) 0x7ff >> (PAGE_SHIFT - 12).
 */
static int stack_rnd_bits(char *source, size_t len)
{
	int ps = (int)vas_page_shift();

#if defined(__x86_64__) || defined(__i386__)
	(void)ps;
	snprintf(source, len, "STACK_RND_MASK_x86_%s",
		 task_is_64bit() ? "64" : "32");
	return task_is_64bit() ? 22 : 11;
#elif defined(__aarch64__)
	snprintf(source, len, "STACK_RND_MASK_arm64");
	return 18 - (ps - 12);
#elif defined(__arm__)
	snprintf(source, len, "STACK_RND_MASK_%s",
		 vas_is_compat_task() ? "arm64_compat" : "generic");
	return 11 - (ps - 12);
#else
	(void)ps;
	snprintf(source, len, "unknown");
	return -1;
#endif
}

/* arch_randomize_brk(): 1 GiB (64-bit tasks) or 32 MiB of pages. */
static int brk_rnd_bits(char *source, size_t len)
{
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || \
	defined(__arm__)
	snprintf(source, len, "arch_randomize_brk_%s",
		 task_is_64bit() ? "1G" : "32M");
	return (task_is_64bit() ? 30 : 25) - (int)vas_page_shift();
#else
	snprintf(source, len, "unknown");
	return -1;
#endif
}

/* The PMD size THP uses, or 0 without THP. */
static unsigned long thp_pmd_size(void)
{
	char buf[32];

	if (vas_read_file("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
			  buf, sizeof(buf)) <= 0)
		return 0;
	return strtoul(buf, NULL, 10);
}

/* The loss of a p_align larger than a page, in bits. */
static int align_loss(unsigned long align)
{
	size_t ps = vas_page_size();

	return align > ps ? (int)(ilog2_ul(align) - ilog2_ul(ps)) : 0;
}

struct ctx {
	struct elf_facts probe, libc;
	char probe_path[PATH_MAX];
	unsigned long pmd;	/* THP PMD size, 0 without THP */
	unsigned long map_pmd;	/* the "PMD" mapping's size */
};

static struct expect expectation(const struct ctx *x, enum mode m, int r)
{
	struct expect e = { .bits = -1 };
	char src[48];
	int loss;

	switch (regions[r].rule) {
	case NONE:
		snprintf(e.source, sizeof(e.source), "none");
		break;
	case STACK:
		e.bits = stack_rnd_bits(e.source, sizeof(e.source));
		break;
	case BRK:
		if (m != MODE_2) {
			snprintf(e.source, sizeof(e.source), "mode_%s",
				 mode_names[m]);
			break;
		}
		e.bits = brk_rnd_bits(e.source, sizeof(e.source));
		break;
	case MMAP:
	case MMAP_PMD:
		e.bits = mmap_entropy_bits(src, sizeof(src));
		snprintf(e.source, sizeof(e.source), "%s", src);
		/*
		 * The loader maps libc aligned to its largest p_align
		 * (glibc >= 2.35, elf/dl-map-segments.h), and the top-down
		 * allocator (unmapped_area_topdown()) puts a later mapping
		 * in the highest gap below mmap_base: either above libc,
		 * or below the lowest library, at a fixed distance from an
		 * aligned address. So every later mapping keeps at least
		 * the mmap bits minus libc's alignment: 4 bits for
		 * Debian's arm64 libc (p_align 64 KiB), none for a libc
		 * linked for 4 KiB pages.
		 */
		loss = r == R_MAIN ? align_loss(x->probe.max_align) :
		       align_loss(x->libc.max_align);
		if (loss && e.bits >= 0) {
			e.bits -= loss;
			snprintf(e.source, sizeof(e.source), "%s-%s", src,
				 r == R_MAIN || r == R_LIBC ? "p_align" :
				 "libc_p_align");
		}
		/*
		 * Exactly one PMD, anonymous: PMD-aligned on purpose on
		 * 64-bit tasks since 6.7 when THP is built in.
		 */
		if (regions[r].rule == MMAP_PMD && e.bits >= 0 && x->pmd &&
		    task_is_64bit() && vas_kernel_at_least(6, 7)) {
			e.bits -= align_loss(x->pmd);
			snprintf(e.source, sizeof(e.source), "%s-thp_pmd_align",
				 src);
		}
		break;
	}
	if (r == R_LIBC && !x->probe.interp)
		e.skip = SKIP_NO_SHLIB;
	if (r == R_MAIN && !x->probe.pie)
		e.skip = SKIP_NOT_PIE;
	/* 6.10+ moves a static PIE's brk to ELF_ET_DYN_BASE in any mode. */
	if ((r == R_BRK_OFFSET || r == R_START_BRK) &&
	    x->probe.pie && !x->probe.interp)
		e.skip = SKIP_STATIC_PIE_BRK;
	return e;
}

/* ---- taking the samples ---- */

static const char *fs_name(long type)
{
	switch ((unsigned long)type) {
	case 0xef53: return "ext4";
	case 0x58465342: return "xfs";
	case 0x9123683e: return "btrfs";
	case 0x01021994: return "tmpfs";
	case 0x858458f6: return "ramfs";
	case 0xe0f5e1e2: return "erofs";
	case 0x794c7630: return "overlayfs";
	default: return "other";
	}
}

/* A sparse file to map, in $TMPDIR, /tmp or here; -errno when none. */
static int make_file(char *path, size_t len, unsigned long size, char *fs,
		     size_t fslen)
{
	const char *const dirs[] = { getenv("TMPDIR"), "/tmp", "." };
	struct statfs st;
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		snprintf(path, len, "%s/vas-aslr-XXXXXX", dirs[i]);
		fd = mkstemp(path);
		if (fd < 0)
			continue;
		if (ftruncate(fd, size) || fstatfs(fd, &st)) {
			close(fd);
			unlink(path);
			continue;
		}
		snprintf(fs, fslen, "%s", fs_name(st.f_type));
		close(fd);
		return 0;
	}
	return -ENOENT;
}

/* Start the probe with its stdout on a pipe; the read end, or -errno. */
static int probe_start(const char *probe, char *const argv[], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	int fds[2], ret, tries = 0;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	/* A busy machine may refuse a fork for a moment: not our verdict. */
	do {
		ret = posix_spawn(pid, probe, &fa, NULL, argv, environ);
	} while ((ret == EAGAIN || ret == ENOMEM) && ++tries < 5 &&
		 !usleep(10000));
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (ret) {
		close(fds[0]);
		return -ret;
	}
	return fds[0];
}

/* Read and reap a started probe; its line parsed into v. 0 or -errno. */
static int probe_finish(int fd, pid_t pid, uint64_t *v, char *line,
			size_t len)
{
	unsigned long long x[NR_PROBED];
	size_t used = 0;
	ssize_t got;
	int i;

	while (used < len - 1) {
		got = read(fd, line + used, len - 1 - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		used += got;
	}
	line[used] = '\0';
	close(fd);
	if (vas_wait_child(pid))
		return -EPROTO;
	if (sscanf(line, "%llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx",
		   &x[0], &x[1], &x[2], &x[3], &x[4], &x[5], &x[6], &x[7],
		   &x[8], &x[9], &x[10], &x[11], &x[12], &x[13], &x[14]) !=
	    NR_PROBED)
		return -EPROTO;
	for (i = 0; i < NR_PROBED; i++)
		v[i] = x[i];
	v[R_BRK_OFFSET] = x[R_START_BRK] - x[R_END_DATA];
	return 0;
}

/*
 * Take n samples, as many probes in flight as there are CPUs (at most
 * MAX_INFLIGHT): each writes one short line, which the pipe holds, so a
 * probe never waits for us. 0, or -errno with the failing line in line.
 */
static int probe_samples(const char *probe, char *const argv[], int n,
			 uint64_t (*v)[NR_REGIONS], char *line, size_t len)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int inflight = cpus < 1 ? 1 : cpus > MAX_INFLIGHT ? MAX_INFLIGHT : cpus;
	int fds[MAX_INFLIGHT];
	pid_t pids[MAX_INFLIGHT];
	char scratch[512];
	int done = 0, started = 0, ret = 0, r;

	line[0] = '\0';
	while (done < n) {
		while (!ret && started < n && started - done < inflight) {
			r = probe_start(probe, argv, &pids[started % inflight]);
			if (r < 0) {
				ret = r;
				snprintf(line, len, "spawn failed: %s",
					 strerror(-r));
			} else {
				fds[started++ % inflight] = r;
			}
		}
		if (done == started)
			break;
		/* After a failure, keep its line: reap the rest into scratch. */
		r = probe_finish(fds[done % inflight], pids[done % inflight],
				 v[done], ret ? scratch : line,
				 ret ? sizeof(scratch) : len);
		done++;
		if (r && !ret)
			ret = r;
	}
	return ret;
}

static int current_mode(void)
{
	unsigned long v;

	return vas_sysctl_read_ul(RVS_SYSCTL, &v) ? -1 : (int)v;
}

/* vm.legacy_va_layout picks bottom-up or top-down mmap bases; -1: none. */
static int current_legacy_layout(void)
{
	unsigned long v;

	return vas_sysctl_read_ul("vm.legacy_va_layout", &v) ? -1 : (int)v;
}

FIXTURE(sampled) {
	struct ctx x;
	struct mode_cache *c;
	int n;
};

FIXTURE_VARIANT(sampled) {
	enum mode mode;
};

FIXTURE_VARIANT_ADD(sampled, mode_0) { .mode = MODE_0 };
FIXTURE_VARIANT_ADD(sampled, mode_1) { .mode = MODE_1 };
FIXTURE_VARIANT_ADD(sampled, mode_2) { .mode = MODE_2 };
FIXTURE_VARIANT_ADD(sampled, no_randomize_personality) {
	.mode = MODE_NORANDOMIZE,
};

/*
 * Take the mode's samples into the shared cache, unless an earlier test
 * did. Returns NULL and sets *skip when the mode cannot be set here.
 */
static void take_samples(struct __test_metadata *_metadata,
			 FIXTURE_DATA(sampled) *self, enum mode mode)
{
	struct mode_cache *c = self->c;
	int want = mode == MODE_NORANDOMIZE ? 2 : (int)mode;
	char file[PATH_MAX], pmd_arg[32], file_arg[32], line[512];
	char want_str[4];
	char *const argv[] = { PROBE_NAME, pmd_arg, file, file_arg, NULL };
	unsigned long file_size;
	long old_persona = -1;
	bool changed = false;
	int ret = 0, tries, after = -1, start = current_mode();

	c->start_mode = start;
	ASSERT_LE(0, start) TH_LOG("%s unreadable", RVS_SYSCTL);
	if (start != want) {
		if (!vas_is_root()) {
			c->state = 2;
			snprintf(c->skip, sizeof(c->skip), VAS_SKIP_ROOT);
			return;
		}
		snprintf(want_str, sizeof(want_str), "%d", want);
		ret = vas_sysctl_set_guarded(RVS_SYSCTL, want_str);
		if (ret == -EACCES || ret == -EPERM || ret == -EROFS) {
			c->state = 2;
			snprintf(c->skip, sizeof(c->skip), SKIP_NOT_WRITABLE);
			return;
		}
		ASSERT_EQ(0, ret) TH_LOG("setting %s to %d", RVS_SYSCTL, want);
		changed = true;
	}

	file_size = 4 * VAS_MIB > 2 * self->x.map_pmd ? 4 * VAS_MIB :
		    2 * self->x.map_pmd;
	snprintf(pmd_arg, sizeof(pmd_arg), "%#lx", self->x.map_pmd);
	snprintf(file_arg, sizeof(file_arg), "%#lx", file_size);
	if (make_file(file, sizeof(file), file_size, c->fs, sizeof(c->fs)))
		snprintf(file, sizeof(file), "-");

	if (mode == MODE_NORANDOMIZE) {
		old_persona = personality(0xffffffff);
		if (old_persona == -1 ||
		    personality(old_persona | ADDR_NO_RANDOMIZE) == -1)
			ret = -errno;
	}
	/*
	 * The sysctls are global: should anything else change the mode or
	 * the mmap layout (vm.legacy_va_layout: bottom-up or top-down bases)
	 * while the probes run, the samples mix layouts. Take them again (as
	 * root, after setting the mode again); the last attempt's mode is
	 * checked below.
	 */
	for (tries = 0; !ret && tries < 3; tries++) {
		int legacy = current_legacy_layout();

		if (changed && tries)
			ret = vas_sysctl_write(RVS_SYSCTL, want_str);
		if (!ret)
			ret = probe_samples(self->x.probe_path, argv, self->n,
					    c->v, line, sizeof(line));
		after = current_mode();
		if (after == want && legacy == current_legacy_layout())
			break;
	}
	if (old_persona != -1)
		personality(old_persona);
	if (strcmp(file, "-"))
		unlink(file);
	/* Restore before asserting anything. */
	if (changed)
		ASSERT_EQ(0, vas_sysctl_restore(RVS_SYSCTL));
	ASSERT_EQ(0, ret) TH_LOG("probe: '%s'", line);
	ASSERT_EQ(want, after) TH_LOG("%s changed while sampling", RVS_SYSCTL);
	c->state = 1;
}

FIXTURE_SETUP(sampled)
{
	self->n = nr_samples;
	self->c = cache[variant->mode];
	ASSERT_NE((uintptr_t)0, (uintptr_t)self->c);
	ASSERT_EQ(0, probe_path(self->x.probe_path, sizeof(self->x.probe_path)))
		TH_LOG("%s not found next to this program", PROBE_NAME);
	self->x.probe = elf_read(self->x.probe_path);
	ASSERT_TRUE(self->x.probe.ok) TH_LOG("%s: not an ELF of this class",
					     self->x.probe_path);
	self->x.libc = libc_facts();
	self->x.pmd = thp_pmd_size();
	/* The spec's 2 MiB where THP does not tell the PMD size. */
	self->x.map_pmd = self->x.pmd ?: 2 * VAS_MIB;
	if (self->n < MIN_SAMPLES)
		SKIP(return, SKIP_FEW_SAMPLES);
	if (!self->c->state) {
		/* Another vas program must not change the mode meanwhile. */
		int lock = vas_global_lock();

		take_samples(_metadata, self, variant->mode);
		vas_global_unlock(lock);
	}
	if (self->c->state == 2)
		SKIP(return, "%s", self->c->skip);
}

FIXTURE_TEARDOWN(sampled)
{
}

/* The boot and mode facts, once per test, for the log. */
static void log_mode(struct __test_metadata *_metadata,
		     const FIXTURE_DATA(sampled) *self, enum mode mode)
{
	TH_LOG("mode %s: %d samples; %s was %d at start; norandmaps %s",
	       mode_names[mode], self->n, RVS_SYSCTL, self->c->start_mode,
	       vas_cmdline_has("norandmaps") ? "on the command line" :
					       "not given");
}

/*
 * x86_64 before 6.9: the 64-bit vDSO goes to a random page within the
 * PMD after the stack even without randomization (vdso_addr()).
 */
static bool vdso_random_in_pmd(void)
{
#if defined(__x86_64__)
	return !vas_kernel_at_least(6, 9);
#else
	return false;
#endif
}

/* The addresses are fixed, vary, or keep the brk offset, as the mode says. */
TEST_F_TIMEOUT(sampled, addresses_follow_mode, SAMPLING_TIMEOUT)
{
	enum mode mode = variant->mode;
	bool randomized = mode == MODE_1 || mode == MODE_2;
	struct spread s;
	int r, bad = 0;

	if (self->c->state != 1)
		return;
	log_mode(_metadata, self, mode);
	for (r = 0; r < NR_REGIONS; r++) {
		struct expect e = expectation(&self->x, mode, r);

		if (r == R_RANDOM_BYTES)
			continue;
		s = spread_of(self->c, self->n, r);
		if (s.zeros == self->n || e.skip) {
			TH_LOG("%-18s not checked: %s", regions[r].name,
			       e.skip ?: r == R_VDSO ? SKIP_NO_VDSO :
			       r == R_FILE ? SKIP_NO_FILE : "absent");
			continue;
		}
		if (s.zeros) {
			TH_LOG("%-18s absent in %d of %d samples",
			       regions[r].name, s.zeros, self->n);
			bad++;
			continue;
		}
		if (!randomized) {
			if (r == R_VDSO && vdso_random_in_pmd()) {
				/* x86_64 PMD_SIZE is 2 MiB (PMD_SHIFT 21). */
				if (s.max - s.min >= 2 * VAS_MIB) {
					TH_LOG("vdso spread %#llx >= one PMD (2 MiB) without randomization",
					       (unsigned long long)(s.max - s.min));
					bad++;
				} else if (!s.identical) {
					TH_LOG("vdso varies within one PMD (x86_64 < 6.9 vdso_addr())");
				}
				continue;
			}
			if (!s.identical) {
				TH_LOG("%-18s expected identical in %d samples, saw %#llx..%#llx",
				       regions[r].name, self->n,
				       (unsigned long long)s.min,
				       (unsigned long long)s.max);
				bad++;
			}
			continue;
		}
		if (r == R_BRK_OFFSET) {
			/* Mode 1: start_brk follows the data; mode 2 moves it. */
			if ((mode == MODE_1) != s.identical) {
				TH_LOG("brk_offset expected %s in mode %s, saw %#llx..%#llx",
				       mode == MODE_1 ? "identical" : "varying",
				       mode_names[mode],
				       (unsigned long long)s.min,
				       (unsigned long long)s.max);
				bad++;
			}
			continue;
		}
		if (regions[r].varies && s.identical) {
			TH_LOG("%-18s expected to vary in mode %s, saw %#llx %d times",
			       regions[r].name, mode_names[mode],
			       (unsigned long long)s.min, self->n);
			bad++;
		}
	}
	EXPECT_EQ(0, bad);
}

/* AT_RANDOM's 16 bytes are random in every mode (stack protector seed). */
TEST_F_TIMEOUT(sampled, at_random_bytes_differ, SAMPLING_TIMEOUT)
{
	struct spread s;

	if (self->c->state != 1)
		return;
	s = spread_of(self->c, self->n, R_RANDOM_BYTES);
	EXPECT_FALSE(s.identical) TH_LOG("AT_RANDOM bytes %#llx in all %d samples",
					 (unsigned long long)s.min, self->n);
}

/*
 * Print one region's row (KTAP diagnostics and results.json) and check
 * it: observed bits >= expected - tolerance. Returns 1 on a shortfall.
 */
static int entropy_row(struct __test_metadata *_metadata,
		       FIXTURE_DATA(sampled) *self, enum mode mode, int r,
		       bool check)
{
	struct expect e = expectation(&self->x, mode, r);
	struct spread s = spread_of(self->c, self->n, r);
	int tol = tolerance_bits(self->n);
	const char *skip = e.skip;
	bool randomized = mode == MODE_1 || mode == MODE_2;

	if (!skip && s.zeros == self->n)
		skip = r == R_VDSO ? SKIP_NO_VDSO : r == R_FILE ? SKIP_NO_FILE :
		       "absent";
	if (!randomized && e.bits >= 0) {
		e.bits = 0;
		snprintf(e.source, sizeof(e.source), "no_randomization");
	}
	TH_LOG("%-18s observed %3ld.%02ld bits (spread %#llx, alignment %#llx), expected %d (%s)%s%s%s",
	       regions[r].name, s.centibits / 100, s.centibits % 100,
	       (unsigned long long)(s.max - s.min),
	       (unsigned long long)s.align, e.bits, e.source,
	       r == R_FILE ? ", on " : "", r == R_FILE ? self->c->fs : "",
	       skip ? ", not checked" : "");
	ksft_print_msg("vas-data: entropy mode=%s region=%s observed_bits=%ld.%02ld expected_bits=%d source=%s samples=%d alignment=%llu%s%s\n",
		       mode_names[mode], regions[r].name, s.centibits / 100,
		       s.centibits % 100, e.bits, e.source, self->n,
		       (unsigned long long)s.align,
		       r == R_FILE ? " fs=" : "", r == R_FILE ? self->c->fs : "");
	if (!check || skip || e.bits < 0 || !randomized)
		return 0;
	if (s.zeros) {
		TH_LOG("%s absent in %d samples", regions[r].name, s.zeros);
		return 1;
	}
	if (s.centibits < (long)(e.bits - tol) * 100) {
		TH_LOG("%s lost randomization: observed %ld.%02ld bits < expected %d - %d (%s), alignment %#llx",
		       regions[r].name, s.centibits / 100, s.centibits % 100,
		       e.bits, tol, e.source, (unsigned long long)s.align);
		return 1;
	}
	return 0;
}

/* Every region's entropy; the regular regions meet their expectation. */
TEST_F_TIMEOUT(sampled, entropy_meets_expectation, SAMPLING_TIMEOUT)
{
	enum mode mode = variant->mode;
	int r, bad = 0;

	if (self->c->state != 1)
		return;
	log_mode(_metadata, self, mode);
	TH_LOG("tolerance %d bit(s) for %d samples (false alarm < 2^-%d)",
	       tolerance_bits(self->n), self->n, FALSE_ALARM_LOG2);
	for (r = 0; r < NR_REGIONS; r++)
		if (r != R_RANDOM_BYTES && !regions[r].large)
			bad += entropy_row(_metadata, self, mode, r, true);
	if (mode != MODE_1 && mode != MODE_2)
		SKIP(return, SKIP_NO_RANDOMIZATION);
	EXPECT_EQ(0, bad);
}

/* Mappings of a PMD and more keep the mmap entropy (see the top). */
TEST_F_TIMEOUT(sampled, large_mappings_keep_entropy, SAMPLING_TIMEOUT)
{
	enum mode mode = variant->mode;
	int r, bad = 0;

	if (self->c->state != 1)
		return;
	TH_LOG("PMD-sized mapping %#lx bytes, THP PMD %#lx, file %s",
	       self->x.map_pmd, self->x.pmd, self->c->fs[0] ? self->c->fs : "none");
	for (r = 0; r < NR_REGIONS; r++)
		if (regions[r].large)
			bad += entropy_row(_metadata, self, mode, r, true);
	if (mode != MODE_1 && mode != MODE_2)
		SKIP(return, SKIP_NO_RANDOMIZATION);
	EXPECT_EQ(0, bad);
}

#include "vas_main.h"
