/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the vas selftests: probing the running system
 * (page size, VA width, top of user space), parsing /proc files,
 * changing sysctls with guaranteed restore, catching faults and
 * running code with dropped privileges.
 *
 * Every function that can fail returns a negative errno (or NULL)
 * instead of exiting, so that a test decides between FAIL and SKIP.
 */
#ifndef VAS_LIB_H
#define VAS_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#define VAS_KIB		1024UL
#define VAS_MIB		(1024UL * 1024UL)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Round v up to a multiple of a, a power of two. */
static inline uintptr_t vas_align_up(uintptr_t v, uintptr_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/*
 * One real load or store of the byte at p, which the compiler may not
 * drop, merge or move across other accesses: what a volatile access does
 * (fault probes, counted first touches), in the form kernel style takes.
 * The empty asm uses the loaded value, so the load happens, and clobbers
 * memory, so accesses stay in program order.
 */
static inline unsigned char vas_peek(const void *p)
{
	unsigned char c;

	__asm__ __volatile__("" : : : "memory");
	c = *(const unsigned char *)p;
	__asm__ __volatile__("" : "+r" (c) : : "memory");
	return c;
}

static inline void vas_poke(void *p, unsigned char c)
{
	__asm__ __volatile__("" : : : "memory");
	*(unsigned char *)p = c;
	__asm__ __volatile__("" : : : "memory");
}

/* Fixed skip reasons: CI parsers fold them into test names. */
#define VAS_SKIP_ROOT		"needs root"
#define VAS_SKIP_64BIT		"no non-canonical hole on 32-bit"

/* ---- system probes (vas_probe.c) ---- */

/* Page size from sysconf, cross-checked with AT_PAGESZ; 0 if they differ. */
size_t vas_page_size(void);
unsigned int vas_page_shift(void);

/*
 * Width in bits of the user virtual address space in force for this
 * task, derived from the architecture's rules (x86_64: la57 in
 * /proc/cpuinfo means 5-level paging; arm64: CONFIG_ARM64_VA_BITS from
 * the kernel config when readable, else the stack's position; 32-bit
 * tasks: 32). Negative errno when it cannot be derived.
 */
int vas_user_va_bits(void);

/*
 * Width of the address space mmap uses without a hint (the "default
 * window": 47 bits on x86_64 even with 5-level paging, 48 on arm64
 * with 52-bit VA).
 */
int vas_default_window_bits(void);

/*
 * End (exclusive) of the highest user page: the highest page-aligned
 * address where mmap(MAP_FIXED_NOREPLACE) succeeds (or finds a mapping
 * already there), plus one page. 0 when the answer does not fit in a
 * pointer (the last page of the address space is mappable: a 32-bit task
 * with a 4 GiB TASK_SIZE) or when MAP_FIXED_NOREPLACE is not honoured;
 * vas_fixed_noreplace_works() tells the two apart.
 */
uintptr_t vas_probe_user_top(void);

/* MAP_FIXED_NOREPLACE refuses an occupied range (kernels since 4.17). */
bool vas_fixed_noreplace_works(void);

/* True when [addr, addr+len) can be mapped or is already mapped. */
bool vas_user_range_mappable(uintptr_t addr, size_t len);

/* The machine name of the kernel (uname -m), e.g. "x86_64", "aarch64". */
const char *vas_kernel_machine(void);

/* True for a 32-bit task on a 64-bit kernel (compat). */
bool vas_is_compat_task(void);

/* Kernel release as numbers; vas_kernel_at_least(5, 14). */
int vas_kernel_version(unsigned int *major, unsigned int *minor);
bool vas_kernel_at_least(unsigned int major, unsigned int minor);

/* A CPU flag from /proc/cpuinfo ("flags" or "Features" line). */
bool vas_cpu_has_flag(const char *flag);

/*
 * A kernel config option's value ("y", "m", a number...) from
 * /proc/config.gz or /boot/config-$(uname -r); negative errno when no
 * config is readable (-ENOENT) or the option is unset (-ENODATA).
 */
int vas_kconfig(const char *option, char *val, size_t len);

/* A parameter from /proc/cmdline: "vsyscall" -> "none". */
int vas_cmdline_param(const char *name, char *val, size_t len);
bool vas_cmdline_has(const char *word);

/* ---- capabilities and privileges (vas_priv.c) ---- */

bool vas_has_cap(int cap);	/* effective set of this task */
bool vas_is_root(void);		/* euid 0 with CAP_SYS_ADMIN */

/*
 * Run fn(arg) in a forked child that dropped to uid/gid 65534 (nobody)
 * with no supplementary groups, no capabilities and no_new_privs, and
 * return its exit status (0..255; 125 when privileges could not be
 * dropped), 128 + signal if it was killed, or a negative errno when no
 * child could be started.
 */
int vas_run_unprivileged(int (*fn)(void *arg), void *arg);

/* Run fn(arg) in a forked child; same return convention. */
int vas_run_child(int (*fn)(void *arg), void *arg);

/* Reap pid: its exit status, 128 + signal, or a negative errno. */
int vas_wait_child(pid_t pid);

/* ---- faults (vas_fault.c) ---- */

enum vas_access { VAS_READ, VAS_WRITE, VAS_EXEC };

struct vas_fault {
	int signo;		/* 0 when the access did not fault */
	int code;		/* si_code */
	uintptr_t addr;		/* si_addr */
};

/*
 * Perform one access at addr in this process, catching SIGSEGV and
 * SIGBUS; VAS_EXEC jumps to addr. Returns the fault seen (signo 0 if
 * none). Not thread-safe; meant for a harness test's own process.
 */
struct vas_fault vas_try_access(uintptr_t addr, enum vas_access how);

/* Call a function pointer (which may be NULL) under the same catcher. */
struct vas_fault vas_try_call(void (*fn)(void));

const char *vas_access_name(enum vas_access how);
const char *vas_si_code_name(int signo, int code);

/* ---- /proc parsers (vas_proc.c) ---- */

struct vas_map {
	uintptr_t start, end;
	char perms[5];		/* "rwxp" */
	unsigned long long offset;
	unsigned int dev_major, dev_minor;
	unsigned long inode;
	char path[256];		/* "" for anonymous, "[heap]", a file... */
};

/* Parse one /proc/PID/maps line; 0 or -EINVAL. */
int vas_parse_maps_line(const char *line, struct vas_map *m);

/*
 * Read /proc/<pid>/maps (pid 0: self) into a malloc'ed array; returns
 * the number of entries or a negative errno. Free with free().
 */
int vas_read_maps(pid_t pid, struct vas_map **maps);

/* The entry whose path is name (e.g. "[stack]"); NULL when absent. */
const struct vas_map *vas_find_map(const struct vas_map *maps, int n,
				   const char *name);
/* The entry containing addr; NULL when none. */
const struct vas_map *vas_map_of(const struct vas_map *maps, int n,
				 uintptr_t addr);

/*
 * Parse "Key:   value [kB]" lines (status, smaps, meminfo; a node's
 * meminfo line once the caller has skipped its "Node N " prefix). *key
 * gets the key, *val the number in the file's unit (kB stays kB).
 * Returns 0, or -EINVAL when not such a line.
 */
int vas_parse_kv_line(const char *line, char *key, size_t keylen,
		      unsigned long long *val);

/* One value from a "Key: value" file such as /proc/self/status. */
int vas_proc_value(const char *path, const char *key,
		   unsigned long long *val);

struct vas_smaps {
	struct vas_map map;
	unsigned long long size_kb, rss_kb, pss_kb, anon_kb, locked_kb;
	unsigned long long lazyfree_kb, anon_huge_kb, swap_kb;
	char vmflags[128];	/* "rd wr mr mw me ac" */
};

/* Read /proc/<pid>/smaps (pid 0: self); count or negative errno. */
int vas_read_smaps(pid_t pid, struct vas_smaps **entries);

/* True when the two-letter flag appears in a VmFlags string. */
bool vas_vmflags_has(const char *vmflags, const char *flag);

struct vas_zone {
	int node;
	char name[16];
	unsigned long long free, min, low, high, spanned, present, managed;
	unsigned long long start_pfn;
};

/*
 * Feed /proc/zoneinfo line by line: returns 1 when the line starts a new
 * zone ("Node 0, zone   Normal"; z is reset and filled), 0 when it set a
 * field of the current zone or was not of interest, -EINVAL when
 * malformed.
 */
int vas_parse_zoneinfo_line(const char *line, struct vas_zone *z);
int vas_read_zoneinfo(struct vas_zone **zones);

/* Read a whole small file into buf (NUL-terminated); length or -errno. */
ssize_t vas_read_file(const char *path, char *buf, size_t len);
/* Write val to a (sysfs, procfs, cgroupfs) file in one write; 0 or -errno. */
int vas_write_file(const char *path, const char *val);

/*
 * /dev/kmsg (non-blocking) positioned at its end, so that reads return
 * the records logged since; -errno (EPERM unprivileged with dmesg_restrict).
 */
int vas_kmsg_open(void);

/* A /proc/vmstat counter ("name value" lines); 0, or -ENOENT when absent. */
int vas_vmstat_value(const char *name, unsigned long long *val);

/* ---- memory of a range, as user space sees it (vas_mem.c) ---- */

struct vas_faults {
	unsigned long minor, major;
};

/* This process's fault counters from getrusage(RUSAGE_SELF). */
int vas_faults(struct vas_faults *f);
/* The same counters from /proc/<pid>/stat (pid 0: self). */
int vas_stat_faults(pid_t pid, struct vas_faults *f);

/* Pages of [addr, addr + len) resident per mincore(2), or -errno. */
long vas_resident_pages(const void *addr, size_t len);

/*
 * Fill len bytes at p with a pattern of seed, as if p were offset base of
 * a larger filled region; vas_matching() counts how many bytes from p on
 * still hold it (len when all do). The pattern has no page period, so
 * data moved to the wrong page or offset shows.
 */
void vas_fill(void *p, size_t len, unsigned int seed, size_t base);
size_t vas_matching(const void *p, size_t len, unsigned int seed,
		    size_t base);

/*
 * Pages of [addr, addr + nr_pages pages) that lie in some VMA. It
 * allocates nothing, so it cannot itself map into a range just vacated.
 */
size_t vas_mapped_pages(const void *addr, size_t nr_pages);

/* /proc/self/pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst). */
#define VAS_PM_PRESENT		(1ULL << 63)
#define VAS_PM_SWAPPED		(1ULL << 62)
#define VAS_PM_FILE_SHARED	(1ULL << 61)
#define VAS_PM_EXCLUSIVE	(1ULL << 56)
#define VAS_PM_SOFT_DIRTY	(1ULL << 55)
#define VAS_PM_PFN_MASK		((1ULL << 55) - 1)	/* zero unless CAP_SYS_ADMIN */

/* Read nr_pages pagemap entries from addr (page-aligned); 0 or -errno. */
int vas_pagemap(const void *addr, size_t nr_pages, uint64_t *entries);
/* How many of those entries have bit set, or -errno. */
long vas_pagemap_count(const void *addr, size_t nr_pages, uint64_t bit);

/*
 * A private anonymous mapping with THP advised off (MADV_NOHUGEPAGE), so
 * that each first touch faults exactly one page; NULL on failure.
 */
void *vas_map_anon_nothp(size_t len, int prot);

/* setrlimit(RLIMIT_MEMLOCK) in bytes (RLIM_INFINITY allowed); 0 or -errno. */
int vas_set_memlock(unsigned long soft, unsigned long hard);

/* ---- sysctls (vas_sysctl.c) ---- */

/* name in dotted ("vm.mmap_min_addr") or path form. */
int vas_sysctl_read(const char *name, char *val, size_t len);
int vas_sysctl_read_ul(const char *name, unsigned long *val);
int vas_sysctl_write(const char *name, const char *val);

/*
 * Change a sysctl and guarantee its restore: the first call for a name
 * saves the current value and starts a restorer in its own session that
 * writes the saved value back when this process exits or is killed
 * (SIGKILL included), and records it in $VAS_STATE_DIR (when set) for
 * the runner's last-line restore. vas_sysctl_restore() restores now and
 * must be called before the test ends; a failed first write leaves
 * nothing to restore. Children forked by the test share the guard: a
 * restore after a kill waits until they are gone too.
 */
int vas_sysctl_set_guarded(const char *name, const char *val);
int vas_sysctl_restore(const char *name);

/*
 * One machine-wide lock for a test that samples global state it may also
 * change (kernel.randomize_va_space): two vas programs at once (two runs,
 * or a runner and the kselftest runner) would see each other's changes.
 * Returns the descriptor holding it, -1 when no lock can be had here
 * (the test then runs unserialized); vas_global_unlock() releases it.
 */
int vas_global_lock(void);
void vas_global_unlock(int fd);

/*
 * The start of every guard process (sysctl restorer, cgroup guard, module
 * unloader): leave the test's session, signals and output, and close
 * every descriptor but keep (-1: none), so that nothing waits on the
 * guard and the guard holds no pipe the runner or other guards wait on.
 */
void vas_guard_detach(int keep);

/* ---- the programs' main (vas_main.c) ---- */

/*
 * A program that re-executes itself to observe a fresh exec (layout,
 * randomization) defines VAS_PROBES and vas_probe_main() before it
 * includes vas_main.h; "PROG --probe ARGS" runs it instead of the tests.
 * vas_exec_probe() runs /proc/self/exe --probe ARGS in a child with the
 * given personality (-1: unchanged) and captures its stdout into out; it
 * returns the exit status like vas_run_child().
 */
int vas_probe_main(int argc, char **argv);
int vas_exec_probe(char *out, size_t len, long persona,
		   const char *const argv[]);

#endif /* VAS_LIB_H */
