// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vas helper library: the /proc parsers fed recorded
 * and malformed lines, and the probes checked against independent
 * sources (getconf, the stack's position, an explicit mmap).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vas_lib.h"

TEST(maps_line_file_backed)
{
	struct vas_map m;

	ASSERT_EQ(0, vas_parse_maps_line("7fc354abe000-7fc354c14000 r-xp 00026000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6\n",
					 &m));
	EXPECT_EQ(0x7fc354abe000UL, m.start);
	EXPECT_EQ(0x7fc354c14000UL, m.end);
	EXPECT_STREQ("r-xp", m.perms);
	EXPECT_EQ(0x26000ULL, m.offset);
	EXPECT_EQ(0xfeU, m.dev_major);
	EXPECT_EQ(0U, m.dev_minor);
	EXPECT_EQ(332835UL, m.inode);
	EXPECT_STREQ("/usr/lib/x86_64-linux-gnu/libc.so.6", m.path);
}

TEST(maps_line_anonymous_has_empty_path)
{
	struct vas_map m;

	/* As the kernel prints it: a space after the inode, then the newline. */
	ASSERT_EQ(0, vas_parse_maps_line("7fc354a15000-7fc354a37000 rw-p 00000000 00:00 0\x20\n", &m));
	EXPECT_STREQ("", m.path);
	EXPECT_EQ(0UL, m.inode);
	ASSERT_EQ(0, vas_parse_maps_line("7fc354a15000-7fc354a37000 rw-p 00000000 00:00 0", &m));
	EXPECT_STREQ("", m.path);
	/* Inside a buffer of many lines, the next line is not its path. */
	ASSERT_EQ(0, vas_parse_maps_line("1000-2000 rw-p 00000000 00:00 0\n3000-4000 r--p 00000000 00:00 0 [vvar]\n", &m));
	EXPECT_STREQ("", m.path);
	EXPECT_EQ(0x2000UL, m.end);
}

TEST(maps_line_special_and_spaces_in_path)
{
	struct vas_map m;

	ASSERT_EQ(0, vas_parse_maps_line("7ffcce0b1000-7ffcce0d2000 rw-p 00000000 00:00 0                          [stack]", &m));
	EXPECT_STREQ("[stack]", m.path);
	ASSERT_EQ(0, vas_parse_maps_line("10000-11000 rw-s 00001000 08:01 12 /tmp/a b (deleted)", &m));
	EXPECT_STREQ("/tmp/a b (deleted)", m.path);
	EXPECT_EQ('s', m.perms[3]);
}

TEST(maps_line_kernel_half_vsyscall)
{
	struct vas_map m;
	int ret = vas_parse_maps_line("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]", &m);

	if (sizeof(uintptr_t) < 8) {
		/* A 32-bit task cannot represent it: rejected, not truncated. */
		EXPECT_EQ(-EINVAL, ret);
		return;
	}
	ASSERT_EQ(0, ret);
	EXPECT_EQ((uintptr_t)0xffffffffff600000ULL, m.start);
	EXPECT_STREQ("--xp", m.perms);
}

TEST(maps_line_malformed_rejected)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"1000-2000",
		"1000-2000 rwxp",
		"2000-1000 rw-p 00000000 00:00 0",	/* end before start */
		"1000-2000 rw-x 00000000 00:00 0",	/* neither p nor s */
		"1000-2000 rw 00000000 00:00 0",
	};
	struct vas_map m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, vas_parse_maps_line(bad[i], &m)) {
			TH_LOG("accepted: '%s'", bad[i]);
		}
	}
}

TEST(kv_lines_of_status_smaps_meminfo)
{
	unsigned long long v;
	char key[32];

	ASSERT_EQ(0, vas_parse_kv_line("VmRSS:\t    1608 kB\n", key, sizeof(key), &v));
	EXPECT_STREQ("VmRSS", key);
	EXPECT_EQ(1608ULL, v);
	ASSERT_EQ(0, vas_parse_kv_line("Rss:                  12 kB", key, sizeof(key), &v));
	EXPECT_STREQ("Rss", key);
	EXPECT_EQ(12ULL, v);
	ASSERT_EQ(0, vas_parse_kv_line("Threads:\t1", key, sizeof(key), &v));
	EXPECT_EQ(1ULL, v);
	ASSERT_EQ(0, vas_parse_kv_line("HugePages_Total:       0", key, sizeof(key), &v));
	EXPECT_STREQ("HugePages_Total", key);
	/* Not numeric, or not "Key: value": rejected. */
	EXPECT_EQ(-EINVAL, vas_parse_kv_line("VmFlags: rd wr mr mw me ac", key, sizeof(key), &v));
	EXPECT_EQ(-EINVAL, vas_parse_kv_line("Name:\tcat", key, sizeof(key), &v));
	EXPECT_EQ(-EINVAL, vas_parse_kv_line("7fc3-7fc4 rw-p 00000000 00:00 0", key, sizeof(key), &v));
	EXPECT_EQ(-EINVAL, vas_parse_kv_line("Node 0 MemTotal: 5 kB", key, sizeof(key), &v));
	EXPECT_EQ(-EINVAL, vas_parse_kv_line("Rss: 12 MB", key, sizeof(key), &v));
	/* A key longer than the caller's buffer is refused, not cut. */
	EXPECT_EQ(-EINVAL, vas_parse_kv_line("AnonHugePages: 0 kB", key, 8, &v));
}

TEST(vmflags_match_whole_words)
{
	EXPECT_TRUE(vas_vmflags_has("rd wr mr mw me lo ac", "lo"));
	EXPECT_TRUE(vas_vmflags_has("rd wr mr mw me ac ", "ac"));
	EXPECT_FALSE(vas_vmflags_has("rd wr mr mw me ac", "mm"));
	EXPECT_FALSE(vas_vmflags_has("rd wr mr mw me ac", "r"));
}

TEST(zoneinfo_lines)
{
	struct vas_zone z;

	memset(&z, 0xff, sizeof(z));
	ASSERT_EQ(1, vas_parse_zoneinfo_line("Node 1, zone   Normal", &z));
	EXPECT_EQ(1, z.node);
	EXPECT_STREQ("Normal", z.name);
	EXPECT_EQ(0ULL, z.present);
	EXPECT_EQ(0, vas_parse_zoneinfo_line("  pages free     772915", &z));
	EXPECT_EQ(0, vas_parse_zoneinfo_line("        min      4096", &z));
	EXPECT_EQ(0, vas_parse_zoneinfo_line("        spanned  1044480", &z));
	EXPECT_EQ(0, vas_parse_zoneinfo_line("        present  782336", &z));
	EXPECT_EQ(0, vas_parse_zoneinfo_line("        managed  772915", &z));
	/* Per-cpu pageset fields share names with zone fields. */
	EXPECT_EQ(0, vas_parse_zoneinfo_line("              high:  378", &z));
	EXPECT_EQ(0, vas_parse_zoneinfo_line("    nr_free_pages 1", &z));
	EXPECT_EQ(0, vas_parse_zoneinfo_line("  start_pfn:           4096", &z));
	EXPECT_EQ(772915ULL, z.free);
	EXPECT_EQ(4096ULL, z.min);
	EXPECT_EQ(0ULL, z.high);
	EXPECT_EQ(1044480ULL, z.spanned);
	EXPECT_EQ(782336ULL, z.present);
	EXPECT_EQ(772915ULL, z.managed);
	EXPECT_EQ(4096ULL, z.start_pfn);
	EXPECT_EQ(-EINVAL, vas_parse_zoneinfo_line("Node x, zone", &z));
	EXPECT_EQ(-EINVAL, vas_parse_zoneinfo_line("        present  many", &z));
}

TEST(zoneinfo_file_has_every_node_zone)
{
	struct vas_zone *zones;
	int n = vas_read_zoneinfo(&zones), i, headers = 0;
	char buf[1 << 16], *p;

	ASSERT_LT(0, n);
	ASSERT_LT(0, vas_read_file("/proc/zoneinfo", buf, sizeof(buf)));
	for (p = buf; (p = strstr(p, "Node ")); p++)
		headers++;
	EXPECT_EQ(headers, n);
	for (i = 0; i < n; i++) {
		EXPECT_LE(zones[i].present, zones[i].spanned);
		EXPECT_LE(zones[i].managed, zones[i].present);
	}
	free(zones);
}

TEST(page_size_agrees_with_getconf)
{
	char out[64];
	FILE *f = popen("getconf PAGESIZE", "r");
	size_t ps = vas_page_size();

	ASSERT_NE((uintptr_t)NULL, (uintptr_t)(f));
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)(fgets(out, sizeof(out), f)));
	pclose(f);
	EXPECT_EQ(strtoul(out, NULL, 10), ps);
	EXPECT_EQ(ps, 1UL << vas_page_shift());
}

TEST(va_bits_contain_the_stack)
{
	struct vas_map *maps;
	const struct vas_map *stack;
	int n = vas_read_maps(0, &maps);
	int bits = vas_user_va_bits();

	ASSERT_LT(0, n);
	ASSERT_LT(0, bits);
	stack = vas_find_map(maps, n, "[stack]");
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)(stack));
	if (bits < 64) {
		/* The stack is below the top and in the upper half of the VA. */
		EXPECT_LE((unsigned long long)stack->end, 1ULL << bits);
		EXPECT_GE((unsigned long long)stack->end, 1ULL << (bits - 2));
	}
	EXPECT_LE(vas_default_window_bits(), bits);
	free(maps);
}

TEST(user_top_probe_bounds_real_mappings)
{
	uintptr_t top = vas_probe_user_top();
	size_t ps = vas_page_size();
	void *p;

	ASSERT_NE((uintptr_t)0, top);
	EXPECT_EQ((uintptr_t)0, top % ps);
	/* The last page below the top maps; the page at the top does not. */
	p = mmap((void *)(top - ps), ps, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	EXPECT_TRUE(p != MAP_FAILED || errno == EEXIST);
	if (p != MAP_FAILED) {
		EXPECT_EQ(top - ps, (uintptr_t)p);
		munmap(p, ps);
	}
	if (top) {
		p = mmap((void *)top, ps, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		EXPECT_EQ((uintptr_t)MAP_FAILED, (uintptr_t)(p));
	}
}

TEST(fault_catcher_reports_address_and_code)
{
	size_t ps = vas_page_size();
	char *p = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct vas_fault f;

	ASSERT_NE((uintptr_t)MAP_FAILED, (uintptr_t)(p));
	f = vas_try_access((uintptr_t)p + 8, VAS_READ);
	EXPECT_EQ(SIGSEGV, f.signo);
	EXPECT_EQ(SEGV_ACCERR, f.code);
	EXPECT_EQ((uintptr_t)p + 8, f.addr);
	ASSERT_EQ(0, mprotect(p, ps, PROT_READ | PROT_WRITE));
	f = vas_try_access((uintptr_t)p + 8, VAS_WRITE);
	EXPECT_EQ(0, f.signo);
	munmap(p, ps);
	f = vas_try_access((uintptr_t)p, VAS_WRITE);
	EXPECT_EQ(SIGSEGV, f.signo);
	EXPECT_EQ(SEGV_MAPERR, f.code);
}

static int report_ids(void *arg)
{
	(void)arg;
	return (getuid() == 65534 && geteuid() == 65534 && getgid() == 65534 &&
		!vas_has_cap(0) && !vas_has_cap(21)) ? 0 : 1;
}

TEST(unprivileged_child_has_no_ids_or_caps)
{
	if (geteuid() != 0)
		SKIP(return, VAS_SKIP_ROOT);
	EXPECT_EQ(0, vas_run_unprivileged(report_ids, NULL));
}

TEST(guarded_sysctl_survives_sigkill)
{
	unsigned long before, during, after = 0;
	char val[32];
	pid_t pid;
	int i;

	if (!vas_is_root())
		SKIP(return, VAS_SKIP_ROOT);
	ASSERT_EQ(0, vas_sysctl_read_ul("vm.mmap_min_addr", &before));
	snprintf(val, sizeof(val), "%lu", before + vas_page_size());
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (vas_sysctl_set_guarded("vm.mmap_min_addr", val))
			_exit(1);
		kill(getpid(), SIGKILL);
	}
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	/* The restorer runs on its own; give it a moment. */
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, vas_sysctl_read_ul("vm.mmap_min_addr", &after));
		if (after == before)
			break;
		usleep(10000);
	}
	EXPECT_EQ(before, after);
	/* It really changed in between: the restore was not a no-op. */
	ASSERT_EQ(0, vas_sysctl_set_guarded("vm.mmap_min_addr", val));
	ASSERT_EQ(0, vas_sysctl_read_ul("vm.mmap_min_addr", &during));
	EXPECT_EQ(before + vas_page_size(), during);
	ASSERT_EQ(0, vas_sysctl_restore("vm.mmap_min_addr"));
	ASSERT_EQ(0, vas_sysctl_read_ul("vm.mmap_min_addr", &after));
	EXPECT_EQ(before, after);
}

TEST(fault_counters_agree_and_count_touches)
{
	size_t ps = vas_page_size(), n = 64, i;
	struct vas_faults a, b, s;
	char *p = vas_map_anon_nothp(n * ps, PROT_READ | PROT_WRITE);

	ASSERT_TRUE(p != NULL);
	/* Warm up the readers' own stack and buffers first. */
	ASSERT_EQ(0, vas_stat_faults(0, &s));
	ASSERT_EQ(0, vas_faults(&a));
	for (i = 0; i < n; i++)
		p[i * ps] = 1;
	ASSERT_EQ(0, vas_faults(&b));
	/* One fault per page; nothing else in the loop can fault. */
	EXPECT_EQ(n, b.minor - a.minor);
	/* Read back to back, the two sources agree. */
	ASSERT_EQ(0, vas_stat_faults(0, &s));
	ASSERT_EQ(0, vas_faults(&b));
	EXPECT_EQ(b.minor, s.minor);
	EXPECT_EQ(b.major, s.major);
	munmap(p, n * ps);
}

TEST(residency_and_pagemap_follow_touches)
{
	size_t ps = vas_page_size(), n = 16, i;
	char *p = vas_map_anon_nothp(n * ps, PROT_READ | PROT_WRITE);

	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(0L, vas_resident_pages(p, n * ps));
	EXPECT_EQ(0L, vas_pagemap_count(p, n, VAS_PM_PRESENT));
	for (i = 0; i < n; i += 2)
		p[i * ps] = 1;
	EXPECT_EQ((long)(n / 2), vas_resident_pages(p, n * ps));
	EXPECT_EQ((long)(n / 2), vas_pagemap_count(p, n, VAS_PM_PRESENT));
	munmap(p, n * ps);
}

TEST_HARNESS_MAIN
