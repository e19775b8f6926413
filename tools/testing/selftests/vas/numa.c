// SPDX-License-Identifier: GPL-2.0
/*
 * numa: nodes and zones as the kernel reports them, and memory placed
 * on them by policy.
 *
 * Every source of the node and zone table must tell the same story:
 * sysfs (/sys/devices/system/node), /proc/zoneinfo, /proc/buddyinfo,
 * /proc/meminfo, libnuma and the helper module (the kernel's pgdat and
 * zone structures themselves). The facts relied on, from the kernel
 * sources (6.1 and 6.12 alike):
 *
 *  - mm/vmstat.c: zoneinfo prints every zone of every online node,
 *    empty ones too (start_pfn only for populated ones); buddyinfo only
 *    populated zones (present_pages != 0), nr_free per order.
 *  - drivers/base/node.c node_read_meminfo(): MemTotal is
 *    si_meminfo_node()'s totalram, the sum of the node's zones'
 *    managed_pages; /proc/meminfo MemTotal is totalram_pages(), which
 *    every change of managed_pages updates too (adjust_managed_page_count,
 *    __free_pages_core), so the node MemTotals add up to it.
 *  - The zoneinfo "pages free" is the NR_FREE_PAGES counter, whose per-CPU
 *    deltas are folded once they exceed the "vm stats threshold" printed
 *    per CPU; buddyinfo counts the free lists themselves.
 *  - node_distance(): LOCAL_DISTANCE (10) on the diagonal, larger between
 *    real nodes (ACPI SLIT, device tree); emulated nodes (numa=fake) on
 *    one physical node are at LOCAL_DISTANCE from each other
 *    (numa_emulation.c: "physi == physj ? LOCAL_DISTANCE").
 *  - x86 dummy_numa_init() (no SRAT) logs "Faking a node at [mem 0-X]"
 *    with X = PFN_PHYS(max_pfn) - 1; arm64's arch_numa.c logs the same
 *    line from the first to the last byte of DRAM.
 *  - mm/mempolicy.c: MPOL_BIND and MPOL_PREFERRED allocate on the named
 *    node, a VMA's MPOL_INTERLEAVE picks node number (page offset modulo
 *    the node count), so the counts differ by at most one;
 *    get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR) reports the node of the
 *    page at the address; numa_maps prints the policy and Nn=pages.
 */
#include <errno.h>
#include <inttypes.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "vas_lib.h"
#include "vas_kmod.h"

#define NODE_DIR		"/sys/devices/system/node"
#define MAX_NODES		1024	/* CONFIG_NODES_SHIFT is at most 10 */
#define MAX_CPUS		8192
#define LOCAL_DISTANCE		10	/* include/linux/topology.h */
#define READ_TRIES		3

#define SKIP_ONE_NODE		"needs >=2 memory nodes"
#define SKIP_NO_SYSFS		"no NUMA support (no node sysfs)"
#define SKIP_NO_LIBNUMA		"libnuma: NUMA unavailable"
#define SKIP_ZONEINFO		"/proc/zoneinfo unreadable"
#define SKIP_KLOG		"kernel log unreadable"
#define SKIP_KLOG_ROTATED	"boot log no longer in the ring buffer"
#define SKIP_NO_FAKING		"no Faking a node line in the kernel log"
#define SKIP_UNKNOWN_ARCH	"zone names of this arch not tabled"

/* ---- node and zone tables from sysfs and /proc ---- */

/*
 * Parse a kernel list ("0-3,5", "" for none) into set[max]; the number
 * of members, or -EINVAL.
 */
/* vas_lib candidate */
static int parse_list(const char *s, bool *set, int max)
{
	int n = 0, a, b, i, used;

	memset(set, 0, max * sizeof(*set));
	while (*s && *s != '\n') {
		if (sscanf(s, "%d%n", &a, &used) != 1)
			return -EINVAL;
		s += used;
		b = a;
		if (*s == '-') {
			if (sscanf(s + 1, "%d%n", &b, &used) != 1)
				return -EINVAL;
			s += 1 + used;
		}
		if (a < 0 || b < a || b >= max)
			return -EINVAL;
		for (i = a; i <= b; i++)
			n += !set[i], set[i] = true;
		if (*s == ',')
			s++;
	}
	return n;
}

/* vas_lib candidate */
static int read_list(const char *path, bool *set, int max)
{
	char buf[4096];
	ssize_t len = vas_read_file(path, buf, sizeof(buf));

	return len < 0 ? (int)len : parse_list(buf, set, max);
}

/* Format set[max] as a kernel list into buf ("0-1,3"). */
/* vas_lib candidate */
static const char *format_list(const bool *set, int max, char *buf,
			       size_t len)
{
	size_t off = 0;
	int i, j;

	buf[0] = '\0';
	for (i = 0; i < max; i = j) {
		if (!set[i]) {
			j = i + 1;
			continue;
		}
		for (j = i; j < max && set[j]; j++)
			;
		off += snprintf(buf + off, off < len ? len - off : 0,
				j - 1 > i ? "%s%d-%d" : "%s%d", off ? "," : "",
				i, j - 1);
	}
	return buf;
}

struct buddy {
	int node;
	char name[16];
	unsigned long long free;	/* pages: sum of nr_free << order */
};

/* /proc/buddyinfo; the number of zones or -errno. */
/* vas_lib candidate */
static int read_buddyinfo(struct buddy *b, int max)
{
	char line[1024], *p;
	unsigned long long cnt;
	int n = 0, used, order;
	FILE *f = fopen("/proc/buddyinfo", "re");

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %15s%n", &b[n].node,
			   b[n].name, &used) != 2)
			continue;
		b[n].free = 0;
		for (p = line + used, order = 0;
		     sscanf(p, "%llu%n", &cnt, &used) == 1; p += used, order++)
			b[n].free += cnt << order;
		n++;
	}
	fclose(f);
	return n;
}

/* "Node N MemTotal: X kB" of nodeN/meminfo, in kB, or -errno. */
/* vas_lib candidate */
static long long node_meminfo(int node, const char *key)
{
	char path[64], line[256], k[64];
	unsigned long long v;
	long long ret = -ENODATA;
	int nd;
	FILE *f;

	snprintf(path, sizeof(path), NODE_DIR "/node%d/meminfo", node);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Node %d %63[^:]: %llu", &nd, k, &v) == 3 &&
		    nd == node && !strcmp(k, key)) {
			ret = (long long)v;
			break;
		}
	fclose(f);
	return ret;
}

/*
 * Sum of the per-CPU "vm stats threshold" lines of each zone, in
 * zoneinfo order: how far NR_FREE_PAGES may lag behind the free lists.
 */
static int zone_thresholds(unsigned long long *thr, int max)
{
	char line[256];
	unsigned long long t;
	int n = -1;
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5)) {
			if (++n >= max)
				break;
			thr[n] = 0;
		} else if (n >= 0 &&
			   sscanf(line, " vm stats threshold: %llu", &t) == 1) {
			thr[n] += t;
		}
	}
	fclose(f);
	return n + 1;
}

struct topo {
	bool online[MAX_NODES];
	bool memory[MAX_NODES];		/* has_memory */
	int nr_online, nr_memory;
	struct vas_zone *zones;
	int nr_zones;
	unsigned long long page_kb;
};

/* 0, or the skip reason. */
static const char *topo_read(struct topo *t)
{
	memset(t, 0, sizeof(*t));
	t->page_kb = vas_page_size() / VAS_KIB;
	t->nr_online = read_list(NODE_DIR "/online", t->online, MAX_NODES);
	t->nr_memory = read_list(NODE_DIR "/has_memory", t->memory,
				 MAX_NODES);
	if (t->nr_online < 0 || t->nr_memory < 0)
		return SKIP_NO_SYSFS;
	t->nr_zones = vas_read_zoneinfo(&t->zones);
	if (t->nr_zones <= 0)
		return SKIP_ZONEINFO;
	return NULL;
}

static void topo_free(struct topo *t)
{
	free(t->zones);
	t->zones = NULL;
}

static bool populated(const struct vas_zone *z)
{
	return z->present > 0;
}

/* Span [*start, *end) of a node's populated zones; false when none. */
static bool node_span(const struct topo *t, int node,
		      unsigned long long *start, unsigned long long *end)
{
	bool any = false;
	int i;

	for (i = 0; i < t->nr_zones; i++) {
		const struct vas_zone *z = &t->zones[i];

		if (z->node != node || !populated(z))
			continue;
		if (!any || z->start_pfn < *start)
			*start = z->start_pfn;
		if (!any || z->start_pfn + z->spanned > *end)
			*end = z->start_pfn + z->spanned;
		any = true;
	}
	return any;
}

/* ---- which zone names the architecture has (include/linux/mmzone.h) ---- */

/*
 * The zones a populated zone of this kernel may be, by the machine of
 * the kernel (a 32-bit task on a 64-bit kernel sees the kernel's zones).
 * ZONE_MOVABLE always exists but stays empty unless kernelcore=,
 * movablecore= or movable_node moves memory there; ZONE_DEVICE memory is
 * spanned but never present. NULL when the arch is not tabled here.
 */
static const char *const *arch_zone_names(void)
{
	static const char *const x86_64[] = { "DMA", "DMA32", "Normal",
		"Movable", "Device", NULL };
	static const char *const x86_32[] = { "DMA", "Normal", "HighMem",
		"Movable", NULL };
	static const char *const arm64[] = { "DMA", "DMA32", "Normal",
		"Movable", "Device", NULL };
	static const char *const arm32[] = { "DMA", "Normal", "HighMem",
		"Movable", NULL };
	const char *m = vas_kernel_machine();

	if (!m)
		return NULL;
	if (!strcmp(m, "x86_64"))
		return x86_64;
	if (m[0] == 'i' && !strcmp(m + 2, "86"))
		return x86_32;
	if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
		return arm64;
	if (!strncmp(m, "arm", 3))
		return arm32;
	return NULL;
}

static bool name_in(const char *const *set, const char *name)
{
	for (; *set; set++)
		if (!strcmp(*set, name))
			return true;
	return false;
}

static bool movable_configured(void)
{
	char v[64];

	return !vas_cmdline_param("kernelcore", v, sizeof(v)) ||
	       !vas_cmdline_param("movablecore", v, sizeof(v)) ||
	       vas_cmdline_has("movable_node");
}

/* ---- cross-source consistency ---- */

/*
 * The set of online nodes is the same in sysfs, zoneinfo (one block per
 * online pgdat), libnuma and the module; the nodes with memory are the
 * same in sysfs has_memory, zoneinfo (a populated zone), buddyinfo and
 * libnuma.
 */
TEST(node_count_agrees)
{
	bool zi_nodes[MAX_NODES] = { 0 }, zi_mem[MAX_NODES] = { 0 };
	bool bi_nodes[MAX_NODES] = { 0 };
	struct buddy b[256];
	char l1[256], l2[256];
	const char *why;
	struct topo t;
	int i, nb;

	why = topo_read(&t);
	if (why)
		SKIP(return, "%s", why);
	for (i = 0; i < t.nr_zones; i++) {
		ASSERT_GT(MAX_NODES, t.zones[i].node);
		zi_nodes[t.zones[i].node] = true;
		zi_mem[t.zones[i].node] |= populated(&t.zones[i]);
	}
	nb = read_buddyinfo(b, ARRAY_SIZE(b));
	ASSERT_LT(0, nb);
	for (i = 0; i < nb; i++) {
		ASSERT_GT(MAX_NODES, b[i].node);
		bi_nodes[b[i].node] = true;
	}
	EXPECT_STREQ(format_list(t.online, MAX_NODES, l1, sizeof(l1)),
		     format_list(zi_nodes, MAX_NODES, l2, sizeof(l2)))
		TH_LOG("sysfs online vs zoneinfo nodes");
	EXPECT_STREQ(format_list(t.memory, MAX_NODES, l1, sizeof(l1)),
		     format_list(zi_mem, MAX_NODES, l2, sizeof(l2)))
		TH_LOG("sysfs has_memory vs zoneinfo nodes with present pages");
	EXPECT_STREQ(format_list(t.memory, MAX_NODES, l1, sizeof(l1)),
		     format_list(bi_nodes, MAX_NODES, l2, sizeof(l2)))
		TH_LOG("sysfs has_memory vs buddyinfo nodes");
	ksft_print_msg("vas-data: nodes online=%s memory=%s\n",
		       format_list(t.online, MAX_NODES, l1, sizeof(l1)),
		       format_list(t.memory, MAX_NODES, l2, sizeof(l2)));

	if (numa_available() < 0) {
		topo_free(&t);
		SKIP(return, SKIP_NO_LIBNUMA);
	}
	/* libnuma reads the nodeN directories (numa_nodes_ptr). */
	for (i = 0; i < MAX_NODES; i++)
		zi_nodes[i] = i <= numa_max_node() &&
			      numa_bitmask_isbitset(numa_nodes_ptr, i);
	EXPECT_STREQ(format_list(t.online, MAX_NODES, l1, sizeof(l1)),
		     format_list(zi_nodes, MAX_NODES, l2, sizeof(l2)))
		TH_LOG("sysfs online vs libnuma numa_nodes_ptr");
	for (i = MAX_NODES - 1; i > 0 && !t.online[i]; i--)
		;
	EXPECT_EQ(i, numa_max_node());
	EXPECT_EQ(t.nr_memory, numa_num_configured_nodes())
		TH_LOG("has_memory nodes vs numa_num_configured_nodes()");
	topo_free(&t);
}

/*
 * Per node: the zone names are the architecture's, the populated zones
 * ascend by start_pfn without overlapping, and buddyinfo lists exactly
 * the populated zones, in the same order. Prints the table.
 */
TEST(zone_table_consistent)
{
	const char *const *names = arch_zone_names();
	struct buddy b[256];
	const struct vas_zone *prev = NULL;
	const char *why;
	struct topo t;
	int i, j, nb;

	why = topo_read(&t);
	if (why)
		SKIP(return, "%s", why);
	nb = read_buddyinfo(b, ARRAY_SIZE(b));
	ASSERT_LT(0, nb);
	for (i = 0, j = 0; i < t.nr_zones; i++) {
		const struct vas_zone *z = &t.zones[i];

		ksft_print_msg("vas-data: zone node=%d name=%s start_pfn=%llu spanned=%llu present=%llu managed=%llu free=%llu\n",
			       z->node, z->name, populated(z) ? z->start_pfn : 0,
			       z->spanned, z->present, z->managed, z->free);
		if (names) {
			EXPECT_TRUE(name_in(names, z->name))
				TH_LOG("node %d zone %s not a %s zone",
				       z->node, z->name, vas_kernel_machine());
		}
		if (prev && prev->node != z->node)
			prev = NULL;
		if (!populated(z))
			continue;
		if (!strcmp(z->name, "Movable")) {
			EXPECT_TRUE(movable_configured())
				TH_LOG("node %d: Movable populated without kernelcore=",
				       z->node);
		}
		EXPECT_GE(z->spanned, z->present)
			TH_LOG("node %d zone %s", z->node, z->name);
		EXPECT_GE(z->present, z->managed)
			TH_LOG("node %d zone %s", z->node, z->name);
		if (prev) {
			EXPECT_LE(prev->start_pfn + prev->spanned, z->start_pfn)
				TH_LOG("node %d: zone %s [%llu+%llu) overlaps or precedes %s",
				       z->node, prev->name, prev->start_pfn,
				       prev->spanned, z->name);
		}
		prev = z;
		/* buddyinfo: the same zone, next in its list. */
		if (j < nb) {
			EXPECT_EQ(z->node, b[j].node);
			EXPECT_STREQ(z->name, b[j].name)
				TH_LOG("buddyinfo line %d", j + 1);
		}
		j++;
	}
	EXPECT_EQ(j, nb) TH_LOG("populated zoneinfo zones vs buddyinfo lines");
	topo_free(&t);
	if (!names)
		SKIP(return, SKIP_UNKNOWN_ARCH);
}

/*
 * Sum of a node's zones' managed pages, read around the node's meminfo
 * until zoneinfo stays the same: managed pages may change (balloons,
 * hotplug, deferred struct page init growing a zone).
 */
static int node_totals(struct topo *t, int node, unsigned long long *managed,
		       long long *memtotal_kb)
{
	unsigned long long before;
	int try, i;

	for (try = 0; try < READ_TRIES; try++) {
		before = 0;
		for (i = 0; i < t->nr_zones; i++)
			if (t->zones[i].node == node)
				before += t->zones[i].managed;
		*memtotal_kb = node_meminfo(node, "MemTotal");
		topo_free(t);
		t->nr_zones = vas_read_zoneinfo(&t->zones);
		if (t->nr_zones <= 0)
			return -EIO;
		*managed = 0;
		for (i = 0; i < t->nr_zones; i++)
			if (t->zones[i].node == node)
				*managed += t->zones[i].managed;
		if (*managed == before)
			break;
	}
	return *memtotal_kb < 0 ? (int)*memtotal_kb : 0;
}

/* Node MemTotal in sysfs = the sum of its zones' managed pages. */
TEST(node_memtotal_is_managed_sum)
{
	unsigned long long managed, start, end;
	long long kb;
	const char *why;
	struct topo t;
	int node;

	why = topo_read(&t);
	if (why)
		SKIP(return, "%s", why);
	for (node = 0; node < MAX_NODES; node++) {
		if (!t.online[node])
			continue;
		ASSERT_EQ(0, node_totals(&t, node, &managed, &kb));
		EXPECT_EQ(managed * t.page_kb, (unsigned long long)kb)
			TH_LOG("node %d: zoneinfo managed %llu pages of %llu kB",
			       node, managed, t.page_kb);
		start = 0;
		end = 0;
		node_span(&t, node, &start, &end);
		ksft_print_msg("vas-data: node id=%d start_pfn=%llu end_pfn=%llu memtotal_kb=%lld managed=%llu memory=%d\n",
			       node, start, end, kb, managed, t.memory[node]);
	}
	topo_free(&t);
}

/*
 * The node MemTotals add up to /proc/meminfo MemTotal. A kernel booted
 * with the (out-of-tree) "deferred_init=lazy" leaves struct pages to be
 * initialized on demand: its totalram_pages() already counts them while
 * the zones' managed_pages do not yet; there, MemTotal lies between the
 * sum of the nodes and that sum plus the present but unmanaged pages.
 */
TEST(node_memtotals_sum_to_meminfo)
{
	unsigned long long sum, meminfo, after, managed, unmanaged = 0;
	long long kb;
	char v[32];
	const char *why;
	struct topo t;
	int node, i, try;

	why = topo_read(&t);
	if (why)
		SKIP(return, "%s", why);
	for (try = 0; try < READ_TRIES; try++) {
		ASSERT_EQ(0, vas_proc_value("/proc/meminfo", "MemTotal",
					    &meminfo));
		sum = 0;
		for (node = 0; node < MAX_NODES; node++) {
			if (!t.online[node])
				continue;
			ASSERT_EQ(0, node_totals(&t, node, &managed, &kb));
			sum += (unsigned long long)kb;
		}
		/* Stable when MemTotal did not move while the nodes were read. */
		ASSERT_EQ(0, vas_proc_value("/proc/meminfo", "MemTotal",
					    &after));
		if (after == meminfo)
			break;
	}
	if (vas_cmdline_param("deferred_init", v, sizeof(v)) ||
	    strcmp(v, "lazy")) {
		EXPECT_EQ(meminfo, sum) TH_LOG("/proc/meminfo vs sum of nodes");
	} else {
		for (i = 0; i < t.nr_zones; i++)
			unmanaged += t.zones[i].present - t.zones[i].managed;
		EXPECT_LE(sum, meminfo) TH_LOG("deferred_init=lazy");
		EXPECT_GE(sum + unmanaged * t.page_kb, meminfo)
			TH_LOG("deferred_init=lazy: %llu kB present, not managed",
			       unmanaged * t.page_kb);
	}
	ksft_print_msg("vas-data: memtotal meminfo_kb=%llu nodes_kb=%llu\n",
		       meminfo, sum);
	topo_free(&t);
}

/*
 * buddyinfo's free pages (the free lists) against zoneinfo's (the
 * NR_FREE_PAGES counter), zone by zone. zoneinfo is read before and
 * after buddyinfo: the free lists are bounded by the two readings,
 * widened by how far the per-CPU counter deltas may lag (the sum of the
 * zone's per-CPU vm stats thresholds).
 */
TEST(buddyinfo_free_matches_zoneinfo)
{
	struct vas_zone *z1 = NULL, *z2 = NULL;
	unsigned long long thr[256], lo, hi;
	struct buddy b[256];
	int n1, n2, nb, nt, i, j, try, bad = 0;

	for (try = 0; try < READ_TRIES; try++) {
		free(z1);
		free(z2);
		n1 = vas_read_zoneinfo(&z1);
		nb = read_buddyinfo(b, ARRAY_SIZE(b));
		n2 = vas_read_zoneinfo(&z2);
		nt = zone_thresholds(thr, ARRAY_SIZE(thr));
		if (n1 <= 0 || n2 <= 0)
			SKIP(return, SKIP_ZONEINFO);
		ASSERT_EQ(n1, n2);
		ASSERT_EQ(n1, nt);
		ASSERT_LT(0, nb);
		bad = 0;
		for (i = 0, j = 0; i < n1 && j < nb; i++) {
			if (!populated(&z1[i]))
				continue;
			lo = z1[i].free < z2[i].free ? z1[i].free : z2[i].free;
			hi = z1[i].free > z2[i].free ? z1[i].free : z2[i].free;
			lo = lo > thr[i] ? lo - thr[i] : 0;
			hi += thr[i];
			bad += b[j].free < lo || b[j].free > hi;
			j++;
		}
		if (!bad)
			break;
	}
	for (i = 0, j = 0; i < n1 && j < nb; i++) {
		if (!populated(&z1[i]))
			continue;
		lo = z1[i].free < z2[i].free ? z1[i].free : z2[i].free;
		hi = z1[i].free > z2[i].free ? z1[i].free : z2[i].free;
		EXPECT_STREQ(z1[i].name, b[j].name);
		EXPECT_GE(b[j].free + thr[i], lo)
			TH_LOG("node %d zone %s: buddyinfo %llu, zoneinfo %llu..%llu, slack %llu",
			       z1[i].node, z1[i].name, b[j].free, lo, hi,
			       thr[i]);
		EXPECT_LE(b[j].free, hi + thr[i])
			TH_LOG("node %d zone %s: buddyinfo %llu, zoneinfo %llu..%llu, slack %llu",
			       z1[i].node, z1[i].name, b[j].free, lo, hi,
			       thr[i]);
		j++;
	}
	ksft_print_msg("vas-data: buddy_free tries=%d\n", try + 1);
	free(z1);
	free(z2);
}

/*
 * Distances: one entry per online node in each row, 10 on the diagonal,
 * more between distinct nodes; libnuma reports the same. Emulated nodes
 * (numa=fake) that share a physical node are at distance 10.
 */
TEST(distances_well_formed)
{
	char path[64], buf[8192], v[64], *p;
	int from, to, d, used, col, ids[MAX_NODES], n = 0;
	bool fake = !vas_cmdline_param("numa", v, sizeof(v)) &&
		    !strncmp(v, "fake=", 5);
	const char *why;
	struct topo t;

	why = topo_read(&t);
	if (why)
		SKIP(return, "%s", why);
	for (from = 0; from < MAX_NODES; from++)
		if (t.online[from])
			ids[n++] = from;
	if (numa_available() < 0)
		TH_LOG("libnuma unavailable: sysfs only");
	for (from = 0; from < n; from++) {
		snprintf(path, sizeof(path), NODE_DIR "/node%d/distance",
			 ids[from]);
		ASSERT_LT(0, vas_read_file(path, buf, sizeof(buf)));
		for (p = buf, col = 0; sscanf(p, "%d%n", &d, &used) == 1;
		     p += used, col++) {
			if (col >= n)
				break;
			to = col;
			if (from == to) {
				EXPECT_EQ(LOCAL_DISTANCE, d);
			} else if (fake) {
				EXPECT_LE(LOCAL_DISTANCE, d)
					TH_LOG("numa=fake: node %d to %d",
					       ids[from], ids[to]);
			} else {
				EXPECT_LT(LOCAL_DISTANCE, d)
					TH_LOG("node %d to %d", ids[from],
					       ids[to]);
			}
			if (numa_available() >= 0) {
				EXPECT_EQ(d, numa_distance(ids[from], ids[to]))
					TH_LOG("libnuma: node %d to %d",
					       ids[from], ids[to]);
			}
		}
		EXPECT_EQ(n, col) TH_LOG("entries in node%d/distance",
					 ids[from]);
		ksft_print_msg("vas-data: distance node=%d row=%.*s\n",
			       ids[from], (int)strcspn(buf, "\n"), buf);
	}
	topo_free(&t);
}

/* The node of cpu's sysfs link (cpuN/nodeM, cpu_to_node()), or -errno. */
static int cpu_link_node(int cpu, int *links)
{
	char path[64];
	int node, found = -ENOENT;

	*links = 0;
	for (node = 0; node < MAX_NODES; node++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/node%d",
			 cpu, node);
		if (access(path, F_OK))
			continue;
		if (!(*links)++)
			found = node;
	}
	return found;
}

/*
 * Every online CPU belongs to exactly one node: one cpuN/nodeM link
 * (cpu_to_node()), and that node's cpulist holds it. Without emulation
 * no other node's cpulist does; with numa=fake x86 puts a CPU in the
 * cpulist of every emulated node on its physical node
 * (numa_emulation.c numa_add_cpu()), so there it is only "at least
 * its own". libnuma's numa_node_of_cpu() is the first node whose
 * cpulist holds the CPU.
 */
TEST(cpus_in_exactly_one_node)
{
	static bool online[MAX_CPUS], in[MAX_CPUS];
	static int count[MAX_CPUS], first[MAX_CPUS];
	static bool in_own[MAX_CPUS];
	char path[64], l[256], v[64];
	bool fake = !vas_cmdline_param("numa", v, sizeof(v)) &&
		    !strncmp(v, "fake=", 5);
	const char *why;
	struct topo t;
	int cpu, node, links, own;

	why = topo_read(&t);
	if (why)
		SKIP(return, "%s", why);
	memset(count, 0, sizeof(count));
	memset(in_own, 0, sizeof(in_own));
	ASSERT_LT(0, read_list("/sys/devices/system/cpu/online", online,
			       MAX_CPUS));
	for (node = MAX_NODES - 1; node >= 0; node--) {
		if (!t.online[node])
			continue;
		snprintf(path, sizeof(path), NODE_DIR "/node%d/cpulist", node);
		ASSERT_LE(0, read_list(path, in, MAX_CPUS));
		for (cpu = 0; cpu < MAX_CPUS; cpu++) {
			if (!in[cpu] || !online[cpu])
				continue;
			count[cpu]++;
			first[cpu] = node;
			if (cpu_link_node(cpu, &links) == node)
				in_own[cpu] = true;
		}
		ksft_print_msg("vas-data: node_cpus node=%d cpus=%s\n", node,
			       format_list(in, MAX_CPUS, l, sizeof(l)));
	}
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (!online[cpu])
			continue;
		own = cpu_link_node(cpu, &links);
		EXPECT_EQ(1, links) TH_LOG("cpu%d/node* links", cpu);
		EXPECT_TRUE(own >= 0 && t.online[own])
			TH_LOG("cpu %d: node %d", cpu, own);
		EXPECT_TRUE(in_own[cpu])
			TH_LOG("cpu %d not in its node%d/cpulist", cpu, own);
		EXPECT_LE(1, count[cpu]) TH_LOG("cpu %d in no cpulist", cpu);
		EXPECT_TRUE(fake || count[cpu] == 1)
			TH_LOG("cpu %d: expected in 1 cpulist, in %d", cpu,
			       count[cpu]);
		if (count[cpu] && numa_available() >= 0) {
			EXPECT_EQ(first[cpu], numa_node_of_cpu(cpu))
				TH_LOG("libnuma numa_node_of_cpu(%d)", cpu);
		}
		ksft_print_msg("vas-data: cpu id=%d node=%d cpulists=%d\n", cpu,
			       own, count[cpu]);
	}
	topo_free(&t);
}

/*
 * The module's pgdat and zone structures equal zoneinfo: node start pfn,
 * spanned and present pages (the node spans its populated zones; its
 * present pages are theirs), and every zone's name, start, spanned,
 * present and managed pages.
 */
TEST(module_nodes_match_zoneinfo)
{
	struct vas_probe_node *kn = NULL;
	struct vas_probe_zone *kz = NULL;
	unsigned long long start, end, present;
	const char *reason, *why;
	int fd, nn, nz, i, j, try, nonline = 0;
	struct topo t;

	fd = vas_kmod_open(&reason);
	if (fd < 0)
		SKIP(return, "%s", reason);
	why = topo_read(&t);
	if (why)
		SKIP(return, "%s", why);
	nn = vas_kmod_nodes(fd, NULL, 0);
	nz = vas_kmod_zones(fd, NULL, 0);
	ASSERT_LE(0, nn);
	ASSERT_LE(0, nz);
	kn = calloc(nn + 1, sizeof(*kn));
	kz = calloc(nz + 1, sizeof(*kz));
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)kn);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)kz);
	/* managed pages can move (balloons): read both until stable. */
	for (try = 0; try < READ_TRIES; try++) {
		ASSERT_EQ(nn, vas_kmod_nodes(fd, kn, nn));
		ASSERT_EQ(nz, vas_kmod_zones(fd, kz, nz));
		topo_free(&t);
		t.nr_zones = vas_read_zoneinfo(&t.zones);
		ASSERT_LT(0, t.nr_zones);
		if (t.nr_zones != nz)
			continue;
		for (i = 0; i < nz; i++)
			if (kz[i].managed != t.zones[i].managed)
				break;
		if (i == nz)
			break;
	}
	for (i = 0; i < MAX_NODES; i++)
		nonline += t.online[i];
	EXPECT_EQ(nonline, nn) TH_LOG("online nodes: sysfs vs module");
	ASSERT_EQ(t.nr_zones, nz) TH_LOG("zones: zoneinfo vs module");
	for (i = 0; i < nz; i++) {
		const struct vas_zone *z = &t.zones[i];

		EXPECT_EQ(z->node, kz[i].nid);
		EXPECT_STREQ(z->name, kz[i].name);
		EXPECT_EQ(z->spanned, kz[i].spanned)
			TH_LOG("node %d zone %s", z->node, z->name);
		EXPECT_EQ(z->present, kz[i].present)
			TH_LOG("node %d zone %s", z->node, z->name);
		EXPECT_EQ(z->managed, kz[i].managed)
			TH_LOG("node %d zone %s", z->node, z->name);
		if (populated(z)) {
			EXPECT_EQ(z->start_pfn, kz[i].start_pfn)
				TH_LOG("node %d zone %s", z->node, z->name);
		}
	}
	for (i = 0; i < nn; i++) {
		EXPECT_TRUE(kn[i].nid >= 0 && kn[i].nid < MAX_NODES &&
			    t.online[kn[i].nid]) TH_LOG("nid %d", kn[i].nid);
		if (kn[i].nid < 0 || kn[i].nid >= MAX_NODES)
			continue;
		present = 0;
		for (j = 0; j < t.nr_zones; j++)
			if (t.zones[j].node == kn[i].nid)
				present += t.zones[j].present;
		EXPECT_EQ(present, kn[i].present) TH_LOG("node %d", kn[i].nid);
		ksft_print_msg("vas-data: kmod_node id=%d start_pfn=%llu spanned=%llu present=%llu\n",
			       kn[i].nid, (unsigned long long)kn[i].start_pfn,
			       (unsigned long long)kn[i].spanned,
			       (unsigned long long)kn[i].present);
		if (!node_span(&t, kn[i].nid, &start, &end))
			continue;
		EXPECT_EQ(start, kn[i].start_pfn) TH_LOG("node %d", kn[i].nid);
		EXPECT_EQ(end - start, kn[i].spanned)
			TH_LOG("node %d", kn[i].nid);
	}
	free(kn);
	free(kz);
	topo_free(&t);
}

/* The first "System RAM" byte of /proc/iomem; 0 when hidden or absent. */
static unsigned long long first_system_ram(void)
{
	unsigned long long a, b, first = 0;
	char line[256];
	FILE *f = fopen("/proc/iomem", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (line[0] != ' ' && strstr(line, ": System RAM") &&
		    sscanf(line, "%llx-%llx", &a, &b) == 2) {
			first = a;
			break;
		}
	fclose(f);
	return first;
}

/*
 * Without firmware NUMA tables the kernel fakes one node over all of
 * memory and logs its range (x86: from 0 to the end of max_pfn). That
 * node's span must be the logged range: it ends exactly at the range's
 * end, and starts at the first RAM page (x86 keeps page 0 out of
 * memblock, so the node starts at /proc/iomem's first System RAM, not at
 * 0). With numa=fake=N the faked node is then split: the memory nodes
 * together span the range.
 */
TEST(fake_node_line_matches_span)
{
	unsigned long long a, b, start = 0, end = 0, s, e, ram;
	unsigned int shift = vas_page_shift();
	const char *why, *p;
	bool any = false;
	struct topo t;
	char *log;
	int len, node;

	why = topo_read(&t);
	if (why)
		SKIP(return, "%s", why);
	len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (len <= 0) {
		topo_free(&t);
		SKIP(return, SKIP_KLOG);
	}
	log = malloc(len + 1);
	ASSERT_NE((uintptr_t)NULL, (uintptr_t)log);
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, len);
	if (len < 0) {
		free(log);
		topo_free(&t);
		SKIP(return, SKIP_KLOG);
	}
	log[len] = '\0';
	p = strstr(log, "Faking a node at [mem ");
	if (!p || sscanf(p, "Faking a node at [mem %llx-%llx]", &a, &b) != 2) {
		/* The banner is the first line: gone means rotated out. */
		why = strstr(log, "Linux version") ? SKIP_NO_FAKING :
						     SKIP_KLOG_ROTATED;
		free(log);
		topo_free(&t);
		SKIP(return, "%s", why);
	}
	free(log);
	for (node = 0; node < MAX_NODES; node++) {
		if (!t.online[node] || !node_span(&t, node, &s, &e))
			continue;
		if (!any || s < start)
			start = s;
		if (!any || e > end)
			end = e;
		any = true;
	}
	ASSERT_TRUE(any);
	ksft_print_msg("vas-data: fake_node start=0x%llx end=0x%llx span_start_pfn=%llu span_end_pfn=%llu nodes=%d\n",
		       a, b, start, end, t.nr_memory);
	EXPECT_EQ(b + 1, end << shift) TH_LOG("end of the faked node");
	EXPECT_LE(a, start << shift) TH_LOG("start of the faked node");
	ram = first_system_ram();
	if (ram) {
		EXPECT_EQ((ram + (1ULL << shift) - 1) >> shift, start)
			TH_LOG("node start vs the first System RAM");
	} else {
		TH_LOG("/proc/iomem hidden: node start checked against the line only");
	}
	topo_free(&t);
}

/* ---- placement ---- */

struct area {
	char *base;		/* guard page, pages, guard page */
	char *p;
	size_t ps, n;
};

/*
 * n pages with THP off between two PROT_NONE guard pages, so that the
 * VMA (and its numa_maps line) is exactly these pages.
 */
static int area_map(struct area *a, size_t n)
{
	a->ps = vas_page_size();
	a->n = n;
	a->base = vas_map_anon_nothp((n + 2) * a->ps, PROT_READ | PROT_WRITE);
	if (!a->base)
		return -ENOMEM;
	a->p = a->base + a->ps;
	if (mprotect(a->base, a->ps, PROT_NONE) ||
	    mprotect(a->p + n * a->ps, a->ps, PROT_NONE))
		return -errno;
	return 0;
}

static void area_unmap(struct area *a)
{
	if (a->base)
		munmap(a->base, (a->n + 2) * a->ps);
	a->base = NULL;
}

static long do_mbind(struct area *a, int mode, const bool *nodes)
{
	unsigned long mask[MAX_NODES / (8 * sizeof(unsigned long))] = { 0 };
	int i;

	for (i = 0; i < MAX_NODES; i++)
		if (nodes[i])
			mask[i / (8 * sizeof(long))] |=
				1UL << (i % (8 * sizeof(long)));
	return mbind(a->p, a->n * a->ps, mode, mask, MAX_NODES, 0) ? -errno : 0;
}

/* Query every page's node with move_pages(nodes = NULL). */
static int query_nodes(struct area *a, int *status)
{
	void *pages[a->n];
	size_t i;

	for (i = 0; i < a->n; i++)
		pages[i] = a->p + i * a->ps;
	return move_pages(0, a->n, pages, NULL, status, 0) ? -errno : 0;
}

/*
 * The numa_maps line of the area: its policy word ("bind:1") and pages
 * per node (counts[MAX_NODES]); 0 or -errno.
 */
/* vas_lib candidate (numa_maps parser) */
static int read_numa_maps(struct area *a, char *policy, size_t len,
			  unsigned long *counts)
{
	char line[4096], *tok, *save, *end;
	unsigned long long start;
	unsigned long c;
	int node, ret = -ENOENT;
	FILE *f = fopen("/proc/self/numa_maps", "re");

	if (!f)
		return -errno;
	memset(counts, 0, MAX_NODES * sizeof(*counts));
	while (fgets(line, sizeof(line), f)) {
		start = strtoull(line, &end, 16);
		if (end == line || start != (uintptr_t)a->p)
			continue;
		strtok_r(line, "\n ", &save);
		tok = strtok_r(NULL, "\n ", &save);
		snprintf(policy, len, "%s", tok ? tok : "");
		while ((tok = strtok_r(NULL, "\n ", &save)))
			if (sscanf(tok, "N%d=%lu", &node, &c) == 2 &&
			    node >= 0 && node < MAX_NODES)
				counts[node] = c;
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* The memory nodes this task may use; their number. */
static int usable_nodes(const struct topo *t, bool *nodes)
{
	struct bitmask *allowed = numa_get_mems_allowed();
	int i, n = 0;

	for (i = 0; i < MAX_NODES; i++) {
		nodes[i] = t->memory[i] && allowed &&
			   i < (int)numa_bitmask_nbytes(allowed) * 8 &&
			   numa_bitmask_isbitset(allowed, i);
		n += nodes[i];
	}
	if (allowed)
		numa_bitmask_free(allowed);
	return n;
}

/* 0 or the skip reason for a placement test. */
static const char *placement_setup(struct topo *t, bool *nodes)
{
	const char *why = topo_read(t);

	if (why)
		return why;
	if (numa_available() < 0)
		return SKIP_NO_LIBNUMA;
	if (usable_nodes(t, nodes) < 2)
		return SKIP_ONE_NODE;
	return NULL;
}

/*
 * Every page of the area is on node: move_pages query, get_mempolicy of
 * the address and numa_maps all say so. Returns the number of
 * disagreements (each logged).
 */
static int check_all_on(struct __test_metadata *_metadata, struct area *a,
			int node, const char *policy_word)
{
	unsigned long counts[MAX_NODES];
	int status[a->n], got, bad = 0;
	char policy[128];
	size_t i;

	EXPECT_EQ(0, query_nodes(a, status));
	for (i = 0; i < a->n; i++) {
		EXPECT_EQ(node, status[i]) TH_LOG("move_pages: page %zu", i);
		bad += status[i] != node;
		got = -1;
		EXPECT_EQ(0, get_mempolicy(&got, NULL, 0, a->p + i * a->ps,
					   MPOL_F_NODE | MPOL_F_ADDR));
		EXPECT_EQ(node, got) TH_LOG("get_mempolicy: page %zu", i);
		bad += got != node;
	}
	EXPECT_EQ(0, read_numa_maps(a, policy, sizeof(policy), counts));
	if (policy_word) {
		EXPECT_STREQ(policy_word, policy) TH_LOG("numa_maps policy");
		bad += !!strcmp(policy_word, policy);
	}
	EXPECT_EQ(a->n, counts[node]) TH_LOG("numa_maps N%d=", node);
	bad += counts[node] != a->n;
	return bad;
}

/*
 * A single-node policy for each memory node in turn, then touch: every
 * page is on that node. numa_maps names the policy as mpol_to_str() in
 * mm/mempolicy.c does ("bind", "prefer").
 */
static void place_on_each_node(struct __test_metadata *_metadata, int mode,
			       const char *policy_word)
{
	bool nodes[MAX_NODES], one[MAX_NODES];
	char word[32];
	struct topo t;
	struct area a = { 0 };
	const char *why = placement_setup(&t, nodes);
	int node;

	if (why)
		SKIP(return, "%s", why);
	for (node = 0; node < MAX_NODES; node++) {
		if (!nodes[node])
			continue;
		memset(one, 0, sizeof(one));
		one[node] = true;
		ASSERT_EQ(0, area_map(&a, 16));
		ASSERT_EQ(0, do_mbind(&a, mode, one));
		vas_fill(a.p, a.n * a.ps, node, 0);
		snprintf(word, sizeof(word), "%s:%d", policy_word, node);
		check_all_on(_metadata, &a, node, word);
		area_unmap(&a);
	}
	topo_free(&t);
}

TEST(bind_places_pages_on_node)
{
	place_on_each_node(_metadata, MPOL_BIND, "bind");
}

/* With memory free on the preferred node, pages go there. */
TEST(preferred_places_pages_on_node)
{
	place_on_each_node(_metadata, MPOL_PREFERRED, "prefer");
}

/*
 * MPOL_INTERLEAVE over all usable memory nodes: pages are spread
 * evenly (counts differ by at most one), every page on one of them, and
 * move_pages, get_mempolicy and numa_maps agree page by page.
 */
TEST(interleave_spreads_evenly)
{
	unsigned long counts[MAX_NODES], mp[MAX_NODES] = { 0 };
	unsigned long lo = ~0UL, hi = 0;
	bool nodes[MAX_NODES];
	char word[600], list[512];
	struct topo t;
	struct area a = { 0 };
	const char *why = placement_setup(&t, nodes);
	int node, nr = 0, got;
	size_t i;

	if (why)
		SKIP(return, "%s", why);
	for (node = 0; node < MAX_NODES; node++)
		nr += nodes[node];
	/* Not a multiple of the node count: one node gets one more. */
	ASSERT_EQ(0, area_map(&a, 8 * nr + 1));
	ASSERT_EQ(0, do_mbind(&a, MPOL_INTERLEAVE, nodes));
	vas_fill(a.p, a.n * a.ps, 7, 0);
	{
		int status[a.n];

		ASSERT_EQ(0, query_nodes(&a, status));
		for (i = 0; i < a.n; i++) {
			ASSERT_TRUE(status[i] >= 0 && status[i] < MAX_NODES &&
				    nodes[status[i]])
				TH_LOG("page %zu on node %d", i, status[i]);
			mp[status[i]]++;
			got = -1;
			EXPECT_EQ(0, get_mempolicy(&got, NULL, 0,
						   a.p + i * a.ps,
						   MPOL_F_NODE | MPOL_F_ADDR));
			EXPECT_EQ(status[i], got) TH_LOG("page %zu", i);
		}
	}
	ASSERT_EQ(0, read_numa_maps(&a, word, sizeof(word), counts));
	snprintf(list, sizeof(list), "interleave:");
	format_list(nodes, MAX_NODES, list + strlen(list),
		    sizeof(list) - strlen(list));
	EXPECT_STREQ(list, word);
	for (node = 0; node < MAX_NODES; node++) {
		if (!nodes[node])
			continue;
		EXPECT_EQ(mp[node], counts[node])
			TH_LOG("node %d: move_pages vs numa_maps", node);
		if (mp[node] < lo)
			lo = mp[node];
		if (mp[node] > hi)
			hi = mp[node];
		ksft_print_msg("vas-data: interleave node=%d pages=%lu\n",
			       node, mp[node]);
	}
	EXPECT_GE(lo + 1, hi) TH_LOG("fewest %lu, most %lu pages", lo, hi);
	EXPECT_EQ(a.n * a.ps, vas_matching(a.p, a.n * a.ps, 7, 0));
	area_unmap(&a);
	topo_free(&t);
}

/* Move every page of an area to node; 0 or -errno, status per page. */
static int move_all(struct area *a, int node, int *status)
{
	void *pages[a->n];
	int target[a->n];
	size_t i;

	for (i = 0; i < a->n; i++) {
		pages[i] = a->p + i * a->ps;
		target[i] = node;
	}
	return move_pages(0, a->n, pages, target, status, MPOL_MF_MOVE) ?
	       -errno : 0;
}

/*
 * Pages bound to one node, filled, moved by move_pages to the next
 * memory node (and around the ring back home): each move reports the
 * target in status, the queries then place every page there, and the
 * data is intact after each move.
 */
TEST(move_pages_moves_and_keeps_data)
{
	bool nodes[MAX_NODES], one[MAX_NODES];
	int order[MAX_NODES], nr = 0, k, from, to;
	struct topo t;
	struct area a = { 0 };
	const char *why = placement_setup(&t, nodes);
	size_t i, len;

	if (why)
		SKIP(return, "%s", why);
	for (k = 0; k < MAX_NODES; k++)
		if (nodes[k])
			order[nr++] = k;
	memset(one, 0, sizeof(one));
	one[order[0]] = true;
	ASSERT_EQ(0, area_map(&a, 16));
	len = a.n * a.ps;
	ASSERT_EQ(0, do_mbind(&a, MPOL_BIND, one));
	vas_fill(a.p, len, 42, 0);
	ASSERT_EQ(0, check_all_on(_metadata, &a, order[0], NULL));
	for (k = 1; k <= nr; k++) {
		int status[a.n];

		from = order[k - 1];
		to = order[k % nr];
		ASSERT_EQ(0, move_all(&a, to, status))
			TH_LOG("move_pages %d -> %d", from, to);
		for (i = 0; i < a.n; i++) {
			EXPECT_EQ(to, status[i])
				TH_LOG("move %d -> %d: page %zu", from, to, i);
		}
		check_all_on(_metadata, &a, to, NULL);
		EXPECT_EQ(len, vas_matching(a.p, len, 42, 0))
			TH_LOG("data after the move %d -> %d", from, to);
	}
	area_unmap(&a);
	topo_free(&t);
}

/*
 * The module's page walk gives the node of each page: for each memory
 * node, bound pages are there; after move_pages to another node, they
 * are there; it agrees with move_pages page by page.
 */
TEST(module_page_node_matches_placement)
{
	bool nodes[MAX_NODES], one[MAX_NODES];
	int order[MAX_NODES], nr = 0, k, to, fd;
	const char *reason;
	struct topo t;
	struct area a = { 0 };
	const char *why = placement_setup(&t, nodes);
	size_t i;

	if (why)
		SKIP(return, "%s", why);
	fd = vas_kmod_open(&reason);
	if (fd < 0) {
		topo_free(&t);
		SKIP(return, "%s", reason);
	}
	for (k = 0; k < MAX_NODES; k++)
		if (nodes[k])
			order[nr++] = k;
	for (k = 0; k < nr; k++) {
		struct vas_probe_pte e[16];
		int status[16];

		memset(one, 0, sizeof(one));
		one[order[k]] = true;
		ASSERT_EQ(0, area_map(&a, ARRAY_SIZE(e)));
		ASSERT_EQ(0, do_mbind(&a, MPOL_BIND, one));
		vas_fill(a.p, a.n * a.ps, k, 0);
		ASSERT_EQ(0, vas_kmod_walk(fd, (uintptr_t)a.p, a.n, e));
		for (i = 0; i < a.n; i++) {
			EXPECT_TRUE(!!(e[i].flags & VAS_PROBE_PTE_PAGE));
			EXPECT_EQ(order[k], e[i].node)
				TH_LOG("bind: page %zu", i);
		}
		to = order[(k + 1) % nr];
		ASSERT_EQ(0, move_all(&a, to, status));
		ASSERT_EQ(0, vas_kmod_walk(fd, (uintptr_t)a.p, a.n, e));
		ASSERT_EQ(0, query_nodes(&a, status));
		for (i = 0; i < a.n; i++) {
			EXPECT_EQ(to, e[i].node) TH_LOG("moved: page %zu", i);
			EXPECT_EQ(status[i], e[i].node)
				TH_LOG("move_pages vs module: page %zu", i);
		}
		area_unmap(&a);
	}
	topo_free(&t);
}

#include "vas_main.h"
