// SPDX-License-Identifier: GPL-2.0
/*
 * Probes of the running system: page size, user VA width, the top of
 * user space, kernel version, config and command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/utsname.h>

#include "vas_lib.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

size_t vas_page_size(void)
{
	long sc = sysconf(_SC_PAGESIZE);
	unsigned long aux = getauxval(AT_PAGESZ);

	if (sc <= 0 || (unsigned long)sc != aux || (sc & (sc - 1)))
		return 0;
	return (size_t)sc;
}

unsigned int vas_page_shift(void)
{
	size_t ps = vas_page_size();

	return ps ? (unsigned int)__builtin_ctzl(ps) : 0;
}

const char *vas_kernel_machine(void)
{
	static struct utsname u;

	if (!u.machine[0] && uname(&u))
		return "unknown";
	return u.machine;
}

static bool machine_is_64bit(const char *m)
{
	return !strcmp(m, "x86_64") || !strcmp(m, "aarch64") ||
	       !strcmp(m, "armv8l") || !strcmp(m, "ppc64") ||
	       !strcmp(m, "ppc64le") || !strcmp(m, "s390x");
}

bool vas_is_compat_task(void)
{
	unsigned long persona;
	struct utsname u;
	bool wide = false;

	if (sizeof(long) != 4)
		return false;
	if (machine_is_64bit(vas_kernel_machine()))
		return true;
	/*
	 * Under a linux32 personality (Debian i386 chroots) uname says
	 * "i686" on an x86_64 kernel too: ask again without it.
	 */
	persona = (unsigned long)personality(0xffffffff);
	if ((persona & PER_MASK) != PER_LINUX32 ||
	    personality((persona & ~(unsigned long)PER_MASK) | PER_LINUX) < 0)
		return false;
	if (uname(&u) == 0)
		wide = machine_is_64bit(u.machine);
	personality(persona);
	return wide;
}

int vas_kernel_version(unsigned int *major, unsigned int *minor)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	if (sscanf(u.release, "%u.%u", major, minor) != 2)
		return -EINVAL;
	return 0;
}

bool vas_kernel_at_least(unsigned int major, unsigned int minor)
{
	unsigned int ma, mi;

	if (vas_kernel_version(&ma, &mi))
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* Whole-word match of flag in a cpuinfo flags/Features line. */
static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		bool start = p == list || p[-1] == ' ' || p[-1] == '\t' ||
			     p[-1] == ':';
		bool end = p[n] == '\0' || p[n] == ' ' || p[n] == '\n' ||
			   p[n] == '\t';

		if (start && end)
			return true;
		p += n;
	}
	return false;
}

bool vas_cpu_has_flag(const char *flag)
{
	char line[8192];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) && strncmp(line, "Features", 8))
			continue;
		found = word_in(strchr(line, ':') ?: line, flag);
		break;
	}
	fclose(f);
	return found;
}

/* Look option up in a config stream; 0, -ENODATA when unset. */
static int kconfig_from(FILE *f, const char *option, char *val, size_t len)
{
	char line[512];
	size_t n = strlen(option);

	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (strncmp(line, option, n) || line[n] != '=')
			continue;
		v = line + n + 1;
		v[strcspn(v, "\n")] = '\0';
		if (*v == '"') {
			v++;
			v[strcspn(v, "\"")] = '\0';
		}
		snprintf(val, len, "%s", v);
		return 0;
	}
	return -ENODATA;
}

int vas_kconfig(const char *option, char *val, size_t len)
{
	char path[300];
	struct utsname u;
	FILE *f;
	int ret;

	/* zcat keeps the suite free of a zlib dependency. */
	if (access("/proc/config.gz", R_OK) == 0) {
		f = popen("zcat /proc/config.gz 2>/dev/null", "r");
		if (f) {
			ret = kconfig_from(f, option, val, len);
			if (pclose(f) == 0 || ret == 0)
				return ret;
		}
	}
	if (uname(&u))
		return -errno;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	ret = kconfig_from(f, option, val, len);
	fclose(f);
	return ret;
}

int vas_cmdline_param(const char *name, char *val, size_t len)
{
	char buf[4096], *tok, *save;
	size_t n = strlen(name);
	ssize_t got = vas_read_file("/proc/cmdline", buf, sizeof(buf));

	if (got < 0)
		return (int)got;
	for (tok = strtok_r(buf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (!strncmp(tok, name, n) && tok[n] == '=') {
			snprintf(val, len, "%s", tok + n + 1);
			return 0;
		}
	}
	return -ENODATA;
}

bool vas_cmdline_has(const char *word)
{
	char buf[4096], *tok, *save;

	if (vas_read_file("/proc/cmdline", buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

/*
 * Test output must reach the runner in order, also when a test is
 * killed: line-buffer stdout before the harness prints anything.
 */
static void __attribute__((constructor)) vas_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

#if !defined(__x86_64__)
/*
 * Without a config, the stack sits just below the top of the default
 * window, which is the full user VA on every 64-bit architecture except
 * arm64 with 52-bit VA: the bit length of its end is the width.
 */
static int va_bits_from_stack(void)
{
	struct vas_map *maps;
	const struct vas_map *stack;
	uintptr_t end;
	int n;

	n = vas_read_maps(0, &maps);
	if (n < 0)
		return n;
	stack = vas_find_map(maps, n, "[stack]");
	end = stack ? stack->end - 1 : 0;
	free(maps);
	if (!end)
		return -ENOENT;
	return (int)(sizeof(end) * 8) - __builtin_clzl(end);
}
#endif

int vas_user_va_bits(void)
{
	if (sizeof(long) == 4)
		return 32;
#if defined(__x86_64__)
	/*
	 * The kernel clears X86_FEATURE_LA57 when it does not run 5-level
	 * page tables, so the flag means "in force", not just "capable".
	 * User space gets one bit less than the canonical width.
	 */
	return vas_cpu_has_flag("la57") ? 56 : 47;
#else
	{
		char val[32];
		int bits;

		if (vas_kconfig("CONFIG_ARM64_VA_BITS", val, sizeof(val)) == 0) {
			bits = atoi(val);
#if defined(__aarch64__)
			/*
			 * A 52-bit kernel on a CPU without FEAT_LVA (or
			 * LPA2) runs with 48 bits (vabits_actual,
			 * Documentation/arm64/memory.rst): TASK_SIZE is
			 * then 2^48, and nothing maps at or above it.
			 */
			if (bits > 48 &&
			    !vas_user_range_mappable((uintptr_t)1 << 48,
						     vas_page_size()))
				bits = 48;
#endif
			return bits;
		}
	}
	return va_bits_from_stack();
#endif
}

int vas_default_window_bits(void)
{
	int bits = vas_user_va_bits();

	if (bits < 0)
		return bits;
#if defined(__x86_64__)
	return bits > 47 ? 47 : bits;
#elif defined(__aarch64__)
	return bits > 48 ? 48 : bits;
#else
	return bits;
#endif
}

bool vas_user_range_mappable(uintptr_t addr, size_t len)
{
	void *p = mmap((void *)addr, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);

	if (p == MAP_FAILED)
		return errno == EEXIST;
	munmap(p, len);
	/* A kernel that ignores the flag treats the address as a hint. */
	return (uintptr_t)p == addr;
}

bool vas_fixed_noreplace_works(void)
{
	size_t ps = vas_page_size();
	void *p = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *q;
	bool works;

	if (p == MAP_FAILED)
		return false;
	q = mmap(p, ps, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	works = q == MAP_FAILED && errno == EEXIST;
	if (q != MAP_FAILED && q != p)
		munmap(q, ps);
	munmap(p, ps);
	return works;
}

uintptr_t vas_probe_user_top(void)
{
	size_t ps = vas_page_size();
	uintptr_t lo, hi, mid;

	if (!ps)
		return 0;
	/*
	 * Binary search on page numbers for the last mappable page: every
	 * page below the top is mappable or already mapped, none above it.
	 */
	lo = 1;				/* page 0 is never the answer */
	hi = UINTPTR_MAX / ps;		/* highest page number */
	if (!vas_user_range_mappable(lo * ps, ps)) {
		/* mmap_min_addr above one page: start from the stack. */
		lo = (uintptr_t)&ps / ps;
		if (!vas_user_range_mappable(lo * ps, ps))
			return 0;
	}
	if (vas_user_range_mappable(hi * ps, ps))
		return 0;		/* no top found: nonsense */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (vas_user_range_mappable(mid * ps, ps))
			lo = mid;
		else
			hi = mid;
	}
	return (lo + 1) * ps;
}
