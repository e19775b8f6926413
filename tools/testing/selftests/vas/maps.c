// SPDX-License-Identifier: GPL-2.0
/*
 * maps: the VMA view of the address space, as /proc/self/maps, smaps,
 * smaps_rollup, status and map_files show it, against what the process
 * did to its address space and what the architecture installs at exec
 * (heap, stack, vDSO, vvar, vsyscall, vectors, sigpage).
 *
 * Files that are compared with each other are read with open/read into
 * static buffers and parsed in place, so that reading one of them does not
 * change the address space the next one describes (a malloc could grow the
 * heap or add a mapping in between); each comparison re-reads until two
 * reads of maps (or smaps) around the others agree.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/auxv.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
/* The y2038 syscalls have one number on every 32-bit ABI (syscall_32.tbl, asm-generic). */
#if __SIZEOF_LONG__ == 4 && !defined(__NR_clock_gettime64)
#define __NR_clock_gettime64	403
#endif

#define MAPS_MAX	1024		/* entries per snapshot; a test process has ~50 */
#define RAW_MAX		VAS_MIB	/* one /proc file, smaps included */
#define STABLE_TRIES	8		/* reads until two agree */

#define SKIP_MAP_FILES_CAP	"map_files links need CAP_SYS_ADMIN in the initial user namespace"
#define SKIP_NX_ARCH		"no-exec rule unknown on this arch"
#define SKIP_NX_CPU		"the CPU has no NX"
#define SKIP_NX_NOPAE		"a 32-bit x86 kernel without PAE cannot use NX"
#define SKIP_NX_KCONFIG		"kernel config unavailable"
#define SKIP_XN_ARMV5		"ARM before v6 has no execute-never"
#define SKIP_READ_EXEC		"READ_IMPLIES_EXEC personality: readable is executable"
#define SKIP_EXECMEM		"executable anonymous memory denied here"

struct maps_snap {
	int n;
	struct vas_map m[MAPS_MAX];
};

struct smaps_entry {
	struct vas_map map;
	unsigned long long size_kb, rss_kb, pss_kb, anon_kb;
};

struct smaps_snap {
	int n;
	struct smaps_entry e[MAPS_MAX];
};

/* Static, so that taking a snapshot never allocates. */
static char raw[RAW_MAX];
static char bad_line[160];
static struct maps_snap snap_a, snap_b;
static struct smaps_snap smaps_a, smaps_b;

static size_t page_size(void)
{
	return vas_page_size();
}

static unsigned long ul(uintptr_t v)
{
	return (unsigned long)v;
}

static unsigned long addr(const void *p)
{
	return (unsigned long)(uintptr_t)p;
}

/* Pointer checks as booleans: the harness prints pointers badly on 32-bit. */
static bool exists(const void *p)
{
	return p;
}

static int read_raw(const char *path)
{
	ssize_t len = vas_read_file(path, raw, sizeof(raw));

	if (len < 0)
		return (int)len;
	if ((size_t)len >= sizeof(raw) - 1)
		return -EFBIG;
	return 0;
}

/* Split the text at *pos into NUL-terminated lines, in place. */
static char *next_line(char **pos)
{
	char *line = *pos, *nl;

	if (!*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*pos = nl + 1;
	} else {
		*pos = line + strlen(line);
	}
	return line;
}

static int snap_maps(struct maps_snap *s)
{
	char *pos = raw, *line;
	int ret = read_raw("/proc/self/maps");

	if (ret)
		return ret;
	s->n = 0;
	while ((line = next_line(&pos))) {
		if (s->n == MAPS_MAX)
			return -E2BIG;
		if (vas_parse_maps_line(line, &s->m[s->n])) {
			snprintf(bad_line, sizeof(bad_line), "%s", line);
			return -EINVAL;
		}
		s->n++;
	}
	return 0;
}

static int snap_smaps(struct smaps_snap *s)
{
	struct smaps_entry *cur = NULL;
	struct vas_map vma;
	unsigned long long v;
	char *pos = raw, *line, key[64];
	int i, ret = read_raw("/proc/self/smaps");

	if (ret)
		return ret;
	s->n = 0;
	while ((line = next_line(&pos))) {
		if (!vas_parse_kv_line(line, key, sizeof(key), &v)) {
			if (!cur)
				goto bad;
			if (!strcmp(key, "Size"))
				cur->size_kb = v;
			else if (!strcmp(key, "Rss"))
				cur->rss_kb = v;
			else if (!strcmp(key, "Pss"))
				cur->pss_kb = v;
			else if (!strcmp(key, "Anonymous"))
				cur->anon_kb = v;
			continue;
		}
		if (!vas_parse_maps_line(line, &vma)) {
			if (s->n == MAPS_MAX)
				return -E2BIG;
			cur = &s->e[s->n++];
			cur->map = vma;
			cur->size_kb = ~0ULL;
			cur->rss_kb = ~0ULL;
			cur->pss_kb = ~0ULL;
			cur->anon_kb = ~0ULL;
			continue;
		}
		/* Other "Key: text" lines (VmFlags) are not ours to check. */
		if (!cur || strcspn(line, ":") > strcspn(line, " \t"))
			goto bad;
	}
	for (i = 0; i < s->n; i++) {
		if (s->e[i].size_kb == ~0ULL || s->e[i].rss_kb == ~0ULL ||
		    s->e[i].pss_kb == ~0ULL || s->e[i].anon_kb == ~0ULL) {
			snprintf(bad_line, sizeof(bad_line), "entry %#lx lacks Size/Rss/Pss/Anonymous",
				 ul(s->e[i].map.start));
			return -ENODATA;
		}
	}
	return 0;
bad:
	snprintf(bad_line, sizeof(bad_line), "%s", line);
	return -EINVAL;
}

/* Values of "Key: N [kB]" lines of one file; -ENODATA unless all found. */
static int snap_kv(const char *path, const char *const *keys,
		   unsigned long long *vals, int nkeys)
{
	unsigned long long v;
	char *pos = raw, *line, key[64];
	int i, found = 0, ret = read_raw(path);

	if (ret)
		return ret;
	for (i = 0; i < nkeys; i++)
		vals[i] = ~0ULL;
	while ((line = next_line(&pos))) {
		if (vas_parse_kv_line(line, key, sizeof(key), &v))
			continue;
		for (i = 0; i < nkeys; i++)
			if (!strcmp(key, keys[i]) && vals[i] == ~0ULL) {
				vals[i] = v;
				found++;
			}
	}
	return found == nkeys ? 0 : -ENODATA;
}

static bool same_vma(const struct vas_map *a, const struct vas_map *b)
{
	return a->start == b->start && a->end == b->end &&
	       !strcmp(a->perms, b->perms) && a->offset == b->offset &&
	       a->inode == b->inode && !strcmp(a->path, b->path);
}

static bool maps_same(const struct maps_snap *a, const struct maps_snap *b)
{
	int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!same_vma(&a->m[i], &b->m[i]))
			return false;
	return true;
}

static bool smaps_same(const struct smaps_snap *a, const struct smaps_snap *b)
{
	int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!same_vma(&a->e[i].map, &b->e[i].map) ||
		    a->e[i].rss_kb != b->e[i].rss_kb || a->e[i].anon_kb != b->e[i].anon_kb)
			return false;
	return true;
}

static const struct vas_map *snap_find(const struct maps_snap *s, uintptr_t addr)
{
	return vas_map_of(s->m, s->n, addr);
}

/* Lines of s overlapping [lo, hi), for failure reports. */
static void log_maps_near(struct __test_metadata *_metadata,
			  const struct maps_snap *s, uintptr_t lo, uintptr_t hi)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->m[i].end > lo && s->m[i].start < hi)
			TH_LOG("  %#lx-%#lx %s %s", ul(s->m[i].start), ul(s->m[i].end),
			       s->m[i].perms, s->m[i].path);
}

static void log_vma(struct __test_metadata *_metadata, const char *label,
		    const struct vas_map *m)
{
	if (!m) {
		TH_LOG("  %s: no line", label);
		return;
	}
	TH_LOG("  %s: %#lx-%#lx %s %08llx %02x:%02x %lu %s", label, ul(m->start),
	       ul(m->end), m->perms, m->offset, m->dev_major, m->dev_minor, m->inode,
	       m->path);
}

/* A line that must not be there: printed when it is. */
#define ASSERT_NO_LINE(maps, n, name) do {					\
	const struct vas_map *_m = vas_find_map(maps, n, name);			\
										\
	ASSERT_FALSE(exists(_m)) log_vma(_metadata, "unexpected " name, _m);	\
} while (0)

/* The line exactly covering [start, start + len) with perms, else the lines near. */
#define ASSERT_LINE(s, start, len, perms) do {					\
	uintptr_t _lo = (uintptr_t)(start), _hi = _lo + (len);			\
										\
	ASSERT_TRUE(exists(line_is(s, start, len, perms))) {			\
		TH_LOG("no %s line %#lx-%#lx; lines near it:", perms,		\
		       ul(_lo), ul(_hi));					\
		log_maps_near(_metadata, s, _lo - page_size(),			\
			      _hi + page_size());				\
	}									\
} while (0)

/*
 * Gate VMAs are not in the mm: /proc lists them after the last VMA, but
 * they count neither in VmSize nor in smaps_rollup.
 *   x86_64: [vsyscall] (arch/x86/entry/vsyscall/vsyscall_64.c, get_gate_vma)
 *   arm:    [vectors], the kuser helpers page (arch/arm/kernel/process.c);
 *           a 32-bit task on an arm64 kernel gets an ordinary VMA instead
 *           (arch/arm64/kernel/vdso.c, aarch32_kuser_helpers_setup).
 */
static bool is_gate_vma(const struct vas_map *m)
{
#if defined(__x86_64__)
	return !strcmp(m->path, "[vsyscall]");
#elif defined(__arm__)
	return !strcmp(m->path, "[vectors]") && !vas_is_compat_task();
#else
	(void)m;
	return false;
#endif
}

/* Special mappings and anonymous memory have no file: show_map_vma() prints 0 0 0. */
static bool is_fileless_name(const char *path)
{
	static const char *const names[] = {
		"[heap]", "[stack]", "[vdso]", "[vvar]", "[vsyscall]",
		"[vectors]", "[sigpage]", "[uprobes]",
	};
	size_t i;

	if (!path[0] || !strncmp(path, "[anon:", 6) || !strncmp(path, "[vvar_", 6))
		return true;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(path, names[i]))
			return true;
	return false;
}

/* Does map_files list this VMA, i.e. has it a vm_file? */
static bool is_file_vma(const struct vas_map *m)
{
	return m->inode != 0 || (m->path[0] && m->path[0] != '[');
}

static bool is_vvar_name(const char *path)
{
	return !strcmp(path, "[vvar]") || !strncmp(path, "[vvar_", 6);
}

static void no_core_dump(void)
{
	struct rlimit none = { 0, 0 };

	/* A killed child is the expected outcome here, not a crash to keep. */
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* ---- maps lines ---- */

/*
 * The name a region of the address space picture gets: "exe" for the
 * program, a file's base name, "[stack]" and the other special names as
 * maps shows them, "anon" for anonymous memory. No spaces (vas-data).
 */
static void region_name(const struct vas_map *m, const char *exe,
			char *out, size_t len)
{
	const char *base = strrchr(m->path, '/');
	size_t i;

	if (!m->path[0] || !strncmp(m->path, "[anon:", 6))
		snprintf(out, len, "anon");
	else if (!strncmp(m->path, "/dev/zero (deleted)", 19))
		snprintf(out, len, "anon_shared");	/* MAP_SHARED anonymous */
	else if (exe[0] && !strcmp(m->path, exe))
		snprintf(out, len, "exe");
	else
		snprintf(out, len, "%s", base ? base + 1 : m->path);
	for (i = 0; out[i]; i++)
		if (out[i] == ' ' || out[i] == '=')
			out[i] = '_';
}

/*
 * The user half for the report's address space picture: one line per
 * region, consecutive maps lines of one file (or of adjacent anonymous
 * memory) folded into one; last is the region's last byte.
 */
static void print_user_regions(const struct maps_snap *s)
{
	char exe[sizeof(s->m[0].path)] = "";
	char name[sizeof(exe)], next[sizeof(exe)];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int i, j, lines;

	exe[len > 0 ? len : 0] = '\0';
	for (i = 0; i < s->n; i = j) {
		region_name(&s->m[i], exe, name, sizeof(name));
		for (j = i + 1, lines = 1; j < s->n; j++, lines++) {
			region_name(&s->m[j], exe, next, sizeof(next));
			if (strcmp(name, next) || s->m[j].path[0] == '[' ||
			    (!s->m[j].path[0] && s->m[j].start != s->m[j - 1].end))
				break;
		}
		ksft_print_msg("vas-data: region side=user name=%s start=%#lx last=%#lx lines=%d\n",
			       name, ul(s->m[i].start), ul(s->m[j - 1].end - 1), lines);
	}
}

TEST(maps_lines_sorted_aligned_and_well_formed)
{
	size_t ps = page_size();
	const struct vas_map *m, *prev = NULL, *shared_line;
	char *shared;
	int i, ret;

	ASSERT_NE((size_t)0, ps);
	/* Make sure a shared line exists among the private ones. */
	shared = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(addr(MAP_FAILED), addr(shared)) TH_LOG("shared mmap: %s", strerror(errno));

	ret = snap_maps(&snap_a);
	if (ret == -EINVAL)
		TH_LOG("unparsable line: \"%s\"", bad_line);
	ASSERT_EQ(0, ret);
	ASSERT_LT(0, snap_a.n);

	for (i = 0; i < snap_a.n; i++, prev = m) {
		m = &snap_a.m[i];
		if (!(m->start < m->end && !(m->start % ps) && !(m->end % ps)) ||
		    (prev && prev->end > m->start))
			TH_LOG("line %d: %#lx-%#lx %s (previous ends at %#lx)", i,
			       ul(m->start), ul(m->end), m->path, prev ? ul(prev->end) : 0UL);
		ASSERT_LT(m->start, m->end);
		ASSERT_EQ(0UL, ul(m->start) % ps);
		ASSERT_EQ(0UL, ul(m->end) % ps);
		if (prev)
			ASSERT_LE(prev->end, m->start);

		if (!strchr("r-", m->perms[0]) || !strchr("w-", m->perms[1]) ||
		    !strchr("x-", m->perms[2]) || !strchr("ps", m->perms[3]))
			TH_LOG("line %d at %#lx: perms \"%s\"", i, ul(m->start), m->perms);
		ASSERT_TRUE(exists(strchr("r-", m->perms[0])));
		ASSERT_TRUE(exists(strchr("w-", m->perms[1])));
		ASSERT_TRUE(exists(strchr("x-", m->perms[2])));
		ASSERT_TRUE(exists(strchr("ps", m->perms[3])));

		if (m->offset % ps)
			TH_LOG("line %d at %#lx: offset %#llx", i, ul(m->start), m->offset);
		ASSERT_EQ(0ULL, m->offset % ps);

		if (is_fileless_name(m->path)) {
			if (m->dev_major || m->dev_minor || m->inode || m->offset)
				TH_LOG("anonymous line %d at %#lx (%s): %llx %02x:%02x %lu",
				       i, ul(m->start), m->path, m->offset,
				       m->dev_major, m->dev_minor, m->inode);
			ASSERT_EQ(0U, m->dev_major);
			ASSERT_EQ(0U, m->dev_minor);
			ASSERT_EQ(0UL, m->inode);
			ASSERT_EQ(0ULL, m->offset);
		}
	}

	shared_line = snap_find(&snap_a, (uintptr_t)shared);
	ASSERT_TRUE(exists(shared_line)) TH_LOG("no line contains the shared page %#lx",
						addr(shared));
	TH_LOG("shared anonymous page: %#lx-%#lx %s %s", ul(shared_line->start),
	       ul(shared_line->end), shared_line->perms, shared_line->path);
	ASSERT_EQ('s', shared_line->perms[3]);
	ASSERT_EQ((uintptr_t)shared, shared_line->start);
	print_user_regions(&snap_a);
	munmap(shared, ps);
}

/* ---- special mappings ---- */

/*
 * Whether this task must have a vDSO: 1 yes, 0 no, -1 cannot tell.
 *   x86_64: unless "vdso=0" (arch/x86/entry/vdso/vma.c, vdso_setup)
 *   i386 task: "vdso32=" (and "vdso=" on a 32-bit kernel) decide, else
 *     CONFIG_COMPAT_VDSO=y turns it off by default (vdso32-setup.c)
 *   arm64: always (arch/arm64/kernel/vdso.c has no switch)
 *   arm: CONFIG_VDSO, or CONFIG_COMPAT_VDSO for a task on an arm64 kernel
 */
static int vdso_expected(void)
{
	char val[32];
	int ret;

#if defined(__x86_64__)
	(void)ret;
	if (!vas_cmdline_param("vdso", val, sizeof(val)))
		return strtoul(val, NULL, 0) != 0;
	return 1;
#elif defined(__i386__)
	if (!vas_cmdline_param("vdso32", val, sizeof(val)) ||
	    (!vas_is_compat_task() && !vas_cmdline_param("vdso", val, sizeof(val))))
		return strtoul(val, NULL, 0) != 0;
	ret = vas_kconfig("CONFIG_COMPAT_VDSO", val, sizeof(val));
	if (ret == -ENODATA)
		return 1;
	return ret ? -1 : strcmp(val, "y") != 0;
#elif defined(__aarch64__)
	(void)val;
	(void)ret;
	return 1;
#elif defined(__arm__)
	ret = vas_kconfig(vas_is_compat_task() ? "CONFIG_COMPAT_VDSO" : "CONFIG_VDSO",
			  val, sizeof(val));
	if (ret == -ENODATA)
		return 0;
	return ret ? -1 : !strcmp(val, "y");
#else
	(void)val;
	(void)ret;
	return -1;
#endif
}

/*
 * What exec installs, per architecture (the names are ABI: fs/proc/task_mmu.c
 * for [heap] and [stack] everywhere; arch/x86/entry/vdso/vma.c,
 * arch/arm64/kernel/vdso.c, arch/arm/kernel/vdso.c for [vvar] then [vdso],
 * newer kernels splitting [vvar] into [vvar] and [vvar_*] pages;
 * arch/arm/kernel/process.c and arch/arm64/kernel/vdso.c for [sigpage]
 * and the [vectors] kuser helpers page). [vsyscall] is x86_64 only.
 */
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__arm__)
#define VVAR_EXPECTED	1
#else
#define VVAR_EXPECTED	0
#endif

TEST(special_mappings_match_architecture)
{
	size_t ps = page_size();
	uintptr_t brk_now, aux = getauxval(AT_SYSINFO_EHDR), vvar_start = 0;
	const struct vas_map *heap, *stack, *vdso, *m, *prev = NULL;
	const struct vas_map *maps = snap_a.m;
	int local = 0, expect_vdso = vdso_expected(), n, i, nvvar = 0, nheap = 0;
#if defined(__arm__)
	/* __kuser_helper_version, Documentation/arm/kernel_user_helpers.rst */
	struct vas_fault kuser = vas_try_access(0xffff0ffcUL, VAS_READ);
	char val[8];
	int kuser_config = vas_kconfig("CONFIG_KUSER_HELPERS", val, sizeof(val));
#endif

	ASSERT_NE((size_t)0, ps);
	/* [heap] is the brk area: give it a page in case nothing used brk yet. */
	ASSERT_NE(addr((void *)-1), addr(sbrk(ps))) TH_LOG("sbrk: %s", strerror(errno));
	brk_now = (uintptr_t)sbrk(0);
	ASSERT_EQ(0, snap_maps(&snap_a));	/* allocates nothing: brk stays */
	ASSERT_EQ(brk_now, (uintptr_t)sbrk(0));
	n = snap_a.n;

	/*
	 * Every VMA overlapping [start_brk, brk] is labelled [heap]; there can
	 * be several (after fork, a brk extension does not merge with a VMA
	 * whose anon_vma is shared with the parent). Together they are one
	 * range ending at the page-aligned break.
	 */
	heap = vas_find_map(maps, n, "[heap]");
	ASSERT_TRUE(exists(heap)) TH_LOG("no [heap] line with brk at %#lx", ul(brk_now));
	for (m = heap; m + 1 < maps + n && !strcmp(m[1].path, "[heap]") &&
	     m->end == m[1].start; m++)
		;
	for (i = 0; i < n; i++)
		nheap += !strcmp(maps[i].path, "[heap]");
	TH_LOG("[heap] %#lx-%#lx in %d line(s), brk %#lx", ul(heap->start), ul(m->end),
	       nheap, ul(brk_now));
	ASSERT_EQ(nheap, (int)(m - heap) + 1) TH_LOG("[heap] lines are not one range");
	ASSERT_LT(heap->start, brk_now);
	ASSERT_EQ((brk_now + ps - 1) & ~(uintptr_t)(ps - 1), m->end);

	stack = vas_find_map(maps, n, "[stack]");
	ASSERT_TRUE(exists(stack)) TH_LOG("no [stack] line, a local at %#lx", addr(&local));
	TH_LOG("[stack] %#lx-%#lx %s, a local at %#lx", ul(stack->start), ul(stack->end),
	       stack->perms, addr(&local));
	ASSERT_LE(stack->start, (uintptr_t)&local);
	ASSERT_GT(stack->end, (uintptr_t)&local);
	ASSERT_EQ(0, strncmp(stack->perms, "rw", 2));

	vdso = vas_find_map(maps, n, "[vdso]");
	TH_LOG("[vdso] %s, AT_SYSINFO_EHDR %#lx, expected %s", vdso ? "present" : "absent",
	       ul(aux), expect_vdso < 0 ? "unknown" : expect_vdso ? "yes" : "no");
	if (expect_vdso >= 0)
		ASSERT_EQ(expect_vdso, exists(vdso));
	ASSERT_EQ(aux != 0, exists(vdso));

	/* [vvar*] pages and [vdso] form one contiguous block. */
	for (i = 0; i < n; i++) {
		m = &maps[i];
		if (!is_vvar_name(m->path) && strcmp(m->path, "[vdso]"))
			continue;
		if (is_vvar_name(m->path)) {
			nvvar++;
			if (!vvar_start)
				vvar_start = m->start;
			ASSERT_STREQ("r--p", m->perms);
		} else {
			ASSERT_STREQ("r-xp", m->perms);
		}
		if (prev && prev->end != m->start)
			TH_LOG("%s ends at %#lx, %s starts at %#lx", prev->path, ul(prev->end),
			       m->path, ul(m->start));
		if (prev)
			ASSERT_EQ(prev->end, m->start);
		prev = m;
	}
	if (VVAR_EXPECTED)
		ASSERT_EQ(exists(vdso), nvvar > 0) TH_LOG("%d [vvar*] lines", nvvar);

#if defined(__arm__)
	{
		const struct vas_map *sigpage = vas_find_map(maps, n, "[sigpage]");
		const struct vas_map *vectors = vas_find_map(maps, n, "[vectors]");

		ASSERT_TRUE(exists(sigpage)) TH_LOG("no [sigpage] line");
		/* Native arm maps the sigpage right below the vvar page. */
		if (vdso && !vas_is_compat_task())
			ASSERT_EQ(vvar_start, sigpage->end);
		TH_LOG("[vectors] %s, kuser helpers %sreadable, CONFIG_KUSER_HELPERS %s",
		       vectors ? "present" : "absent", kuser.signo ? "not " : "",
		       !kuser_config ? "set" : kuser_config == -ENODATA ? "unset" : "unknown");
		ASSERT_EQ(kuser.signo == 0, exists(vectors));
		if (vectors)
			ASSERT_EQ(0xffff0000UL, vectors->start);
		if (kuser_config == 0 || kuser_config == -ENODATA)
			ASSERT_EQ(kuser_config == 0, exists(vectors));
	}
#else
	ASSERT_NO_LINE(maps, n, "[sigpage]");
	ASSERT_NO_LINE(maps, n, "[vectors]");
#endif
#if !defined(__x86_64__)
	/* 32-bit x86 tasks have no vsyscall page, other architectures never had one. */
	ASSERT_NO_LINE(maps, n, "[vsyscall]");
#endif
}

/* ---- vDSO ---- */

TEST(vdso_starts_at_sysinfo_ehdr)
{
	uintptr_t aux = getauxval(AT_SYSINFO_EHDR);
	const struct vas_map *vdso;
	struct vas_map *maps;
	int n;

	n = vas_read_maps(0, &maps);
	ASSERT_LT(0, n);
	vdso = vas_find_map(maps, n, "[vdso]");
	if (!aux && !vdso) {
		free(maps);
		SKIP(return, "no vDSO");
	}
	ASSERT_NE((uintptr_t)0, aux) TH_LOG("[vdso] at %#lx, no AT_SYSINFO_EHDR", ul(vdso->start));
	ASSERT_TRUE(exists(vdso)) TH_LOG("AT_SYSINFO_EHDR %#lx but no [vdso] line", ul(aux));
	TH_LOG("AT_SYSINFO_EHDR %#lx, [vdso] %#lx-%#lx", ul(aux), ul(vdso->start),
	       ul(vdso->end));
	ASSERT_EQ(vdso->start, aux);
	ASSERT_EQ(0, memcmp((void *)aux, ELFMAG, SELFMAG));
	free(maps);
}

/*
 * vas_lib candidate: a symbol of the vDSO, looked up through its dynamic
 * section (the image is a complete ELF shared object; symbols the kernel
 * disabled at boot have st_name 0, see arch/arm/kernel/vdso.c).
 */
#define elf_ehdr	ElfW(Ehdr)
#define elf_phdr	ElfW(Phdr)
#define elf_dyn		ElfW(Dyn)
#define elf_sym		ElfW(Sym)
#define elf_word	ElfW(Word)

static void *vdso_sym(const char *name)
{
	uintptr_t base = getauxval(AT_SYSINFO_EHDR), bias = 0;
	const elf_ehdr *eh = (const void *)base;
	const elf_phdr *ph;
	const elf_dyn *dyn = NULL;
	const elf_sym *sym = NULL;
	const elf_word *hash = NULL, *gnu = NULL;
	const char *str = NULL;
	bool loaded = false;
	size_t i, nsym = 0;

	if (!base || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return NULL;
	ph = (const void *)(base + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !loaded) {
			bias = base + ph[i].p_offset - ph[i].p_vaddr;
			loaded = true;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const void *)(base + ph[i].p_offset);
		}
	}
	if (!loaded || !dyn)
		return NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		const void *p = (const void *)(bias + dyn->d_un.d_ptr);

		if (dyn->d_tag == DT_SYMTAB)
			sym = p;
		else if (dyn->d_tag == DT_STRTAB)
			str = p;
		else if (dyn->d_tag == DT_HASH)
			hash = p;
		else if (dyn->d_tag == DT_GNU_HASH)
			gnu = p;
	}
	if (!sym || !str)
		return NULL;
	if (hash) {
		nsym = hash[1];		/* nchain */
	} else if (gnu) {
		/* Bloom filter words are address-sized. */
		const elf_word *buckets = gnu + 4 + gnu[2] * (sizeof(uintptr_t) / 4);
		const elf_word *chain = buckets + gnu[0];
		elf_word last = 0;

		for (i = 0; i < gnu[0]; i++)
			if (buckets[i] > last)
				last = buckets[i];
		if (last >= gnu[1])
			while (!(chain[last - gnu[1]] & 1))
				last++;
		nsym = last + 1;
	}
	for (i = 0; i < nsym; i++) {
		if (!sym[i].st_name || sym[i].st_shndx == SHN_UNDEF ||
		    ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC)
			continue;
		if (!strcmp(str + sym[i].st_name, name))
			return (void *)(bias + sym[i].st_value);
	}
	return NULL;
}

/*
 * clock_gettime in the vDSO (Documentation/ABI/stable/vdso, vdso(7)); on
 * 32-bit ABIs the 64-bit time variant first.
 */
static const struct {
	const char *name;
	bool ts64;		/* two 64-bit fields */
} vdso_gettime_names[] = {
#if defined(__x86_64__)
	{ "__vdso_clock_gettime", true },
#elif defined(__aarch64__)
	{ "__kernel_clock_gettime", true },
#elif defined(__i386__) || defined(__arm__)
	{ "__vdso_clock_gettime64", true },
	{ "__vdso_clock_gettime", false },
#endif
	{ NULL, false },
};

/* x86_64 and arm64 always export it; elsewhere the kernel may leave it out. */
#if defined(__x86_64__) || defined(__aarch64__)
#define VDSO_ALWAYS_HAS_GETTIME	1
#else
#define VDSO_ALWAYS_HAS_GETTIME	0
#endif

#if defined(__x86_64__)
#define VAS_AUDIT_ARCH	AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define VAS_AUDIT_ARCH	AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define VAS_AUDIT_ARCH	AUDIT_ARCH_AARCH64
#elif defined(__arm__) && defined(__ARMEB__)
#define VAS_AUDIT_ARCH	AUDIT_ARCH_ARMEB
#elif defined(__arm__)
#define VAS_AUDIT_ARCH	AUDIT_ARCH_ARM
#endif

/* Every syscall that reads a clock for clock_gettime on this ABI. */
static const long gettime_nrs[] = {
#if __SIZEOF_LONG__ == 4
	__NR_clock_gettime64,
#endif
	__NR_clock_gettime,
};

enum { CHILD_OK, CHILD_CALL_FAILED, CHILD_BAD_TIME, CHILD_NO_SECCOMP };

/* Install a filter that kills the process on any clock_gettime syscall. */
static int kill_clock_gettime_syscalls(void)
{
	struct sock_filter f[] = {
#ifdef VAS_AUDIT_ARCH
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, VAS_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clock_gettime, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#if __SIZEOF_LONG__ == 4
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clock_gettime64, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = ARRAY_SIZE(f),
		.filter = f,
	};

	no_core_dump();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -errno;
	return 0;
}

static bool timespec_sane(const long long *ts, bool ts64)
{
	const long *l = (const long *)ts;

	if (ts64)
		return ts[0] >= 0 && ts[1] >= 0 && ts[1] < 1000000000LL;
	return l[0] >= 0 && l[1] >= 0 && l[1] < 1000000000L;
}

static int raw_gettime_child(void *arg)
{
	long long ts[2];

	if (kill_clock_gettime_syscalls())
		return CHILD_NO_SECCOMP;
	syscall(*(const long *)arg, CLOCK_MONOTONIC, ts);
	return CHILD_OK;
}

struct vdso_gettime {
	int (*fn)(clockid_t clk, void *ts);
	bool ts64;
};

static int vdso_gettime_child(void *arg)
{
	const struct vdso_gettime *vg = arg;
	long long ts[2] = { -1, -1 };

	if (kill_clock_gettime_syscalls())
		return CHILD_NO_SECCOMP;
	if (vg->fn(CLOCK_MONOTONIC, ts))
		return CHILD_CALL_FAILED;
	return timespec_sane(ts, vg->ts64) ? CHILD_OK : CHILD_BAD_TIME;
}

static int libc_gettime_child(void *arg)
{
	struct timespec ts = { -1, -1 };

	if (kill_clock_gettime_syscalls())
		return CHILD_NO_SECCOMP;
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return CHILD_CALL_FAILED;
	return ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L ?
	       CHILD_OK : CHILD_BAD_TIME;
}

#if defined(__aarch64__) || defined(__arm__)
/*
 * vas_lib candidate: which of the needles the kernel log holds (found[]);
 * 0, or -1 when the log cannot be read (dmesg_restrict, no root).
 */
static int klog_has(const char *const *needles, int n, bool *found)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), len, i;
	char *buf;

	if (size <= 0)
		return -1;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	for (i = 0; i < n; i++)
		found[i] = len > 0 && memmem(buf, len, needles[i], strlen(needles[i]));
	munmap(buf, size);
	return len > 0 ? 0 : -1;
}
#endif

/*
 * Must the vDSO serve CLOCK_MONOTONIC with the clocksource in force, or
 * is a fallback to the syscall legitimate?
 *   x86: the TSC clocksource is always vDSO-capable (arch/x86/kernel/tsc.c,
 *     VDSO_CLOCKMODE_TSC); kvm-clock and Hyper-V only with a stable-TSC
 *     flag that user space cannot see; other clocksources never.
 *   arm64, arm: the architected counter is vDSO-capable
 *     (drivers/clocksource/arm_arch_timer.c) unless an erratum workaround
 *     disabled that, which the kernel logs; for 32-bit tasks on arm64 also
 *     ARM erratum 1418040. Only a readable log that still holds the timer's
 *     boot message rules that out.
 */
static bool vdso_must_serve_clock(struct __test_metadata *_metadata)
{
	char cs[64] = "";
	size_t len;

	if (vas_read_file("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			  cs, sizeof(cs)) < 0)
		return false;
	len = strcspn(cs, "\n");
	cs[len] = '\0';
	TH_LOG("clocksource %s", cs);
#if defined(__x86_64__) || defined(__i386__)
	return !strcmp(cs, "tsc");
#elif defined(__aarch64__) || defined(__arm__)
	{
		static const char *const needles[] = {
			"timer(s) running at", "arch_timer: Enabling",
			"Trapping CNTVCT", "erratum 1418040",
		};
		bool found[4];

		if (strcmp(cs, "arch_sys_counter"))
			return false;
		if (klog_has(needles, 4, found) || !found[0]) {
			TH_LOG("kernel log unreadable or rotated: cannot rule out timer errata");
			return false;
		}
		return !found[1] && !found[2] && !found[3];
	}
#else
	return false;
#endif
}

TEST(vdso_clock_gettime_enters_no_syscall)
{
	struct vdso_gettime vg = { NULL, false };
	size_t i;
	int st;

	if (!getauxval(AT_SYSINFO_EHDR))
		SKIP(return, "no vDSO");
	for (i = 0; vdso_gettime_names[i].name && !vg.fn; i++) {
		vg.fn = vdso_sym(vdso_gettime_names[i].name);
		vg.ts64 = vdso_gettime_names[i].ts64;
		if (vg.fn)
			TH_LOG("vDSO %s at %#lx", vdso_gettime_names[i].name,
			       ul((uintptr_t)vg.fn));
	}
	if (!vg.fn && VDSO_ALWAYS_HAS_GETTIME)
		ASSERT_TRUE(exists(vg.fn)) TH_LOG("vDSO exports no %s", vdso_gettime_names[0].name);
	if (!vg.fn)
		SKIP(return, "vDSO has no clock_gettime");

	/* The filter works: the syscall itself is fatal. */
	for (i = 0; i < ARRAY_SIZE(gettime_nrs); i++) {
		st = vas_run_child(raw_gettime_child, (void *)&gettime_nrs[i]);
		if (st == CHILD_NO_SECCOMP)
			SKIP(return, "seccomp filters unsupported");
		ASSERT_EQ(128 + SIGSYS, st) TH_LOG("syscall %ld under the filter", gettime_nrs[i]);
	}

	st = vas_run_child(vdso_gettime_child, &vg);
	if (st == 128 + SIGSYS) {
		if (vdso_must_serve_clock(_metadata))
			ASSERT_EQ(CHILD_OK, st) TH_LOG("vDSO clock_gettime made the syscall");
		SKIP(return, "vDSO falls back to the syscall for this clocksource");
	}
	ASSERT_EQ(CHILD_OK, st);

	/* libc goes through the vDSO too; if not, that is libc's business. */
	st = vas_run_child(libc_gettime_child, NULL);
	if (st == 128 + SIGSYS)
		SKIP(return, "libc clock_gettime bypasses the vDSO");
	ASSERT_EQ(CHILD_OK, st);
}

/* ---- vsyscall ---- */

#if defined(__x86_64__)
/* arch/x86/include/uapi/asm/vsyscall.h: VSYSCALL_ADDR = -10UL << 20 */
#define VSYSCALL_ADDR	0xffffffffff600000UL

enum vsyscall_mode { VSYSCALL_NONE, VSYSCALL_XONLY, VSYSCALL_EMULATE, VSYSCALL_UNKNOWN };

static const char *const vsyscall_mode_names[] = { "none", "xonly", "emulate", "unknown" };

static enum vsyscall_mode vsyscall_mode_named(const char *s)
{
	int i;

	for (i = VSYSCALL_NONE; i < VSYSCALL_UNKNOWN; i++)
		if (!strcmp(s, vsyscall_mode_names[i]))
			return i;
	return VSYSCALL_UNKNOWN;
}

static bool kconfig_is_y(const char *option)
{
	char val[8];

	return !vas_kconfig(option, val, sizeof(val)) && !strcmp(val, "y");
}

/*
 * The mode in force: without CONFIG_X86_VSYSCALL_EMULATION there is no
 * vsyscall page; else "vsyscall=" on the command line wins
 * (Documentation/admin-guide/kernel-parameters.txt), else the config's
 * CONFIG_LEGACY_VSYSCALL_{NONE,XONLY,EMULATE} (arch/x86/Kconfig).
 */
static enum vsyscall_mode vsyscall_mode_in_force(const char **source)
{
	char val[16];
	enum vsyscall_mode mode;
	int ret = vas_kconfig("CONFIG_X86_VSYSCALL_EMULATION", val, sizeof(val));

	if (ret == -ENODATA) {
		*source = "config without X86_VSYSCALL_EMULATION";
		return VSYSCALL_NONE;
	}
	if (!vas_cmdline_param("vsyscall", val, sizeof(val))) {
		mode = vsyscall_mode_named(val);
		if (mode != VSYSCALL_UNKNOWN) {
			*source = "command line";
			return mode;
		}
	}
	*source = "kernel config";
	if (ret == 0) {
		if (kconfig_is_y("CONFIG_LEGACY_VSYSCALL_NONE"))
			return VSYSCALL_NONE;
		if (kconfig_is_y("CONFIG_LEGACY_VSYSCALL_XONLY"))
			return VSYSCALL_XONLY;
		if (kconfig_is_y("CONFIG_LEGACY_VSYSCALL_EMULATE"))
			return VSYSCALL_EMULATE;
	}
	*source = "the [vsyscall] line (no kernel config)";
	return VSYSCALL_UNKNOWN;
}

static int vsyscall_gettimeofday_child(void *arg)
{
	int (*vgtod)(struct timeval *tv, struct timezone *tz) = (void *)VSYSCALL_ADDR;
	struct timeval tv = { 0, 0 };
	time_t before = time(NULL);

	no_core_dump();
	if (vgtod(&tv, NULL))
		return CHILD_CALL_FAILED;
	/* time() may lag by a tick; the two clocks are the same otherwise. */
	return tv.tv_sec >= before && tv.tv_sec <= before + 5 ? CHILD_OK : CHILD_BAD_TIME;
}
#endif

TEST(vsyscall_matches_mode)
{
#if defined(__x86_64__)
	static const char *const perms[] = { NULL, "--xp", "r-xp" };
	const char *source;
	enum vsyscall_mode mode = vsyscall_mode_in_force(&source);
	const struct vas_map *line;
	struct vas_map *maps;
	struct vas_fault f;
	bool inferred = false;
	int n, st;

	n = vas_read_maps(0, &maps);
	ASSERT_LT(0, n);
	line = vas_find_map(maps, n, "[vsyscall]");
	TH_LOG("mode %s from %s; [vsyscall] %s", vsyscall_mode_names[mode], source,
	       line ? line->perms : "absent");
	if (mode == VSYSCALL_UNKNOWN) {
		/*
		 * No kernel config and no "vsyscall=": the mode is read off the
		 * line, so the line cannot be checked against it; the call and
		 * the read below, which do not depend on the line, still are.
		 */
		mode = !line ? VSYSCALL_NONE :
		       !strcmp(line->perms, "--xp") ? VSYSCALL_XONLY :
		       !strcmp(line->perms, "r-xp") ? VSYSCALL_EMULATE : VSYSCALL_UNKNOWN;
		ASSERT_NE(VSYSCALL_UNKNOWN, (int)mode) TH_LOG("[vsyscall] perms %s", line->perms);
		inferred = true;
		TH_LOG("mode %s inferred from the [vsyscall] line: only the behaviour is checked against it",
		       vsyscall_mode_names[mode]);
	}
	if (mode == VSYSCALL_NONE) {
		ASSERT_FALSE(exists(line)) log_vma(_metadata, "[vsyscall] in mode none", line);
	} else {
		ASSERT_TRUE(exists(line)) TH_LOG("no [vsyscall] line in mode %s",
						 vsyscall_mode_names[mode]);
		if (!inferred)
			ASSERT_STREQ(perms[mode], line->perms);
		ASSERT_EQ(VSYSCALL_ADDR, line->start);
		ASSERT_EQ(VSYSCALL_ADDR + page_size(), line->end);
	}
	free(maps);

	st = vas_run_child(vsyscall_gettimeofday_child, NULL);
	TH_LOG("calling the vsyscall gettimeofday: %s (child status %d)",
	       st == CHILD_OK ? "works" : st == 128 + SIGSEGV ? "SIGSEGV" : "fails", st);
	ASSERT_EQ(mode == VSYSCALL_NONE ? 128 + SIGSEGV : CHILD_OK, st);

	f = vas_try_access(VSYSCALL_ADDR, VAS_READ);
	TH_LOG("reading %#lx: signal %d (%s)", VSYSCALL_ADDR, f.signo,
	       f.signo ? vas_si_code_name(f.signo, f.code) : "none");
	ASSERT_EQ(mode == VSYSCALL_EMULATE ? 0 : SIGSEGV, f.signo);
#else
	SKIP(return, "vsyscall is x86_64 only");
#endif
}

/* ---- VMAs made, split and merged ---- */

/*
 * A hole of HOLE_PAGES between two PROT_NONE guard pages: what the test
 * maps read-write inside cannot merge with a neighbour it does not own.
 */
#define HOLE_PAGES	3

FIXTURE(hole) {
	size_t ps;
	char *guard;		/* the low guard page; the hole follows */
	char *hole;
	bool noreplace;		/* MAP_FIXED_NOREPLACE honoured (4.17+) */
};

FIXTURE_SETUP(hole)
{
	self->ps = page_size();
	ASSERT_NE((size_t)0, self->ps);
	self->noreplace = vas_kernel_at_least(4, 17);
	self->guard = mmap(NULL, (HOLE_PAGES + 2) * self->ps, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(addr(MAP_FAILED), addr(self->guard)) TH_LOG("mmap: %s", strerror(errno));
	self->hole = self->guard + self->ps;
	ASSERT_EQ(0, munmap(self->hole, HOLE_PAGES * self->ps));
	/* First snapshot faults the buffers in; later ones only read. */
	ASSERT_EQ(0, snap_maps(&snap_a));
}

FIXTURE_TEARDOWN(hole)
{
	munmap(self->guard, (HOLE_PAGES + 2) * self->ps);
}

/* mmap with MAP_FIXED_NOREPLACE; a kernel before 4.17 takes it as a hint. */
static void *map_at(void *addr, size_t len)
{
	return mmap(addr, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
}

/* The line exactly covering [start, start + len) with perms, or NULL. */
static const struct vas_map *line_is(const struct maps_snap *s, const void *start,
				     size_t len, const char *perms)
{
	const struct vas_map *m = snap_find(s, (uintptr_t)start);

	if (!m || m->start != (uintptr_t)start || m->end != (uintptr_t)start + len ||
	    strcmp(m->perms, perms))
		return NULL;
	return m;
}

/* The line containing a, in snap_a and snap_b: present in both and the same. */
static void expect_same_line(struct __test_metadata *_metadata, const char *what,
			     uintptr_t a)
{
	const struct vas_map *before = snap_find(&snap_a, a), *after = snap_find(&snap_b, a);

	if (!before || !after || !same_vma(before, after)) {
		TH_LOG("%s at %#lx changed:", what, ul(a));
		log_vma(_metadata, "before", before);
		log_vma(_metadata, "after", after);
	}
	ASSERT_TRUE(exists(before));
	ASSERT_TRUE(exists(after));
	ASSERT_TRUE(same_vma(before, after));
}

TEST_F(hole, mmap_adds_exactly_one_line)
{
	size_t len = HOLE_PAGES * self->ps;
	char *p;

	if (!self->noreplace)
		SKIP(return, "MAP_FIXED_NOREPLACE unsupported");

	ASSERT_EQ(0, snap_maps(&snap_a));
	p = map_at(self->hole, len);
	ASSERT_EQ(0, snap_maps(&snap_b));
	ASSERT_EQ(addr(self->hole), addr(p)) TH_LOG("mmap at %p gave %p", self->hole, p);

	if (snap_b.n != snap_a.n + 1 || !line_is(&snap_b, p, len, "rw-p")) {
		TH_LOG("before:");
		log_maps_near(_metadata, &snap_a, (uintptr_t)self->guard,
			      (uintptr_t)p + len + self->ps);
		TH_LOG("after:");
		log_maps_near(_metadata, &snap_b, (uintptr_t)self->guard,
			      (uintptr_t)p + len + self->ps);
	}
	ASSERT_EQ(snap_a.n + 1, snap_b.n);
	ASSERT_LINE(&snap_b, p, len, "rw-p");
	/* The guards (with whatever they merged with) are untouched. */
	expect_same_line(_metadata, "low guard", addr(self->guard));
	expect_same_line(_metadata, "high guard", addr(p + len));
}

TEST_F(hole, mprotect_middle_page_splits_vma_in_three)
{
	size_t ps = self->ps, len = 3 * ps;
	int before;
	char *p;

	if (!self->noreplace)
		SKIP(return, "MAP_FIXED_NOREPLACE unsupported");
	p = map_at(self->hole, len);
	ASSERT_EQ(addr(self->hole), addr(p));
	memset(p, 1, len);	/* populated, as a VMA usually is */
	ASSERT_EQ(0, snap_maps(&snap_a));
	ASSERT_LINE(&snap_a, p, len, "rw-p");
	before = snap_a.n;

	ASSERT_EQ(0, mprotect(p + ps, ps, PROT_READ));
	ASSERT_EQ(0, snap_maps(&snap_b));
	if (snap_b.n != before + 2 || !line_is(&snap_b, p + ps, ps, "r--p"))
		log_maps_near(_metadata, &snap_b, (uintptr_t)p, (uintptr_t)p + len);
	ASSERT_EQ(before + 2, snap_b.n);
	ASSERT_LINE(&snap_b, p, ps, "rw-p");
	ASSERT_LINE(&snap_b, p + ps, ps, "r--p");
	ASSERT_LINE(&snap_b, p + 2 * ps, ps, "rw-p");

	/* Restoring the protection makes the three compatible again: one VMA. */
	ASSERT_EQ(0, mprotect(p + ps, ps, PROT_READ | PROT_WRITE));
	ASSERT_EQ(0, snap_maps(&snap_b));
	if (snap_b.n != before)
		log_maps_near(_metadata, &snap_b, (uintptr_t)p, (uintptr_t)p + len);
	ASSERT_EQ(before, snap_b.n);
	ASSERT_LINE(&snap_b, p, len, "rw-p");
}

TEST_F(hole, adjacent_anonymous_mappings_merge)
{
	size_t ps = self->ps;
	char *p, *q;

	if (!self->noreplace)
		SKIP(return, "MAP_FIXED_NOREPLACE unsupported");

	p = map_at(self->hole, ps);
	ASSERT_EQ(addr(self->hole), addr(p));
	ASSERT_EQ(0, snap_maps(&snap_a));
	ASSERT_LINE(&snap_a, p, ps, "rw-p");

	q = map_at(self->hole + ps, ps);
	ASSERT_EQ(addr(self->hole + ps), addr(q));
	ASSERT_EQ(0, snap_maps(&snap_b));
	if (snap_b.n != snap_a.n || !line_is(&snap_b, p, 2 * ps, "rw-p"))
		log_maps_near(_metadata, &snap_b, (uintptr_t)self->guard,
			      (uintptr_t)p + 3 * ps);
	ASSERT_EQ(snap_a.n, snap_b.n);
	ASSERT_LINE(&snap_b, p, 2 * ps, "rw-p");
}

/* ---- execute permission ---- */

/* A return instruction of this program's architecture, in memory order. */
#if defined(__x86_64__) || defined(__i386__)
static const unsigned char ret_insn[] = { 0xc3 };
#elif defined(__aarch64__) && defined(__AARCH64EL__)
static const unsigned char ret_insn[] = { 0xc0, 0x03, 0x5f, 0xd6 };	/* ret */
#elif defined(__arm__) && defined(__ARMEL__)
/* bx lr in the ARM state: a call through blx from Thumb code switches to it. */
static const unsigned char ret_insn[] = { 0x1e, 0xff, 0x2f, 0xe1 };
#else
static const unsigned char ret_insn[] = { 0 };
#define NO_RET_INSN
#endif

#if defined(__arm__)
/* The "CPU architecture" of 32-bit ARM's /proc/cpuinfo; 0 when absent. */
static int arm_cpu_architecture(void)
{
	char line[256];
	int v = 0;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CPU architecture : %d", &v) == 1 ||
		    sscanf(line, "CPU architecture: %d", &v) == 1)
			break;
	fclose(f);
	return v;
}
#endif

/*
 * Whether the MMU can refuse to fetch instructions from a page mapped
 * without PROT_EXEC, and the kernel uses it; NULL when so, else why not.
 * x86: the NX bit, where the CPU has it ("nx" in /proc/cpuinfo, which
 * noexec=off clears as well) and the page tables have room for it: always
 * on a 64-bit kernel, only with PAE on a 32-bit one (x86_report_nx(): "NX
 * protection cannot be enabled: non-PAE kernel"). arm64: UXN in every
 * page table format. 32-bit ARM: XN from ARMv6 on.
 */
static const char *no_exec_unenforced(void)
{
#if defined(__x86_64__) || defined(__i386__)
	char val[8];
	int ret;

	if (!vas_cpu_has_flag("nx"))
		return SKIP_NX_CPU;
	if (vas_is_compat_task() || !strcmp(vas_kernel_machine(), "x86_64"))
		return NULL;
	ret = vas_kconfig("CONFIG_X86_PAE", val, sizeof(val));
	if (ret == -ENODATA)
		return SKIP_NX_NOPAE;
	return ret ? SKIP_NX_KCONFIG : NULL;
#elif defined(__aarch64__)
	return NULL;
#elif defined(__arm__)
	if (vas_is_compat_task() || arm_cpu_architecture() >= 6)
		return NULL;
	return SKIP_XN_ARMV5;
#else
	return SKIP_NX_ARCH;
#endif
}

/*
 * A page mapped read/write is not executable: calling into it raises
 * SIGSEGV (SEGV_ACCERR) at its address. The same bytes run once the page
 * is made read/execute, so the code itself is sound. (On an x86-32 PAE
 * kernel whose page protection drops the NX bit, the call returns.)
 */
TEST(rw_anon_page_does_not_execute)
{
	size_t ps = vas_page_size();
	struct vas_fault f;
	void (*fn)(void);
	const char *why;
	char *p;
	int persona;

#ifdef NO_RET_INSN
	SKIP(return, SKIP_NX_ARCH);
#endif
	why = no_exec_unenforced();
	if (why)
		SKIP(return, "%s", why);
	persona = personality(0xffffffff);
	ASSERT_NE(-1, persona);
	if (persona & READ_IMPLIES_EXEC)
		SKIP(return, SKIP_READ_EXEC);

	p = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)p);
	memcpy(p, ret_insn, sizeof(ret_insn));
	__builtin___clear_cache(p, p + sizeof(ret_insn));
	fn = (void (*)(void))(uintptr_t)p;

	if (mprotect(p, ps, PROT_READ | PROT_EXEC)) {
		munmap(p, ps);
		if (errno == EACCES || errno == EPERM)
			SKIP(return, SKIP_EXECMEM);
		ASSERT_EQ(0, errno);
	}
	f = vas_try_call(fn);
	EXPECT_EQ(0, f.signo) TH_LOG("the r-x page's return faulted: %s at %#lx",
				     vas_si_code_name(f.signo, f.code),
				     (unsigned long)f.addr);

	ASSERT_EQ(0, mprotect(p, ps, PROT_READ | PROT_WRITE));
	f = vas_try_call(fn);
	EXPECT_EQ(SIGSEGV, f.signo) TH_LOG("code in a rw- page at %p ran", p);
	EXPECT_EQ(SEGV_ACCERR, f.code);
	EXPECT_EQ((uintptr_t)p, f.addr);
	munmap(p, ps);
}

/* ---- smaps ---- */

TEST(smaps_entry_per_maps_line)
{
	const struct vas_map *m, *e;
	int i, tries, ret;

	for (tries = 0; tries < STABLE_TRIES; tries++) {
		ASSERT_EQ(0, snap_maps(&snap_a));
		ret = snap_smaps(&smaps_a);
		if (ret)
			TH_LOG("smaps: %s", bad_line);
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, snap_maps(&snap_b));
		if (maps_same(&snap_a, &snap_b))
			break;
	}
	ASSERT_GT(STABLE_TRIES, tries) TH_LOG("the address space kept changing");

	ASSERT_EQ(snap_a.n, smaps_a.n);
	for (i = 0; i < snap_a.n; i++) {
		m = &snap_a.m[i];
		e = &smaps_a.e[i].map;
		if (!same_vma(m, e))
			TH_LOG("maps %#lx-%#lx %s %s, smaps %#lx-%#lx %s %s",
			       ul(m->start), ul(m->end), m->perms, m->path,
			       ul(e->start), ul(e->end), e->perms, e->path);
		ASSERT_TRUE(same_vma(m, e));
		if (smaps_a.e[i].size_kb * 1024 != m->end - m->start ||
		    smaps_a.e[i].rss_kb > smaps_a.e[i].size_kb ||
		    smaps_a.e[i].pss_kb > smaps_a.e[i].rss_kb)
			TH_LOG("%#lx-%#lx %s: Size %llu kB, Rss %llu kB, Pss %llu kB",
			       ul(m->start), ul(m->end), m->path, smaps_a.e[i].size_kb,
			       smaps_a.e[i].rss_kb, smaps_a.e[i].pss_kb);
		ASSERT_EQ((unsigned long long)(m->end - m->start) / 1024, smaps_a.e[i].size_kb);
		ASSERT_LE(smaps_a.e[i].rss_kb, smaps_a.e[i].size_kb);
		ASSERT_LE(smaps_a.e[i].pss_kb, smaps_a.e[i].rss_kb);
	}
}

TEST(smaps_rollup_rss_equals_sum_of_entries)
{
	static const char *const keys[] = { "Rss" };
	unsigned long long rollup, sum = 0;
	int i, tries, ret;

	if (access("/proc/self/smaps_rollup", R_OK))
		SKIP(return, "no smaps_rollup");
	for (tries = 0; tries < STABLE_TRIES; tries++) {
		ret = snap_smaps(&smaps_a);
		if (ret)
			TH_LOG("smaps: %s", bad_line);
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, snap_kv("/proc/self/smaps_rollup", keys, &rollup, 1));
		ASSERT_EQ(0, snap_smaps(&smaps_b));
		if (smaps_same(&smaps_a, &smaps_b))
			break;
	}
	ASSERT_GT(STABLE_TRIES, tries) TH_LOG("the address space kept changing");

	for (i = 0; i < smaps_a.n; i++)
		if (!is_gate_vma(&smaps_a.e[i].map))
			sum += smaps_a.e[i].rss_kb;
	TH_LOG("%d entries, Rss sum %llu kB, smaps_rollup Rss %llu kB (%d reads)",
	       smaps_a.n, sum, rollup, tries + 1);
	ASSERT_EQ(sum, rollup);
}

/* ---- status ---- */

TEST(status_counters_match_vmas)
{
	static const char *const keys[] = {
		"VmPeak", "VmSize", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmStk",
	};
	enum { PEAK, SIZE, HWM, RSS, ANON, FILE_RSS, SHMEM, STK, NKEYS };
	unsigned long long v[NKEYS], vmas_kb = 0, stack_kb;
	const struct vas_map *stack;
	int i, tries;

	for (tries = 0; tries < STABLE_TRIES; tries++) {
		ASSERT_EQ(0, snap_maps(&snap_a));
		ASSERT_EQ(0, snap_kv("/proc/self/status", keys, v, NKEYS));
		ASSERT_EQ(0, snap_maps(&snap_b));
		if (maps_same(&snap_a, &snap_b))
			break;
	}
	ASSERT_GT(STABLE_TRIES, tries) TH_LOG("the address space kept changing");

	for (i = 0; i < snap_a.n; i++)
		if (!is_gate_vma(&snap_a.m[i]))
			vmas_kb += (snap_a.m[i].end - snap_a.m[i].start) / 1024;
	TH_LOG("VmSize %llu kB, VMAs %llu kB (%d lines)", v[SIZE], vmas_kb, snap_a.n);
	ASSERT_EQ(vmas_kb, v[SIZE]);

	TH_LOG("VmRSS %llu kB = RssAnon %llu + RssFile %llu + RssShmem %llu",
	       v[RSS], v[ANON], v[FILE_RSS], v[SHMEM]);
	ASSERT_EQ(v[ANON] + v[FILE_RSS] + v[SHMEM], v[RSS]);

	stack = vas_find_map(snap_a.m, snap_a.n, "[stack]");
	ASSERT_TRUE(exists(stack)) TH_LOG("no [stack] line");
	stack_kb = (stack->end - stack->start) / 1024;
	TH_LOG("VmStk %llu kB, [stack] %#lx-%#lx (%llu kB)", v[STK], ul(stack->start),
	       ul(stack->end), stack_kb);
	ASSERT_EQ(stack_kb, v[STK]);

	/*
	 * task_mem() prints VmRSS as that sum and the peaks as maxima with the
	 * current values, so these three hold by construction; the spec asks
	 * for them. status_rss_matches_smaps and status_peaks_stay_after_munmap
	 * check the same numbers against independent sources.
	 */
	TH_LOG("VmPeak %llu kB, VmHWM %llu kB", v[PEAK], v[HWM]);
	ASSERT_GE(v[PEAK], v[SIZE]);
	ASSERT_GE(v[HWM], v[RSS]);
}

/*
 * The RSS counters status prints are approximate. Up to 6.1 each thread
 * caches up to 64 page faults' worth (SPLIT_RSS_COUNTING, mm/memory.c)
 * until sync_mm_rss(), which unmapping a present page forces
 * (zap_pte_range() -> add_mm_rss_vec()): rss_sync() does that, and a
 * fault after it would change smaps between the two reads around status,
 * which the tests retry on, so the tolerance is 0. Since 6.2 the counters
 * are per-CPU (percpu_counter): each CPU holds below percpu_counter_batch
 * = max(32, 2 x online CPUs) pages unfolded (lib/percpu_counter.c);
 * task_mem() sums them exactly since get_mm_counter_sum() (6.16, backported
 * to stable kernels such as 6.12.y), but reads only the folded part before,
 * and update_hiwater_rss() always does: the tolerance is CPUs x (batch - 1)
 * pages per counter.
 */
static unsigned long long rss_tolerance_kb(size_t ps)
{
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long batch;

	if (!vas_kernel_at_least(6, 2))
		return 0;
	if (online < 1)
		online = 1;
	if (cpus < online)
		cpus = online;
	batch = 2 * (unsigned long long)online > 32 ? 2 * (unsigned long long)online : 32;
	return (unsigned long long)cpus * (batch - 1) * (ps / 1024);
}

/* Fold this thread's cached RSS deltas into the mm (6.1 and before). */
static void rss_sync(size_t ps)
{
	char *p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	vas_poke(p, 1);
	munmap(p, ps);
}

/*
 * A touched private anonymous mapping large against the tolerance, so
 * that the comparisons below cannot pass with anonymous memory missing.
 */
static size_t big_len(size_t ps, unsigned long long tol_kb)
{
	unsigned long long len = 4 * 3 * tol_kb * 1024;

	if (len < 16 * VAS_MIB)
		len = 16 * VAS_MIB;
	if (len > 256 * VAS_MIB)
		len = 256 * VAS_MIB;
	return (size_t)len / ps * ps;
}

static char *map_touched(size_t len, size_t ps)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t off;

	if (p == MAP_FAILED)
		return p;
	/* Small pages: no THP (whose counting is not at stake here). */
	madvise(p, len, MADV_NOHUGEPAGE);
	for (off = 0; off < len; off += ps)
		p[off] = 1;
	return p;
}

static unsigned long long diff_ull(unsigned long long a, unsigned long long b)
{
	return a > b ? a - b : b - a;
}

/*
 * VmRSS against the page tables as smaps sees them (the sum of Rss over
 * the VMAs, gate VMAs excluded), and RssAnon against the sum of
 * Anonymous, read back to back: smaps, status, smaps again until the
 * two smaps reads agree.
 */
TEST(status_rss_matches_smaps)
{
	static const char *const keys[] = { "VmRSS", "RssAnon" };
	unsigned long long v[2], rss = 0, anon = 0, tol;
	size_t ps = page_size(), len;
	int i, tries;
	char *big;

	ASSERT_NE((size_t)0, ps);
	tol = rss_tolerance_kb(ps);
	len = big_len(ps, tol);
	big = map_touched(len, ps);
	ASSERT_NE(addr(MAP_FAILED), addr(big)) TH_LOG("mmap %zu bytes: %s", len, strerror(errno));

	for (tries = 0; tries < STABLE_TRIES; tries++) {
		ASSERT_EQ(0, snap_smaps(&smaps_a)) TH_LOG("smaps: %s", bad_line);
		rss_sync(ps);
		ASSERT_EQ(0, snap_kv("/proc/self/status", keys, v, 2));
		ASSERT_EQ(0, snap_smaps(&smaps_b)) TH_LOG("smaps: %s", bad_line);
		if (smaps_same(&smaps_a, &smaps_b))
			break;
	}
	ASSERT_GT(STABLE_TRIES, tries) TH_LOG("the address space kept changing");

	for (i = 0; i < smaps_a.n; i++) {
		if (is_gate_vma(&smaps_a.e[i].map))
			continue;
		rss += smaps_a.e[i].rss_kb;
		anon += smaps_a.e[i].anon_kb;
	}
	TH_LOG("%zu kB touched; VmRSS %llu kB, smaps Rss sum %llu kB; RssAnon %llu kB, smaps Anonymous sum %llu kB; tolerance %llu kB per counter (%d reads)",
	       len / 1024, v[0], rss, v[1], anon, tol, tries + 1);
	/* VmRSS is three counters (anon, file, shmem). */
	ASSERT_GE(3 * tol, diff_ull(v[0], rss));
	ASSERT_GE(tol, diff_ull(v[1], anon));
	/* The touched mapping is all there, and anonymous. */
	ASSERT_LE((unsigned long long)len / 1024, anon);
	munmap(big, len);
}

/*
 * VmPeak and VmHWM are high-water marks kept at munmap (update_hiwater_vm()
 * and update_hiwater_rss() before unmapping): after a large touched mapping
 * is gone, VmSize and VmRSS drop back while the peaks stay at least where
 * the mapping put VmSize and VmRSS. Besides the counter tolerance above,
 * SLACK_PAGES allow for faults of this code between the reads.
 */
#define SLACK_PAGES	16

TEST(status_peaks_stay_after_munmap)
{
	static const char *const keys[] = { "VmPeak", "VmSize", "VmHWM", "VmRSS" };
	enum { PEAK, SIZE, HWM, RSS, NKEYS };
	unsigned long long s0[NKEYS], s1[NKEYS], s2[NKEYS], tol, len_kb, slack_kb;
	size_t ps = page_size(), len;
	char *big;

	ASSERT_NE((size_t)0, ps);
	tol = 3 * rss_tolerance_kb(ps);
	slack_kb = SLACK_PAGES * (ps / 1024);
	len = big_len(ps, tol / 3);
	len_kb = len / 1024;

	rss_sync(ps);
	ASSERT_EQ(0, snap_kv("/proc/self/status", keys, s0, NKEYS));
	big = map_touched(len, ps);
	ASSERT_NE(addr(MAP_FAILED), addr(big)) TH_LOG("mmap %zu bytes: %s", len, strerror(errno));
	rss_sync(ps);
	ASSERT_EQ(0, snap_kv("/proc/self/status", keys, s1, NKEYS));
	ASSERT_EQ(0, munmap(big, len));
	ASSERT_EQ(0, snap_kv("/proc/self/status", keys, s2, NKEYS));

	TH_LOG("%llu kB touched; tolerance %llu kB + slack %llu kB", len_kb, tol, slack_kb);
	TH_LOG("before: VmPeak %llu VmSize %llu VmHWM %llu VmRSS %llu kB",
	       s0[PEAK], s0[SIZE], s0[HWM], s0[RSS]);
	TH_LOG("mapped: VmPeak %llu VmSize %llu VmHWM %llu VmRSS %llu kB",
	       s1[PEAK], s1[SIZE], s1[HWM], s1[RSS]);
	TH_LOG("after:  VmPeak %llu VmSize %llu VmHWM %llu VmRSS %llu kB",
	       s2[PEAK], s2[SIZE], s2[HWM], s2[RSS]);

	/* The mapping counted while it was there... */
	EXPECT_LE(s0[SIZE] + len_kb, s1[SIZE]);
	EXPECT_LE(s0[RSS] + len_kb, s1[RSS] + tol + slack_kb);
	/* ...and no more after munmap, */
	EXPECT_GE(s1[SIZE] - len_kb + slack_kb, s2[SIZE]);
	EXPECT_GE(s1[RSS] - len_kb + tol + slack_kb, s2[RSS]);
	/* while the marks stay. */
	EXPECT_LE(s1[SIZE], s2[PEAK]);
	EXPECT_LE(s1[RSS], s2[HWM] + tol + slack_kb);
	EXPECT_LE(s0[PEAK], s2[PEAK]);
	EXPECT_LE(s0[HWM], s2[HWM] + tol);
}

/* ---- map_files ---- */

static bool file_vmas_same(const struct maps_snap *a, const struct maps_snap *b)
{
	int i = 0, j = 0;

	for (;;) {
		while (i < a->n && !is_file_vma(&a->m[i]))
			i++;
		while (j < b->n && !is_file_vma(&b->m[j]))
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (!same_vma(&a->m[i++], &b->m[j++]))
			return false;
	}
}

static char link_names[MAPS_MAX][48];

/* Names in /proc/self/map_files; count or negative errno. */
static int list_map_files(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/map_files");
	int n = 0;

	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (n == MAPS_MAX) {
			closedir(dir);
			return -E2BIG;
		}
		snprintf(link_names[n++], sizeof(link_names[0]), "%.47s", d->d_name);
	}
	closedir(dir);
	return n;
}

TEST(map_files_link_per_file_vma)
{
	size_t ps = page_size();
	char path[96], target[sizeof(((struct vas_map *)0)->path) + 1], name[48];
	unsigned long start, end;
	const struct vas_map *m;
	int i, n, tries, files = 0, used, ret;
	struct stat st;
	ssize_t len;
	char *shared;

	if (!vas_is_root())
		SKIP(return, VAS_SKIP_ROOT);
	/*
	 * Following the links needs CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE)
	 * in the initial user namespace (proc_map_files_get_link(),
	 * fs/proc/base.c), which root in a container lacks: find out before
	 * checking anything.
	 */
	n = list_map_files();
	ASSERT_LT(0, n) TH_LOG("listing map_files: %s", n ? strerror(-n) : "empty");
	snprintf(path, sizeof(path), "/proc/self/map_files/%s", link_names[0]);
	if (readlink(path, target, sizeof(target) - 1) < 0 && errno == EPERM)
		SKIP(return, SKIP_MAP_FILES_CAP);
	/* A shared anonymous mapping has a (deleted) shmem file behind it. */
	shared = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(addr(MAP_FAILED), addr(shared)) TH_LOG("shared mmap: %s", strerror(errno));

	for (tries = 0; tries < STABLE_TRIES; tries++) {
		ASSERT_EQ(0, snap_maps(&snap_a));
		n = list_map_files();
		ASSERT_LE(0, n) TH_LOG("listing map_files: %s", strerror(-n));
		ASSERT_EQ(0, snap_maps(&snap_b));
		if (file_vmas_same(&snap_a, &snap_b))
			break;
	}
	ASSERT_GT(STABLE_TRIES, tries) TH_LOG("the file mappings kept changing");

	for (i = 0; i < snap_a.n; i++)
		files += is_file_vma(&snap_a.m[i]);
	TH_LOG("%d file-backed lines in maps, %d links in map_files", files, n);
	ASSERT_EQ(files, n);

	for (i = 0; i < n; i++) {
		/* Named "start-end" in lower-case hex without leading zeros. */
		used = 0;
		ret = sscanf(link_names[i], "%lx-%lx%n", &start, &end, &used);
		ASSERT_EQ(2, ret) TH_LOG("link name %s", link_names[i]);
		snprintf(name, sizeof(name), "%lx-%lx", start, end);
		ASSERT_STREQ(name, link_names[i]);
		ASSERT_EQ((int)strlen(link_names[i]), used);

		m = snap_find(&snap_a, start);
		if (!m || m->start != start || m->end != end || !is_file_vma(m))
			TH_LOG("link %s has no file-backed line of that range", link_names[i]);
		ASSERT_TRUE(exists(m));
		ASSERT_EQ(start, ul(m->start));
		ASSERT_EQ(end, ul(m->end));
		ASSERT_TRUE(is_file_vma(m));

		snprintf(path, sizeof(path), "/proc/self/map_files/%s", link_names[i]);
		len = readlink(path, target, sizeof(target) - 1);
		ASSERT_LT(0, len) TH_LOG("readlink %s: %s", path, strerror(errno));
		target[len] = '\0';
		/* maps shows the same path, cut at the parser's buffer size. */
		if (strlen(m->path) < sizeof(m->path) - 1)
			ASSERT_STREQ(m->path, target);

		ASSERT_EQ(0, stat(path, &st)) TH_LOG("stat %s: %s", path, strerror(errno));
		if (st.st_ino != m->inode || major(st.st_dev) != m->dev_major ||
		    minor(st.st_dev) != m->dev_minor)
			TH_LOG("%s -> %s: inode %lu dev %x:%x, maps says %lu %02x:%02x",
			       link_names[i], target, (unsigned long)st.st_ino,
			       major(st.st_dev), minor(st.st_dev), m->inode,
			       m->dev_major, m->dev_minor);
		ASSERT_EQ(m->inode, (unsigned long)st.st_ino);
		ASSERT_EQ(m->dev_major, major(st.st_dev));
		ASSERT_EQ(m->dev_minor, minor(st.st_dev));
	}
	munmap(shared, ps);
}

#include "vas_main.h"
