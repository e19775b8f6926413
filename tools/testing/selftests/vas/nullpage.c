// SPDX-License-Identifier: GPL-2.0
/*
 * nullpage: the null trap page and vm.mmap_min_addr.
 *
 * The lowest pages of user space stay unmapped so that a kernel NULL
 * (or small-offset) dereference can never be steered by user data.
 * The facts checked here, from the kernel sources:
 *
 *  - security/min_addr.c: the sysctl vm.mmap_min_addr reads and writes
 *    dac_mmap_min_addr; a write needs CAP_SYS_RAWIO. The boundary the
 *    mmap code uses for hints and searches is the larger of it and
 *    CONFIG_LSM_MMAP_MIN_ADDR (when SELinux is built in).
 *  - security/commoncap.c cap_mmap_addr(): MAP_FIXED at an address
 *    below dac_mmap_min_addr needs CAP_SYS_RAWIO, else EPERM. The
 *    capability hook always runs first, so no LSM can change that errno.
 *  - security/selinux/hooks.c selinux_mmap_addr(): below
 *    CONFIG_LSM_MMAP_MIN_ADDR an enforcing SELinux also wants the
 *    memprotect mmap_zero permission, else EACCES, even at or above
 *    vm.mmap_min_addr. AppArmor, Smack and Landlock have no such hook.
 *  - mm/mmap.c round_hint_to_min(): a non-zero hint below the boundary
 *    is raised to PAGE_ALIGN(mmap_min_addr).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "../kselftest_harness.h"
#define VAS_PROBES
#include "vas_lib.h"

#define MIN_ADDR_SYSCTL		"vm.mmap_min_addr"

#define SKIP_MIN_UNREADABLE	"vm.mmap_min_addr unreadable"
#define SKIP_MIN_ZERO		"vm.mmap_min_addr is 0"
#define SKIP_MIN_ONE_PAGE	"vm.mmap_min_addr <= PAGE_SIZE"
#define SKIP_MIN_TOO_LOW	"vm.mmap_min_addr too low to lower"
#define SKIP_MIN_RO		"vm.mmap_min_addr not writable"
#define SKIP_RAWIO		"needs CAP_SYS_RAWIO"
#define SKIP_SELINUX		"SELinux denies mmap_zero"
#define SKIP_BUSY		"probe page already mapped"
#define SKIP_EXEC_RULE		"misaligned exec rule unknown on this arch"
#define SKIP_EMULATED_PC_ALIGN	"emulated CPU faults misaligned PC as translation"

/*
 * The sysctl and the page-aligned boundary it implies: the first page
 * an unprivileged MAP_FIXED may use. Negative errno when unreadable.
 */
static int read_boundary(size_t ps, unsigned long *min, uintptr_t *boundary)
{
	int ret = vas_sysctl_read_ul(MIN_ADDR_SYSCTL, min);

	if (ret)
		return ret;
	if (*min > UINTPTR_MAX - ps)
		return -ERANGE;
	*boundary = vas_align_up(*min, ps);
	return 0;
}

/* vas_lib candidate */
static bool selinux_enforcing(void)
{
	char buf[8];

	return vas_read_file("/sys/fs/selinux/enforce", buf, sizeof(buf)) > 0 &&
	       buf[0] == '1';
}

/*
 * The lowest address a user mapping may start at, FIRST_USER_ADDRESS:
 * two pages on 32-bit ARM (arch/arm/include/asm/pgtable.h, for CPUs
 * with the vectors at 0), 0 elsewhere (include/linux/pgtable.h). The
 * sysctl is never lowered below it.
 */
static uintptr_t first_user_address(size_t ps)
{
#if defined(__arm__)
	return 2 * ps;
#else
	(void)ps;
	return 0;
#endif
}

/*
 * What an instruction fetch at addr must raise, per the architecture's
 * branch rules. False when this architecture has no rule tabled here
 * for a misaligned target.
 */
static bool expected_fault(uintptr_t addr, enum vas_access how,
			   struct vas_fault *want)
{
	want->signo = SIGSEGV;
	want->code = SEGV_MAPERR;
	want->addr = addr;
	if (how != VAS_EXEC)
		return true;
#if defined(__x86_64__) || defined(__i386__)
	/* Instructions have no alignment: the fetch faults at addr. */
	return true;
#elif defined(__aarch64__)
	/*
	 * A misaligned PC takes a PC alignment fault before translation,
	 * with the PC in FAR_EL1: do_sp_pc_abort() in arch/arm64/mm/fault.c
	 * sends SIGBUS/BUS_ADRALN with that address.
	 */
	if (addr & 3) {
		want->signo = SIGBUS;
		want->code = BUS_ADRALN;
	}
	return true;
#elif defined(__arm__)
	/*
	 * The call is an interworking branch (BLX/BX): bit 0 selects the
	 * Thumb state and the fetch starts at addr with bit 0 clear.
	 */
	want->addr = addr & ~(uintptr_t)1;
	return true;
#else
	return !(addr & 3);
#endif
}

/* ---- faults in the null trap page and below the boundary ---- */

enum trap_addr { AT_ZERO, AT_ONE, AT_PAGE_END, AT_BELOW_MIN };

FIXTURE(null_trap) {
	size_t ps;
	int min_err;
	unsigned long min;
	uintptr_t boundary;
};

FIXTURE_VARIANT(null_trap) {
	enum trap_addr where;
	enum vas_access how;
};

FIXTURE_VARIANT_ADD(null_trap, zero_read) {
	.where = AT_ZERO, .how = VAS_READ,
};

FIXTURE_VARIANT_ADD(null_trap, zero_write) {
	.where = AT_ZERO, .how = VAS_WRITE,
};

FIXTURE_VARIANT_ADD(null_trap, zero_exec) {
	.where = AT_ZERO, .how = VAS_EXEC,
};

FIXTURE_VARIANT_ADD(null_trap, one_read) {
	.where = AT_ONE, .how = VAS_READ,
};

FIXTURE_VARIANT_ADD(null_trap, one_write) {
	.where = AT_ONE, .how = VAS_WRITE,
};

FIXTURE_VARIANT_ADD(null_trap, one_exec) {
	.where = AT_ONE, .how = VAS_EXEC,
};

FIXTURE_VARIANT_ADD(null_trap, page_end_read) {
	.where = AT_PAGE_END, .how = VAS_READ,
};

FIXTURE_VARIANT_ADD(null_trap, page_end_write) {
	.where = AT_PAGE_END, .how = VAS_WRITE,
};

FIXTURE_VARIANT_ADD(null_trap, page_end_exec) {
	.where = AT_PAGE_END, .how = VAS_EXEC,
};

FIXTURE_VARIANT_ADD(null_trap, below_min_read) {
	.where = AT_BELOW_MIN, .how = VAS_READ,
};

FIXTURE_VARIANT_ADD(null_trap, below_min_write) {
	.where = AT_BELOW_MIN, .how = VAS_WRITE,
};

FIXTURE_VARIANT_ADD(null_trap, below_min_exec) {
	.where = AT_BELOW_MIN, .how = VAS_EXEC,
};

FIXTURE_SETUP(null_trap)
{
	self->ps = vas_page_size();
	ASSERT_NE((size_t)0, self->ps) TH_LOG("sysconf and AT_PAGESZ disagree");
	self->min_err = read_boundary(self->ps, &self->min, &self->boundary);
}

FIXTURE_TEARDOWN(null_trap)
{
}

TEST_F(null_trap, access_raises_segv_maperr)
{
	struct vas_fault want, got;
	uintptr_t addr = 0;

	switch (variant->where) {
	case AT_ZERO:
		addr = 0;
		break;
	case AT_ONE:
		addr = 1;
		break;
	case AT_PAGE_END:
		addr = self->ps - 1;
		break;
	case AT_BELOW_MIN:
		if (self->min_err)
			SKIP(return, SKIP_MIN_UNREADABLE);
		/* The highest page below the boundary, one below the first mappable one. */
		if (self->boundary < 2 * self->ps)
			SKIP(return, SKIP_MIN_ONE_PAGE);
		addr = self->boundary - self->ps;
		break;
	}
	if (!expected_fault(addr, variant->how, &want))
		SKIP(return, SKIP_EXEC_RULE);

	got = vas_try_access(addr, variant->how);
	/*
	 * The Arm ARM ranks the PC alignment fault above the instruction
	 * abort of the fetch; QEMU's TCG (7.2) translates the page first
	 * and reports the translation fault. The QEMU runner says when
	 * the CPU is emulated.
	 */
	if (want.signo == SIGBUS && want.code == BUS_ADRALN &&
	    got.signo == SIGSEGV && got.code == SEGV_MAPERR &&
	    got.addr == addr && getenv("VAS_EMULATED_CPU"))
		SKIP(return, SKIP_EMULATED_PC_ALIGN);
	if (got.signo != want.signo || got.code != want.code ||
	    got.addr != want.addr) {
		TH_LOG("%s at %#lx: want signal %d %s si_addr %#lx",
		       vas_access_name(variant->how), (unsigned long)addr,
		       want.signo, vas_si_code_name(want.signo, want.code),
		       (unsigned long)want.addr);
		TH_LOG("%s at %#lx: got signal %d %s si_addr %#lx",
		       vas_access_name(variant->how), (unsigned long)addr,
		       got.signo, vas_si_code_name(got.signo, got.code),
		       (unsigned long)got.addr);
	}
	ASSERT_EQ(want.signo, got.signo);
	EXPECT_EQ(want.code, got.code);
	EXPECT_EQ(want.addr, got.addr);
}

TEST(null_function_pointer_call_raises_segv_maperr)
{
	struct vas_fault got = vas_try_call(NULL);

	if (got.signo != SIGSEGV || got.code != SEGV_MAPERR || got.addr)
		TH_LOG("call NULL: got sig %d %s si_addr %#lx", got.signo,
		       vas_si_code_name(got.signo, got.code),
		       (unsigned long)got.addr);
	ASSERT_EQ(SIGSEGV, got.signo);
	EXPECT_EQ(SEGV_MAPERR, got.code);
	EXPECT_EQ((uintptr_t)0, got.addr);
}

/* ---- nothing is mapped below the boundary by default ---- */

static void check_maps_above(struct __test_metadata *_metadata,
			     const struct vas_map *maps, int n,
			     unsigned long min, const char *who)
{
	int i;

	ASSERT_LT(0, n) TH_LOG("%s: no maps entries", who);
	for (i = 0; i < n; i++) {
		if (maps[i].start < min)
			TH_LOG("%s: %#lx-%#lx %s %s starts below mmap_min_addr %#lx",
			       who, (unsigned long)maps[i].start,
			       (unsigned long)maps[i].end, maps[i].perms,
			       maps[i].path, min);
		EXPECT_LE(min, maps[i].start);
	}
}

TEST(no_mapping_below_mmap_min_addr_in_self)
{
	struct vas_map *maps = NULL;
	unsigned long min;
	int n;

	if (vas_sysctl_read_ul(MIN_ADDR_SYSCTL, &min))
		SKIP(return, SKIP_MIN_UNREADABLE);
	if (!min)
		SKIP(return, SKIP_MIN_ZERO);
	n = vas_read_maps(0, &maps);
	ASSERT_LE(0, n) TH_LOG("reading /proc/self/maps: %s", strerror(-n));
	check_maps_above(_metadata, maps, n, min, "self");
	free(maps);
}

/* Probe mode: a freshly exec'ed copy of this program prints its maps. */
int vas_probe_main(int argc, char **argv)
{
	char line[512];
	FILE *f;

	if (argc != 1 || strcmp(argv[0], "maps"))
		return 2;
	f = fopen("/proc/self/maps", "re");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return fflush(stdout) ? 1 : 0;
}

TEST(no_mapping_below_mmap_min_addr_after_exec)
{
	static const char *const args[] = { "maps", NULL };
	const size_t len = 256 * VAS_KIB;
	struct vas_map *maps;
	char *out, *line, *save;
	unsigned long min;
	int n = 0, ret;

	if (vas_sysctl_read_ul(MIN_ADDR_SYSCTL, &min))
		SKIP(return, SKIP_MIN_UNREADABLE);
	if (!min)
		SKIP(return, SKIP_MIN_ZERO);
	out = malloc(len);
	ASSERT_FALSE(!out);
	ret = vas_exec_probe(out, len, -1, args);
	ASSERT_EQ(0, ret) TH_LOG("exec probe failed: %d", ret);
	ASSERT_GT(len - 1, strlen(out)) TH_LOG("probe output truncated");
	maps = calloc(len / 32, sizeof(*maps));
	ASSERT_FALSE(!maps);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		ASSERT_EQ(0, vas_parse_maps_line(line, &maps[n]))
			TH_LOG("bad maps line: %s", line);
		n++;
	}
	check_maps_above(_metadata, maps, n, min, "exec'ed child");
	free(maps);
	free(out);
}

/* ---- MAP_FIXED and hints at the boundary, seen by a child ---- */

#define MAX_PROBES	6

/* errno-like results that are not errnos */
#define PROBE_MAPPED	0	/* the mmap succeeded */
#define PROBE_OCCUPIED	(-1)	/* something was already mapped there */

struct probe {
	uintptr_t addr;
	bool hint;		/* plain hint instead of MAP_FIXED */
	int err;		/* errno, PROBE_MAPPED or PROBE_OCCUPIED */
	uintptr_t got;		/* address mmap returned */
};

/* Shared with the child that makes the calls: it must be MAP_SHARED. */
struct probe_set {
	size_t ps;
	bool rawio;		/* the child had CAP_SYS_RAWIO */
	bool touch_zero;	/* read back through a mapping at 0 */
	int zero_fault;		/* signal from that read, 0 when none */
	int n;
	struct probe p[MAX_PROBES];
};

static struct probe_set *probe_set_new(size_t ps)
{
	struct probe_set *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (s == MAP_FAILED)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->ps = ps;
	return s;
}

static void probe_add(struct probe_set *s, uintptr_t addr, bool hint)
{
	if (s->n < MAX_PROBES) {
		s->p[s->n].addr = addr;
		s->p[s->n].hint = hint;
		s->n++;
	}
}

/* Runs in the child: one mmap per probe, undone at once. */
static int run_probes(void *arg)
{
	struct probe_set *s = arg;
	struct probe *p;
	void *m;
	int i;

	s->rawio = vas_has_cap(CAP_SYS_RAWIO);
	for (i = 0; i < s->n; i++) {
		p = &s->p[i];
		/* MAP_FIXED would silently replace whatever is there. */
		if (!p->hint && !msync((void *)p->addr, s->ps, MS_ASYNC)) {
			p->err = PROBE_OCCUPIED;
			continue;
		}
		m = mmap((void *)p->addr, s->ps, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS |
			 (p->hint ? 0 : MAP_FIXED), -1, 0);
		if (m == MAP_FAILED) {
			p->err = errno;
			continue;
		}
		p->err = PROBE_MAPPED;
		p->got = (uintptr_t)m;
		if (!p->addr && !p->hint && s->touch_zero)
			s->zero_fault = vas_try_access(0, VAS_READ).signo;
		munmap(m, s->ps);
	}
	return 0;
}

static const char *probe_err_name(int err)
{
	if (err == PROBE_MAPPED)
		return "mapped";
	if (err == PROBE_OCCUPIED)
		return "already mapped";
	return strerror(err);
}

/*
 * Verdicts, ordered so that the worst of several is their maximum: a
 * SKIP (busy page, SELinux) must never hide a real failure, since SKIP
 * marks the test passed.
 */
enum verdict { PROBES_OK, PROBES_BUSY, PROBES_DENIED, PROBES_FAILED };

static enum verdict worst(enum verdict a, enum verdict b)
{
	return a > b ? a : b;
}

static bool probe_as_expected(const struct probe *p, int want,
			      uintptr_t boundary)
{
	if (p->hint)
		return p->err == PROBE_MAPPED && p->got >= boundary;
	if (p->err != want)
		return false;
	return want != PROBE_MAPPED || p->got == p->addr;
}

/*
 * Check what the probes saw against a boundary: MAP_FIXED below it
 * fails with EPERM without CAP_SYS_RAWIO, anything else maps exactly
 * where asked, and a hint below it is raised to at least it.
 * With nothing checked: PROBES_DENIED when the only mismatches are
 * mappings the DAC rule allows but an enforcing SELinux denied,
 * PROBES_BUSY when a page that should map was already in use.
 */
static enum verdict verify_probes(struct __test_metadata *_metadata,
				  const struct probe_set *s, uintptr_t boundary)
{
	int want[MAX_PROBES], failed = 0, denied = 0, busy = 0, i;
	const struct probe *p;

	for (i = 0; i < s->n; i++) {
		p = &s->p[i];
		want[i] = (p->addr < boundary && !s->rawio && !p->hint) ?
			  EPERM : PROBE_MAPPED;
		/*
		 * 32-bit ARM refuses MAP_FIXED below FIRST_USER_ADDRESS
		 * with EINVAL (arch_mmap_check() in arch/arm/include/uapi/
		 * asm/mman.h), in get_unmapped_area() before the
		 * mmap_min_addr check, whatever the capabilities.
		 */
		if (!p->hint && p->addr < first_user_address(s->ps))
			want[i] = EINVAL;
		if (probe_as_expected(p, want[i], boundary))
			continue;
		if (!p->hint && want[i] == PROBE_MAPPED && p->err == EACCES &&
		    selinux_enforcing())
			denied++;
		else if (want[i] == PROBE_MAPPED && p->err == PROBE_OCCUPIED)
			busy++;
		else
			failed++;
	}
	if (!failed)
		return denied ? PROBES_DENIED : busy ? PROBES_BUSY : PROBES_OK;

	for (i = 0; i < s->n; i++) {
		p = &s->p[i];
		if (p->hint) {
			if (p->err != PROBE_MAPPED || p->got < boundary)
				TH_LOG("hint %#lx below boundary %#lx: %s at %#lx",
				       (unsigned long)p->addr,
				       (unsigned long)boundary,
				       probe_err_name(p->err),
				       (unsigned long)p->got);
			EXPECT_EQ(PROBE_MAPPED, p->err);
			EXPECT_LE(boundary, p->got);
			continue;
		}
		if (p->err != want[i] ||
		    (want[i] == PROBE_MAPPED && p->got != p->addr))
			TH_LOG("MAP_FIXED at %#lx (boundary %#lx, %s): want %s, got %s at %#lx",
			       (unsigned long)p->addr, (unsigned long)boundary,
			       s->rawio ? "CAP_SYS_RAWIO" : "no CAP_SYS_RAWIO",
			       probe_err_name(want[i]), probe_err_name(p->err),
			       (unsigned long)p->got);
		EXPECT_EQ(want[i], p->err);
		if (want[i] == PROBE_MAPPED)
			EXPECT_EQ(p->addr, p->got);
	}
	return PROBES_FAILED;
}

/* Run the probes in a child, unprivileged or as is, and check them. */
static enum verdict check_probes(struct __test_metadata *_metadata,
				 struct probe_set *s, uintptr_t boundary,
				 bool unprivileged)
{
	int ret;

	ret = unprivileged ? vas_run_unprivileged(run_probes, s) :
			     vas_run_child(run_probes, s);
	ASSERT_EQ(0, ret) TH_LOG("probe child failed: %d", ret);
	/* The child holds CAP_SYS_RAWIO exactly when it should. */
	ASSERT_EQ(!unprivileged && vas_has_cap(CAP_SYS_RAWIO), s->rawio)
		TH_LOG("child CAP_SYS_RAWIO: %d", s->rawio);
	return verify_probes(_metadata, s, boundary);
}

/* The probes that pin a boundary: below it, at it, and a hint below it. */
static void probe_boundary(struct probe_set *s, uintptr_t boundary)
{
	size_t ps = s->ps;

	if (boundary >= ps) {
		probe_add(s, boundary - ps, false);
		if (boundary - ps)
			probe_add(s, boundary - ps, true);
	}
	if (boundary >= 2 * ps)
		probe_add(s, 0, false);
	probe_add(s, boundary, false);
}

TEST(mmap_hint_below_mmap_min_addr_is_raised)
{
	size_t ps = vas_page_size();
	struct probe_set *s;
	uintptr_t boundary;
	unsigned long min;

	ASSERT_NE((size_t)0, ps);
	if (read_boundary(ps, &min, &boundary))
		SKIP(return, SKIP_MIN_UNREADABLE);
	if (boundary < 2 * ps)
		SKIP(return, SKIP_MIN_ONE_PAGE);
	s = probe_set_new(ps);
	ASSERT_FALSE(!s);
	/* The lowest page and the last one below the boundary. */
	probe_add(s, ps, true);
	probe_add(s, boundary - ps, true);
	check_probes(_metadata, s, boundary, false);
	munmap(s, sizeof(*s));
}

TEST(unprivileged_map_fixed_eperm_below_ok_at_mmap_min_addr)
{
	size_t ps = vas_page_size();
	struct probe_set *s;
	uintptr_t boundary;
	unsigned long min;
	enum verdict v;

	ASSERT_NE((size_t)0, ps);
	if (read_boundary(ps, &min, &boundary))
		SKIP(return, SKIP_MIN_UNREADABLE);
	if (!min)
		SKIP(return, SKIP_MIN_ZERO);
	TH_LOG("mmap_min_addr %#lx, boundary page %#lx", min,
	       (unsigned long)boundary);
	s = probe_set_new(ps);
	ASSERT_FALSE(!s);
	probe_boundary(s, boundary);
	v = check_probes(_metadata, s, boundary, true);
	munmap(s, sizeof(*s));
	if (v == PROBES_DENIED)
		SKIP(return, SKIP_SELINUX);
	if (v == PROBES_BUSY)
		SKIP(return, SKIP_BUSY);
}

TEST(rawio_map_fixed_below_mmap_min_addr_allowed)
{
	size_t ps = vas_page_size();
	struct probe_set *s;
	uintptr_t boundary;
	unsigned long min;
	enum verdict v;

	ASSERT_NE((size_t)0, ps);
	if (!vas_has_cap(CAP_SYS_RAWIO))
		SKIP(return, SKIP_RAWIO);
	if (read_boundary(ps, &min, &boundary))
		SKIP(return, SKIP_MIN_UNREADABLE);
	if (!min)
		SKIP(return, SKIP_MIN_ZERO);
	s = probe_set_new(ps);
	ASSERT_FALSE(!s);
	s->touch_zero = true;
	probe_add(s, 0, false);
	if (boundary >= 2 * ps)
		probe_add(s, boundary - ps, false);
	v = check_probes(_metadata, s, boundary, false);
	/* A page mapped at 0 is ordinary memory: the trap was its absence. */
	if (v == PROBES_OK)
		EXPECT_EQ(0, s->zero_fault);
	munmap(s, sizeof(*s));
	if (v == PROBES_DENIED)
		SKIP(return, SKIP_SELINUX);
	if (v == PROBES_BUSY)
		SKIP(return, SKIP_BUSY);
}

/* ---- root: moving the boundary with the sysctl ---- */

struct move_ctx {
	size_t ps;
	unsigned long orig;
	uintptr_t orig_boundary;
	char orig_str[64];
};

/*
 * Common preconditions; returns a skip reason or NULL. A page size that
 * sysconf and AT_PAGESZ disagree on is a failure, not a skip.
 */
static const char *move_prepare(struct __test_metadata *_metadata,
				struct move_ctx *c)
{
	c->ps = vas_page_size();
	ASSERT_NE((size_t)0, c->ps) TH_LOG("sysconf page size %ld, AT_PAGESZ %lu",
					   sysconf(_SC_PAGESIZE),
					   getauxval(AT_PAGESZ));
	if (!vas_is_root())
		return VAS_SKIP_ROOT;
	if (!vas_has_cap(CAP_SYS_RAWIO))
		return SKIP_RAWIO;
	if (read_boundary(c->ps, &c->orig, &c->orig_boundary) ||
	    vas_sysctl_read(MIN_ADDR_SYSCTL, c->orig_str, sizeof(c->orig_str)))
		return SKIP_MIN_UNREADABLE;
	return NULL;
}

/*
 * Set the sysctl to val under the library's guard. Returns 0, 1 when
 * the write is refused (the caller SKIPs), or a negative errno.
 */
static int move_set(unsigned long val)
{
	char buf[32];
	int ret;

	snprintf(buf, sizeof(buf), "%lu", val);
	ret = vas_sysctl_set_guarded(MIN_ADDR_SYSCTL, buf);
	if (ret == -EPERM || ret == -EACCES || ret == -EROFS) {
		vas_sysctl_restore(MIN_ADDR_SYSCTL);
		return 1;
	}
	return ret;
}

/* Restore now and prove the value is back. */
static void move_restore(struct __test_metadata *_metadata,
			 const struct move_ctx *c)
{
	char now[64];
	int ret = vas_sysctl_restore(MIN_ADDR_SYSCTL);

	ASSERT_EQ(0, ret) TH_LOG("restoring vm.mmap_min_addr: %s",
				 strerror(-ret));
	ASSERT_EQ(0, vas_sysctl_read(MIN_ADDR_SYSCTL, now, sizeof(now)));
	ASSERT_STREQ(c->orig_str, now);
}

/*
 * Set the sysctl to val and let an unprivileged child probe the
 * boundary the value implies (plus the extra MAP_FIXED addresses). The
 * sysctl is back to its original value, and checked to be, before
 * anything the probes saw is checked. *refused when the write was.
 */
static enum verdict move_and_probe(struct __test_metadata *_metadata,
				   const struct move_ctx *c, unsigned long val,
				   const uintptr_t *extra, int n_extra,
				   bool *refused)
{
	uintptr_t boundary = vas_align_up(val, c->ps);
	struct probe_set *s = probe_set_new(c->ps);
	unsigned long seen = 0;
	enum verdict v;
	int ret, i;

	*refused = false;
	ASSERT_FALSE(!s);
	probe_boundary(s, boundary);
	for (i = 0; i < n_extra; i++)
		probe_add(s, extra[i], false);

	ret = move_set(val);
	if (ret == 1) {
		*refused = true;
		munmap(s, sizeof(*s));
		return PROBES_OK;
	}
	if (!ret)
		ret = vas_sysctl_read_ul(MIN_ADDR_SYSCTL, &seen);
	/* Children do the work: no early return can skip the restore. */
	if (!ret)
		ret = vas_run_unprivileged(run_probes, s);
	move_restore(_metadata, c);

	ASSERT_EQ(0, ret) TH_LOG("setting vm.mmap_min_addr to %#lx and probing: %d",
				 val, ret);
	ASSERT_EQ(val, seen);
	TH_LOG("vm.mmap_min_addr %#lx -> %#lx: boundary page %#lx",
	       c->orig, val, (unsigned long)boundary);
	ASSERT_FALSE(s->rawio) TH_LOG("child kept CAP_SYS_RAWIO");
	v = verify_probes(_metadata, s, boundary);
	munmap(s, sizeof(*s));
	return v;
}

TEST(root_lowering_mmap_min_addr_moves_boundary_down)
{
	struct move_ctx c;
	const char *why = move_prepare(_metadata, &c);
	struct probe_set *s;
	uintptr_t lowered;
	enum verdict v;
	bool refused;

	if (why)
		SKIP(return, "%s", why);
	if (!c.orig)
		SKIP(return, SKIP_MIN_ZERO);
	if (c.orig_boundary < c.ps + first_user_address(c.ps))
		SKIP(return, SKIP_MIN_TOO_LOW);
	lowered = c.orig_boundary - c.ps;

	/* Before: the page that is to become the boundary is refused. */
	s = probe_set_new(c.ps);
	ASSERT_FALSE(!s);
	probe_add(s, lowered, false);
	v = check_probes(_metadata, s, c.orig_boundary, true);
	munmap(s, sizeof(*s));
	if (v == PROBES_FAILED)
		return;

	/* After: it maps, and the page below it (if any) still does not. */
	v = move_and_probe(_metadata, &c, lowered, NULL, 0, &refused);
	if (refused)
		SKIP(return, SKIP_MIN_RO);
	if (v == PROBES_DENIED)
		SKIP(return, SKIP_SELINUX);
	if (v == PROBES_BUSY)
		SKIP(return, SKIP_BUSY);
}

TEST(root_raising_mmap_min_addr_moves_boundary_up)
{
	struct move_ctx c;
	const char *why = move_prepare(_metadata, &c);
	uintptr_t old[1];
	enum verdict v;
	bool refused;

	if (why)
		SKIP(return, "%s", why);
	/* The old boundary page, mappable before, is refused after. */
	old[0] = c.orig_boundary;
	v = move_and_probe(_metadata, &c, c.orig_boundary + 2 * c.ps, old, 1,
			   &refused);
	if (refused)
		SKIP(return, SKIP_MIN_RO);
	/* A value inside a page moves the boundary to the next page. */
	v = worst(v, move_and_probe(_metadata, &c, c.orig_boundary + c.ps + 1,
				    old, 1, &refused));
	if (v == PROBES_DENIED)
		SKIP(return, SKIP_SELINUX);
	if (v == PROBES_BUSY)
		SKIP(return, SKIP_BUSY);
}

#include "vas_main.h"
